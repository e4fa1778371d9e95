"""Click commands ``write`` (figures -> a report in the national format) and ``template``
(the figures template to fill in). Thin: the work is in figures.py, writer.py, template.py;
the lead adds both to the main group with ``cli.add_command``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import InvalidFigures, NianbaoError
from ..report import Finding, Report
from ..writing.figures import load_figures
from ..writing.writer import STYLES, render, write_report

__all__ = ["write", "template", "FIGURE_RULE_GROUPS", "figure_findings", "format_finding"]

# Groups of rules.md that need only the figures: B values, C–E arithmetic.
FIGURE_RULE_GROUPS: frozenset[str] = frozenset({"B", "C", "D", "E"})
_SEVERITY_WORDS = {"error": "错误", "warning": "警告", "info": "提示"}
_FORMAT_STYLE = {"md": "md", "txt": "tab", "html": "html", "docx": "docx", "pdf": "pdf"}
_STYLE_FORMAT = {
    "md": "md",
    "tab": "txt",
    "lines": "txt",
    "pipe": "txt",
    "pipe-split": "txt",
    "html": "html",
    "html-gbk": "html",
    "docx": "docx",
    "docx-lo": "docx",
    "pdf": "pdf",
}
_TEXT_FILES = ("preamble", "s1", "s2", "s3", "s4", "s5", "s6", "closing")


def figure_findings(report: Report) -> list[Finding] | None:
    """Findings of the rules that need only the figures (value and arithmetic rules), or
    None when the rule engine is not available."""
    try:
        from ..checks.engine import RULES, run_checks
    except ImportError:
        return None
    ids = [r.id for r in RULES.values() if r.group in FIGURE_RULE_GROUPS and not r.extraction]
    return run_checks(report, rules=ids)


def format_finding(f: Finding) -> str:
    """One finding as a line of Chinese text: ``[错误] R-BALANCE 勾稽关系：…``."""
    title = ""
    try:
        from ..checks.engine import RULES, base_id

        reg = RULES.get(base_id(f.rule))
        title = f" {reg.title}" if reg else ""
    except ImportError:
        pass
    return f"[{_SEVERITY_WORDS.get(f.severity, f.severity)}] {f.rule}{title}：{f.message}"


def _read_texts(text_dir: str | None) -> dict[str, str]:
    texts: dict[str, str] = {}
    if not text_dir:
        return texts
    for key in _TEXT_FILES:
        for suffix in (".md", ".txt"):
            p = Path(text_dir) / f"{key}{suffix}"
            if p.is_file():
                try:
                    texts[key] = p.read_text(encoding="utf-8-sig")
                except UnicodeDecodeError as exc:
                    raise click.ClickException(
                        f"{p} 不是 UTF-8 编码的文本，请另存为 UTF-8。"
                    ) from exc
                break
    return texts


def _print_findings(report: Report, findings: list[Finding]) -> None:
    """Findings on stderr, printed as ``nianbao check`` prints them."""
    try:
        from rich.console import Console

        from .render import print_findings
    except ImportError:
        for f in findings:
            click.echo(format_finding(f), err=True)
        return
    console = Console(stderr=True, highlight=False, soft_wrap=False)
    if not console.is_terminal:
        console = Console(stderr=True, highlight=False, soft_wrap=False, width=120)
    print_findings(report, findings, console=console)


_PROSE_NAMES = {
    "s1": "一、总体情况",
    "s5": "五、存在的主要问题及改进情况",
    "s6": "六、其他需要报告的事项",
}


def _require_identity(report: Report) -> None:
    """A report names its agency and year: the figures must say them."""
    lacking = []
    if not str(report.meta.get("agency") or "").strip():
        lacking.append("机关名称（meta.agency）")
    if not report.meta.get("year"):
        lacking.append("年度（meta.year）")
    if lacking:
        raise InvalidFigures(
            f"数据文件缺少{'和'.join(lacking)}，不能生成报告：请在数据文件中填写。"
        )


def _missing_prose(report: Report, texts: dict[str, str]) -> list[str]:
    """The narrative sections the writer would fill with placeholder text."""
    out = []
    for key in _PROSE_NAMES:
        if texts.get(key, "").strip():
            continue
        section = report.sections.get(key)
        if section is not None and section.text.strip():
            continue
        out.append(key)
    return out


def _fail(exc: NianbaoError) -> None:
    click.echo(f"错误：{exc}", err=True)
    sys.exit(exc.exit_code)


@click.command("write")
@click.argument("figures", type=click.Path(dir_okay=False))
@click.option(
    "--text",
    "text_dir",
    type=click.Path(file_okay=False, exists=True),
    help="存放正文的目录：s1.md（一、总体情况）、s5.md、s6.md 等，可选。",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(_FORMAT_STYLE)),
    default=None,
    help="输出格式：md、txt、html、docx、pdf（默认按 -o 的扩展名，否则 md）。",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="输出文件；省略时文本格式输出到屏幕。",
)
@click.option("--force", is_flag=True, help="数据有错误时仍然生成报告（并列出错误）。")
@click.option(
    "--strict",
    is_flag=True,
    help="缺少正文（一、五、六部分）时不生成报告（退出码 1），而不是用占位文字并提示。",
)
@click.option(
    "--style",
    type=click.Choice(STYLES),
    default=None,
    help="排版样式：md、tab、lines、pipe、pipe-split、html、html-gbk、docx、docx-lo、pdf。",
)
def write(
    figures: str,
    text_dir: str | None,
    fmt: str | None,
    output: str | None,
    force: bool,
    style: str | None,
    strict: bool = False,
) -> None:
    """按国家规定格式（国办公开办函〔2021〕30号）生成政府信息公开工作年度报告。

    FIGURES 是填报的数据文件（YAML、JSON 或 nianbao template 生成的 Excel 模板）。
    生成前先做表格数据检查；有错误时不生成（退出码 1），加 --force 仍然生成。
    数据文件必须写明机关名称和年度。没有用 --text 提供的正文用占位文字并在屏幕上提示
    （nianbao check 会指出这些部分过于简略）；加 --strict 则不生成。

    Example:

    \b
        nianbao write examples/figures-2024.yaml --text examples/qinglan-text --format docx -o 年报.docx
    """
    if fmt is None and style is None and output:
        suffix = Path(output).suffix.lower().lstrip(".")
        fmt = suffix if suffix in _FORMAT_STYLE else None
    if style is None:
        style = _FORMAT_STYLE[fmt or "md"]
    elif fmt is not None and _STYLE_FORMAT[style] != fmt:
        raise click.UsageError(f"样式 {style} 不能用于格式 {fmt}。")
    try:
        report = load_figures(figures)
        texts = _read_texts(text_dir)
        _require_identity(report)
        missing = _missing_prose(report, texts)
        if missing:
            names = "、".join(_PROSE_NAMES[k] for k in missing)
            if strict:
                click.echo(
                    f"错误：缺少正文：{names}。请用 --text 目录提供 "
                    f"{'、'.join(k + '.md' for k in missing)}，未生成报告。",
                    err=True,
                )
                sys.exit(1)
            click.echo(
                f"注意：缺少正文：{names}，已用占位文字代替；发布前请补写"
                f"（--text 目录中的 {'、'.join(k + '.md' for k in missing)}），"
                "否则 nianbao check 会指出这些部分内容过于简略。",
                err=True,
            )
        findings = figure_findings(report)
        if findings is None:
            click.echo("注意：检查模块不可用，未检查表格数据。", err=True)
            findings = []
        errors = [f for f in findings if f.severity == "error"]
        if findings:
            _print_findings(report, findings)
        if errors and not force:
            click.echo(
                f"数据有 {len(errors)} 处错误，未生成报告。请改正数据后重试，"
                "或加 --force 仍然生成。",
                err=True,
            )
            sys.exit(1)
        if errors:
            click.echo(f"注意：数据有 {len(errors)} 处错误，已按 --force 生成报告。", err=True)
        data = render(report, style, texts)
    except NianbaoError as exc:
        _fail(exc)
        return
    if output:
        try:
            write_report(data, output)
        except OSError as exc:
            raise click.ClickException(f"无法写入 {output}：{exc.strerror or exc}") from exc
        click.echo(f"已生成：{output}", err=True)
    elif style in ("docx", "docx-lo", "pdf", "html-gbk"):
        raise click.UsageError("DOCX/PDF/GBK 输出请用 -o 指定输出文件。")
    else:
        click.echo(data.decode("utf-8"), nl=False)


@click.command("template")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["yaml", "xlsx"]),
    default=None,
    help="模板格式：yaml（带中文注释）或 xlsx（按官方表格排版）。默认按 -o 的扩展名，否则 yaml。",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="输出文件；yaml 省略时输出到屏幕。",
)
@click.option(
    "--from",
    "source",
    type=click.Path(dir_okay=False, exists=True),
    default=None,
    help="用已有的数据文件（或 nianbao parse 输出的 JSON）预先填好数字。",
)
@click.option(
    "--layout", type=click.Choice(["2021", "2019"]), default=None, help="表格格式，默认 2021。"
)
@click.option("--agency", default=None, help="机关名称。")
@click.option("--year", type=int, default=None, help="报告年度。")
def template(
    fmt: str | None,
    output: str | None,
    source: str | None,
    layout: str | None,
    agency: str | None,
    year: int | None,
) -> None:
    """生成填报数据用的模板（YAML 或 Excel），填好后用 nianbao write 生成报告。

    Example:

    \b
        nianbao template --format xlsx -o 填报模板.xlsx --agency 青岚县人民政府 --year 2024
    """
    from ..writing.template import blank_report, xlsx_template, yaml_template

    if fmt is None:
        fmt = "xlsx" if output and Path(output).suffix.lower() == ".xlsx" else "yaml"
    try:
        report = load_figures(source, fill=False) if source else blank_report(layout or "2021")
    except NianbaoError as exc:
        _fail(exc)
        return
    if agency:
        report.meta["agency"] = agency
    if year:
        report.meta["year"] = year
    if fmt == "xlsx":
        data = xlsx_template(report, layout)
    else:
        data = yaml_template(report, layout).encode("utf-8")
    if output:
        write_report(data, output)
        click.echo(f"已生成模板：{output}", err=True)
    elif fmt == "xlsx":
        raise click.UsageError("Excel 模板请用 -o 指定输出文件。")
    else:
        click.echo(data.decode("utf-8"), nl=False)
