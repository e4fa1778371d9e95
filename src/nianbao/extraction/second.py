"""A text that holds a second report after the first: the report is read alone.

A portal's page prints the previous year's report under this year's, a county's page gathers
its departments' reports one after the other, a crawl joins a page and its print version.
Read as one document, the second report's rows filled what the first had not read (its
other layout's rows, its 表四 when the first's was split in three), and its headings and
tables competed with the first's: cells of another report came back with no word.

The second report starts at a title line (a year, 政府信息公开 or 政务公开, and 年度报告 or
年报, on a line of its own) that stands after the first report's whole 表三 (its first row,
本年新收…, and its last, 结转下年度继续办理, after its section 二's heading) and before
another section 二's heading and 表三's first row. (Section 一's prose naming 表三's rows,
then the title as a page's running header, is no report's end: the whole report was cut
there, its cells absent and its sections called missing.) The text is
read up to that line; a note says where the other report starts and that it was not read.
A running page header holding the title stands inside the report (before its 表三 ends, or
with no second 表三 after it, or with the first report's 表四 words or the headings of its
sections 四 to 六 after it, before another section 二's heading) and cuts nothing.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ..readers.document import Cell, Document, Paragraph, Table
from ..readers.normalize import REPORT_TITLE, key

__all__ = ["first_report"]

_FIRST_ROW = "本年新收政府信息公开申请"
_LAST_ROW = "结转下年度继续办理"
# section 二's heading (二、主动公开政府信息情况, 一、 where 总体情况 has no number, 表二：…),
# folded by ``key``
_TABLES_HEADING = re.compile(r"(?:[一二三123]|第[一二三]部分|表[一二])?主动公开政府信息(?:情况)?$")
# 新收 of 表三's first row, as ``key`` would fold it (spacing and punctuation between)
_NEW_CASES = re.compile(r"新\W{0,3}收")
_SENTENCE = re.compile(r"[。；，]\s*$|特此|根据|依据|按照")
# the first report's later parts, folded by ``key``: 表四's header words, the headings of
# sections 四 to 六 (a title line before them was a page's running head, not a second
# report's title, which section 一 follows)
_GOES_ON = re.compile(
    r"^(?:[四五六]|第[四五六]部分)(?:政府信息公开)?(?:行政复议|存在的主要问题|其他需要报告)"
    r"|^(?:行政复议|行政诉讼|未经复议直接起诉|复议后起诉|结果维持|结果纠正|其他结果|尚未审结|总计)+$"
)

# section 一's heading (一、总体情况, 第一部分 …): after a title line, a report begins there, and
# a table's words in its section 一 (总计, 行政复议 a line of their own) are that report's
_FIRST_HEADING = re.compile(r"[\s#*]*(?:一\s*[、.．]|第一部分)")


def _is_title(line: str, k: str) -> bool:
    return 8 <= len(k) <= 60 and bool(REPORT_TITLE.search(k)) and not _SENTENCE.search(line)


def _cut_at(text: str) -> tuple[int, str] | None:
    """The offset of the second report's title line and the title; None when the text
    holds one report. A title may run over two lines (…政府信息公开 / 工作年度报告)."""
    first_row = last_row = -1
    pos = 0
    prev, prev_start = "", 0
    title: tuple[int, str] | None = None
    tables = False  # the first report's section 二 begun (its 表三 comes after)
    heading = False  # the second report's section 二 begun
    opened = False  # the second report's section 一 begun (its title is no running head)
    for line in text.split("\n"):
        start, pos = pos, pos + len(line) + 1
        if len(line) <= 60 and _TABLES_HEADING.match(key(line).lstrip("#")):
            # (a 表三 row's words before section 二, in 一's prose, are no table's)
            tables, heading = True, title is not None
        if title is not None and len(line) <= 60 and _FIRST_HEADING.match(line):
            opened = True
        if (
            title is not None
            and not heading
            and not opened
            and len(line) <= 60
            and "。" not in line
            and _GOES_ON.match(key(line))
        ):
            # the first report goes on after the title line: a page's running head (its
            # 表四's later rows, its sections 五 and 六 would be cut off); a later title may
            # be the second report's
            title = None
        if len(line) > 400 or not any(ch in line for ch in "收转报告"):
            prev, prev_start = line, start  # (a flattened page: no title line of its own)
            continue
        k = key(line)
        if first_row < 0:
            if tables and _FIRST_ROW in k:
                first_row = start
        elif title is None:
            if last_row < 0:
                if _LAST_ROW in k:
                    last_row = start
            elif _is_title(line, k):
                title, opened = (start, line.strip()), False
            elif len(prev) <= 60:
                two = prev.strip() + line.strip()
                if _is_title(two, key(two)):
                    title, opened = (prev_start, two), False
        elif _FIRST_ROW in k and heading:
            return title
        prev, prev_start = line, start
    return None


def _rows_before(table: Table, cut: int) -> Table | None:
    """The rows of ``table`` that end before ``cut``, when the cut falls between two rows
    (a text copy's grid that ran on over the lines of one-cell rows up to and past the
    second report's title); None when a row stands across it or a cell has no offsets."""
    kept: list[list[Cell]] = []
    for row in table.rows:
        real = [c for c in row if not c.covered]
        if any(c.start < 0 for c in real):
            return None
        if all(c.end <= cut for c in real):
            kept.append(row)
        elif any(c.start < cut for c in real if c.text.strip()):
            return None
    end = max((c.end for r in kept for c in r if not c.covered), default=table.start)
    return replace(table, rows=kept, end=end)


def first_report(doc: Document) -> Document:
    """``doc`` up to the title of a second report after the first, a note saying so in its
    artifacts; ``doc`` itself when it holds one report (or its blocks have no offsets, or a
    table runs over the cut)."""
    if len(_NEW_CASES.findall(doc.text, 0)) < 2:
        return doc  # (one 表三 first row at most: no second report; most texts stop here)
    found = _cut_at(doc.text)
    if found is None:
        return doc
    cut, title = found
    blocks: list[Paragraph | Table] = []
    for b in doc.blocks:
        if b.start < 0:
            return doc
        if b.start >= cut:
            break
        if b.end > cut:
            if isinstance(b, Table):
                part = _rows_before(b, cut)
                if part is None:
                    return doc
                if part.rows:
                    blocks.append(part)
                continue
            head = doc.text[b.start : cut].strip()
            if head:
                blocks.append(Paragraph(head, b.start, b.start + len(head), b.page))
            continue
        blocks.append(b)
    note = f"文本第 {doc.line_of(cut)} 行起是另一份年度报告（{title[:60]}），只读取了其前的第一份"
    return replace(doc, text=doc.text[:cut], blocks=blocks, artifacts=[*doc.artifacts, note])
