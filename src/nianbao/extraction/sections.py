"""The six sections: headings found by their wording (canonical, variants, fuzzy with an
ordinal), each block's section, each table's kind, and the sections' texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ..readers import labels as L
from ..readers.document import Document, Paragraph, Table
from ..readers.normalize import key
from ..report import Section
from ..schema import (
    SECTION_KEYS,
)
from .context import Ctx


# ============================================================================ sections
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
        if isinstance(b, Paragraph) and L.match_section_heading(b.text) is None:
            parts = _run_in(b)
            if parts:
                blocks.extend(parts)
                continue
        blocks.append(b)
    if len(blocks) == len(doc.blocks):
        return doc
    return replace(doc, blocks=blocks)


def _run_in(b: Paragraph) -> tuple[Paragraph, Paragraph] | None:
    text = b.text
    if "\n" in text[:60]:
        return None
    for sep in _RUN_IN.finditer(text, 0, 50):
        head, body = text[: sep.start()], text[sep.end() :]
        m = L.match_section_heading(head)
        if m is None or m.ordinal is None or m.score < 2:
            continue
        if not body.strip():
            return None
        lead = len(b.text) - len(b.text.lstrip())
        start = b.start + lead if b.start >= 0 else b.start
        cut = start + sep.end() if start >= 0 else start
        return (
            Paragraph(head, start, start + len(head) if start >= 0 else b.end, b.page),
            Paragraph(body.strip(), cut, b.end, b.page),
        )
    return None


def find_sections(doc: Document) -> list[Heading]:
    best: dict[str, Heading] = {}
    for i, b in enumerate(doc.blocks):
        if not isinstance(b, Paragraph):
            continue
        m = L.match_section_heading(b.text)
        if m is None:
            continue
        h = Heading(m.section, i, m.score, b.text, m.ordinal, m.ordinal_style)
        cur = best.get(m.section)
        if cur is None or h.score > cur.score:
            best[m.section] = h
    return sorted(best.values(), key=lambda h: h.block)


def section_of_blocks(doc: Document, heads: list[Heading]) -> list[str | None]:
    out: list[str | None] = [None] * len(doc.blocks)
    cur: str | None = None
    marks = {h.block: h.section for h in heads}
    for i in range(len(doc.blocks)):
        if i in marks:
            cur = marks[i]
        out[i] = cur
    return out


def table_kind(t: Table) -> str | None:
    """Guess which of the three tables a table holds from its labels (for tables standing
    outside any recognised section)."""
    counts = _kind_counts(t)
    best = max((n, k) for k, n in counts.items())
    return best[1] if best[0] else None


def table_elsewhere(t: Table, section: str | None) -> str | None:
    """The section of another table whose labels ``t`` clearly holds (at least three, and
    none of ``section``'s), when it stands in ``section``; else None."""
    counts = _kind_counts(t)
    best = max((n, k) for k, n in counts.items())
    if best[1] != section and best[0] >= 3 and not counts.get(section or "", 0):
        return best[1]
    return None


def _kind_counts(t: Table) -> dict[str, int]:
    req = act = rev = 0
    for row in t.rows:
        for c in row:
            k = key(c.text)
            if not k:
                continue
            if L.match_request_row(c.text) is not None or "申请人情况" in k:
                req += 1
            elif L.match_active_row(c.text) is not None or "第二十条" in k:
                act += 1
            elif "行政复议" in k or "行政诉讼" in k or "复议后起诉" in k:
                rev += 1
    return {"s3": req, "s2": act, "s4": rev}


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
