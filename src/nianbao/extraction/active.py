"""表二 主动公开政府信息情况 (section 二): rows matched by label in the 2021 or 2019 layout,
values placed by the layout's columns, and the fee unit (元 / 万元).
"""

from __future__ import annotations

import itertools
import re

from ..readers import labels as L
from ..readers.document import Cell
from ..readers.normalize import key
from ..report import AMOUNT_UNIT_ID
from ..schema import (
    DECIMAL_IDS,
    SIGNED_IDS,
    default_layout,
    label_of,
)
from .context import Ctx, Row

# ============================================================================ section 二
_ACTIVE_DEFAULT = {
    "2021": {
        "regulations": ["issued", "repealed", "in_force"],
        "normative": ["issued", "repealed", "in_force"],
        "licensing": ["decisions"],
        "penalty": ["decisions"],
        "coercion": ["decisions"],
        "fees": ["amount"],
    },
    "2019": {
        "regulations": ["made", "published", "total_public"],
        "normative": ["made", "published", "total_public"],
        "licensing": ["items_prev", "items_delta", "decisions"],
        "other_services": ["items_prev", "items_delta", "decisions"],
        "penalty": ["items_prev", "items_delta", "decisions"],
        "coercion": ["items_prev", "items_delta", "decisions"],
        "fees": ["items_prev", "items_delta"],
        "procurement": ["items", "amount2019"],
    },
}
_ONLY_2019_ROWS = {"other_services", "procurement"}


def _active_id(layout: str, row: str, fld: str) -> str:
    if layout == "2021":
        if row in ("regulations", "normative"):
            return f"active.{row}.{fld}"
        return f"active.{row}"
    if fld == "amount2019":
        fld = "amount"
    return f"active2019.{row}.{fld}"


