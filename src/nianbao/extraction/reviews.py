"""表四 政府信息公开行政复议、行政诉讼情况 (section 四): 15 figures in five groups, read from
grid rows or from runs of numbers, placed by the header's group words where present.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from ..readers import labels as L
from ..readers.document import Cell
from ..readers.normalize import key
from ..schema import (
    REVIEW_FIELDS,
    REVIEW_GROUPS,
    REVIEW_IDS,
)
from .context import NREVIEW, Ctx, Row, held_whole
from .form.read import review_groups


# ============================================================================ section 四
def _group_of(k: str) -> str | None:
    if "复议后" in k or "经复议" in k and "未经复议" not in k:
        return "litigation_after"
    if "直接起诉" in k or "未经复议" in k:
        return "litigation_direct"
    if "复议" in k:
        return "reconsideration"
    if "诉讼" in k or "起诉" in k:
        return "litigation"
    return None


_FIELD_WORDS: tuple[tuple[str, str], ...] = (
    ("维持", "upheld"),
    ("纠正", "corrected"),
    ("未审结", "pending"),
    ("尚未", "pending"),
    ("其他", "other"),
    ("总计", "total"),
    ("合计", "total"),
    ("小计", "total"),
)


@lru_cache(maxsize=1024)
def _field_of(k: str) -> str | None:
    for w in ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "直接起诉", "复议", "诉讼"):
        k = k.replace(w, "")
    hits = {f for w, f in _FIELD_WORDS if w in k}
    return hits.pop() if len(hits) == 1 else None


def _header_fields(headers: list[Row]) -> list[str] | None:
    """The order of the five results under each group as the header prints it, when it is
    not the form's (总计 first, …): the header's result words, five per group (or five for
    all), each group's a permutation of the five."""
    toks: list[str] = []
    for h in headers:
        for c in h.cells:
            k = key(c.text)
            if not k or len(k) > 6 or _group_of(k) is not None:
                continue
            f = _field_of(k)
            if f is not None:
                toks.append(f)
    if len(toks) not in (5, 15):
        return None
    blocks = [toks[i : i + 5] for i in range(0, len(toks), 5)]
    if any(sorted(b) != sorted(REVIEW_FIELDS) for b in blocks):
        return None
    if all(b == list(REVIEW_FIELDS) for b in blocks):
        return None
    if len(blocks) == 1:
        blocks *= 3
    return [f"reviews.{g}.{f}" for g, b in zip(REVIEW_GROUPS, blocks) for f in b]


def _cut_header(headers: list[Row], n: int) -> bool:
    """The header names, cell by cell, the form's first ``n`` result columns and no more
    (its group words none beyond them): a table cut at its right edge after ``n`` columns,
    its value row as long."""
    if not 2 <= n < NREVIEW:
        return False
    fields: list[str] = []
    groups: set[str] = set()
    for h in headers:
        for c in h.cells:
            k = key(c.text)
            if c.covered or not k or len(k) > 10:
                continue
            g = _group_of(k)
            if g is not None:
                groups.add(g)
            elif (f := _field_of(k)) is not None:
                fields.append(f)
    reach = {"reconsideration", "litigation"}
    if n > 5:
        reach.add("litigation_direct")
    if n > 10:
        reach.add("litigation_after")
    return fields == [REVIEW_FIELDS[i % 5] for i in range(n)] and groups <= reach


def _column_groups(headers: list[Row]) -> list[str] | None:
    """The three groups as a header printed them across the columns of 表四 turned on its
    side (行政复议 | 未经复议直接起诉 | 复议后起诉, 行政诉讼 above the last two): None unless
    each stands once in a cell of its own."""
    found: list[str] = []
    for h in headers:
        for c in h.cells:
            g = _group_of(key(c.text))
            if g is None or g == "litigation":
                continue
            if _field_of(key(c.text)) is not None or g in found:
                return None
            found.append(g)
    return found if sorted(found) == sorted(REVIEW_GROUPS) else None


