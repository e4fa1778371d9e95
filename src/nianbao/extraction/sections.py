"""The six sections: headings found by their wording (canonical, variants, fuzzy with an
ordinal), each block's section, each table's kind, and the sections' texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from ..readers import labels as L
from ..readers.document import Cell, Document, Paragraph, Table
from ..readers.normalize import key
from ..report import Section
from ..schema import (
    SECTION_KEYS,
)
from .context import Ctx

_HAS_CJK = re.compile(r"[\u4e00-\u9fff]")
_REVIEW_HEAD = re.compile(
    r"结果\s*维持|结果\s*纠正|尚未\s*审结|行政\s*复议|行政\s*诉讼|复议后起诉|直接起诉"
)


# ============================================================================ sections
# (a paragraph is looked at as a heading more than once: when run-in headings are split
# off, then when the sections are found)
_NUMBER_CELL = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
_SHARED_HEADINGS = frozenset({"其他", "总计", "合计"})
_short_heading = lru_cache(maxsize=4096)(L.match_section_heading)


def _heading(text: str) -> L.HeadingMatch | None:
    """``labels.match_section_heading``, remembered for short texts (a long paragraph is
    no heading, and is not kept)."""
    return _short_heading(text) if len(text) <= 200 else L.match_section_heading(text)


@dataclass
class Heading:
    section: str
    block: int
    score: int
    text: str
    ordinal: int | None
    style: str


# a heading run into its section's first sentence: 五、存在的主要问题及改进情况 本年度…
# (text extracted from a page whose headings and paragraphs share a line)
_RUN_IN = re.compile(r"[ \t\u3000]+|[:：][ \t\u3000]*")


def split_run_in_headings(doc: Document) -> Document:
    """``doc`` with each paragraph that opens with a section heading (an ordinal and the
    official wording or a known variant) followed by its text split in two, heading and
    text; ``doc`` itself when there is none."""
    blocks: list[Paragraph | Table] = []
    for b in doc.blocks:
        if isinstance(b, Paragraph) and _heading(b.text) is None:
            parts = _run_in(b, doc.text)
            if parts:
                blocks.extend(parts)
                continue
        blocks.append(b)
    if len(blocks) == len(doc.blocks):
        return doc
    return replace(doc, blocks=blocks)


def _run_in(b: Paragraph, doc_text: str) -> tuple[Paragraph, Paragraph] | None:
    text = b.text
    if "\n" in text[:60]:
        return None
    for sep in _RUN_IN.finditer(text, 0, 50):
        head = text[: sep.start()]
        m = _heading(head)
        if m is None or m.ordinal is None or m.score < 2:
            continue
        body = text[sep.end() :]  # (cut only for a heading: a paragraph may be long)
        if not body.strip():
            return None
        if b.start < 0:
            return Paragraph(head, -1, -1, b.page), Paragraph(body.strip(), -1, -1, b.page)
        # (a reader's paragraph may start at its line's indentation, its text stripped)
        start = doc_text.find(head, b.start, b.end) if doc_text else -1
        if start < 0:
            start = b.start
        cut = start + sep.end()
        body_start = cut + (len(body) - len(body.lstrip()))
        return (
            Paragraph(head, start, start + len(head), b.page),
            Paragraph(body.strip(), body_start, b.end, b.page),
        )
    return None


def find_sections(doc: Document) -> list[Heading]:
    """Each section's heading: the best-scored line naming it, the first of equals. A
    table of contents (three headings or more in a row, nothing between them) names the
    sections before the report does: a heading standing in such a run gives way to a later
    one of the same section (the report's own, or a later run of empty sections)."""
    found: list[Heading] = []
    for i, b in enumerate(doc.blocks):
        if not isinstance(b, Paragraph):
            continue
        m = _heading(b.text)
        if m is None:
            continue
        found.append(Heading(m.section, i, m.score, b.text, m.ordinal, m.ordinal_style))
    in_run = _heading_runs(doc, found)
    best: dict[str, Heading] = {}
    for h in found:
        cur = best.get(h.section)
        if cur is None or h.score > cur.score or (h.score == cur.score and cur.block in in_run):
            best[h.section] = h
    return sorted(best.values(), key=lambda h: h.block)


def _heading_runs(doc: Document, found: list[Heading]) -> set[int]:
    """The blocks of ``found`` that stand in a run of three headings or more of different
    sections with only blank paragraphs between them, the first heading found (a table of
    contents)."""
    at = {h.block: h for h in found}
    out: set[int] = set()
    run: list[int] = []

    first = min(at, default=-1)

    def close() -> None:
        # (a contents list stands before the report's headings: a run after one of them,
        # 二 三 四 with nothing under them after 一's text, is the report's own headings —
        # taken for a contents list, the tables' captions in an appendix became the
        # sections, and the report was blamed for their order)
        if len(run) >= 3 and len({at[i].section for i in run}) == len(run) and run[0] == first:
            out.update(run)

    for i, b in enumerate(doc.blocks):
        if i in at:
            run.append(i)
        elif isinstance(b, Paragraph) and not b.text.strip():
            continue
        else:
            close()
            run = []
    close()
    return out


def section_of_blocks(doc: Document, heads: list[Heading]) -> list[str | None]:
    out: list[str | None] = [None] * len(doc.blocks)
    cur: str | None = None
    marks = {h.block: h.section for h in heads}
    for i in range(len(doc.blocks)):
        if i in marks:
            cur = marks[i]
        out[i] = cur
    return out


def place_tables(sec_of: list[str | None], label_counts: list[dict[str, int] | None]) -> None:
    """Move to another section in ``sec_of`` each table (its :func:`kind_counts` in
    ``label_counts``, None for a paragraph) that stands outside the recognised sections,
    by its labels; so also each table whose labels clearly belong to another table's
    section (tables gathered after the prose, or under the wrong heading, by the copy)."""
    for i, counts in enumerate(label_counts):
        if counts is not None:
            kind = (
                table_kind(counts)
                if sec_of[i] not in ("s2", "s3", "s4")
                else table_elsewhere(counts, sec_of[i])
            )
            if kind:
                sec_of[i] = kind


def table_kind(counts: dict[str, int]) -> str | None:
    """Guess which of the three tables a table holds from its labels (for tables standing
    outside any recognised section), given its :func:`kind_counts`."""
    best = max((n, k) for k, n in counts.items())
    return best[1] if best[0] else None


def table_elsewhere(counts: dict[str, int], section: str | None) -> str | None:
    """The section of another table whose labels a table clearly holds (at least three, and
    none of ``section``'s), when it stands in ``section``; else None. ``counts``: the
    table's :func:`kind_counts`."""
    best = max((n, k) for k, n in counts.items())
    if best[1] != section and best[0] >= 3 and not counts.get(section or "", 0):
        return best[1]
    return None


def kind_counts(row_kinds: list[list[str]]) -> dict[str, int]:
    """How many labelled cells of a table's rows (their :func:`_row_kinds`) name each
    table."""
    counts = {"s3": 0, "s2": 0, "s4": 0}
    for kinds in row_kinds:
        for kind in kinds:
            counts[kind] += 1
    return counts


def _row_kinds(row: list[Cell]) -> list[str]:
    """The table (s2, s3, s4) each labelled cell of a row belongs to, by its label (a row
    of 表四's headings, 结果维持 … 总计, is 表四's whole: 总计 alone names no row of 表三).
    其他 and 总计 alone in a row without numbers are column headings, of 表三's and 表四's
    alike: they name no table (表四 under its heading, its other headings misread in a
    scan's text layer, was taken for 表三's and called missing)."""
    out = []
    headings = not any(
        _NUMBER_CELL.fullmatch(c.text.strip()) for c in row if not c.covered and c.text
    )
    for c in row:
        text = c.text
        if c.covered or (text.isdigit() and text.isascii()):
            continue  # (a number names no table: the common cell, not kept in the cache)
        if headings and text.strip() in _SHARED_HEADINGS:
            continue
        review_head, kind = _cell_kind(text)
        if review_head:
            return ["s4"]
        if kind is not None:
            out.append(kind)
    return out


@lru_cache(maxsize=16384)
def _cell_kind(text: str) -> tuple[bool, str | None]:
    """What one cell's text says of its row's table: whether it is one of 表四's headings
    (the row is then 表四's whole), and the table its label names (None: no label). Cell
    texts repeat across rows and reports: each is classified once."""
    if _REVIEW_HEAD.search(text):
        return True, "s4"
    k = key(text)
    if not k:
        return False, None
    if L.match_request_row(text) is not None or "申请人情况" in k:
        return False, "s3"
    if L.match_active_row(text) is not None or "第二十条" in k:
        return False, "s2"
    if "行政复议" in k or "行政诉讼" in k or "复议后起诉" in k:
        return False, "s4"
    return False, None


def split_mixed_tables(doc: Document) -> tuple[Document, list[dict[str, int] | None]]:
    """``doc`` with each table that holds two or three of the form's tables one after the
    other (a copy that dropped the headings and blank lines between them: tab rows read as
    one grid) split into one table each, at the rows where the labels change table; ``doc``
    itself when there is none. A row without a label of its own goes with the table of the
    labelled rows after it when it holds text (a heading), else with the rows before it
    (a row of numbers). Also each block's :func:`kind_counts` (None for a paragraph), the
    rows' labels being classified once here."""
    blocks: list[Paragraph | Table] = []
    counts: list[dict[str, int] | None] = []
    changed = False
    for b in doc.blocks:
        if not isinstance(b, Table):
            blocks.append(b)
            counts.append(None)
            continue
        row_kinds = [_row_kinds(row) for row in b.rows]
        parts = _split_table(b, row_kinds) if len(b.rows) > 3 else None
        if parts:
            at = 0
            for part in parts:
                blocks.append(part)
                counts.append(kind_counts(row_kinds[at : at + len(part.rows)]))
                at += len(part.rows)
            changed = True
        else:
            blocks.append(b)
            counts.append(kind_counts(row_kinds))
    return (replace(doc, blocks=blocks) if changed else doc), counts


def _main_kind(ks: list[str]) -> str | None:
    """The table most of a row's labels name (ties go to the first label's table: the same
    file reads the same every run); None for a row without labels."""
    if len(ks) <= 1:
        return ks[0] if ks else None
    return max(ks, key=lambda k: (ks.count(k), -ks.index(k)))


def _split_table(t: Table, row_kinds: list[list[str]]) -> list[Table] | None:
    kinds = [_main_kind(ks) for ks in row_kinds]
    if len(set(kinds) - {None}) < 2:
        return None  # the labelled rows name one table or none: nothing to split at
    # unlabelled rows: a heading goes with what follows, numbers with what precedes (the
    # nearest labelled row each way, found in one pass each way)
    n = len(kinds)
    before: list[str | None] = [None] * n
    after: list[str | None] = [None] * n
    last: str | None = None
    for i in range(n):
        before[i] = last
        last = kinds[i] or last
    last = None
    for i in range(n - 1, -1, -1):
        after[i] = last
        last = kinds[i] or last
    for i in range(n):
        if kinds[i] is None:
            texty = any(
                _HAS_CJK.search(c.text) for c in t.rows[i] if not c.covered and c.text.strip()
            )
            kinds[i] = (after[i] or before[i]) if texty else (before[i] or after[i])
    groups: list[tuple[str | None, list[list[Cell]]]] = []
    labelled: list[int] = []  # each group's rows with a label of their own
    for kind, row, ks in zip(kinds, t.rows, row_kinds):
        if groups and groups[-1][0] == kind:
            groups[-1][1].append(row)
        else:
            groups.append((kind, [row]))
            labelled.append(0)
        if ks:
            labelled[-1] += 1
    # a split only where each part is a table of its own (labelled rows of one kind, and
    # each kind once): else a stray label is no reason to cut
    if len(groups) < 2 or len({k for k, _ in groups}) != len(groups) or min(labelled) < 2:
        return None
    out = []
    for _, rows in groups:
        cells = [c for r in rows for c in r if c.start >= 0]
        start = min((c.start for c in cells), default=t.start)
        end = max((c.end for c in cells), default=t.end)
        out.append(Table(rows, start, end, t.kind, t.page, t.index))
    return out


# ============================================================================ sections & meta
_CLOSING = re.compile(
    r"^(本年度报告由|本报告由|本年报由|本年度报告中所列|本年报中所列|报告中所列数据|如对本)"
)
DATE_LINE = re.compile(
    r"^[（(]?(?P<y>\d{4})\s*(?:年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|[-./](?P<m2>\d{1,2})[-./](?P<d2>\d{1,2}))[)）]?$"
)
PAGE_DATE = re.compile(
    r"(?:发布日期|发布时间|公开日期|发布于)\s*[:：]?\s*(?P<y>\d{4})\s*[-./年]\s*(?P<m>\d{1,2})\s*[-./月]\s*(?P<d>\d{1,2})"
)
END_DATE = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日[)）]?$")
CN_DATE_LINE = re.compile(
    r"^[（(]?(?P<y>[〇○零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日[)）]?$"
)


