"""The findings of the form reading (:mod:`.formfill`): how a row was read when it was not
read plainly (placed by the totals, reordered, split by arithmetic, read from another row's
numbers), and what could not be read. Every message names the table and row and shows the
numbers as they stand in the text.

Over 500 lines because every way the form reading reads a row has its own message, and
they share the row's title and the numbers as the text shows them: one module keeps the
wording alike.
"""

from __future__ import annotations

import re
from typing import Any

from ..schema import COLUMNS, label_of
from .form import FormRow, FormTable

TABLE_NAMES = {"s2": "表二", "s3": "表三", "s4": "表四"}


def say_inferred(ctx: Any, key_: str, table: FormTable) -> None:
    """Rows read from the numbers after another row's label (``form.read._split_runs``):
    one finding per run, naming the rows, the run and the arithmetic that held."""
    by_source: dict[str, list[FormRow]] = {}
    for row in table.rows:
        source = table.inferred.get(row.rid)
        if source is None or row.how != "read":
            continue
        vals = [ctx.report.values.get(c.id) for c in row.cells]
        if any(v is None or v.source is None or v.source.start is None for v in vals):
            continue  # the layout reading's cells stand: not this reading's
        by_source.setdefault(source, []).append(row)
    for source, rows in by_source.items():
        ids = [c.id for r in rows for c in r.cells]
        names = "".join(f"「{form_title(r.cells[-1].id)}」" for r in rows)
        width = len(rows[0].cells)
        shown = "；".join(r.shown or " ".join(c.text for c in r.cells) for r in rows)
        where = re.sub(r"\s+", "", source)
        ctx.finding(
            "R-LAYOUT-SHIFT",
            "warning",
            ids,
            f"{TABLE_NAMES[key_]}{names}行的数值前没有其标签（文本中这些标签与数值分开排列，"
            f"常见于从 PDF 提取的文本）。「{where}」之后共有 {width * (len(rows) + 1)} 个数值，"
            f"恰为该行与上述 {len(rows)} 行共 {len(rows) + 1} 行的数值，每行的总计都等于其余"
            f"各列之和，因此按格式的行序读作上述行的数值（{clip_shown(shown, 120)}）。"
            "这是推断出的读法，请对照原件核对。",
            actual=shown,
        )


