"""Groups C–E of rules.md: the arithmetic of section 三 (applications), section 四
(reconsideration and litigation) and the plausibility of section 二.

Blank cells count as 0 and are listed in ``assumed_zero`` and in the message; a total is
never repaired — the finding shows the sum and the printed figure side by side. A sum or a
comparison over a cell the tool could not read (``common.not_read``), or whose place it
inferred and may have got wrong (``common.unjudged``), is not judged.

Over 500 lines because the three groups share their message helpers (``Sum``, ``_tail``,
``_printed``, ``_blank_note``); split by group, the modules would import each other's."""

from __future__ import annotations

from functools import lru_cache

from ...report import Finding, Report
from ...schema import (
    APPLICANT_COLUMNS,
    COLUMN_LABELS,
    COLUMNS,
    ORG_COLUMNS,
    REQUEST_GROUPS,
    RESULT_ROWS_2021,
    REVIEW_FIELD_LABELS,
    REVIEW_FIELDS,
    REVIEW_GROUPS,
    label_of,
)
from ..registry import finding, rule
from .common import (
    ALL_REQUEST_ROWS,
    OTHER_SUBROWS,
    ROW_CELLS,
    Sum,
    col_label,
    fmt,
    is_not_read,
    is_unmapped,
    request_rows,
    result_rows,
    review_label,
    row_cells,
    row_present,
    row_short,
    row_title,
    sum0,
    touches_unread,
    unjudged,
    value0,
    where,
)

_OUT_FIELDS = REVIEW_FIELDS[:4]  # upheld, corrected, other, pending
_OUT_IDS = {g: tuple(f"reviews.{g}.{f}" for f in _OUT_FIELDS) for g in REVIEW_GROUPS}
_REVIEW_TOTAL_IDS = tuple((g, f"reviews.{g}.total") for g in REVIEW_GROUPS)
_COLS = tuple(enumerate(COLUMNS))  # (index in row_cells(row), column)


def _cell_label(fid: str) -> str:
    """'「二、上年结转…」自然人' for blank notes."""
    return label_of(fid).removeprefix("表三").removeprefix("表四")


def _printed(value: int | float | None, name: str) -> str:
    return f"{name}为空白" if value is None else f"{name}填报为 {fmt(value)}"


def _tail(diff: int | float, *sums: Sum) -> str:
    """'（相差 1；空白按 0 计：…）'."""
    note = _blank_note(*sums)
    return f"（相差 {fmt(abs(diff))}{'；' + note if note else ''}）"


def _rest_note(s: Sum) -> str:
    """'（其余 15 项为 0 或空白）' when expression(only_nonzero=True) left terms out."""
    rest = sum(1 for _, v in s.terms if not v)
    return f"（其余 {rest} 项为 0 或空白）" if rest else ""


def _requests_ok(report: Report) -> bool:
    return not is_unmapped(report, "requests")


# ================================================================== C. section 三
def _row_parts(row: str) -> tuple[tuple[str, ...], tuple[str, ...], str, tuple[str, ...], str]:
    """A row's cells; its six applicant cells, total cell, five organisation cells and
    法人或其他组织小计 cell (the subtotal column some reports print)."""
    ids = row_cells(row)  # the six applicant columns, then total
    return ids, ids[:6], ids[6], ids[1:6], f"requests.{row}.org_subtotal"


_ROW_PARTS = {r: _row_parts(r) for r in ALL_REQUEST_ROWS}


