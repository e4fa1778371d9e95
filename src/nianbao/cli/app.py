"""The ``nianbao`` command line: a thin front end over the library.

Library exceptions are turned into Chinese messages in one place (:func:`_fail`); every
command that reads files goes on with the next file when one is unusable and exits 2 at the
end.
"""

from __future__ import annotations

import codecs
import itertools
import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import click

from ..errors import NianbaoError
from ..readers.dispatch import iter_report_files
from ..report import SEVERITIES, Report
from ..version import __version__
from .parallel import Outcome, collect_less, parallel_outcomes, parse_outcome, worker_count
from .zh import install as _install_zh


def iter_inputs(paths: tuple[str, ...]) -> Iterator[str]:
    """Expand directories (recursively, sorted); files are yielded as given."""
    return iter_report_files(paths)


log = logging.getLogger("nianbao.cli")
_install_zh()  # click's Usage/Options/Error words in Chinese

INTERNAL_ERROR = (
    "本工具读取此文件时出错（内部错误，已记录）：这是本工具的局限，不一定是文件的问题。"
    "可换用其他格式（如 PDF、DOCX 或文本）再试，或把文件反馈给维护者；加 --debug 可查看详情。"
)


def _fail(source: str, exc: BaseException) -> None:
    if isinstance(exc, NianbaoError):
        msg = str(exc)
    else:  # a bug of ours: a plain Chinese message; the details go to the debug log
        log.debug("internal error on %s", source, exc_info=exc)
        msg = INTERNAL_ERROR
    click.echo(f"错误：{source}：{msg}", err=True)


def _parse_one(src: str) -> Report:
    """Parse one file within the per-file budget (NIANBAO_FILE_SECONDS/_MEMORY_MB)."""
    from ..api import parse as parse_report
    from ..budget import file_budget

    with file_budget():
        return parse_report(src, name=src)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nianbao")
@click.option(
    "--no-ocr",
    is_flag=True,
    help="扫描件（无文字层的 PDF）不做文字识别，直接报告无法读取。",
)
@click.option("--debug", is_flag=True, help="出错时输出调试信息（内部错误的详细情况）。")
@click.pass_context
def cli(ctx: click.Context, no_ocr: bool, debug: bool) -> None:
    """nianbao（年报）：读取、检查、撰写和比较政府信息公开工作年度报告。

    扫描件在安装了 [ocr] 扩展时自动做文字识别（离线），识别出的数值需人工核对。
    """
    if debug:
        logging.basicConfig(level=logging.DEBUG, format="%(levelname)s %(name)s: %(message)s")
    if no_ocr:
        from ..readers.ocr import use_ocr

        ctx.with_resource(use_ocr(False))


# ----------------------------------------------------------------------------- parse
@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl"]),
    default="table",
    show_default=True,
    help="table：按报告原样显示三张表；json/jsonl：每个文件一个对象。",
)
@click.option("--no-provenance", is_flag=True, help="JSON 中不输出每个数值的出处。")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    help="json/jsonl 输出时同时读取文件的进程数；0（默认）：本机可用的处理器核数。"
    "文件较少时只用一个进程。输出顺序不变。",
)
def parse(files: tuple[str, ...], fmt: str, no_provenance: bool, jobs: int) -> None:
    """读取年度报告（文本、HTML、DOCX、PDF、旧版 Word 与 RTF、扫描图片，或目录），输出标准结构。

    Example:

        nianbao parse examples/reports/qinglan-2024.txt

        nianbao parse --format jsonl reports/
    """
    provenance = not no_provenance
    if fmt == "table":
        bad = _parse_table(files)
    else:
        bad = 0
        docs = []
        utf8 = _utf8_stdout()
        for out in _outcomes(files, fmt, provenance, jobs):
            if out.error is not None:
                _fail_outcome(out)
                bad += 1
                continue
            if out.no_tables:
                _no_tables(out.source)
            if out.line is not None:
                # a JSON line holds no terminal codes (json escapes control characters):
                # color=True spares click searching each line for codes to strip when the
                # output is not a terminal; its UTF-8 goes out as it is
                click.echo(out.line if utf8 else out.line.decode("utf-8"), color=True)
            else:
                docs.append(out.data)
        if fmt == "json":
            single = len(docs) == 1 and len(files) == 1 and not Path(files[0]).is_dir()
            click.echo(json.dumps(docs[0] if single else docs, ensure_ascii=False, indent=1))
    if bad:
        sys.exit(2)