def say_streamed(ctx: Any, key_: str, table: FormTable) -> None:
    """Rows read from the table's numbers as one stream in the form's order
    (``form.stream``): one finding naming the rows and their numbers, and, for rows read
    column by column, the arithmetic that decided it."""
    rows = [r for r in table.rows if r.rid in table.streamed and r.how == "read"]
    if key_ == "s2":
        items = {r: h[5:] for r, h in table.streamed.items() if h.startswith("item:")}
        say_before(ctx, key_, [r for r in rows if r.rid in items], items)
        by_item: dict[str, list[FormRow]] = {}
        for r in rows:
            how = table.streamed[r.rid]
            if how.startswith("columns:") and _taken(ctx, r):
                by_item.setdefault(how[8:], []).append(r)
        for item, got in by_item.items():
            head, words = item.split(":", 1)
            shown = "；".join(f"{row_label(r)} {r.shown}" for r in got)
            ctx.finding(
                "R-LAYOUT-SHIFT",
                "warning",
                [c.id for r in got for c in r.cells if c.status != "unread"],
                f"{TABLE_NAMES[key_]}"
                + "".join(f"「{row_label(r)}」" for r in got)
                + f"行的标签之后没有数值（文本按 PDF 的阅读顺序排列，标签与数值分开）。「{head}」"
                f"各列的数值排在列名（{words}）之后，每段数值恰为其前列名所列各列、各行的数值，"
                f"因此按格式的行序读作（？为未能确定的单元格）：{shown}。"
                "这是推断出的读法，请对照原件核对。",
                actual=shown,
            )
        return
    if key_ == "s4":
        for r in rows:
            if not _taken(ctx, r):
                continue
            how = table.streamed.get(r.rid, "")
            if how.startswith("alike:"):
                if any(
                    f.rule == "R-CELL-COUNT" and any(str(c).startswith("reviews.") for c in f.cells)
                    for f in ctx.findings
                ):
                    continue  # the table's grid said it already (``reviews.read_reviews``)
                ctx.finding(
                    "R-CELL-COUNT",
                    "warning",
                    [c.id for c in r.cells],
                    f"表四数据行有 {how[6:]} 个数值（应为 15 个），且全部相同"
                    f"（{clip_shown(r.shown, 80)}）。无法确定多出的是哪几个，但无论如何对齐，"
                    "15 个单元格的读数都相同，已按此读取，请对照原件核对。",
                    expected=15,
                    actual=int(how[6:]),
                    evidence=r.shown,
                )
            else:
                ctx.finding(
                    "R-LAYOUT-SHIFT",
                    "warning",
                    [c.id for c in r.cells],
                    "表四的 15 个数值之间夹有表头文字（文本按 PDF 的阅读顺序排列，较高的表头"
                    "单元格排在其旁边的数值之后），按文字顺序读取时各组的总计不等于其余各项之和。"
                    "把被表头文字隔开的几段数值调换顺序后，只有一种读法使三组的总计都等于其余"
                    f"各项之和，且每组的数值在文本中仍按格式的顺序出现，已按此读取：{r.shown}。"
                    "这是按表格的勾稽关系推断出的读法，请对照原件核对。",
                    actual=r.shown,
                )
        return
    taken = [r for r in rows if _taken(ctx, r)]
    if not taken:
        return
    ids = [c.id for r in taken for c in r.cells]
    column = [r for r in taken if table.streamed[r.rid] == "column"]
    placed = [r for r in taken if table.streamed[r.rid] == "placed"]
    header = [r for r in taken if table.streamed[r.rid] == "header"]
    shown = "；".join(f"「{form_title(r.cells[-1].id)}」{r.shown}" for r in taken)
    whys = []
    if column:
        whys.append(
            f"其中 {len(column)} 行的数值按列排列（同一列中相邻几行的数值连在一起，各列依次排列），"
            "按列读取时这些行的总计都等于其余各列之和，按行读取时不成立，因此按列读取"
        )
    if placed:
        whys.append(
            f"其中 {len(placed)} 行的数值按列排列，且有的列比行数少（空白单元格在文本中不显示），"
            "空白单元格只放在使这些行的总计都等于其余各列之和的位置（总计空白的行无从核对），"
            "空白单元格按此放置（各种这样的放法读数不同的单元格未读取，另有说明）"
        )
    why = "；".join(whys) if whys else "这些行的数值接在其他行的数值之后"
    first = table.stream_from or len(header)
    whole = (
        f"前 {first} 行的数值夹在表头文字之间，"
        + (
            "每段数值之前的表头文字恰好指明它所在的列（各列按格式的列序，每列每行一个数值），"
            "按此读取时这些行的总计都等于其余各列之和，因此按此读取"
            if header
            else "未能读取"
        )
        + f"；其后的数值按段落恰好排成格式的最后 {len(table.rows) - first} 行，"
        f"之前的数值个数也恰为前 {first} 行的数值个数，"
        if first
        else "表头之后的数值按段落恰好排成格式规定的全部行，"
    )
    ctx.finding(
        "R-LAYOUT-SHIFT",
        "warning",
        ids,
        f"{TABLE_NAMES[key_]}有 {len(taken)} 行的数值不在其标签之后（文本按 PDF 的阅读顺序排列，"
        f"标签与数值分开）。{whole}有数值紧随其后的标签都与所在的行相符；{why}，按格式的行序读作："
        f"{clip_shown(shown, 240)}。这是按表格的行数、列数和勾稽关系推断出的读法，请对照原件核对。",
        actual={r.rid: r.shown for r in taken},
    )


