"""The six sections: headings found by their wording (canonical, variants, fuzzy with an
ordinal), each block's section, each table's kind, and the sections' texts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

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
    best = max((req, "s3"), (act, "s2"), (rev, "s4"))
    return best[1] if best[0] else None


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