def read_active(ctx: Ctx, rows: list[Row]) -> str | None:
    """Section 二: returns the layout ("2021"/"2019") it was read in, or None."""
    header: list[tuple[str, str]] = []
    seen_2021 = seen_2019 = False
    mapped: list[tuple[str, list[str], Row]] = []
    variants: list[str] = []
    # rows wider than the column header above them: the header not cut as the row is (a
    # number in a column the form has not, 备注's, its header cell taken off as a
    # remark's): their numbers are never read by their order alone
    wider: set[int] = set()
    header_width: int | None = None
    own: dict[int, frozenset[int]] = {}  # row -> columns of the copy's own (上年数, 同比增减)
    own_cols: frozenset[int] = frozenset()
    own_words: list[str] = []
    for row in rows:
        cols = [L.match_active_column(c.text) for c in row.cells]
        hits = [c for c in cols if c]
        if hits and not row.numeric:
            own_cols, hits = _own_columns(row)
            if own_cols:
                own_words += [c.text.strip() for c in row.cells if c.col in own_cols]
            header = hits
            header_width = len(row.cells)
            for _, lay in hits:
                seen_2021 |= lay == "2021"
                seen_2019 |= lay == "2019"
            continue
        if not row.labels:
            continue
        m = L.match_active_row(row.labels[-1].text)
        if m is None:
            continue
        if _VALUE_IN_LABEL.search(row.label_text):
            # a number standing as a piece of its own inside the label's cell (「行政处罚；606；
            # 行政强制」, the line's cells parted by marks no reading took): two rows' labels
            # and values in one cell, whose last number is no value of the first label's row;
            # left to the form's reading (by the form's labels), else named unread
            continue
        if _SIGN_APART.search(row.label_text):
            # the label's cell ends in a number and a dash glued to it, spaced from the
            # row's first value (a page's text nodes run together: 「行政许可214- 35821」
            # of 214, -3, 5821 or of 214, —, 35821): left to the form's reading, which
            # names the row unread
            continue
        if m.id in _ONLY_2019_ROWS:
            seen_2019 = True
        if m.how == "variant":
            variants.append(f"variant:{m.note}:active.{m.id}")
        mapped.append((m.id, [f for f, _ in header], row))
        if header_width is not None and len(row.cells) > header_width:
            wider.add(id(row))
        elif own_cols and len(row.cells) == header_width:
            own[id(row)] = own_cols
    mapped = _without_list_lines(mapped)
    if not mapped:
        return None
    if not seen_2019 and not seen_2021:
        # no column header read: the rows' own shapes tell the layout (行政许可 / 行政处罚 /
        # 行政强制 hold one number in the 2021 layout, three in the 2019 one; 行政事业性收费
        # one amount or two counts)
        by_rows = _layout_by_rows(mapped)
        seen_2019 |= by_rows == "2019"
        seen_2021 |= by_rows == "2021"
    if seen_2019 or seen_2021:
        layout = "2019" if seen_2019 and not seen_2021 else "2021"
    else:
        # nothing in the table says which layout: the one the report's year is under
        # (format.md §1: reports for 2019 and 2020 use the 格式（试行）), no signal
        layout = default_layout(ctx.report.meta.get("year"))
    if layout == "2021":
        # 规范性文件 is the 2019 layout's own label: a variant only in the 2021 layout
        ctx.signals.update(variants)
    if seen_2021:
        ctx.signals.add("s2:2021")
    if seen_2019:
        ctx.signals.add("s2:2019")
    defaults = _ACTIVE_DEFAULT[layout]
    done: set[str] = set()
    bare: list[str] = []  # the cells of rows printed with their label only
    for rid, hdr, row in mapped:
        if rid in done or rid not in defaults:
            continue
        done.add(rid)
        expected = defaults[rid]
        fields = (
            hdr
            if hdr and len(hdr) == len(expected) and set(hdr) <= set(expected) | {"decisions"}
            else expected
        )
        if rid in ("licensing", "penalty", "coercion") and layout == "2021":
            fields = ["decisions"]
        # (the cells under the copy's own columns, read against its header, are not the form's)
        vals = [c for c in row.values if c.col not in own.get(id(row), ())]
        while len(vals) > len(fields) and not vals[-1].text.strip():
            vals.pop()
        while len(vals) > len(fields) and not vals[0].text.strip():
            vals.pop(0)
        label = row.label_text
        ids = [_active_id(layout, rid, f) for f in fields]
        if len(vals) == len(fields):
            ctx.put_row(ids, vals, "s2", label)
        elif vals and len(vals) < len(fields):
            # cells lost: the first values in the first columns, or with one of three lost
            # the outer columns (the first and the running total); a number with a minus
            # sign stands only in a column that takes a sign (本年增/减), one with decimals
            # in an amount's: the placement in the columns' order that puts every such
            # number there (the default first)
            at = _placement(vals, ids)
            if at is None:
                ctx.mark_unread(ids)
                ctx.finding(
                    "R-UNREAD",
                    "warning",
                    ids,
                    f"表二「{key(label)}」行只有 {len(vals)} 个数值单元格（应为 {len(fields)} 个）："
                    f"{'、'.join(c.text for c in vals)}，带负号或小数的数值无法对应到能填它的列，"
                    "本工具未能读取该行，未作猜测。这是本工具的读取局限，请对照原件核对。",
                    expected=len(fields),
                    actual=len(vals),
                    evidence=[c.text for c in row.cells],
                )
                continue
            for n, fid in enumerate(ids):
                ctx.put(fid, vals[at.index(n)] if n in at else None, "s2", label)
            names = "、".join(label_of(ids[n]).split("」")[-1] for n in at)
            lost = "、".join(
                label_of(ids[n]).split("」")[-1] for n in range(len(ids)) if n not in at
            )
            ctx.finding(
                "R-CELL-COUNT",
                "warning",
                ids,
                f"表二「{key(label)}」行只有 {len(vals)} 个数值单元格（应为 {len(fields)} 个）："
                f"{'、'.join(c.text for c in vals)}。已按{names}读取，{lost}无法确定，记为空。"
                "这是推断出的读法，请对照原件核对。",
                expected=len(fields),
                actual=len(vals),
                evidence=[c.text for c in row.cells],
            )
        elif len([c for c in vals if c.text.strip()]) == len(fields) and id(row) not in wider:
            # more cells than the form's columns, as many of them filled as it has: a
            # table whose columns a converter cut where the text stood (empty columns
            # between the numbers, the header's words over other ones): the numbers in
            # the form's order, and a finding that says so
            filled = [c for c in vals if c.text.strip()]
            for fid, c in zip(ids, filled):
                ctx.put(fid, c, "s2", label)
            ctx.finding(
                "R-CELL-COUNT",
                "warning",
                ids,
                f"表二「{key(label)}」行有 {len(vals)} 个单元格（应为 {len(fields)} 个），其中 "
                f"{len(fields)} 个有数：{'、'.join(c.text for c in filled)}。已按列的顺序读取，"
                "这是推断出的读法，请对照原件核对。",
                expected=len(fields),
                actual=len(vals),
                evidence=[c.text for c in row.cells],
            )
        elif vals:
            n = min(len(vals), len(fields))
            for fid, c in zip(ids[:n], vals[:n]):
                ctx.put(fid, c, "s2", label)
            for fid in ids[n:]:
                ctx.put(fid, None, "s2", label)
            ctx.finding(
                "R-CELL-COUNT",
                "warning",
                ids,
                f"表二「{key(label)}」行有 {len(vals)} 个数值单元格，应为 {len(fields)} 个：{'、'.join(c.text or '（空）' for c in vals)}。",
                expected=len(fields),
                actual=len(vals),
                evidence=[c.text for c in row.cells],
            )
        elif _NUMBERS_IN_LABEL.search(label):
            # no value cell, but numbers stand in the label's cell after its words (its
            # cells parted by marks no reading took: 「行政处罚；606 12；；」): nothing put,
            # never "the row prints no such cell" (silently blank); the form's reading may
            # read the row, else it is named unread (``unread.labels_without_values``)
            continue
        else:
            for fid in ids:
                ctx.put(fid, vals[0] if vals else None, "s2", label)
            if not vals:
                bare.extend(ids)
    # rows printed with their label only: if no cell of 表二 holds anything, the table's
    # numbers stand elsewhere in the copy (``unread.numbers_without_table``)
    ctx.bare_active.extend(bare)
    if own:
        words = "」「".join(dict.fromkeys(w for w in own_words if w))
        ctx.finding(
            "R-CELL-COUNT",
            "info",
            [],
            f"表二有格式规定以外的列（表头「{words}」），其数值不属于格式规定的任何一列，未读入；"
            "各行按表头所示的格式规定的列读取。",
        )
    _fee_unit(ctx, rows)
    return layout