def say_paged(ctx: Any, key_: str, table: FormTable) -> None:
    """A table read without bare numbers taken for pages' numbers (``form.pages.
    by_page_sequence``): one finding naming its cells read so, the numbers taken away and
    why (the pages' sequence, the one reading whose arithmetic holds)."""
    ids = [c.id for r in table.rows if r.how != "blank" and _taken(ctx, r) for c in r.cells]
    if not ids:
        return
    gone = "、".join(f"「{n}」" for n in table.paged_out)
    sums = (
        "三组的总计都等于其余各项之和"
        if key_ == "s4"
        else "每行的总计都等于其余各列之和，且各列的办理结果之和等于（七）总计、新收与上年结转之和"
        "等于办理结果总计与结转下年度之和"
    )
    ctx.finding(
        "R-LAYOUT-SHIFT",
        "warning",
        ids,
        f"{TABLE_NAMES[key_]}的数值之间夹有单独成行的数字 {gone}（从 PDF 提取的文本中，页码常"
        "排在表格的数值之间）。按文本原样读取时本表无法读全；这些数字按页码的顺序（各页页码依次"
        f"加一、在文本中依次出现）去掉后，{sums}；页码顺序允许的其他读法或不能使上述关系都成立，"
        "或读数与此相同，"
        "因此把它们作为页码、不作为单元格读取。这是按页码顺序和表格的勾稽关系推断出的读法，"
        "请对照原件核对。",
        actual=list(table.paged_out),
    )


def _taken(ctx: Any, row: FormRow) -> bool:
    """Are the row's values in the report this reading's (not the layout reading's)?"""
    for c in row.cells:
        if c.status == "unread":
            continue  # a cell the text leaves open (``say_cells_unread``)
        v = ctx.report.values.get(c.id)
        if v is None or v.source is None or v.source.start is None or (v.raw or "") != c.text:
            return False
    return True


def say_before(ctx: Any, key_: str, rows: list[FormRow], items: dict[str, str]) -> None:
    """表二 rows whose number stood after their item's heading, not after their label
    (``form.read._item_numbers``): one finding per item."""
    by_item: dict[str, list[FormRow]] = {}
    for r in rows:
        if _taken(ctx, r):
            by_item.setdefault(items[r.rid], []).append(r)
    for head, got in by_item.items():
        names = "".join(f"「{row_label(r)}」" for r in got)
        shown = "；".join(f"{row_label(r)} {r.cells[0].text}" for r in got)
        ctx.finding(
            "R-LAYOUT-SHIFT",
            "warning",
            [c.id for r in got for c in r.cells],
            f"{TABLE_NAMES[key_]}{names}行的数值不在各自的标签之后（文本按 PDF 的阅读顺序排列，"
            f"标签与数值分开）。「{head}」在格式中有 {len(got)} 行、每行一个数值，"
            f"其后恰有 {len(got)} 个数值，因此按格式的行序读作：{shown}。"
            "这是推断出的读法，请对照原件核对。",
            actual=shown,
        )


def form_title(fid: str) -> str:
    """The form's label of the row of cell ``fid`` (表三「（一）予以公开」总计 → （一）予以公开)."""
    label = label_of(fid)
    return label[label.find("「") + 1 : label.rfind("」")] if "「" in label else label


def clip_shown(shown: str, limit: int = 60) -> str:
    return shown if len(shown) <= limit else shown[:limit].rstrip() + "……"


def row_label(row: FormRow) -> str:
    """A row's label as written, spaces and line breaks dropped."""
    if row.rid == "reviews":
        return "数据行"
    written = re.sub(r"[\s|｜¦]+", "", row.label)
    if written:
        return written
    # no label in the text (a row read by its place): the form's
    return form_title(row.cells[-1].id) if row.cells else row.rid


