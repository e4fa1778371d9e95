"""表三 printed in runs of its columns, made into a table (``pdftotext`` without ``-layout``
on a Word table printed to PDF: what crawlers and search indexes keep of a PDF attachment).

poppler groups a table's text into blocks by where it stands and prints block after block.
On each page of 表三 the row labels come as a run (a label a line or a few, with pieces of
the merged group labels between), each followed by its 自然人 number on the next line where
that narrow column stands close to the labels, or by none; the other columns later, band
after band: a band is six (or, where the labels took no number, seven) paragraphs of k lines,
k rows' cells of one column each, left to right; the first rows (新收, 结转, sometimes 予以公开)
among the header's words, row by row::

    申请人情况 / 自然 法人或其他组织 / … / 185 35 / 26 / 39 / 法律 / 服务 / 机构 / 13 / … / 326
    5 / 1 / 0 / 1 / 0 / 0 / 7                      (上年结转, a cell a paragraph)
    （二）部分公开（区分处理 / 0 / 的，只计这一情形… / 1.属于国家秘密 / 59 / ）不 / …
    …  四、结转下年度继续办理 / 2  (words of 表四 …)
    6 / 0 / 0 / 0 / 0 / 6                          (a band of one row)
    0⏎0 / 0⏎3 / 0⏎0 / 0⏎0 / 2⏎1 / 61⏎4             (a band of two rows)

Detected by content: the form's row labels in its order down to 结转下年度 (runs of them, one
a page), each followed by one bare number or each by none; bare numbers after each run in
paragraphs six (seven) at a time of one height, as many rows as the run holds; the header's
first numbers seven for each row before the runs. The rows are taken only when every row
adds up (总计 = the six applicant columns) and the columns do (三、办理结果's rows sum to
（七）总计; 新收 + 结转 = 总计 + 结转下年度), and no other assembly the text allows does: the
assembly is then the one the text and the form allow. Where the header's numbers do not add
up (poppler printed a header row's cells out of order), the rows of 办理结果 down to （七）总计
are taken when they add up on their own, the others left to the label reading. Otherwise
the text is left as it is (the form reading names what it cannot read). Every value keeps
its offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..schema import (
    COLUMN_LABELS,
    COLUMNS,
    REQUEST_ROW_LABELS,
    REQUEST_ROWS_2019,
    REQUEST_ROWS_2021,
    RESULT_ROWS_2019,
    RESULT_ROWS_2021,
)
from .document import Cell, Paragraph, Table

Block = Paragraph | Table

_NUM = re.compile(r"[0-9]+")
_NUMS_LINE = re.compile(r"[ \t\u3000]*(?:[0-9]+[ \t\u3000]*)+")
_SPACE = re.compile(r"[\s\u3000]+")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+[.．、])")
# a character of the merged 三、本年度办理结果 cell printed before a row's label
_LEAD = re.compile(r"^[三、本年度办理结果][ \t\u3000]+")
_LAYOUTS = (
    (REQUEST_ROWS_2019, RESULT_ROWS_2019),
    (REQUEST_ROWS_2021, RESULT_ROWS_2021),
)
_WIDTH = len(COLUMNS)
_MAX_SCAN = 600  # blocks from the first label to the last band


@lru_cache(maxsize=4096)
def _norm(s: str) -> str:
    s = _SPACE.sub("", _LEAD.sub("", s.strip()))
    return s.replace("(", "（").replace(")", "）").replace('"', "“").replace("．", ".")


def _names(line: str, rid: str) -> bool:
    """Does ``line`` open the label of row ``rid`` (its first words, or all of them)?"""
    p = _norm(line)
    label = _norm(REQUEST_ROW_LABELS[rid])
    if len(p) < 3:
        return False
    if label.startswith(p) or p.startswith(label):
        return len(p) >= 4 or p == label
    bare = _ORDINAL.sub("", label)
    return _ORDINAL.sub("", p) == p and len(p) >= 4 and bare.startswith(p)  # 其他处理


def _text(b: Block) -> str:
    return b.text if isinstance(b, Paragraph) else ""


def _bare(b: Block) -> bool:
    return isinstance(b, Paragraph) and _NUM.fullmatch(b.text.strip()) is not None


def _gap(text: str, a: Block, b: Block) -> int:
    """Line breaks between two blocks (2 or more: a blank line between)."""
    return text.count("\n", a.end, b.start)


def _cell(p: Block) -> Cell:
    s = p.text if isinstance(p, Paragraph) else ""
    lead = len(s) - len(s.lstrip())
    return Cell(s.strip(), p.start + lead, p.start + lead + len(s.strip()))


@dataclass
class _Label:
    r: int  # the row's index in the layout's rows
    at: int  # its label's block
    num: int | None  # the block of its first column's number (None: none after it)


def _labels(blocks: list[Block], k: int, text: str, rows: tuple[str, ...]) -> list[_Label] | None:
    """From block ``k`` (the label of some row after the first two), every row's label down
    to the last row, in the form's order, each with the bare number right after it (no blank
    line between) or none; None when a row is skipped or a label stands out of order."""
    r = next((r for r, rid in enumerate(rows) if _names(_text(blocks[k]), rid)), None)
    if r is None or r < 2:
        return None
    out: list[_Label] = []
    i = k
    stop = min(len(blocks), k + _MAX_SCAN)
    while r < len(rows) and i < stop:
        b = blocks[i]
        if isinstance(b, Table):
            return None
        if _names(b.text, rows[r]):
            n = blocks[i + 1] if i + 1 < len(blocks) else None
            if n is not None and _bare(n) and _gap(text, b, n) == 1:
                out.append(_Label(r, i, i + 1))
                i += 2
            else:
                out.append(_Label(r, i, None))
                i += 1
            r += 1
            continue
        if any(_names(b.text, rid) for rid in rows[r + 1 :]):
            return None  # a row skipped
        i += 1
    return out if r == len(rows) else None


def _segments(blocks: list[Block], labels: list[_Label]) -> list[list[_Label]]:
    """The labels cut into runs: labels all with a number after them or all without, no
    other bare number between two of a run."""
    out: list[list[_Label]] = []
    for lab in labels:
        if out:
            last = out[-1][-1]
            after = (last.num if last.num is not None else last.at) + 1
            same = (lab.num is None) == (last.num is None)
            if same and not any(_bare(blocks[j]) for j in range(after, lab.at)):
                out[-1].append(lab)
                continue
        out.append([lab])
    return out


def _paragraphs(blocks: list[Block], i: int, text: str, need: int) -> list[list[int]] | None:
    """From block ``i`` on, paragraphs of bare numbers (a blank line or words between them,
    words skipped), ``need`` numbers or a few more (the last paragraph whole)."""
    paras: list[list[int]] = []
    cur: list[int] = []
    j = i
    while j < len(blocks) and sum(map(len, paras)) + len(cur) < need:
        b = blocks[j]
        if isinstance(b, Table):
            return None
        if _bare(b):
            if cur and _gap(text, blocks[cur[-1]], b) == 1:
                cur.append(j)
            else:
                if cur:
                    paras.append(cur)
                cur = [j]
        else:
            if cur:
                paras.append(cur)
            cur = []
            if _NUMS_LINE.fullmatch(b.text) or (
                any(ch.isdigit() for ch in b.text) and len(b.text.strip()) <= 12
            ):
                return None  # numbers side by side, or a number with words: not this shape
        j += 1
    while (
        cur and j < len(blocks) and _bare(blocks[j]) and _gap(text, blocks[cur[-1]], blocks[j]) == 1
    ):
        cur.append(j)
        j += 1
    if cur:
        paras.append(cur)
    return paras


def _bands(
    blocks: list[Block], i: int, text: str, n_rows: int, width: int
) -> tuple[list[list[Cell]], int] | None:
    """``n_rows`` rows of ``width`` cells from bands of paragraphs from block ``i`` on: a
    band of k rows (k: the lines of its first paragraph) is its ``width`` columns one after
    the other, each column's k cells in one paragraph or in several (a cell's paragraph
    never crossing into the next column). The rows and the last block taken."""
    paras = _paragraphs(blocks, i, text, n_rows * width)
    if paras is None:
        return None
    rows: list[list[Cell]] = []
    q = 0
    last = i
    while len(rows) < n_rows:
        if q >= len(paras):
            return None
        h = len(paras[q])
        if len(rows) + h > n_rows:
            return None
        cols: list[list[int]] = []
        for _ in range(width):
            col: list[int] = []
            while len(col) < h and q < len(paras):
                col += paras[q]
                q += 1
            if len(col) != h:
                return None
            cols.append(col)
        rows += [[_cell(blocks[col[r]]) for col in cols] for r in range(h)]
        last = cols[-1][-1]
    return rows, last


def _header(blocks: list[Block], lo: int, count: int) -> tuple[list[Cell], int] | None:
    """The first ``count`` numbers after block ``lo`` (the header's words and numbers:
    numbers alone on their lines, one or several), with their offsets, and the last block
    taken; None when a number stands among words on a line first."""
    cells: list[Cell] = []
    j = lo
    while len(cells) < count and j < len(blocks):
        b = blocks[j]
        if isinstance(b, Table):
            return None
        if _NUMS_LINE.fullmatch(b.text):
            cells += [
                Cell(m.group(), b.start + m.start(), b.start + m.end())
                for m in _NUM.finditer(b.text)
            ]
        elif any(ch.isdigit() for ch in b.text):
            return None
        j += 1
    return (cells, j - 1) if len(cells) == count else None


def _adds_up(vals: dict[str, list[int]], results: tuple[str, ...]) -> bool:
    """Every row adds up, 办理结果's rows sum to （七）总计 in every column, and, where the
    first rows are there, 新收 + 结转 = 总计 + 结转下年度 in every column."""
    if any(sum(v[:6]) != v[6] for v in vals.values()):
        return False
    first = all(r in vals for r in ("new", "carried_over", "carried_forward"))
    for c in range(_WIDTH):
        done = vals["processed_total"][c]
        if sum(vals[r][c] for r in results) != done:
            return False
        if first and vals["new"][c] + vals["carried_over"][c] != done + vals["carried_forward"][c]:
            return False
    return True


def _numbers(grid: dict[str, list[Cell]]) -> dict[str, list[int]]:
    return {rid: [int(c.text) for c in cells] for rid, cells in grid.items()}


@dataclass
class _Reading:
    grid: dict[str, list[Cell]]
    labels: dict[str, Cell]
    taken: set[int]
    at: int  # the block the table stands in place of
    pre: int  # the first rows read among the header's numbers


def _assemble(
    blocks: list[Block],
    text: str,
    rows: tuple[str, ...],
    results: tuple[str, ...],
    labels: list[_Label],
    pre: int,
) -> _Reading | None:
    """The reading with ``pre`` first rows among the header's numbers (the labels of those
    rows among ``labels`` taking no number of their own), or None."""
    runs = [lab for lab in labels if lab.r >= pre]
    if labels[0].r > pre or not runs or any(lab.num is not None for lab in labels if lab.r < pre):
        return None  # a row neither among the header's nor among the runs
    first = labels[0].at
    # the header: 申请人情况 (or 自然人's words) near the labels, before them or after
    start = next(
        (
            j
            for j in range(max(0, first - 80), min(len(blocks), runs[-1].at + 80))
            if "申请人情况" in _text(blocks[j]) or _norm(_text(blocks[j])).startswith("自然")
        ),
        None,
    )
    if start is None:
        return None
    head = _header(blocks, start, pre * _WIDTH)
    if head is None:
        return None
    head_cells, head_end = head
    grid: dict[str, list[Cell]] = {}
    for n in range(pre):
        grid[rows[n]] = head_cells[_WIDTH * n : _WIDTH * (n + 1)]
    taken = set(range(start, head_end + 1))
    names: dict[str, Cell] = {}
    # the first rows' labels: before the header, or among the labels found
    for lab in labels:
        if lab.r < pre:
            names[rows[lab.r]] = _cell(blocks[lab.at])
            taken.add(lab.at)
    for n in range(pre):
        if rows[n] not in names:
            top = min(start, first)  # its label stands before the header and the runs
            j = next(
                (
                    j
                    for j in range(top - 1, max(-1, top - 60), -1)
                    if _names(_text(blocks[j]), rows[n])
                ),
                None,
            )
            if j is None:
                return None
            names[rows[n]] = _cell(blocks[j])
            taken.add(j)
    after = -1  # the last block of the bands read so far
    for seg in _segments(blocks, runs):
        width = _WIDTH - 1 if seg[0].num is not None else _WIDTH
        seg_end = max(lab.num if lab.num is not None else lab.at for lab in seg)
        if start < seg[0].at and head_end > seg[0].at:
            return None  # the header's numbers among a run's labels
        # the bands follow the run's labels, and the header's numbers where they follow too
        begin = max(seg_end, after, head_end if start > seg[0].at else -1) + 1
        got = _bands(blocks, begin, text, len(seg), width)
        if got is None:
            return None
        band_rows, after = got
        for lab, cells in zip(seg, band_rows):
            rid = rows[lab.r]
            names[rid] = _cell(blocks[lab.at])
            grid[rid] = ([_cell(blocks[lab.num])] if lab.num is not None else []) + cells
        taken |= set(range(seg[0].at, seg_end + 1))
        taken |= {j for j in range(begin, after + 1) if _bare(blocks[j])}
    return _Reading(grid, names, taken, min(taken), pre)


def _table(rows: tuple[str, ...], reading: _Reading) -> Table:
    """表三 of the rows read, under the form's column words; a row label's text is the
    form's (the printed one is cut by its wraps), its offsets those of the printed label."""
    header = [Cell("")] + [Cell(COLUMN_LABELS[c]) for c in COLUMNS]
    body = [
        [Cell(REQUEST_ROW_LABELS[rid], reading.labels[rid].start, reading.labels[rid].end)]
        + reading.grid[rid]
        for rid in rows
        if rid in reading.grid
    ]
    table_rows = [header] + body
    for r, row in enumerate(table_rows):
        for c, cell in enumerate(row):
            cell.row, cell.col = r, c
    first = min(c.start for row in body for c in row)
    last = max(c.end for row in body for c in row)
    return Table(table_rows, first, last, "markdown", note=_NOTE)


