"""One printed number is one cell of the form: the checks of the layout reading and the form
reading against each other (a number the two gave to cells of two different rows is no row's
until the text says which)."""

from __future__ import annotations

from typing import Any

from .form import FormRow
from .formsay import form_title

__all__ = ["PREFIXES", "one_number_one_cell", "claimed_numbers", "taken_elsewhere"]

# the cell ids of each table of the form (表二's two layouts, 表三, 表四)
PREFIXES = {"s2": ("active.", "active2019."), "s3": ("requests.",), "s4": ("reviews.",)}


_ROOTS = ("active.", "active2019.", "requests.", "reviews.")


def one_number_one_cell(ctx: Any) -> None:
    """A printed number is one cell of the form: where two readings (the layout's and the
    form's) gave the same number to cells of two rows (a label that OCR or a copy wrapped
    into the row above took that row's numbers, 部分公开 read 予以公开's), which row it
    belongs to is not known; the rows are left unread and said so, not read twice."""
    values = ctx.report.values
    spans: dict[tuple[int, int], list[str]] = {}
    for fid, v in values.items():
        src = v.source
        if (
            fid.startswith(_ROOTS)
            and v.raw
            and src is not None
            and src.start is not None
            and src.start >= 0
        ):
            spans.setdefault((src.start, src.end or src.start), []).append(fid)
    rows: dict[str, None] = {}
    for ids in spans.values():
        if len(ids) > 1 and len({i.rsplit(".", 1)[0] for i in ids}) > 1:
            rows.update(dict.fromkeys(i.rsplit(".", 1)[0] for i in ids))
    if not rows:
        return
    cells = [fid for fid in values if fid.rsplit(".", 1)[0] in rows]
    shown = {fid: values[fid].raw for fid in cells}
    for fid in cells:
        del values[fid]
    ctx.mark_unread(cells)
    table = {"active": "表二", "active2019": "表二", "requests": "表三", "reviews": "表四"}
    names = "、".join(
        f"{table[r.split('.')[0]]}「{form_title(next(c for c in cells if c.startswith(r + '.')))}」"
        for r in rows
    )
    ctx.finding(
        "R-UNREAD",
        "warning",
        cells,
        f"{names}读到了同一批数字（文本中同一个数字不能同时属于两行，多为标签换行后与上下行的"
        "数字错位），本工具无法确定这些数字属于哪一行，这些行未读取，未作猜测。"
        "这是本工具的读取局限，不代表报告缺少这些行，请对照原件核对。",
        evidence=shown,
    )


def claimed_numbers(ctx: Any, key_: str) -> dict[int, str]:
    """The values the layout reading placed in a table: original offset -> cell id."""
    prefix = PREFIXES[key_]
    out: dict[int, str] = {}
    for fid, v in ctx.report.values.items():
        if fid.startswith(prefix) and v.value is not None and v.source is not None:
            if v.source.start is not None:
                out[v.source.start] = fid
    return out


def taken_elsewhere(ctx: Any, row: FormRow, claimed: dict[int, str]) -> bool:
    """Does a number this reading gives ``row`` stand where the layout reading read another
    row's cell?"""
    if not claimed:
        return False
    omap = ctx.offset_map
    mine = {c.id for c in row.cells}
    for c in row.cells:
        if c.status in ("blank", "unread") or c.start < 0:
            continue
        at = c.start if omap is None else omap(c.start)
        fid = claimed.get(at)
        if fid is not None and fid not in mine:
            return True
    return False