def row_name(key_: str, row: FormRow) -> str:
    if key_ == "s4":
        return "表四数据行"
    return f"{TABLE_NAMES[key_]}「{row_label(row)}」行"


def say_splits(ctx: Any, key_: str, rows: list[FormRow]) -> None:
    """One finding per table for the rows whose digits ran together and were cut into
    cells: each row's text and the reading taken."""
    cells = [c.id for r in rows for c in r.cells if c.status == "split"]
    by_count = all(len(r.shown.replace(" ", "")) == len(r.cells) for r in rows)
    # rows the arithmetic had to decide first, then those with one digit a cell
    ordered = sorted(rows, key=lambda r: len(r.shown.replace(" ", "")) == len(r.cells))
    parts = [
        f"「{row_label(r)}」{r.shown} → " + "、".join(c.text if c.text else "空" for c in r.cells)
        for r in ordered
    ]
    shown = "；".join(parts[:8]) + (f"；等 {len(parts)} 行" if len(parts) > 8 else "")
    how = (
        "每个数字各占一格"
        if by_count
        else "按位数和表格的勾稽关系（合计、各组总计、一＋二＝（七）＋四）"
    )
    ctx.finding(
        "R-DIGITS-SPLIT",
        "warning",
        cells,
        f"{TABLE_NAMES[key_]}有 {len(rows)} 行的数字连在一起，没有分隔符（复制或抓取时丢失），"
        f"已{how}拆分为唯一可能的读法：{shown}。这是推断出的读法，请对照原件核对。",
        actual={r.rid: r.shown for r in rows},
        evidence={r.rid: [c.text for c in r.cells] for r in rows},
    )


def say_row(ctx: Any, key_: str, row: FormRow) -> None:
    ids = [c.id for c in row.cells]
    reading = "、".join(
        f"{label_of(c.id).split('」')[-1] or c.id}={c.text or '（空）'}" for c in row.cells
    )
    if row.how == "placed":
        ctx.finding(
            "R-CELL-COUNT",
            "warning",
            ids,
            f"{row_name(key_, row)}只显示 {sum(1 for c in row.cells if c.text)} 个数值"
            f"（「{row.shown}」，应有 {len(ids)} 个单元格），分隔符无法确定空白单元格的位置；"
            f"已按合计关系确定各数值所在列：{reading}。这是推断出的读法，请对照原件核对。",
            expected=len(ids),
            actual=row.shown,
        )
    elif row.how == "joined":
        ctx.finding(
            "R-DIGITS-SPLIT",
            "warning",
            ids,
            f"{row_name(key_, row)}显示 {len(row.shown.split())} 个数字（「{clip_shown(row.shown)}」），"
            f"多于 {len(ids)} 个单元格：有的数的各位数字被分开（网页中每个数字单独排版、"
            f"复制时各占一段，常见于从 Word 粘贴的网页）；按表格的勾稽关系，唯一成立的读法是："
            f"{reading}。这是推断出的读法，请对照原件核对。",
            expected=len(ids),
            actual=row.shown,
        )
    elif row.how == "agreed":
        # read where every reading that satisfies the table's arithmetic agrees; the other
        # cells are named unread (``say_cells_unread``)
        got = [c for c in row.cells if c.status == "agreed"]
        pieces = sum(1 for x, _, _ in row.candidates[0] if x is not None)
        shown = len(row.shown.split())
        read = "、".join(f"{label_of(c.id).split('」')[-1] or c.id}={c.text}" for c in got)
        ctx.finding(
            "R-DIGITS-SPLIT" if pieces != shown else "R-CELL-COUNT",
            "warning",
            [c.id for c in got],
            f"{row_name(key_, row)}的数值「{clip_shown(row.shown)}」"
            + (
                "连在一起，没有分隔符"
                if pieces > shown
                else "多于单元格数，有的数的各位数字可能被分开"
                if pieces < shown
                else "少于单元格数，分隔符无法确定空白单元格的位置"
            )
            + f"：符合表格勾稽关系的读法有 {len(row.candidates)} 种，它们在以下单元格上一致，"
            f"已按此读取：{read}；其余单元格未能确定。这是推断出的读法，请对照原件核对。",
            actual=row.shown,
            evidence=[[x for x, _, _ in cand] for cand in row.candidates[:20]],
        )
    elif row.how == "reordered":
        ctx.finding(
            "R-LAYOUT-SHIFT",
            "warning",
            ids,
            f"{row_name(key_, row)}的 {len(ids)} 个数值分在几行文字中（「{clip_shown(row.shown)}」），"
            "按文字顺序读取时本行合计不成立；换行前后的数值调换顺序后合计成立（常见于从 PDF "
            f"复制的文本：标签换行时总计与其他数值不在同一行），已按此读取：{reading}。"
            "这是推断出的读法，请对照原件核对。",
            actual=row.shown,
        )