def _by_labels(
    rows: list[Row], order: list[str] | None = None, columns: list[str] | None = None
) -> dict[str, Cell] | None:
    """表四 written with a label on each value row — one row per group (行政复议 | 5 values,
    three rows of five), one per cell (行政复议结果维持 | 0, fifteen rows of one), or a
    litigation row of ten, or the table on its side (结果维持 | three values, a group a
    column: ``columns``, the header's groups): the labels say where each value goes. Taken
    only when the labels place all 15 cells, each once (else the positional reading
    stands)."""
    out: dict[str, Cell] = {}
    for r in rows:
        if not r.values or not r.labels:
            continue
        k = key(r.label_text)
        group = _group_of(k)
        if group is None and columns is not None and _field_of(k) is not None:
            # 表四 on its side: a row per result, a column per group (the header's order)
            shown = list(r.values)
            while len(shown) > 3 and not shown[-1].text.strip():
                shown.pop()
            if len(shown) != 3:
                return None
            for g, c in zip(columns, shown):
                fid = f"reviews.{g}.{_field_of(k)}"
                if fid in out:
                    return None
                out[fid] = c
            continue
        if columns is not None and not r.numeric and len(r.values) not in (5, 10):
            continue  # the header's rows of the table on its side (行政复议 | 行政诉讼)
        if group is None:
            if r.numeric:
                return None
            continue  # a header row
        vals = list(r.values)
        field = _field_of(k)
        if field is not None and group != "litigation":
            shown = [c for c in vals if c.text.strip()]
            if len(shown) > 1 or not shown and len(vals) != 1:
                return None
            ids = [f"reviews.{group}.{field}"]
            vals = shown or vals
        else:
            groups = ["litigation_direct", "litigation_after"] if group == "litigation" else [group]
            n = 5 * len(groups)
            while len(vals) > n and not vals[0].text.strip():
                vals.pop(0)
            while len(vals) > n and not vals[-1].text.strip():
                vals.pop()
            if len(vals) != n:
                return None
            ids = [
                i
                for g in groups
                for i in (order or [f"reviews.{g}.{f}" for f in REVIEW_FIELDS])
                if i.split(".")[1] == g
            ]
        for fid, c in zip(ids, vals):
            if fid in out:
                return None
            out[fid] = c
    return out if len(out) == NREVIEW else None


_COLUMN_WORD = re.compile("维持|纠正|其他|审结|总计|合计")


def _trimmed(cells: list[Cell], n: int) -> list[Cell]:
    """``cells`` without the blank cells at their end, then at their start, beyond ``n``."""
    while len(cells) > n and not cells[-1].text.strip():
        cells.pop()
    while len(cells) > n and not cells[0].text.strip():
        cells.pop(0)
    return cells