# a column header of the copy's own beside the form's: last year's figure, a change on it
# (not 增/减 alone: the 2019 layout's 本年增/减 may be written so)
_OWN_COLUMN = re.compile(r"^(?:上年|去年|同比|比上年|较上年|备注|说明)")


# a list's ordinal opening a line (1. / （1） / 1、)
_LIST_ORDINAL = re.compile(r"^\s*[（(]?\d{1,2}\s*[)）.．、]")


def _without_list_lines(
    mapped: list[tuple[str, list[str], Row]],
) -> list[tuple[str, list[str], Row]]:
    """``mapped`` less the lines of a list in prose that name a row of 表二 with its figure
    in the same cell (「3.行政许可 0条」 above the table): when the table's own row for it
    follows, the list's line is no row of the table (taken first, it gave the row no value
    and the table's row was never read)."""
    later = {rid for rid, _, row in mapped if not _listed(row)}
    return [m for m in mapped if not (_listed(m[2]) and m[0] in later)]


def _listed(row: Row) -> bool:
    """A line with no value cell whose label holds a figure after its words."""
    return not any(c.text.strip() for c in row.values) and bool(
        re.search(r"\d", _LIST_ORDINAL.sub("", row.label_text))
    )


def _own_columns(row: Row) -> tuple[frozenset[int], list[tuple[str, str]]]:
    """A column header row of 表二: the physical columns of the copy's own, right of the
    form's (上年现行有效件数, 上年数, 同比增减 — a word the form lacks, last year's or a
    change, or a form column's word a second time), and the form's columns it names.
    A row whose values stand in the same columns leaves those cells out: they are no
    cells of the form (with them a row held more numbers than its columns, and was not
    read or was read in the wrong columns)."""
    seen: set[str] = set()
    hits: list[tuple[str, str]] = []
    cols: set[int] = set()
    first: int | None = None
    for c in row.cells:
        text = c.text.strip()
        if c.covered or not text:
            continue
        m = L.match_active_column(text)
        if m is not None and m[0] not in seen and not _OWN_COLUMN.match(key(text)):
            seen.add(m[0])
            hits.append(m)
            first = c.col if first is None else first
        elif first is not None and (m is not None or _OWN_COLUMN.match(key(text))):
            cols.add(c.col)
    return frozenset(cols), hits


# a number between marks (or spaces) inside a label's cell, words after it: a value cell
# followed by another label (「行政处罚；606；行政强制」)
_VALUE_IN_LABEL = re.compile(
    r"[\u4e00-\u9fff）)][\s；;、，,：:|]+[-+]?\d+(?:\.\d+)?[\s；;、，,：:|]+[\u4e00-\u9fff]"
)
_SIGN_APART = re.compile(r"\d[-－–]\s*$")
_ONE_NUMBER_2021 = ("licensing", "penalty", "coercion", "fees")
# numbers, with marks or spaces between them, ending a label's cell after its words
_NUMBERS_IN_LABEL = re.compile(
    r"[\u4e00-\u9fff）)][\s；;、，,：:|]*[-+]?\d+(?:\.\d+)?"
    r"(?:[\s；;、，,：:|]+[-+]?\d+(?:\.\d+)?)*[\s；;、，,：:|]*$"
)


def _layout_by_rows(mapped: list[tuple[str, list[str], Row]]) -> str | None:
    """The layout section 二's rows show without their column headers: 行政许可 / 行政处罚 /
    行政强制 hold one cell in the 2021 layout, three in the 2019 one (two when the last is
    blank), 行政事业性收费 one amount or two counts. At least two such rows, all saying the
    same layout; else None."""
    verdicts: list[str] = []
    for rid, _, row in mapped:
        if rid not in _ONE_NUMBER_2021:
            continue
        cells = list(row.values)
        while cells and not cells[-1].text.strip():
            cells.pop()
        if not cells or not all(L.has_number(c.text) for c in cells if c.text.strip()):
            return None
        n = len(cells)
        if n == 1:
            verdicts.append("2021")
        elif n == 2 or (n == 3 and rid != "fees"):
            verdicts.append("2019")
        else:
            return None
    if len(verdicts) >= 2 and len(set(verdicts)) == 1:
        return verdicts[0]
    return None