# a dash glued to a number, spaced from the digits after it (``read._sign_apart``)
_SIGN_APART = re.compile(r"\d[-－–][ \t\u3000\u00a0]+\d")


def say_unread(ctx: Any, key_: str, row: FormRow, ids: list[str]) -> None:
    line = ctx.doc.line_of(row.label_start) if row.label_start >= 0 else None
    where = f"（第 {line} 行附近）" if line else ""
    if row.candidates:
        shown = "；".join(
            " ".join(x if x is not None else "空" for x, _, _ in cand)
            for cand in row.candidates[:5]
        ) + ("……" if len(row.candidates) > 5 else "")
        more = (
            f" {len(row.candidates)} 种以上"
            if len(row.candidates) >= 200
            else f" {len(row.candidates)} 种"
        )
        ctx.finding(
            "R-DIGITS-SPLIT",
            "warning",
            ids,
            f"{row_name(key_, row)}{where}的数值「{row.shown}」无法唯一地对应到各单元格："
            + (
                f"可能的读法有{more}（{shown}；表二没有勾稽关系可据以判断）。"
                if key_ == "s2"
                else f"符合表格勾稽关系的读法有{more}（{shown}）。"
                if row.checked
                else f"可能的读法有{more}（{shown}），表格的勾稽关系无法在其中判断。"
            )
            + "本工具未能读取该行，未作猜测，请对照原件。",
            actual=row.shown,
            evidence=[[x for x, _, _ in cand] for cand in row.candidates[:20]],
        )
    ctx.finding(
        "R-UNREAD",
        "warning",
        ids,
        f"未能读取{row_name(key_, row)}{where}的数值"
        + (f"（文本中为「{clip_shown(row.shown)}」）" if row.shown else "")
        + (
            "：短横与前一个数字相连、与后面的数字隔开，无法判断是后一个数的负号还是占位符"
            if _SIGN_APART.search(row.shown)
            else ""
        )
        + "。这是本工具的读取局限，不代表报告缺少该行，请对照原件核对。",
        actual=row.shown or None,
    )


def say_cells_unread(ctx: Any, key_: str, row: FormRow, ids: list[str]) -> None:
    """Cells of a row read column by column that the text leaves open: their column's
    blank cells (which print nothing) may stand in this row or in another, and the readings
    in which every row adds up differ there."""
    names = "、".join(label_of(i).split("」")[-1] or i for i in ids)
    why = (
        "这一项的数值排在列名之后，几列的数值连在一起，按行读与按列读在这些单元格上读数不同，"
        "表二没有勾稽关系可据以判断"
        if key_ == "s2"
        else f"本行的数值「{clip_shown(row.shown)}」符合表格勾稽关系的读法有 "
        f"{len(row.candidates)} 种，在这些单元格上读数不同（数值或空白）"
        if row.how == "agreed"
        else "这些列的数值按列排列，且比行数少（空白单元格在文本中不显示）：使各行总计都等于其余"
        "各列之和的放法不止一种，在这些单元格上读数不同（数值或空白），或是只能把空白放在"
        "其余各列之和不为 0 的行的总计（这样的行无从核对，也可能是文本丢失了该数值）"
    )
    ctx.finding(
        "R-UNREAD",
        "warning",
        ids,
        f"未能读取{row_name(key_, row)}的{names}：{why}，本工具未作猜测。"
        "这是本工具的读取局限，请对照原件核对。",
        actual=row.shown or None,
    )