@rule("R-SUM-ROW", "error", "行合计（各类申请人之和等于总计）", "C", tables=True)
def sum_row(report: Report) -> list[Finding]:
    if not _requests_ok(report):
        return []
    vals = report.values
    keys = vals.keys()
    out = []
    unread = unjudged(report)
    for row in request_rows(report):
        ids, applicants, total_id, org_ids, sub_id = _ROW_PARTS.get(row) or _row_parts(row)
        if total_id not in vals or keys.isdisjoint(applicants):
            continue
        if unread and touches_unread(unread, (*ids, sub_id)):
            continue
        if sum0(vals, applicants) != value0(vals, total_id):
            s = Sum(report)
            for c, i in zip(APPLICANT_COLUMNS, ids):
                s.add(i, COLUMN_LABELS[c])
            total = Sum(report)
            total.value(total_id)
            out.append(
                finding(
                    "R-SUM-ROW",
                    cells=s.cells + [total_id],
                    expected=s.total,
                    actual=vals[total_id].value,
                    assumed_zero=s.assumed_zero + total.assumed_zero,
                    evidence={**s.evidence(), **total.evidence()},
                    message=f"表三「{row_title(row)}」{where(report, total_id)}：{s.expression()} = {fmt(s.total)}，"
                    f"但{_printed(vals[total_id].value, '总计')}"
                    f"{_tail(s.total - total.total, s, total)}。",
                )
            )
        # (a report with this cell has the subtotal column)
        if sub_id in vals and sum0(vals, org_ids) != value0(vals, sub_id):
            orgs = Sum(report)
            for c in ORG_COLUMNS:
                orgs.add(f"requests.{row}.{c}", COLUMN_LABELS[c])
            sub = Sum(report)
            sub.value(sub_id)
            if orgs.total != sub.total:
                out.append(
                    finding(
                        "R-SUM-ROW.org_subtotal",
                        cells=orgs.cells + [sub_id],
                        expected=orgs.total,
                        actual=vals[sub_id].value,
                        assumed_zero=orgs.assumed_zero + sub.assumed_zero,
                        message=f"表三「{row_title(row)}」：{orgs.expression()} = {fmt(orgs.total)}，"
                        f"但{_printed(vals[sub_id].value, '法人或其他组织小计')}"
                        f"{_tail(orgs.total - sub.total, orgs, sub)}。",
                    )
                )
    return out


def _blank_note(*sums: Sum) -> str:
    blank = [c for s in sums for c in s.blank]
    absent = [c for s in sums for c in s.absent]
    merged = Sum(sums[0].report)
    merged.blank, merged.absent = blank, absent
    return merged.blank_note(_cell_label, bare=True)