def _utf8_stdout() -> bool:
    """Whether standard output writes text as UTF-8 (a JSON line's bytes then go out as
    they are; else as text, in the output's own encoding)."""
    encoding = getattr(sys.stdout, "encoding", None) or ""
    try:
        return codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


_PARALLEL_FROM = 16  # files: fewer are read in this process (starting workers costs more)


def _outcomes(files: tuple[str, ...], fmt: str, provenance: bool, jobs: int) -> Iterator[Outcome]:
    """Every input's Outcome in order: in worker processes when there are enough files
    and more than one core (or ``--jobs``), else here."""
    srcs = iter_inputs(files)
    head = list(itertools.islice(srcs, _PARALLEL_FROM))
    workers = worker_count(jobs)
    if workers > 1 and len(head) >= _PARALLEL_FROM:
        ocr = not click.get_current_context().find_root().params.get("no_ocr")
        yield from parallel_outcomes(
            itertools.chain(head, srcs), fmt, provenance, workers=workers, ocr=ocr
        )
        return
    for n, src in enumerate(itertools.chain(head, srcs)):
        if n == 1 and _OWN_PROCESS[0]:  # the first file made the imports its format needs
            collect_less()
        yield parse_outcome(src, fmt, provenance, _parse_one)


def _fail_outcome(out: Outcome) -> None:
    """``_fail`` for an Outcome (an error from a worker process: its traceback is text)."""
    if out.internal:
        log.debug("internal error on %s\n%s", out.source, out.detail)
        msg = INTERNAL_ERROR
    else:
        msg = out.error or ""
    click.echo(f"错误：{out.source}：{msg}", err=True)


def _no_tables(src: str) -> None:
    # a report is never refused for lacking tables: it is emitted with its findings, and
    # the user is told on stderr
    click.echo(
        f"注意：{src}：没有读到任何统计表（主动公开、依申请公开、行政复议诉讼），"
        "已输出报告的其他内容和检查结果。如果是扫描件或图片，请先进行文字识别。",
        err=True,
    )


def _parse_table(files: tuple[str, ...]) -> int:
    """``parse --format table``: the three tables of each report on the terminal; returns
    the number of unusable files."""
    from .render import print_report

    bad = 0
    for src in iter_inputs(files):
        try:
            rep = _parse_one(src)
        except Exception as e:  # noqa: BLE001 — one bad file does not stop the others
            _fail(src, e)
            bad += 1
            continue
        rep.source = src
        if not rep.values and rep.meta.get("format") != "legacy":
            _no_tables(src)
        print_report(rep)
    return bad


