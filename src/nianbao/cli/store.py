"""Click commands of the corpus store: ``ingest``, ``list``, ``show``, ``compare``,
``coverage``, ``export``, ``agencies`` (``list``, ``alias A B``), ``review`` and
``check-store`` (group J on demand; ``run_store_check`` is what ``check --db`` calls).

Standalone commands; the lead adds them to the main group with ``cli.add_command``.
``agencies``, ``review`` and ``check-store`` live in ``cli.review`` and are re-exported
here (the main group finds its commands in this module); the shared helpers are in
``cli.common``. All output is Chinese; the work is in ``nianbao.store``.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any

import click
from rich.table import Table

from ..store.display import KIND_ZH, LAYOUT_ZH
from .common import (
    _console,
    _errors,
    _findings_table,
    _fmt,
    _open,
    _value_text,
    db_option,
)
from .review import agencies, check_store, review, run_store_check

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = [
    "ingest",
    "list_cmd",
    "show",
    "compare",
    "coverage_cmd",
    "export",
    "agencies",
    "review",
    "check_store",
    "run_store_check",
    "STORE_COMMANDS",
]


# ------------------------------------------------------------------ ingest
@click.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@db_option
@click.option(
    "--workers",
    "-j",
    type=int,
    default=None,
    help="解析进程数（默认为 CPU 核数；0 表示在本进程内解析）。",
)
@click.option(
    "--dask",
    "dask_address",
    default=None,
    metavar="ADDRESS",
    help=(
        "在 Dask 集群上解析并入库（需安装 dask 扩展，数据库须为 PostgreSQL）："
        "调度器地址如 tcp://scheduler:8786，或 local 表示在本机启动集群（进程数为 --workers）。"
    ),
)
def ingest(
    paths: tuple[str, ...], db: str | None, workers: int | None, dask_address: str | None
) -> None:
    """把报告文件（或目录，递归）解析后存入数据库。

    同一内容不会重复入库；解析程序升级后会重新解析，并保留审核人员对未变化问题的处理意见。

    Example: nianbao ingest reports/ --db corpus.db --workers 2
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from ..store.ingest import collect_files, ingest_files

    console = _console(err=True)
    with _errors():
        files = collect_files(paths)
        engine = _open(db, create=True)
        counts = {"stored": 0, "updated": 0, "unchanged": 0, "unusable": 0, "failed": 0}
        start = time.perf_counter()
        with Progress(
            TextColumn("[bold]入库[/bold]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("剩余"),
            TimeRemainingColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("ingest", total=len(files), counts="", rate="")

            def on_file(_path: str, status: str) -> None:
                counts[status] = counts.get(status, 0) + 1
                done = sum(counts.values())
                rate = done / max(time.perf_counter() - start, 1e-9)
                progress.update(
                    task,
                    advance=1,
                    counts=(
                        f"新 {counts['stored']} 更新 {counts['updated']} 未变 {counts['unchanged']} "
                        f"无法使用 {counts['unusable']} 出错 {counts['failed']}"
                    ),
                    rate=f"{rate:.1f} 份/秒",
                )

            if dask_address:
                summary = _ingest_dask(files, engine, dask_address, workers, on_file)
            else:
                summary = ingest_files(files, engine, workers=workers, on_file=on_file)
        unknown = _unknown_count(engine)
        engine.dispose()
    out = _console()
    for line in summary.lines():
        out.print(line)
    if unknown:
        out.print(
            f"库中有报告、但不在应报机关名单中的机关 {unknown} 个：用 nianbao roster unknown 查看，"
            "用 nianbao roster alias 归入名单中的机关。"
        )
    if summary.failed or summary.unusable:
        sys.exit(2)  # as every command that reads files: the rest went on, exit 2 at the end


def _ingest_dask(
    files: list[Any], engine: Any, address: str, workers: int | None, on_file: Any
) -> Any:
    """``ingest --dask``: the files parsed and stored by the cluster's workers."""
    if engine.dialect.name != "postgresql":
        raise click.UsageError(
            "--dask 需要各节点共用的 PostgreSQL 数据库（--db postgresql://…），不支持 SQLite 文件。"
        )
    try:
        import dask.distributed  # noqa: F401
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise click.UsageError("--dask 需要 dask 扩展：pip install 'nianbao[dask]'") from exc
    from ..store.distributed import ingest_dask

    url = engine.url.render_as_string(hide_password=False)
    return ingest_dask(files, url, address, workers=workers, on_file=on_file)


def _unknown_count(engine: Engine) -> int:
    """Agencies with reports that are off the roster (0 when there is no roster)."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from ..store.models import RosterEntry
    from ..store.roster import unknown_agencies

    with Session(engine) as s:
        if not s.scalar(select(func.count()).select_from(RosterEntry)):
            return 0
        return len(unknown_agencies(s))


# ------------------------------------------------------------------ list / show
@click.command("list")
@click.option(
    "--agency", "-a", default=None, help="机关名称（按标准化名称和别名匹配，或名称包含）。"
)
@click.option("--year", "-y", type=int, multiple=True, help="年度（可重复）。")
@click.option("--has-errors", is_flag=True, help="只列出有错误级问题的报告。")
@db_option
def list_cmd(agency: str | None, year: tuple[int, ...], has_errors: bool, db: str | None) -> None:
    """列出库中的报告。

    Example: nianbao list --agency 青岚县人民政府 --has-errors
    """
    from sqlalchemy.orm import Session

    from ..store.queries import list_reports

    with _errors():
        engine = _open(db)
        with Session(engine) as s:
            rows = list_reports(s, agency, year or None, has_errors)
    console = _console()
    if not rows:
        console.print("没有符合条件的报告。")
        return
    t = Table(title=f"报告列表（{len(rows)} 份）")
    for h in ("编号", "机关", "年度", "格式", "错误", "警告", "提示", "文件", "解析版本"):
        t.add_column(h)
    for r in rows:
        t.add_row(
            str(r.id),
            r.agency or "（未识别）",
            _fmt(r.year),
            LAYOUT_ZH.get(r.layout, r.layout),
            f"[bold red]{r.n_errors}[/]" if r.n_errors else "0",
            str(r.n_warnings),
            str(r.n_infos),
            r.file_name,
            r.parser_version,
        )
    console.print(t)


@click.command("show")
@click.argument("agency")
@click.argument("year", type=int)
@click.option("--values/--no-values", default=True, show_default=True, help="是否显示全部数值。")
@db_option
def show(agency: str, year: int, values: bool, db: str | None) -> None:
    """显示某机关某年度的报告：数值与问题。

    Example: nianbao show 青岚县人民政府 2024
    """
    from sqlalchemy.orm import Session

    from ..store.queries import find_report, report_findings, report_values

    console = _console()
    with _errors():
        engine = _open(db)
        with Session(engine) as s:
            row = find_report(s, agency, year)
            if row is None:
                raise click.ClickException(f"库中没有“{agency}”{year}年度的报告。")
            vals = report_values(s, row.id) if values else []
            found = report_findings(s, row.id)
    console.print(f"[bold]{row.title or row.agency}[/bold]")
    console.print(
        f"机关：{row.agency}　年度：{row.year}　格式：{LAYOUT_ZH.get(row.layout, row.layout)}　"
        f"发布日期：{row.published or '未知'}　文件：{row.file_name}　解析版本：{row.parser_version}"
    )
    console.print(f"问题：错误 {row.n_errors}，警告 {row.n_warnings}，提示 {row.n_infos}")
    if vals:
        t = Table(title="数值")
        t.add_column("字段")
        t.add_column("项目")
        t.add_column("数值", justify="right")
        for v in vals:
            t.add_row(v.field_id, v.label, _value_text(v.value, v.raw))
        console.print(t)
    if found:
        console.print(_findings_table(found, "问题"))
    else:
        console.print("没有发现问题。")


@click.command("compare")
@click.argument("agency")
@click.argument("year1", type=int)
@click.argument("year2", type=int)
@click.option("--changed-only", is_flag=True, help="只显示有变化的项目。")
@db_option
def compare(agency: str, year1: int, year2: int, changed_only: bool, db: str | None) -> None:
    """并排比较同一机关两个年度的数值，并列出跨年度检查的问题。

    Example: nianbao compare 青岚县人民政府 2023 2024
    """
    from sqlalchemy.orm import Session

    from ..store.queries import compare_reports

    console = _console()
    with _errors():
        engine = _open(db)
        with Session(engine) as s:
            cmp = compare_reports(s, agency, year1, year2, changed_only)
            if cmp is None:
                raise click.ClickException(f"库中缺少“{agency}”{year1}年度或{year2}年度的报告。")
            cross = list(cmp.cross_findings)
    changed = sum(1 for r in cmp.rows if r.changed)
    console.print(
        f"[bold]{cmp.first.agency}（{year1}） 与 {cmp.second.agency}（{year2}）[/bold]　"
        f"共 {len(cmp.rows)} 项，其中有变化 {changed} 项"
    )
    t = Table(title="数值对比")
    t.add_column("项目")
    t.add_column(f"{year1}年", justify="right")
    t.add_column(f"{year2}年", justify="right")
    t.add_column("变化", justify="right")
    for r in cmp.rows:
        if r.changed:
            d = r.delta
            change = (
                f"[bold]{'+' if d is not None and d > 0 else ''}{_fmt(d)}[/]"
                if d is not None
                else "[bold]有变化[/]"
            )
        else:
            change = ""
        t.add_row(
            r.label,
            _value_text(r.first, None, r.first_present),
            _value_text(r.second, None, r.second_present),
            change,
        )
    console.print(t)
    if abs(year1 - year2) != 1:
        console.print("跨年度检查只比较相邻年度（本年与上一年）。")
    elif cross:
        console.print(_findings_table(cross, "跨年度检查发现的问题"))
    else:
        console.print("跨年度检查未发现问题。")


@click.command("coverage")
@click.option("--year", "-y", type=int, required=True, help="要查看的年度。")
@click.option("--region", "-r", default=None, help="只看此地区（名单的“地区”列，或名称含此地区）。")
@click.option(
    "--township-deadline",
    default=None,
    metavar="月-日",
    help="乡镇街道报告的发布时限（各地规定不同），如 03-31；默认读环境变量 "
    "NIANBAO_TOWNSHIP_DEADLINE，未设置则不判断乡镇街道是否逾期。",
)
@db_option
def coverage_cmd(
    year: int, region: str | None, township_deadline: str | None, db: str | None
) -> None:
    """该年度应报、已收录、按时、逾期、未收录、未发布的机关。

    导入了名单（nianbao roster import）时按名单逐个列出：部门应于次年1月31日前、
    人民政府应于次年3月31日前发布（条例第四十九条），以报告或其网页的发布日期为准，
    没有日期的以收到日期为准。库中没有该机关该年度的报告为“未收录”；
    已核实未发布的（nianbao roster unpublished）为“未发布”。
    没有名单时，列出库中已知、但该年度没有报告的机关。

    Example: nianbao coverage --year 2024 --region 青岚县
    """
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from ..store.display import COVERAGE_ZH
    from ..store.models import RosterEntry
    from ..store.queries import coverage
    from ..store.roster import expected_coverage, parse_month_day

    console = _console()
    with _errors():
        township = parse_month_day(township_deadline)
        engine = _open(db)
        with Session(engine) as s:
            has_roster = bool(s.scalar(select(func.count()).select_from(RosterEntry)))
            if has_roster:
                cov = expected_coverage(s, year, region, township)
            else:
                missing, present = coverage(s, year, region)
    if not has_roster:
        console.print(
            f"{year}年度：已有报告的机关 {present} 个，库中未收录该年度报告的机关 {len(missing)} 个。"
            "（未导入名单：只能列出库中已知的机关；nianbao roster import 导入名单后按名单统计。）"
        )
        if missing:
            t = Table(title=f"{year}年度未收录报告的机关")
            for h in ("机关", "类型", "已有报告的年度"):
                t.add_column(h)
            for m in missing:
                t.add_row(m.agency, KIND_ZH.get(m.kind, m.kind), "、".join(str(y) for y in m.years))
            console.print(t)
        return
    console.print(
        f"{year}年度{('（' + region + '）') if region else ''}：应报 {cov.expected} 个，"
        f"已收录 {cov.received} 个（按时 {cov.count('on_time')}，逾期 {cov.count('late')}，"
        f"无法定时限 {cov.count('no_deadline')}），未收录 {cov.count('missing')} 个，"
        f"未发布 {cov.count('unpublished')} 个。"
    )
    t = Table(title=f"{year}年度报告收录情况")
    for h in ("机关", "地区", "类型", "时限", "状态", "发布日期", "日期来源", "错误", "报告编号"):
        t.add_column(h, overflow="fold")
    order = {"missing": 0, "unpublished": 1, "late": 2, "no_deadline": 3, "on_time": 4}
    for ln in sorted(cov.lines, key=lambda x: (order[x.status], x.region, x.agency)):
        status = COVERAGE_ZH[ln.status] + (f"（逾期 {ln.days_late} 天）" if ln.days_late else "")
        t.add_row(
            ln.agency,
            ln.region,
            KIND_ZH.get(ln.kind, ln.kind),
            ln.deadline.isoformat() if ln.deadline else "—",
            status,
            ln.published.isoformat() if ln.published else "—",
            ln.date_source_zh or "—",
            str(ln.n_errors) if ln.report_id else "—",
            str(ln.report_id or "—"),
        )
    console.print(t)


# ------------------------------------------------------------------ export
@click.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "parquet", "jsonl"]),
    default="csv",
    show_default=True,
)
@click.option(
    "--wide/--long",
    default=True,
    show_default=True,
    help="宽表（每份报告一行）或长表（每个数值一行）。",
)
@click.option(
    "--headers",
    type=click.Choice(["id", "zh"]),
    default=None,
    help="列名：字段编号或中文（xlsx 默认中文）。",
)
@click.option("--findings", is_flag=True, help="导出问题清单，而不是数值。")
@click.option(
    "--all-columns",
    is_flag=True,
    help="宽表保留 2019 年格式的列，即使没有报告填写（默认只在有数值时列出）。",
)
@click.option("--agency", "-a", default=None)
@click.option("--year", "-y", type=int, multiple=True)
@click.option("--has-errors", is_flag=True)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="输出文件（默认 nianbao-export.<格式>）。",
)
@db_option
def export(
    fmt: str,
    wide: bool,
    headers: str | None,
    findings: bool,
    all_columns: bool,
    agency: str | None,
    year: tuple[int, ...],
    has_errors: bool,
    output: str | None,
    db: str | None,
) -> None:
    """导出库中的报告数值或问题清单（csv、xlsx、parquet、jsonl）。

    Example: nianbao export --format xlsx --headers zh --year 2024 -o 2024.xlsx
    """
    from ..store.export import export_findings, export_reports

    headers = headers or ("zh" if fmt == "xlsx" else "id")
    kind = "findings" if findings else ("wide" if wide else "long")
    target = output or f"nianbao-{kind}.{fmt}"
    start = time.perf_counter()
    with _errors():
        engine = _open(db)
        if findings:
            n = export_findings(engine, target, fmt, headers, agency, year or None, has_errors)
        else:
            n = export_reports(
                engine,
                target,
                fmt,
                "wide" if wide else "long",
                headers,
                agency,
                year or None,
                has_errors,
                all_columns,
            )
        engine.dispose()
    what = {"findings": "条问题", "wide": "份报告", "long": "个数值"}[kind]
    _console().print(f"已导出 {n} {what}到 {target}（用时 {time.perf_counter() - start:.1f} 秒）。")


STORE_COMMANDS = (
    ingest,
    list_cmd,
    show,
    compare,
    coverage_cmd,
    export,
    agencies,
    review,
    check_store,
)