# the reading note the table carries (R-INGEST-ARTIFACT): its cells' places are the
# assembly the form's arithmetic confirmed, not a table the text printed
_NOTE = (
    "表三在文本中按列分段排列（PDF 经 pdftotext 默认模式提取的样式），本工具按行标签和各列数字段"
    "重新组成表格，并以表格勾稽关系（各行总计、办理结果合计、新收 + 结转 = 总计 + 结转下年度）"
    "确认了唯一的组合方式；这是推断出的排列，请对照原件核对。"
)


def _read(blocks: list[Block], k: int, text: str) -> tuple[Table, _Reading] | None:
    """表三 from the label of block ``k`` on, when one reading adds up (see the module
    docstring)."""
    for rows, results in _LAYOUTS:
        labels = _labels(blocks, k, text, rows)
        if labels is None:
            continue
        got = _one_reading(blocks, text, rows, results, labels)
        if got is not None:
            return _table(rows, got), got
    return None


def _one_reading(
    blocks: list[Block],
    text: str,
    rows: tuple[str, ...],
    results: tuple[str, ...],
    labels: list[_Label],
) -> _Reading | None:
    """The reading that adds up, of those with two or three first rows among the header's
    numbers; None when none does or two that differ do."""
    found = [
        got
        for pre in (2, 3)
        if (got := _assemble(blocks, text, rows, results, labels, pre)) is not None
    ]
    whole = [g for g in found if _adds_up(_numbers(g.grid), results)]
    if whole:
        same = all(_numbers(g.grid) == _numbers(whole[0].grid) for g in whole)
        return whole[0] if same else None  # two readings add up: the text does not say which
    # the header's numbers do not add up: the rows of 办理结果 alone, where their own sums
    # hold (结转下年度, which only the first rows check, and those rows left as they are)
    kept: list[_Reading] = []
    for g in found:
        if g.pre > 2:
            continue  # 予以公开 among the header's numbers, which do not add up
        sub = {rid: g.grid[rid] for rid in rows[2:-1]}
        if _adds_up(_numbers(sub), results):
            own = {j for rid in sub for j in _own_blocks(blocks, sub[rid], g.labels[rid])}
            kept.append(_Reading(sub, g.labels, own, min(own), g.pre))
    if kept and all(_numbers(g.grid) == _numbers(kept[0].grid) for g in kept):
        return kept[0]
    return None


def _own_blocks(blocks: list[Block], cells: list[Cell], label: Cell) -> list[int]:
    """The blocks that hold a row's label and cells."""
    spans = {(c.start, c.end) for c in cells} | {(label.start, label.end)}
    return [j for j, b in enumerate(blocks) if any(b.start <= s and e <= b.end for s, e in spans)]


def column_run_tables(blocks: list[Block], text: str) -> list[Block]:
    """``blocks`` with 表三 printed in runs of its columns (see the module docstring) made
    into a table where the form's arithmetic confirms the one assembly the text allows."""
    if "结转" not in text or len(blocks) < 60:
        return blocks
    for k, b in enumerate(blocks):
        if not isinstance(b, Paragraph) or not any(
            _names(b.text, r) for r in ("granted", "partial")
        ):
            continue
        got = _read(blocks, k, text)
        if got is None:
            continue
        table, reading = got
        out: list[Block] = []
        for j, blk in enumerate(blocks):
            if j == reading.at:
                out.append(table)
            if j not in reading.taken:
                out.append(blk)
        return out
    return blocks