def _by_groups(
    rows: list[Row], paras: list[str] | None = None
) -> list[tuple[list[str], list[Cell] | None]] | None:
    """表四 whose value rows each stand under the header of the groups they are (printed
    as two tables, 行政复议 and 行政诉讼, in either order, or one of them alone): (the groups
    the header rows above a value row name, in their order; its cells, None when it holds
    other than five per group). None unless every value row has such a header of its own
    (five column words per group it names), no group is named twice, and the groups are
    not the form's three in its order over one row (the reading in the form's order).

    A value row after one whose groups are out of the form's order, under five column words
    naming no group (its group's name a caption above the table, 行政复议, outside the
    rows), is the one group left when
    the section's paragraphs hold that group's name as a caption of its own; else it is
    no group's (unread, never read in the form's order: 行政诉讼's table first, then
    行政复议's, was read as 行政复议 then 行政诉讼)."""
    out: list[tuple[list[str], list[Cell] | None]] = []
    head: list[str] = []
    unnamed: int | None = None  # the index in ``out`` of such a row
    for r in rows:
        if not r.numeric:
            head += [c.text for c in r.cells if c.text.strip()]
            continue
        if r.labels:
            return None  # rows labelled by their group or result: ``_by_labels``
        groups = review_groups("\n".join(head))  # (a cell a line: a note is one)
        named = [g for done, _ in out for g in done]
        if (
            not groups
            and named
            and named != list(REVIEW_GROUPS[: len(named)])
            and unnamed is None
            and len(_COLUMN_WORD.findall(key("".join(head)))) == 5
        ):
            vals = _trimmed(list(r.values), 5)
            unnamed = len(out)
            out.append(([], vals if len(vals) == 5 else None))
            head = []
            continue
        if not groups or any(g in done for done, _ in out for g in groups):
            return None
        n = 5 * len(groups)
        if len(_COLUMN_WORD.findall(key("".join(head)))) != n:
            return None
        vals = _trimmed(list(r.values), n)
        out.append((groups, vals if len(vals) == n else None))
        head = []
    if unnamed is not None:
        named = [g for groups, _ in out for g in groups]
        rest = [g for g in REVIEW_GROUPS if g not in named]
        captions = {key(p) for p in paras or ()}
        if len(rest) == 1 and key(_GROUP_NAMES[rest[0]]) in captions:
            out[unnamed] = ([rest[0]], out[unnamed][1])
        else:
            out[unnamed] = ([], None)
    if not out or [g for groups, _ in out for g in groups] == list(REVIEW_GROUPS):
        return None
    if len(out) == 1 and len(out[0][0]) == len(REVIEW_GROUPS):
        return None  # one header naming all three: the form's table (``form.read``'s reason)
    return out


_GROUP_NAMES = {
    "reconsideration": "行政复议",
    "litigation_direct": "未经复议直接起诉",
    "litigation_after": "复议后起诉",
}


def _put_groups(ctx: Ctx, parts: list[tuple[list[str], list[Cell] | None]]) -> None:
    """The value rows of ``_by_groups`` put where their headers say; the groups no header
    names, or whose row holds other than five cells per group, named unread."""
    lost: list[str] = []
    for groups, cells in parts:
        ids = [f"reviews.{g}.{f}" for g in groups for f in REVIEW_FIELDS]
        if cells is None:
            lost += groups
        else:
            ctx.put_row(ids, cells, "s4")
    shown = {g for groups, _ in parts for g in groups}
    absent = [g for g in REVIEW_GROUPS if g not in shown]
    if not lost and not absent:
        return
    ids = [f"reviews.{g}.{f}" for g in REVIEW_GROUPS if g in lost + absent for f in REVIEW_FIELDS]
    ctx.mark_unread(ids)
    said = "、".join(
        f"「{_GROUP_NAMES[g]}」" for g in REVIEW_GROUPS if g in shown and g not in lost
    )
    why = []
    if absent:
        why.append(
            "表中未见"
            + "、".join(f"「{_GROUP_NAMES[g]}」" for g in absent)
            + "的表头（可能在分页、另表或复制中丢失）"
        )
    if lost:
        why.append("、".join(f"「{_GROUP_NAMES[g]}」" for g in lost) + "的数据行单元格数与表头不符")
    ctx.finding(
        "R-UNREAD",
        "warning",
        ids,
        "表四"
        + (f"已按表头读取{said}各项；" if said else "")
        + "；".join(why)
        + "，这些格本工具未能读取，未按官方顺序挪用其他组的数值。"
        "这是本工具的读取局限，不代表报告缺少这些数据，请对照原件核对。",
    )


_NUMBER = re.compile(r"\d+")