def say_rows_unread(
    ctx: Any, key_: str, titles: list[str], ids: list[str], why: str, meaning: str
) -> None:
    """One R-UNREAD for several rows of a table: their titles, why their numbers could not
    be placed, and what that does not mean of the document."""
    names = "、".join(f"「{t}」" for t in titles[:12])
    more = f"等 {len(titles)} 行" if len(titles) > 12 else f"共 {len(titles)} 行"
    ctx.finding(
        "R-UNREAD",
        "warning",
        ids,
        f"未能读取{TABLE_NAMES[key_]}{names}{more}的数值：{why}，本工具无法确定它们属于哪一行，"
        f"未作猜测。这是本工具的读取局限，{meaning}，请对照原件核对。",
    )


def say_garbled(ctx: Any, key_: str, row: FormRow, written: str, how: str) -> None:
    """A row found by its garbled label (``form.garbled``): read (R-LABEL-TYPO, saying what
    was inferred) or, where the text leaves a doubt, unread (R-UNREAD, never missing)."""
    ids = [c.id for c in row.cells]
    title = form_title(ids[-1]) if ids else row.rid
    name = f"{TABLE_NAMES[key_]}「{title}」行"
    line = ctx.doc.line_of(row.label_start) if row.label_start >= 0 else None
    where = f"（第 {line} 行附近）" if line else ""
    if how == "ordinal":
        ctx.finding(
            "R-UNREAD",
            "warning",
            ids,
            f"未能读取{name}的数值：本工具未找到该行的标签，其所在位置{where}只有一个数字"
            f"「{clip_shown(written, 40)}」，与该行的序号相同（可能是只剩序号的标签），也可能是"
            "上一行的数值，本工具无法确定，该行与上一行均未作猜测"
            + (f"（其后的数值为「{clip_shown(row.shown)}」）" if row.shown else "")
            + "。这是本工具的读取局限，不代表报告缺少该行，请对照原件核对。",
            actual=written,
            expected=title,
        )
        return
    if how == "unread":
        ctx.finding(
            "R-UNREAD",
            "warning",
            ids,
            f"未能读取{name}的数值：本工具未找到该行的标签，其所在位置{where}有一段文字"
            f"「{clip_shown(written, 40)}」与该标签部分相同（可能是字符有误的标签），"
            "本工具无法确定，未作猜测"
            + (f"（其后的数值为「{clip_shown(row.shown)}」）" if row.shown else "")
            + "。这是本工具的读取局限，不代表报告缺少该行，请对照原件核对。",
            actual=written,
            expected=title,
        )
        return
    if how == "lost":
        ctx.finding(
            "R-UNREAD",
            "warning",
            ids,
            f"未能读取{name}的数值：本工具未在文本中找到该行的标签，但格式规定该行所在的位置"
            f"{where}另有数值或空白单元格而没有标签（可能是标签丢失，如复制时漏掉了标签单元格或"
            "标签为图片），无法确定其中哪些数值属于该行、哪些属于上一行，未作猜测。"
            "这是本工具的读取局限，不代表报告缺少该行，请对照原件核对。",
            expected=title,
        )
        return
    shown = f"「{clip_shown(row.shown)}」" if row.shown else "空白"
    if how == "head":
        ctx.finding(
            "R-LAYOUT-SHIFT",
            "warning",
            ids,
            f"未能在文本中识别{name}的标签{where}；表头之后、下一行的标签之前另有一组数值"
            f"（{shown}），格式在此只有这一行，因此按格式的行序读作该行。"
            "这是推断出的读法，请对照原件核对。",
            actual=row.shown or None,
            expected=title,
        )
        return
    if how == "gap":
        ctx.finding(
            "R-LAYOUT-SHIFT",
            "warning",
            ids,
            f"未能在文本中识别{name}的标签{where}；上一行的数值之后、下一行的标签之前另有一组"
            f"数值（{shown}"
            + (f"，前面的文字为「{clip_shown(written, 40)}」" if written else "")
            + "），格式在此只有这一行，因此按格式的行序读作该行。这是推断出的读法，请对照原件核对。",
            actual=row.shown or None,
            expected=title,
        )
        return
    why = (
        "与格式规定的标签只有少数字符不同"
        if how == "label"
        else "是前后两行标签之间唯一的文字，与该标签部分相同"
    )
    ctx.finding(
        "R-LABEL-TYPO",
        "warning",
        ids,
        f"{name}的标签在文本中{where}为「{clip_shown(written, 40)}」（可能是文字识别错误、错别字、"
        f"字符丢失，或复制、排版时标签被拆开）。这段文字{why}，且位于格式规定该行所在的位置，因此按格式的行序读作该行"
        f"（{shown}）。这是推断出的读法，请对照原件核对。",
        actual=written,
        expected=title,
    )