_FRACTION = re.compile(r"\d[.．]\d")


def _minus(text: str) -> bool:
    return text.strip()[:1] in ("-", "－", "−")


def _placement(vals: list[Cell], ids: list[str]) -> tuple[int, ...] | None:
    """The columns (in order) of a 表二 row's ``vals``, fewer than its ``ids``: the outer
    columns for two of three, else the first ones, unless a number with a minus sign, or
    with decimals, would stand in a column that takes none (a count); then the one
    order-keeping placement that puts every such number in a column that takes it (None:
    none, or more than one)."""
    k, n = len(vals), len(ids)
    default = (0, n - 1) if (k, n) == (2, 3) else tuple(range(k))

    def fits(at: tuple[int, ...]) -> bool:
        return all(
            (ids[c] in SIGNED_IDS or not _minus(v.text))
            and (ids[c] in DECIMAL_IDS or not _FRACTION.search(v.text))
            for v, c in zip(vals, at)
        )

    if fits(default):
        return default
    good = [at for at in itertools.combinations(range(n), k) if fits(at)]
    return good[0] if len(good) == 1 else None


_YUAN_CELL = re.compile(r"(?<![万千百亿])元")  # (千元, 亿元: another unit, not converted)
# （单位：元）, or the unit alone in the brackets after the words: 本年收费金额（元）
_YUAN_HEADER = re.compile(r"单位[:：]?\s*元|收费金额\s*[（(]\s*元\s*[）)]")
_WAN_HEADER = re.compile(r"收费金额\s*[（(]\s*(?:单位\s*[:：]?\s*)?万\s*元")


def _fee_unit(ctx: Ctx, rows: list[Row]) -> None:
    """A fee written in 元 (in the cell, 1816元, or the header, （单位：元）) is converted to
    the format's 万元; ``layout["fee_unit"]`` records it for R-FEE-UNIT."""
    fee = ctx.report.values.get("active.fees")
    if fee is None or not isinstance(fee.value, (int, float)):
        return
    in_cell = bool(fee.raw and _YUAN_CELL.search(fee.raw))
    heads = [c.text for r in rows for c in r.cells if "收费金额" in c.text]
    # (a header in 万元 beside it, a note's words elsewhere in 表二 naming 元: the table's
    # own unit is 万元, or unclear; nothing converted, R-FEE-UNIT asks to check)
    in_header = any(_YUAN_HEADER.search(t) for t in heads) and not any(
        _WAN_HEADER.search(t) for t in heads
    )
    if in_cell or in_header:
        fee.value = fee.value / 10000
        ctx.report.layout["fee_unit"] = "元"


_UNIT_IN_HEADER = re.compile(
    r"采\s*购\s*总\s*金\s*额\s*[（(]\s*(?:单\s*位\s*[:：]?\s*)?(万\s*元|元)\s*[）)]"
)
_UNIT_IN_CELL = re.compile(r"\d\s*(万\s*元|元)")
_UNIT_LINE = re.compile(r"(?:^|\n)[^\n]{0,12}单\s*位\s*[:：]\s*(万\s*元|元)\s*[）)]?\s*(?:\n|$)")


def procurement_unit(ctx: Ctx) -> None:
    """The unit written with 采购总金额 (in its cell, ``251000元``, or its column header,
    ``采购总金额（万元）``): ``layout["procurement_unit"]``, output as
    ``active2019.procurement.amount_unit``; the number is kept as written. When no unit is
    found, a finding that names the amount (unread, cut off) names its unit too."""
    rep = ctx.report
    m = None
    if any(k.startswith("active2019.") for k in rep.values):
        v = rep.values.get("active2019.procurement.amount")
        m = _UNIT_IN_CELL.search(v.raw or "") if v is not None else None
        if m is None:
            m = _UNIT_IN_HEADER.search(rep.text or "")
        if m is None:  # a line 单位：万元 over 表二 (its only amount is 采购总金额)
            m = _UNIT_LINE.search(rep.sections["s2"].text or "")
    if m is not None:
        rep.layout["procurement_unit"] = re.sub(r"\s+", "", m.group(1))
        return
    amount, unit = "active2019.procurement.amount", AMOUNT_UNIT_ID
    for f in ctx.findings:
        if amount in f.cells and unit not in f.cells:
            f.cells = [*f.cells, unit]