@lru_cache(maxsize=64)  # a few row sets recur: the 19 or 21 result rows, most often all
def _column_ids(rows: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """The cell ids of ``rows`` in each column (in the order of COLUMNS)."""
    cells = [row_cells(r) for r in rows]
    return tuple(tuple(c[k] for c in cells) for k in range(len(COLUMNS)))


@rule("R-SUM-RESULTS", "error", "办理结果合计等于（七）总计", "C", tables=True)
def sum_results(report: Report) -> list[Finding]:
    if not _requests_ok(report):
        return []
    vals = report.values
    res = [r for r in result_rows(report) if row_present(report, r)]
    if not res:
        return []
    out = []
    by_col = _column_ids(tuple(res))
    unread = unjudged(report)
    every = _column_ids(result_rows(report)) if unread else ()
    for k, c in _COLS:
        total_id = ROW_CELLS["processed_total"][k]
        if total_id not in vals:
            continue
        col_ids = by_col[k]
        if sum0(vals, col_ids) == value0(vals, total_id):
            continue
        if unread and touches_unread(unread, (*every[k], total_id)):
            continue  # a row of the column unread (absent or blank here): no sum to judge
        s = Sum(report)
        for r, i in zip(res, col_ids):
            s.add(i, row_short(r))
        total = Sum(report)
        total.value(total_id)
        if s.total != total.total:
            out.append(
                finding(
                    "R-SUM-RESULTS",
                    cells=s.cells + [total_id],
                    expected=s.total,
                    actual=vals[total_id].value,
                    assumed_zero=s.assumed_zero + total.assumed_zero,
                    evidence={**s.evidence(), **total.evidence()},
                    message=f"表三「（七）总计」{col_label(c)}列{where(report, total_id)}：{s.expression(only_nonzero=True)}"
                    f" = {fmt(s.total)}{_rest_note(s)}，"
                    f"但{_printed(vals[total_id].value, '（七）总计')}"
                    f"{_tail(s.total - total.total, s, total)}。",
                )
            )
    return out


_BALANCE_ROWS = ("new", "carried_over", "processed_total", "carried_forward")
_BALANCE_CELLS = tuple((c, tuple(f"requests.{r}.{c}" for r in _BALANCE_ROWS)) for c in COLUMNS)


@rule("R-BALANCE", "error", "勾稽关系", "C", tables=True)
def balance(report: Report) -> list[Finding]:
    if not _requests_ok(report):
        return []
    if not all(row_present(report, r) for r in _BALANCE_ROWS):
        return []
    vals = report.values
    keys = vals.keys()
    out = []
    for c, cells in _BALANCE_CELLS:
        if keys.isdisjoint(cells):
            continue
        ids = list(cells)
        v = [value0(vals, i) for i in ids]
        if v[0] + v[1] == v[2] + v[3]:
            continue
        if touches_unread(unjudged(report), ids):
            continue
        left = Sum(report)
        left.add(ids[0], "一、本年新收")
        left.add(ids[1], "二、上年结转")
        right = Sum(report)
        right.add(ids[2], "（七）总计")
        right.add(ids[3], "四、结转下年度")
        if left.total != right.total:
            out.append(
                finding(
                    "R-BALANCE",
                    cells=ids,
                    expected=left.total,
                    actual=right.total,
                    assumed_zero=left.assumed_zero + right.assumed_zero,
                    evidence={**left.evidence(), **right.evidence()},
                    message=f"表三{col_label(c)}列勾稽关系不成立{where(report, ids[2])}：{left.expression()} = {fmt(left.total)}，"
                    f"但{right.expression()} = {fmt(right.total)}"
                    f"{_tail(left.total - right.total, left, right)}。"
                    "表中注明：第一项加第二项之和，等于第三项加第四项之和。",
                )
            )
    return out


def _column_compare(
    report: Report, rule_id: str, row_a: str, row_b: str, bad, text: str
) -> list[Finding]:
    if not _requests_ok(report) or not (row_present(report, row_a) and row_present(report, row_b)):
        return []
    vals = report.values
    out = []
    cells_a, cells_b = row_cells(row_a), row_cells(row_b)
    for k, c in _COLS:
        ia, ib = cells_a[k], cells_b[k]
        if ia not in vals or ib not in vals:
            continue
        if not bad(value0(vals, ia), value0(vals, ib)):
            continue
        if touches_unread(unjudged(report), (ia, ib)):
            continue
        s = Sum(report)
        a, b = s.value(ia), s.value(ib)
        if bad(a, b):
            out.append(
                finding(
                    rule_id,
                    cells=[ia, ib],
                    expected=b,
                    actual=a,
                    assumed_zero=s.assumed_zero,
                    message=f"表三{col_label(c)}列：{row_title(row_a)} {fmt(a)}，"
                    f"{row_title(row_b)} {fmt(b)}——{text}{s.blank_note(_cell_label)}。",
                )
            )
    return out


@rule("R-CARRY-PROCESSED", "warning", "上年结转未办结", "C", tables=True)
def carry_processed(report: Report) -> list[Finding]:
    return _column_compare(
        report,
        "R-CARRY-PROCESSED",
        "processed_total",
        "carried_over",
        lambda a, b: a < b,
        "本年办结总数少于上年结转数，说明部分上年结转的申请跨年仍未办结"
        "（《条例》第三十三条规定答复期限为 20 个工作日，最多延长 20 个工作日）",
    )


@rule("R-CARRY-FORWARD-NEW", "warning", "结转下年度多于本年新收", "C", tables=True)
def carry_forward_new(report: Report) -> list[Finding]:
    return _column_compare(
        report,
        "R-CARRY-FORWARD-NEW",
        "carried_forward",
        "new",
        lambda a, b: a > b,
        "结转下年度的申请多于本年新收申请，通常只有年末收到的申请才会结转",
    )


# (group row, its label, its sub-rows) of section 三
_GROUP_SUBROWS: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(
    (
        group,
        glabel,
        OTHER_SUBROWS
        if group == "other"
        else tuple(r for r in RESULT_ROWS_2021 if r.startswith(group + ".")),
    )
    for group, glabel in REQUEST_GROUPS.items()
)


@rule("R-SUBTOTAL", "error", "小计行/列", "C", tables=True)
def subtotal(report: Report) -> list[Finding]:
    if not _requests_ok(report):
        return []
    vals = report.values
    out = []
    for group, glabel, subs in _GROUP_SUBROWS:
        if not row_present(report, group) or not any(row_present(report, r) for r in subs):
            continue
        sub_cells = [row_cells(r) for r in subs]
        for k, c in _COLS:
            sid = row_cells(group)[k]
            if sid not in vals:
                continue
            if sum0(vals, [cells[k] for cells in sub_cells]) == value0(vals, sid):
                continue
            if touches_unread(unjudged(report), [*(cells[k] for cells in sub_cells), sid]):
                continue
            s = Sum(report)
            for r in subs:
                s.add(f"requests.{r}.{c}", row_short(r))
            printed = Sum(report)
            printed.value(sid)
            if s.total != printed.total:
                out.append(
                    finding(
                        "R-SUBTOTAL",
                        cells=s.cells + [sid],
                        expected=s.total,
                        actual=vals[sid].value,
                        assumed_zero=s.assumed_zero + printed.assumed_zero,
                        message=f"表三「{glabel}」小计行{col_label(c)}列：{s.expression()} = "
                        f"{fmt(s.total)}，但{_printed(vals[sid].value, '小计')}"
                        f"{_tail(s.total - printed.total, s, printed)}。",
                    )
                )
    return out


@rule("R-ALL-ZERO", "info", "无依申请与复议诉讼数据", "C", tables=True)
def all_zero(report: Report) -> list[Finding]:
    seen = False
    unread = unjudged(report)
    if any(r.startswith(("requests", "reviews", "sections.s3", "sections.s4")) for r in unread):
        return []  # cells the tool could not read (absent from the values): nothing to say
    for fid, v in report.values.items():
        if fid.startswith(("requests.", "reviews.")):
            if unread and is_not_read(unread, fid):
                return []  # cells the tool could not read: nothing to say of the whole
            seen = True
            if v.value:
                return []
    if not seen:
        return []
    return [
        finding(
            "R-ALL-ZERO",
            message="表三、表四全部为 0 或空白：本年度没有收到政府信息公开申请，"
            "也没有相关行政复议、行政诉讼。",
        )
    ]


# ================================================================== D. section 四
@rule("R-REVIEW-TOTAL", "error", "复议诉讼合计", "D", tables=True)
def review_total(report: Report) -> list[Finding]:
    if is_unmapped(report, "reviews"):
        return []
    vals = report.values
    out = []
    for g, total_id in _REVIEW_TOTAL_IDS:
        if total_id not in vals:
            continue
        if sum0(vals, _OUT_IDS[g]) == value0(vals, total_id):
            continue
        if touches_unread(unjudged(report), (*_OUT_IDS[g], total_id)):
            continue
        s = Sum(report)
        for f in _OUT_FIELDS:
            s.add(f"reviews.{g}.{f}", REVIEW_FIELD_LABELS[f])
        total = Sum(report)
        total.value(total_id)
        if s.total != total.total:
            out.append(
                finding(
                    "R-REVIEW-TOTAL",
                    cells=s.cells + [total_id],
                    expected=s.total,
                    actual=vals[total_id].value,
                    assumed_zero=s.assumed_zero + total.assumed_zero,
                    evidence={**s.evidence(), **total.evidence()},
                    message=f"表四「{review_label(g)}」{where(report, total_id)}：{s.expression()} = {fmt(s.total)}，"
                    f"但{_printed(vals[total_id].value, '总计')}"
                    f"{_tail(s.total - total.total, s, total)}。",
                )
            )
    return out


@rule("R-REVIEW-AFTER-GT-RECON", "info", "复议后起诉多于复议", "D", tables=True)
def review_after_gt_recon(report: Report) -> list[Finding]:
    a, r = "reviews.litigation_after.total", "reviews.reconsideration.total"
    if a not in report.values or r not in report.values:
        return []
    s = Sum(report)
    after, recon = s.value(a), s.value(r)
    if after <= recon or touches_unread(unjudged(report), (a, r)):
        return []
    return [
        finding(
            "R-REVIEW-AFTER-GT-RECON",
            cells=[a, r],
            expected=recon,
            actual=after,
            assumed_zero=s.assumed_zero,
            message=f"表四「复议后起诉」总计 {fmt(after)} 件，多于「行政复议」总计 {fmt(recon)} 件"
            "（复议可能在以前年度或由其他机关作出，请核实）。",
        )
    ]


# ================================================================== E. section 二
_REGS_IDS = (
    "active.regulations.issued",
    "active.regulations.repealed",
    "active.regulations.in_force",
    "active2019.regulations.made",
    "active2019.regulations.published",
    "active2019.regulations.total_public",
)


@rule("R-REGS-LEVEL", "warning", "无规章制定权却填报规章", "E", tables=True)
def regs_level(report: Report) -> list[Finding]:
    level = report.meta.get("admin_level")
    if level not in ("county", "township"):
        return []
    cells = [i for i in _REGS_IDS if (report.get(i) or 0) > 0]
    if not cells:
        return []
    items = "、".join(f"{label_of(i).removeprefix('表二')} {fmt(report.get(i))}" for i in cells)
    lvl = "县级" if level == "county" else "乡级"
    return [
        finding(
            "R-REGS-LEVEL",
            cells=cells,
            expected=0,
            actual={i: report.get(i) for i in cells},
            message=f"表二填报了规章：{items}。{lvl}机关没有规章制定权"
            "（《立法法》第九十一条、第九十三条），规章行通常应为 0。",
        )
    ]


@rule("R-INFORCE-LT-ISSUED", "info", "现行有效少于本年制发", "E", tables=True)
def inforce_lt_issued(report: Report) -> list[Finding]:
    out = []
    for x, name in (("regulations", "规章"), ("normative", "行政规范性文件")):
        i_id, f_id = f"active.{x}.issued", f"active.{x}.in_force"
        issued, in_force = report.get(i_id), report.get(f_id)
        if issued is None or in_force is None or in_force >= issued:
            continue
        out.append(
            finding(
                "R-INFORCE-LT-ISSUED",
                cells=[i_id, f_id],
                expected=issued,
                actual=in_force,
                message=f"表二「{name}」现行有效件数 {fmt(in_force)} 少于本年制发件数 {fmt(issued)}"
                "（本年制发的文件年末一般仍然有效，请核实）。",
            )
        )
    return out


@rule("R-2019-TOTAL-LT-NEW", "info", "对外公开总数量少于本年新公开", "E", tables=True)
def total_lt_new_2019(report: Report) -> list[Finding]:
    out = []
    for x, name in (("regulations", "规章"), ("normative", "规范性文件")):
        p_id, t_id = f"active2019.{x}.published", f"active2019.{x}.total_public"
        published, total = report.get(p_id), report.get(t_id)
        if published is None or total is None or total >= published:
            continue
        out.append(
            finding(
                "R-2019-TOTAL-LT-NEW",
                cells=[p_id, t_id],
                expected=published,
                actual=total,
                message=f"表二「{name}」对外公开总数量 {fmt(total)} 少于本年新公开数量 {fmt(published)}"
                "（总数量应包含本年新公开的文件）。",
            )
        )
    return out