def say_placed(ctx: Any) -> None:
    """表三 rows read from a column-aligned text (a PDF's layout-mode text) that printed
    fewer numbers than the form's columns, each number placed in the column whose header word
    it stands under (``readers.valuelines.place_by_header``): one finding naming those rows'
    cells whose values stand so read."""
    tables = ctx.doc.tables
    rows: dict[str, list[str]] = {}
    shown: dict[str, list[str]] = {}
    for fid, v in ctx.report.values.items():
        src = v.source
        if not fid.startswith("requests.") or src is None or src.table is None:
            continue
        if src.row is None or src.col is None or not 0 <= src.table < len(tables):
            continue
        grid = tables[src.table].rows
        if not 0 <= src.row < len(grid) or not 0 <= src.col < len(grid[src.row]):
            continue
        row = grid[src.row]
        cell = row[src.col]
        rid, col = fid.rsplit(".", 1)
        if not cell.placed or col not in COLUMNS:
            continue
        if src.col - (len(row) - len(COLUMNS)) != COLUMNS.index(col):
            continue  # (another reading's column for the number, not its place's)
        rows.setdefault(rid, []).append(fid)
        shown.setdefault(rid, []).append(cell.text.strip() or "空白")
    if not rows:
        return
    ids = [i for row_ids in rows.values() for i in row_ids]
    titles = [f"「{form_title(r[-1])}」" for r in rows.values()]
    names = "".join(titles) if len(titles) <= 3 else "".join(titles[:3]) + f"等 {len(titles)} "
    text = "；".join(f"{form_title(r[-1])} {' '.join(shown[rid])}" for rid, r in rows.items())
    ctx.finding(
        "R-LAYOUT-SHIFT",
        "warning",
        ids,
        f"表三{names}行打印的数值少于格式的 7 列（按版面排列的文本中，空白单元格不占位置，"
        "常见于保留版面的 PDF 文本提取）。这些数值按其所在位置归入各列（位于表头各列名称（自然人、"
        "商业企业、科研机构、社会公益组织、法律服务机构、其他、总计）下方，或与上下相邻、7 列都有数值"
        "的行的同列数值对齐），未打印数值的列读作空白；"
        "每行的总计都等于其余各列之和，能核对的各列合计（办理结果之和等于（七）总计等）也都成立。"
        f"这是按位置推断出的读法，请对照原件核对：{clip_shown(text, 240)}。",
        actual={rid: shown[rid] for rid in rows},
    )