# ----------------------------------------------------------------------------- check
@cli.command()
@click.argument("files", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "jsonl"]),
    default="text",
    show_default=True,
)
@click.option(
    "--min-severity",
    type=click.Choice(list(SEVERITIES)),
    default="info",
    show_default=True,
    help="只显示不低于此级别的问题。",
)
@click.option(
    "--db",
    default=None,
    help="不给文件时：对数据库（如 sqlite:///nianbao.db；默认 NIANBAO_DB 或 ./nianbao.db）"
    "中的报告重新做跨年度检查。",
)
@click.option("--agency", default=None, help="与 --db 一起用：只检查此机关。")
@click.option("--year", type=int, multiple=True, help="与 --db 一起用：只检查这些年度。")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    help="同时读取文件的进程数；0（默认）：本机可用的处理器核数。文件较少时只用一个进程。"
    "输出顺序不变。",
)
def check(
    files: tuple[str, ...],
    fmt: str,
    min_severity: str,
    db: str | None,
    agency: str | None,
    year: tuple[int, ...],
    jobs: int,
) -> None:
    """检查年度报告：勾稽关系、缺项、格式、正文与表格是否一致、发布日期等。

    退出码：0 无错误；1 有报告存在错误；2 有文件无法读取。

    Example:

        nianbao check examples/reports/qinglan-caizheng-2024.txt

        nianbao check --db sqlite:///nianbao.db --year 2024
    """
    if not files:
        if db is None and agency is None and not year:
            raise click.UsageError("请给出要检查的文件或目录，或用 --db 检查数据库中的报告。")
        from .store import check_store

        click.get_current_context().invoke(check_store, agency=agency, year=year, db=db)
        return
    floor = SEVERITIES.index(min_severity)
    bad = 0
    any_error = False
    docs = []
    n_files = n_with_errors = 0
    totals = {s: 0 for s in SEVERITIES}
    skipped_all: dict[tuple[str, str], int] = {}  # (rule, why) -> files
    for out in _outcomes(files, "check", False, jobs):
        if out.error is not None or out.report is None:
            _fail_outcome(out)
            bad += 1
            continue
        rep, src = out.report, out.source
        findings = [f for f in rep.findings if SEVERITIES.index(f.severity) >= floor]
        n_files += 1
        for f in rep.findings:
            totals[f.severity] = totals.get(f.severity, 0) + 1
        if any(f.severity == "error" for f in rep.findings):
            any_error = True
            n_with_errors += 1
        skipped = out.skipped or {}
        for item in skipped.items():
            skipped_all[item] = skipped_all.get(item, 0) + 1
        obj = {
            "source": src,
            "meta": rep.meta,
            "findings": [f.to_dict() for f in findings],
            "skipped": skipped,
        }
        if fmt == "jsonl":
            click.echo(json.dumps(obj, ensure_ascii=False))
        elif fmt == "json":
            docs.append(obj)
        else:
            from .render import print_findings

            print_findings(rep, findings, skipped=None)  # the skipped rules: once, below
    if fmt == "json":
        click.echo(json.dumps(docs, ensure_ascii=False, indent=1))
    if fmt == "text":
        _check_summary(n_files, n_with_errors, bad, totals, skipped_all)
    if bad:
        sys.exit(2)
    if any_error:
        sys.exit(1)


def _check_summary(
    n_files: int,
    n_with_errors: int,
    bad: int,
    totals: dict[str, int],
    skipped: dict[tuple[str, str], int],
) -> None:
    """The end of ``check``'s text output: the rules that did not run (once), and a
    summary of the files checked."""
    if skipped:
        by_reason: dict[tuple[str, int], list[str]] = {}
        for (rid, why), n in skipped.items():
            by_reason.setdefault((why, n), []).append(rid)
        notes = "；".join(
            f"{'、'.join(rids)}（{why}{'' if n == n_files else f'，{n} 个文件'}）"
            for (why, n), rids in by_reason.items()
        )
        click.echo(f"未执行的检查：{notes}")
    click.echo(
        f"共检查 {n_files + bad} 个文件：可读取 {n_files} 个，其中有错误的 {n_with_errors} 个；"
        f"无法读取 {bad} 个。问题合计：错误 {totals.get('error', 0)}，"
        f"警告 {totals.get('warning', 0)}，提示 {totals.get('info', 0)}。"
    )


def _skipped(rep: Report) -> dict[str, str]:
    """Rules that did not run on this report and why (the extraction rules always "run")."""
    try:
        from ..checks.engine import EXTRACTION_RULES, skipped
    except ImportError:
        return {}
    return {k: v for k, v in skipped(rep).items() if k not in EXTRACTION_RULES}


def _add_optional_commands() -> None:
    """Commands that live in their own modules (writer, store, web) join the group when their
    module imports (their dependencies are extras)."""
    import importlib

    for mod in (
        "nianbao.cli.write",
        "nianbao.cli.store",
        "nianbao.cli.campaign",
        "nianbao.cli.web",
        "nianbao.cli.collect",
    ):
        try:
            m = importlib.import_module(mod)
        except ImportError:
            continue
        commands = [o for o in vars(m).values() if isinstance(o, click.Command)]
        nested = {
            id(sub) for g in commands if isinstance(g, click.Group) for sub in g.commands.values()
        }
        for obj in commands:
            if id(obj) not in nested and obj.name and obj.name not in cli.commands:
                cli.add_command(obj)


_add_optional_commands()


# set by main(): the command runs in a process of its own (not inside a caller's, as a test's
# CliRunner runs it), whose garbage collection it may tune (``collect_less``)
_OWN_PROCESS = [False]


def main() -> None:
    import signal

    _OWN_PROCESS[0] = True

    def stop(signum: int, frame: object) -> None:
        # a stop (kill, timeout, a supervisor) ends the command as an exit does: what is
        # running cleans up (a LibreOffice conversion is killed, temporary files removed)
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    cli()
