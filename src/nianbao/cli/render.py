"""Terminal rendering of a Report (rich): the three tables as the report prints them, and
findings grouped by severity. Blank cells are shown visibly blank (·)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..report import Finding, Report
from ..schema import (
    ACTIVE2019_IDS,
    ACTIVE2019_LABELS,
    COLUMN_LABELS,
    COLUMNS,
    REQUEST_GROUPS,
    REQUEST_ROW_LABELS,
    REQUEST_ROWS_2019,
    REQUEST_ROWS_2021,
    REVIEW_FIELD_LABELS,
    REVIEW_FIELDS,
    REVIEW_GROUP_LABELS,
    REVIEW_GROUPS,
)

__all__ = ["print_report", "print_findings"]

_SEV_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_SEV_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
BLANK = Text("·", style="dim")
ABSENT = Text("缺", style="dim red")


def _layout(fmt: object) -> str:
    """The table layout in Chinese (2021版, 新旧混用…), as the store and the web app say it."""
    from ..store.display import LAYOUT_ZH

    return LAYOUT_ZH.get(str(fmt), str(fmt)) if fmt else "未识别"


def _console() -> Console:
    c = Console(highlight=False, soft_wrap=False)
    if not c.is_terminal:
        c = Console(highlight=False, soft_wrap=False, width=120)
    return c


_SHORT = {
    "new": "一、本年新收",
    "carried_over": "二、上年结转",
    "granted": "（一）予以公开",
    "partial": "（二）部分公开",
    "processed_total": "（七）总计",
    "carried_forward": "四、结转下年度继续办理",
    "other": "（六）其他处理",
    "other.no_correction": "1.逾期不补正",
    "other.no_fee": "2.逾期未缴纳费用",
}


def _cell(rep: Report, fid: str, flagged: set[str]) -> Text:
    if not rep.has(fid):
        return ABSENT
    v = rep.get(fid)
    if v is None:
        t = Text("·", style="dim")
    else:
        s = f"{v:g}" if isinstance(v, float) else str(v)
        t = Text(s)
    if fid in flagged:
        t.stylize("reverse yellow")
    return t


def print_report(rep: Report, console: Console | None = None) -> None:
    c = console or _console()
    m = rep.meta
    c.print(Text(m.get("title") or rep.source or "（无标题）", style="bold"))
    c.print(
        f"机关：{m.get('agency') or '—'}　年度：{m.get('year') or '—'}　格式：{_layout(m.get('format'))}　"
        f"发布日期：{m.get('published') or '—'}　来源：{rep.source}"
    )
    flagged = {cell for f in rep.findings if f.severity != "info" for cell in f.cells}
    fmt = m.get("format")
    if fmt in ("legacy", "unknown"):
        c.print("（未识别出标准统计表）")
    else:
        _active_table(c, rep, flagged)
        _request_table(c, rep, flagged)
        _review_table(c, rep, flagged)
    c.print(Text("· = 空白单元格　缺 = 报告中没有这一项　反色 = 该单元格有问题", style="dim"))
    print_findings(rep, rep.findings, console=c, header=False)


def _active_table(c: Console, rep: Report, flagged: set[str]) -> None:
    t = Table(title="二、主动公开政府信息情况", title_justify="left", show_lines=False)
    if rep.layout.get("active_layout") == "2019" or (rep.meta.get("format") == "2019"):
        t.add_column("信息内容")
        t.add_column("项目")
        t.add_column("数值", justify="right")
        for fid in ACTIVE2019_IDS:
            row, col = ACTIVE2019_LABELS[fid].split("·")
            t.add_row(row, col, _cell(rep, fid, flagged))
    else:
        t.add_column("信息内容")
        t.add_column("本年制发件数", justify="right")
        t.add_column("本年废止件数", justify="right")
        t.add_column("现行有效件数", justify="right")
        for row, name in (("regulations", "规章"), ("normative", "行政规范性文件")):
            t.add_row(
                name,
                *[
                    _cell(rep, f"active.{row}.{f}", flagged)
                    for f in ("issued", "repealed", "in_force")
                ],
            )
        t.add_section()
        for fid, name, unit in (
            ("active.licensing", "行政许可", "本年处理决定数量"),
            ("active.penalty", "行政处罚", "本年处理决定数量"),
            ("active.coercion", "行政强制", "本年处理决定数量"),
            ("active.fees", "行政事业性收费", "本年收费金额（万元）"),
        ):
            t.add_row(f"{name}（{unit}）", _cell(rep, fid, flagged), "", "")
        t.columns[0].no_wrap = True
    c.print(t)


def _request_table(c: Console, rep: Report, flagged: set[str]) -> None:
    t = Table(title="三、收到和处理政府信息公开申请情况", title_justify="left")
    t.add_column("", no_wrap=True)
    for col in COLUMNS:
        t.add_column(COLUMN_LABELS[col], justify="right")
    rows = (
        REQUEST_ROWS_2021
        if rep.has("requests.other.no_correction.total") or rep.meta.get("format") == "2021"
        else REQUEST_ROWS_2019
    )
    shown_group = None
    for rid in rows:
        group = rid.split(".")[0] if "." in rid else None
        if group and group != shown_group and group in REQUEST_GROUPS:
            t.add_row(Text(REQUEST_GROUPS[group], style="bold"), *[""] * len(COLUMNS))
            shown_group = group
        label = _SHORT.get(rid, REQUEST_ROW_LABELS[rid])
        indent = "  " if group else ""
        t.add_row(
            indent + label, *[_cell(rep, f"requests.{rid}.{col}", flagged) for col in COLUMNS]
        )
    c.print(t)


def _review_table(c: Console, rep: Report, flagged: set[str]) -> None:
    t = Table(title="四、政府信息公开行政复议、行政诉讼情况", title_justify="left")
    t.add_column("")
    for f in REVIEW_FIELDS:
        t.add_column(REVIEW_FIELD_LABELS[f], justify="right")
    for g in REVIEW_GROUPS:
        t.add_row(
            REVIEW_GROUP_LABELS[g],
            *[_cell(rep, f"reviews.{g}.{f}", flagged) for f in REVIEW_FIELDS],
        )
    c.print(t)


def print_findings(
    rep: Report,
    findings: list[Finding],
    console: Console | None = None,
    header: bool = True,
    skipped: dict[str, str] | None = None,
) -> None:
    c = console or _console()
    if header:
        m = rep.meta
        c.print(Text(f"{rep.source}", style="bold"))
        c.print(
            f"{m.get('agency') or '—'} {m.get('year') or ''}年　格式：{_layout(m.get('format'))}"
        )
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("error", "warning", "info")}
    c.print(
        Text.assemble(
            ("错误 ", "bold red"),
            (str(counts["error"]), "bold red"),
            "　",
            ("警告 ", "yellow"),
            (str(counts["warning"]), "yellow"),
            "　",
            ("提示 ", "cyan"),
            (str(counts["info"]), "cyan"),
        )
    )
    order = {"error": 0, "warning": 1, "info": 2}
    for i, f in enumerate(sorted(findings, key=lambda f: order.get(f.severity, 3)), 1):
        line = Text(f"{i:>3}. ")
        line.append(
            f"[{_SEV_ZH.get(f.severity, f.severity)}] ", style=_SEV_STYLE.get(f.severity, "")
        )
        line.append(f"{f.rule} ", style="dim")
        line.append(f.message)
        c.print(line, soft_wrap=True)
    if skipped:
        notes = "；".join(f"{rid}（{why}）" for rid, why in skipped.items())
        c.print(Text(f"未执行的检查：{notes}", style="dim"), soft_wrap=True)
    c.print()