def read_sections(ctx: Ctx, heads: list[Heading], sec_of: list[str | None]) -> None:
    doc, rep = ctx.doc, ctx.report
    texts: dict[str, list[str]] = {k: [] for k in SECTION_KEYS}
    closing: list[str] = []
    head_blocks = {h.block for h in heads}
    for i, b in enumerate(doc.blocks):
        if not isinstance(b, Paragraph) or i in head_blocks:
            continue
        t = b.text.strip()
        if (
            _CLOSING.match(t)
            or DATE_LINE.match(t.replace(" ", ""))
            or CN_DATE_LINE.match(t.replace(" ", ""))
        ):
            closing.append(t)
            continue
        sec = sec_of[i]
        if sec in texts:
            texts[sec].append(t)
    for order, h in enumerate(heads, 1):
        s = rep.sections[h.section]
        s.present = True
        s.heading = h.text
        s.order = order
        b = doc.blocks[h.block]
        s.start = b.start
    for k in SECTION_KEYS:
        rep.sections[k].text = "\n".join(texts[k])
    rep.sections["closing"] = Section(bool(closing), None, None, "\n".join(closing))
    rep.layout["headings"] = {
        h.section: {"text": h.text, "score": h.score, "ordinal": h.ordinal, "style": h.style}
        for h in heads
    }