def _numbers_of_cells(cells: list[Cell]) -> list[Cell] | None:
    """The numbers of a row's cells, a cell each, where some cell holds several numbers
    parted by spaces (``0 0``), every other cell one number or none, and they are 15 in
    all; else None. A cell's numbers keep their places in the text."""
    out: list[Cell] = []
    several = False
    for c in cells:
        parts = c.text.split()
        if not all(_NUMBER.fullmatch(x) for x in parts):
            return None
        several |= len(parts) > 1
        for m in _NUMBER.finditer(c.text):
            a = c.start + m.start() if c.start >= 0 else -1
            out.append(Cell(m.group(), a, a + len(m.group()) if a >= 0 else -1, page=c.page))
    return out if several and len(out) == NREVIEW else None


def read_reviews(ctx: Ctx, rows: list[Row], headers: list[Row], paras: list[str]) -> None:
    order = _header_fields(headers)
    labelled = _by_labels(rows, order, _column_groups(headers))
    if labelled is not None:
        ctx.put_row(REVIEW_IDS, [labelled[fid] for fid in REVIEW_IDS], "s4")
        return
    parts = _by_groups(rows, paras) if order is None else None
    if parts is not None:
        _put_groups(ctx, parts)
        return
    sideways = [
        r
        for r in rows
        if r.numeric and r.labels and _group_of(key(r.label_text)) is None
        if _field_of(key(r.label_text)) is not None
    ]
    if len(sideways) >= 3:
        # rows labelled by a result (结果维持 | …) the labels could not place: the table on
        # its side in a shape not understood; read in the form's order its values would go
        # to the wrong groups (and the groups' sums blame the document)
        ctx.finding(
            "R-CELL-COUNT",
            "warning",
            list(REVIEW_IDS),
            "表四的数据行按结果（"
            + "、".join(r.label_text.strip() for r in sideways)
            + "）分行排列，无法逐项对应到行政复议、未经复议直接起诉、复议后起诉各组，表四未读取。"
            "这是本工具的读取局限，请对照原件核对。",
            evidence=[c.text for r in sideways for c in r.values],
        )
        ctx.report.layout["reviews_unmapped"] = True
        return
    value_rows = [r for r in rows if r.numeric and not r.labels]
    if not value_rows:
        # rows that carry a group label in the first cell (行政复议 | 0 | 0 …)
        value_rows = [r for r in rows if r.numeric]
    if not value_rows:
        # a value row left wholly blank: 15 empty cells under the header
        value_rows = [r for r in rows if not r.labels and len(r.values) == NREVIEW][:1]
    cells: list[Cell] = []
    if any(len(r.values) >= NREVIEW for r in value_rows):
        row = next(r for r in value_rows if len(r.values) >= NREVIEW)
        cells = list(row.values)
    else:
        for r in value_rows:
            vals = list(r.values)
            if len(value_rows) > 1 and len(vals) % 5 == 1 and not vals[0].text.strip():
                # a group's row under its own header, with an empty label slot before its
                # values (行政复议 above five, 行政诉讼 above ten)
                vals = vals[1:]
            cells.extend(vals)
            if len(cells) >= NREVIEW:
                break
    if not cells:
        return
    cells = _trimmed(cells, NREVIEW)
    ids = order or [f"reviews.{g}.{f}" for g in REVIEW_GROUPS for f in REVIEW_FIELDS]
    n = len(cells)
    if n == NREVIEW:
        chosen = cells
    elif n > NREVIEW:

        def ok(w: list[Cell]) -> bool:
            v = [L.parse_value(c.text)[0] or 0 for c in w]
            return all(sum(v[g * 5 : g * 5 + 4]) == v[g * 5 + 4] for g in range(3))

        windows = [cells[s : s + NREVIEW] for s in range(n - NREVIEW + 1)]
        good = [w for w in windows if ok(w)]
        chosen = (good or windows)[0]
        distinct = {tuple(c.text.strip() for c in w) for w in (good or windows)}
        kept = {id(c) for c in chosen}  # by identity: a Cell compares by its fields
        extra = [c.text for c in cells if id(c) not in kept]
        ctx.finding(
            "R-CELL-COUNT",
            "warning",
            ids,
            f"表四数据行有 {n} 个单元格（应为 15 个）。"
            + (
                "多出的单元格无论如何对齐数值都相同，已读取前 15 个。"
                if len(distinct) == 1
                else "按各组合计能对上的位置读取，请人工核对。"
            )
            + f"多出的内容：{'、'.join(x or '（空）' for x in extra)}。",
            expected=NREVIEW,
            actual=n,
            evidence=[c.text for c in cells],
        )
    elif (split := _numbers_of_cells(cells)) is not None:
        # fewer cells than 15, some holding several numbers, 15 numbers in all: a row a
        # converter cut into columns where its text stood (a PDF's table found by its
        # words' positions), its pipes no cell boundaries: the numbers in the form's order
        chosen = split
        ctx.finding(
            "R-CELL-COUNT",
            "warning",
            ids,
            f"表四数据行只有 {n} 个单元格（应为 15 个），有的单元格中有多个数："
            f"{'、'.join(c.text or '（空）' for c in cells)}。共 15 个数值，已按顺序读取，"
            "这是推断出的读法，请对照原件核对。",
            expected=NREVIEW,
            actual=n,
            evidence=[c.text for c in cells],
        )
    elif order is None and not held_whole(rows) and _cut_header(headers, n):
        # the copy shows the form's first columns only (a table cut at a screen's right
        # edge): those are read, the rest is unread
        ctx.put_row(ids[:n], cells, "s4")
        ctx.mark_unread(ids[n:])
        ctx.report.layout["reviews_cut"] = ids[n:]
        ctx.finding(
            "R-UNREAD",
            "warning",
            ids[n:],
            f"表四在本文本中只有前 {n} 列（表头与数值都止于此），其后 {NREVIEW - n} 列不在文本中"
            "（表格在屏幕或页面右边缘被截断，如手机上需左右滑动的表格的截图或复制），"
            "本工具无法读取这些列的数值。这是本工具的读取局限，不代表报告缺少这些列，请对照原件核对。",
            actual=n,
        )
        return
    else:
        ctx.finding(
            "R-CELL-COUNT",
            "warning",
            ids,
            f"表四数据行只有 {n} 个单元格（应为 15 个）：{'、'.join(c.text or '（空）' for c in cells)}。无法确定缺少哪一格，表四未读取。",
            expected=NREVIEW,
            actual=n,
            evidence=[c.text for c in cells],
        )
        ctx.report.layout["reviews_unmapped"] = True
        return
    ctx.put_row(ids, chosen, "s4")
    # is the header readable label for label?
    header_cells = [c.text for h in headers for c in h.cells] + paras
    counts: Counter[str] = Counter()
    for t in header_cells:
        k = key(t)
        for tok in L.REVIEW_HEADER_TOKENS:
            if tok == "总计":
                counts[tok] += k.count("总计")
            elif k == tok or (tok in k and len(k) <= len(tok) + 8):
                counts[tok] += k.count(tok)
    groups_ok = any("复议" in key(t) for t in header_cells) and any(
        "诉讼" in key(t) or "起诉" in key(t) for t in header_cells
    )
    if not groups_ok or any(counts[t] < 3 for t in L.REVIEW_HEADER_TOKENS):
        lost = [t for t in L.REVIEW_HEADER_TOKENS if counts[t] < 3]
        ctx.finding(
            "R-HEADER-GARBLED",
            "warning",
            ids,
            "表四表头无法逐项对应官方表头"
            + (f"（未能完整识别：{'、'.join(lost)}）" if lost else "")
            + "；15 个数值已按官方顺序（行政复议、未经复议直接起诉、复议后起诉，各为结果维持、结果纠正、其他结果、尚未审结、总计）依次读取。",
            evidence=" ".join(t.replace("\n", "") for t in header_cells if t.strip())[:300],
        )
