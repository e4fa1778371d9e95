"""Document → Report: sections, meta, and the three tables mapped to schema ids.

The mapping is driven by the official template: row labels are matched through the label
dictionary (:mod:`labels`), value cells are read after the label, and the known column
counts (7 in section 三, 15 in section 四) decide which cells are values. Where a row's
cells do not fit, the table's structure (the header, sibling rows) and its arithmetic choose
the placement; a placement that stays uncertain is kept the way the header supports it and
reported. Published totals are never recomputed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..readers import labels as L
from ..readers.document import Cell, Document, OffsetMap, Paragraph, Table
from ..readers.normalize import key
from ..report import Finding, Provenance, Report, Section, Value
from ..schema import (
    COLUMNS,
    REQUEST_ROWS_2019,
    REQUEST_ROWS_2021,
    REVIEW_FIELDS,
    REVIEW_GROUPS,
    REVIEW_IDS,
    SECTION_KEYS,
    label_of,
    table_ids,
)
from .form import HeadingHit
from .formfill import fill_from_form

__all__ = ["extract"]

NCOL = len(COLUMNS)  # 7 value columns in section 三
NREVIEW = 15


# ============================================================================ rows
@dataclass
class Row:
    """A physical row: label cells, then value cells (with their cells for provenance)."""

    cells: list[Cell]
    table: Table | None
    section: str | None
    labels: list[Cell] = field(default_factory=list)
    values: list[Cell] = field(default_factory=list)
    numeric: bool = False  # any value cell holds a number (set from the cells)

    @property
    def label_text(self) -> str:
        return " ".join(c.text.replace("\n", "") for c in self.labels if c.text)

    def __post_init__(self) -> None:
        self.numeric = any(L.has_number(c.text) for c in self.values)


def _split_row(cells: list[Cell], table: Table | None, section: str | None) -> Row:
    real = [c for c in cells if not c.covered]
    last_label = -1
    for i, c in enumerate(real):
        if not L.is_value_text(c.text):
            last_label = i
    return Row(real, table, section, real[: last_label + 1], real[last_label + 1 :])


_TRAILING_NUMS = re.compile(r"(?:\s+[-+]?\d[\d,]*(?:\.\d+)?)+\s*$")
_HAS_CJK = re.compile(r"[\u3400-\u9fff]")


def _paragraph_row(p: Paragraph, section: str | None) -> Row | None:
    """A text line such as '行政许可 97' or '3.补正后申请内容仍不明确   1   0 …' (a table row
    flattened by a PDF-to-text tool): a label that names a row, then numbers."""
    m = _TRAILING_NUMS.search(p.text)
    if not m or m.start() == 0:
        return None
    label = p.text[: m.start()].strip()
    if not _HAS_CJK.search(label) or label.endswith(("。", "，", "；")):
        return None
    if section == "s2":
        if L.match_active_row(label) is None:
            return None
    elif section == "s3":
        if L.match_request_row(re.split(r"\s{2,}", label)[-1]) is None:
            return None
    else:
        return None
    lead = len(p.text) - len(p.text.lstrip())
    cells = [Cell(label, p.start + lead, p.start + lead + len(label), page=p.page)]
    pos = m.start()
    for num in m.group(0).split():
        st = p.text.index(num, pos)
        cells.append(Cell(num, p.start + st, p.start + st + len(num), col=len(cells), page=p.page))
        pos = st + len(num)
    return Row(cells, None, section, cells[:1], cells[1:])


def _paragraph_header(p: Paragraph, section: str | None) -> Row:
    """A text line kept as a label-only row (column headers printed as plain lines)."""
    cells: list[Cell] = []
    for m in re.finditer(r"\S+(?: \S+)*", p.text):
        cells.append(
            Cell(m.group(0), p.start + m.start(), p.start + m.end(), col=len(cells), page=p.page)
        )
    return Row(cells, None, section, cells, [])


def _clip(text: str, size: int) -> str:
    return text if len(text) <= size else text[:size] + "…"


# ============================================================================ context
@dataclass
class _Ctx:
    doc: Document
    report: Report
    findings: list[Finding] = field(default_factory=list)
    signals: set[str] = field(default_factory=set)
    cell_table: dict[int, int] = field(default_factory=dict)  # id(cell) -> table index
    offset_map: Callable[[int], int] | None = None  # None when offsets need no mapping

    def __post_init__(self) -> None:
        omap = self.doc.offset_map
        if omap is not None and not (isinstance(omap, OffsetMap) and omap.identity):
            self.offset_map = omap

    def finding(self, rule: str, severity: str, cells: list[str], message: str, **kw: Any) -> None:
        self.findings.append(Finding(rule, severity, cells, message, **kw))

    def put(self, fid: str, cell: Cell | None, section: str, label: str | None = None) -> Value:
        """Store the value of ``cell`` (None = the row printed no such cell) under ``fid``."""
        if cell is None:
            v = Value(None, None, Provenance(section=section, label=label))
            self.report.values[fid] = v
            return v
        doc = self.doc
        original = doc.original
        st = en = None
        raw = cell.text
        line = None
        if cell.start >= 0:
            omap = self.offset_map
            st = omap(cell.start) if omap else cell.start
            en = (omap(cell.end) if omap else cell.end) if cell.end != cell.start else st
            if original:
                if en > st:
                    raw = original[st:en]
                line = doc.line_of_original(st)
        prov = Provenance(
            section,
            self.cell_table.get(id(cell)),
            cell.row,
            cell.col,
            line,
            st,
            en,
            cell.page,
            cell.bbox,
            label,
        )
        number, note = L.parse_value(cell.text)
        v = Value(number, raw, prov)
        self.report.values[fid] = v
        if note == "range" and not any(  # too many digits for a count or a fee: raw kept
            f.rule == "R-VALUE-RANGE" and f.cells == [fid] for f in self.findings
        ):
            self.finding(
                "R-VALUE-RANGE",
                "warning",
                [fid],
                f"{label_of(fid)}的数值「{_clip(cell.text.strip(), 40)}」位数过多（超过 "
                f"{L.MAX_VALUE_DIGITS} 位），不是合理的件数或金额，已按空值处理，原文保留。",
                actual=cell.text.strip()[:100],
            )
        return v


# ============================================================================ sections
@dataclass
class _Heading:
    section: str
    block: int
    score: int
    text: str
    ordinal: int | None
    style: str


def _find_sections(doc: Document) -> list[_Heading]:
    best: dict[str, _Heading] = {}
    for i, b in enumerate(doc.blocks):
        if not isinstance(b, Paragraph):
            continue
        m = L.match_section_heading(b.text)
        if m is None:
            continue
        h = _Heading(m.section, i, m.score, b.text, m.ordinal, m.ordinal_style)
        cur = best.get(m.section)
        if cur is None or h.score > cur.score:
            best[m.section] = h
    return sorted(best.values(), key=lambda h: h.block)


def _section_of_blocks(doc: Document, heads: list[_Heading]) -> list[str | None]:
    out: list[str | None] = [None] * len(doc.blocks)
    cur: str | None = None
    marks = {h.block: h.section for h in heads}
    for i in range(len(doc.blocks)):
        if i in marks:
            cur = marks[i]
        out[i] = cur
    return out


def _table_kind(t: Table) -> str | None:
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


# ============================================================================ main
def extract(doc: Document) -> Report:
    """Map a Document to a Report. Extraction-level findings (how the text was read) are in
    ``report.findings``; the checks add the rest."""
    rep = Report(source=doc.source)
    rep.text = doc.text
    ctx = _Ctx(doc, rep)
    rep.meta["script"] = doc.script
    rep.meta["source"] = doc.source or None

    heads = _find_sections(doc)
    sec_of = _section_of_blocks(doc, heads)
    # tables outside the recognised sections are placed by content
    for i, b in enumerate(doc.blocks):
        if isinstance(b, Table) and sec_of[i] not in ("s2", "s3", "s4"):
            kind = _table_kind(b)
            if kind:
                sec_of[i] = kind

    _sections(ctx, heads, sec_of)
    _meta(ctx, heads)

    rows, headers, s4_paras = _collect_rows(ctx, sec_of)
    active_layout = _active(ctx, rows["s2"])
    req_layout = _requests(ctx, rows["s3"], headers["s3"])
    _reviews(ctx, rows["s4"], headers["s4"], s4_paras)
    # the form-driven reading fills what the layout-specific reading left empty
    form_layouts: dict[str, str | None] = {"s2": None, "s3": None}
    whole = _whole_tables(ctx, active_layout, req_layout)
    if not (len(heads) == len(SECTION_KEYS) and whole == {"s2", "s3", "s4"}):
        hits = {
            h.section: HeadingHit(
                h.section, doc.blocks[h.block].start, doc.blocks[h.block].end, h.text
            )
            for h in heads
        }
        form_layouts = fill_from_form(ctx, hits, frozenset(whole))
    if (
        form_layouts["s2"]
        and not {"s2:2021", "s2:2019"} & ctx.signals
        and _any_value(rep, ("active", "active2019"))
    ):
        active_layout = form_layouts["s2"]
        ctx.signals.add(f"s2:{active_layout}")
    if form_layouts["s3"] and _any_value(rep, ("requests",)):
        # the rows now read decide 表三's layout: the three （六） sub-rows, or the single row
        sub = any(k.startswith(_OTHER_SUB) for k in rep.values)
        single = any(f"requests.other.{c}" in rep.values for c in COLUMNS)
        if sub != single:
            req_layout = "2021" if sub else "2019"
            ctx.signals.discard("s3:2019" if sub else "s3:2021")
            ctx.signals.add(f"s3:{req_layout}")
        elif req_layout is None:
            req_layout = form_layouts["s3"]
            ctx.signals.add(f"s3:{req_layout}")
    cut = set((rep.layout.get("truncated") or {}).get("cells") or ())
    if "requests.other.natural" in cut and not any(
        k.startswith("requests.other.") for k in rep.values
    ):
        # the text ends before （六）: whether 表三 has the single row or the sub-rows is unknown
        ctx.signals -= {"s3:2021", "s3:2019"}
    _layout(ctx, active_layout, req_layout)
    _artifacts(ctx)
    rep.findings = ctx.findings
    return rep


# Grids whose cells have explicit boundaries, so that a blank cell is a cell of its own.
_GRID_KINDS = frozenset({"tab", "lines", "html", "docx", "pdf", "markdown"})


@lru_cache(maxsize=16)
def _ids_of(layout: str, table: str) -> list[str]:
    """The cell ids of one table of a layout ("active" covers active2019 too)."""
    return [i for i in table_ids(layout) if i.split(".", 1)[0].startswith(table)]


def _whole_tables(ctx: _Ctx, active_layout: str | None, req_layout: str | None) -> set[str]:
    """The tables the layout reading read whole — every cell of the layout read (a blank
    only where the grid has an explicit empty cell), nothing placed unsure, and either every
    value from a grid cell of its own or 表三's rows and 表四's groups adding up: the fast
    exact path, which the form reading does not read again."""
    vals = ctx.report.values
    tables = ctx.doc.tables
    unsure = {
        c
        for f in ctx.findings
        if f.rule in ("R-CELL-COUNT", "R-HEADER-GARBLED", "R-LAYOUT-SHIFT")
        for c in f.cells
    }

    def whole(ids: list[str]) -> bool:
        if not ids:
            return False
        for i in ids:
            v = vals.get(i)
            if v is None or i in unsure:
                return False
            if v.value is None:
                t = v.source.table if v.source is not None else None
                if t is None or t >= len(tables) or tables[t].kind not in _GRID_KINDS:
                    return False
        return True

    def num(i: str) -> Any:
        return vals[i].value or 0

    def grid(ids: list[str]) -> bool:
        """Every value stood in a grid cell of its own: what the arithmetic could change is
        only the document's own error, not where the reading put a number."""
        for i in ids:
            src = vals[i].source
            t = src.table if src is not None else None
            if t is None or t >= len(tables) or tables[t].kind not in _GRID_KINDS:
                return False
        return True

    out: set[str] = set()
    if active_layout is not None:
        if whole(_ids_of("2019" if active_layout == "2019" else "2021", "active")):
            out.add("s2")
    if req_layout is not None:
        ids = _ids_of(req_layout, "requests")
        if whole(ids):
            rows: dict[str, list[Any]] = {}
            for fid in ids:
                rows.setdefault(fid.rsplit(".", 1)[0], []).append(num(fid))
            if grid(ids) or all(sum(r[:-1]) == r[-1] for r in rows.values()):
                out.add("s3")
    if whole(list(REVIEW_IDS)):
        rv = [num(i) for i in REVIEW_IDS]
        if grid(list(REVIEW_IDS)) or all(
            sum(rv[g * 5 : g * 5 + 4]) == rv[g * 5 + 4] for g in range(3)
        ):
            out.add("s4")
    return out


_OTHER_SUB = ("requests.other.no_correction.", "requests.other.no_fee.", "requests.other.misc.")


def _any_value(rep: Report, tables: tuple[str, ...]) -> bool:
    prefixes = tuple(t + "." for t in tables)
    return any(fid.startswith(prefixes) for fid in rep.values)


def _collect_rows(
    ctx: _Ctx, sec_of: list[str | None]
) -> tuple[dict[str, list[Row]], dict[str, list[Row]], list[str]]:
    """The rows of sections 二/三/四 in document order (table rows, and text lines that are
    rows), the header rows among them, and the text lines above section 四's values."""
    doc = ctx.doc
    rows: dict[str, list[Row]] = {"s2": [], "s3": [], "s4": []}
    headers: dict[str, list[Row]] = {"s2": [], "s3": [], "s4": []}
    s4_paras: list[str] = []
    for i, b in enumerate(doc.blocks):
        sec = sec_of[i]
        if sec not in rows:
            continue
        if isinstance(b, Table):
            for r in b.rows:
                for c in r:
                    ctx.cell_table[id(c)] = b.index
                row = _split_row(r, b, sec)
                is_header = sec == "s3" and not row.numeric and _is_request_header(row)
                if row.numeric or (
                    row.labels
                    and sec == "s3"
                    and not is_header
                    and L.match_request_row(row.labels[-1].text)
                ):
                    rows[sec].append(row)
                elif row.labels:
                    headers[sec].append(row)
                    rows[sec].append(row)
                elif sec == "s4" and len(row.values) >= NREVIEW:
                    rows[sec].append(row)  # a value row left wholly blank
        else:
            pr = _paragraph_row(b, sec)
            if pr is not None:
                rows[sec].append(pr)
            elif sec == "s4" and not any(r.numeric for r in rows["s4"]):
                s4_paras.append(b.text)
            elif sec in ("s2", "s3"):
                hdr = _paragraph_header(b, sec)
                headers[sec].append(hdr)
                if sec == "s2":
                    rows[sec].append(hdr)

    return rows, headers, s4_paras


# ============================================================================ sections & meta
_CLOSING = re.compile(
    r"^(本年度报告由|本报告由|本年报由|本年度报告中所列|本年报中所列|报告中所列数据|如对本)"
)
_DATE_LINE = re.compile(
    r"^[（(]?(?P<y>\d{4})\s*(?:年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"
    r"|[-./](?P<m2>\d{1,2})[-./](?P<d2>\d{1,2}))[)）]?$"
)
_PAGE_DATE = re.compile(
    r"(?:发布日期|发布时间|公开日期|发布于)\s*[:：]?\s*(?P<y>\d{4})\s*[-./年]\s*(?P<m>\d{1,2})\s*[-./月]\s*(?P<d>\d{1,2})"
)
_END_DATE = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日[)）]?$")
_CN_DATE_LINE = re.compile(
    r"^[（(]?(?P<y>[〇○零一二三四五六七八九]{4})年(?P<m>[一二三四五六七八九十]{1,2})月(?P<d>[一二三四五六七八九十]{1,3})日[)）]?$"
)


def _sections(ctx: _Ctx, heads: list[_Heading], sec_of: list[str | None]) -> None:
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
            or _DATE_LINE.match(t.replace(" ", ""))
            or _CN_DATE_LINE.match(t.replace(" ", ""))
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


_YEAR = re.compile(r"(19|20)\d{2}(?=\s*年)")
_TITLE_END = re.compile(r"(年度报告|年报)\s*$")


def _title_lines(doc: Document, heads: list[_Heading]) -> tuple[str | None, list[str]]:
    first_head = heads[0].block if heads else len(doc.blocks)
    paras = [b for b in doc.blocks[: min(first_head, 40)] if isinstance(b, Paragraph)]
    lines = [p.text.strip() for p in paras if p.text.strip()]
    # page chrome before the report: breadcrumbs are never the title; a crawler's
    # 标题：… line gives the title after its label
    lines = [
        re.sub(r"^[^：:]{0,8}[：:]\s*", "", ln) if re.match(r"^[^：:]{0,6}标题\s*[：:]", ln) else ln
        for ln in lines
        if not re.search(r"[>＞›»]|当前位置|所在位置", ln)
    ]
    for i, ln in enumerate(lines[:24]):
        k = key(ln)
        if "年度报告" not in k and not k.endswith("年报"):
            continue
        if ln.rstrip().endswith(("。", "；")) or re.search(r"特此|根据|依据|按照", ln):
            continue  # a sentence naming the report (the opening sentence), not its title
        if len(k) > 60:
            continue
        parts = [ln]
        j = i
        # a title split over lines: pull in short lines above (agency, year) until the
        # title names both a year and 政府信息公开
        while j > 0:
            joined = key("".join(parts))
            if (
                _YEAR.search("".join(parts))
                and "政府信息公开" in joined
                and _agency_from_title(joined)
            ):
                break
            prev = lines[j - 1]
            if (
                len(key(prev)) > 30
                or prev.endswith(("。", "，", "；"))
                or key(prev) in ("正文", "目录")
            ):
                break
            parts.insert(0, prev)
            j -= 1
        dups = [x for x in lines[i + 1 : i + 3] if key(x) == k]
        return "".join(parts), dups
    return None, []


_TITLE_TAIL = re.compile(r"(政府信息公开|政务公开|信息公开).*$")


def _agency_from_title(title_key: str) -> str | None:
    """The publishing body named by a title: the words around the year, e.g.
    '青岚县人民政府2023年政府信息公开工作年度报告' and '2024年上海市科委政府信息公开…'."""
    t = _TITLE_TAIL.sub("", title_key)
    t = re.sub(r"((19|20)\d{2})年度?", "|", t)
    parts = [re.sub(r"(关于|的)$", "", p) for p in t.split("|")]
    parts = [p for p in parts if p]
    return parts[0] if parts else None


_PLACE_ONLY = re.compile(r"^.{1,12}(省|市|县|区|旗|州|盟|自治区|自治州|自治县)$")
_PERIOD = re.compile(
    r"(?:统计期限|统计周期|统计时间|统计时限|统计区间|统计时段|统计期间)[^。]{0,12}?"
    r"(?P<y1>\d{4})\s*年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日\s*(?:至|到|—|－|-|～|~)\s*"
    r"(?:(?P<y2>\d{4})\s*年\s*)?(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日"
)
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_CN_DIGIT.update({"○": 0, "零": 0})


def _cn_int(s: str) -> int:
    if len(s) == 4:
        return int("".join(str(_CN_DIGIT[c]) for c in s))
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DIGIT[s[1]]
    if "十" in s:
        a, _, b = s.partition("十")
        return _CN_DIGIT[a] * 10 + (_CN_DIGIT[b] if b else 0)
    return _CN_DIGIT[s]


def _meta(ctx: _Ctx, heads: list[_Heading]) -> None:
    doc, rep = ctx.doc, ctx.report
    meta = rep.meta
    title, dups = _title_lines(doc, heads)
    if dups:
        ctx.signals.add("dup_title")
    if title:
        meta["title"] = re.sub(r"\s+", "", title)
        tk = meta["title"]
        agency = _agency_from_title(tk)
        ym = _YEAR.search(tk)
        if ym:
            meta["year"] = int(ym.group(0))
        if agency:
            if _PLACE_ONLY.match(agency):
                # a title naming only a place (汉阴县…) titles the 本级政府 report
                agency += "人民政府"
            meta["agency"] = agency
    if not meta.get("agency"):
        _meta_inline(doc, meta)
    elif meta["agency"].startswith(_CHROME_WORDS):
        meta["agency"] = _strip_chrome(meta["agency"])
    pm = _PERIOD.search(doc.text)
    if pm:
        y1 = int(pm.group("y1"))
        y2 = int(pm.group("y2") or y1)
        meta["period_start"] = f"{y1:04d}-{int(pm.group('m1')):02d}-{int(pm.group('d1')):02d}"
        meta["period_end"] = f"{y2:04d}-{int(pm.group('m2')):02d}-{int(pm.group('d2')):02d}"
        if meta["year"] is None:
            meta["year"] = y1
    if meta["year"] is None:
        ym = _YEAR.search(doc.text[:2000])
        if ym:
            meta["year"] = int(ym.group(0))
    # the publication date: the last line that holds only a date
    published = None
    for b in doc.blocks:
        if not isinstance(b, Paragraph):
            continue
        t = re.sub(r"\s+", "", b.text)
        m = _DATE_LINE.match(t)
        if m:
            published = (
                int(m.group("y")),
                int(m.group("m") or m.group("m2")),
                int(m.group("d") or m.group("d2")),
            )
            continue
        m = _CN_DATE_LINE.match(t)
        if m:
            try:
                published = (_cn_int(m.group("y")), _cn_int(m.group("m")), _cn_int(m.group("d")))
            except (KeyError, ValueError):
                pass
    source = "footer"
    # a date the page itself gives for the publication (发布日期：2023-01-20) beats the 落款
    for b in doc.blocks[:60]:
        if isinstance(b, Paragraph):
            m = _PAGE_DATE.search(b.text)
            if m:
                published = (int(m.group("y")), int(m.group("m")), int(m.group("d")))
                source = "page"
                break
    if published is None:
        # a copy flattened to one line: the 落款 date ends the text
        m = _END_DATE.search(doc.text.rstrip()[-80:])
        if m:
            published = (int(m.group("y")), int(m.group("m")), int(m.group("d")))
    if published and 1 <= published[1] <= 12 and 1 <= published[2] <= 31:
        meta["published"] = f"{published[0]:04d}-{published[1]:02d}-{published[2]:02d}"
        meta["published_source"] = source
    agency = meta.get("agency")
    meta["agency_kind"] = agency_kind(agency)
    meta["admin_level"] = admin_level(agency)


# Words of a web page's chrome that a crawler puts before the report (never the agency).
_CHROME_WORDS = (
    "标题",
    "关怀版",
    "无障碍",
    "长者模式",
    "适老版",
    "首页",
    "当前位置",
    "您当前所在位置",
    "字体",
    "打印本页",
    "关闭窗口",
    "分享到",
    "微信",
    "微博",
    "分享",
    "打印",
    "关闭",
)
_INLINE_TITLE = re.compile(
    r"([\u4e00-\u9fff（）()]{2,40}?)((?:19|20)\d{2})\s*年度?\s*政府信息公开工作年度报告"
)
_AGENCY_SENTENCES = (
    re.compile(r"([\u4e00-\u9fff（）()]{2,30}?)特此(?:编制|发布)"),
    re.compile(r"本(?:年度)?报告由([\u4e00-\u9fff（）()]{2,30}?)(?:根据|依据|按照|负责|编制)"),
    re.compile(r"请与([\u4e00-\u9fff（）()]{2,30}?)联系"),
    re.compile(r"(?:^|[。\n])\s*([\u4e00-\u9fff（）()]{2,30}?)(?:根据|依据|按照)《"),
)


def _strip_chrome(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for w in _CHROME_WORDS:
            if text.startswith(w) and len(text) > len(w) + 1:
                text = text[len(w) :]
                changed = True
    return text


def _meta_inline(doc: Document, meta: dict[str, Any]) -> None:
    """Agency and year of a copy without a title line of its own: a title standing in
    mid-line (a flattened page), else the opening sentence (…特此编制2024年度…年度报告),
    the 本报告由…编制 sentence or the contact line (请与…联系)."""
    head = re.sub(r"\s+", " ", doc.text[:4000])
    m = _INLINE_TITLE.search(head)
    if m:
        agency = _strip_chrome(m.group(1))
        agency = re.sub(r"^(?:关于|的)", "", agency)
        agency = re.sub(r"(?:特此(?:编制|发布|公布)|编制了?|发布了?|现将)$", "", agency)
        for pat in _AGENCY_SENTENCES:
            s = pat.search(head)
            if s and s.group(1) and agency.endswith(_strip_chrome(s.group(1))):
                agency = _strip_chrome(s.group(1))  # the sentence bounds the name
                break
        if agency and not agency.startswith(("年", "度")):
            meta["agency"] = agency
            meta["title"] = f"{agency}{m.group(2)}年政府信息公开工作年度报告"
        meta["year"] = meta.get("year") or int(m.group(2))
        if meta.get("agency"):
            return
    for pat in _AGENCY_SENTENCES:
        for s in pat.finditer(doc.text):
            agency = _strip_chrome(s.group(1))
            agency = re.sub(r"^.*[，。、；：:]", "", agency).removeprefix("由")
            if agency and re.search(
                r"(政府|局|委|办|厅|室|中心|委员会|院|署|街道|办事处)$", agency
            ):
                meta["agency"] = agency
                break
        if meta.get("agency"):
            break
    ym = re.search(r"((?:19|20)\d{2})\s*年度?\s*政府信息公开工作年度报告", head)
    if ym and not meta.get("year"):
        meta["year"] = int(ym.group(1))


def agency_kind(agency: str | None) -> str:
    if not agency:
        return "unknown"
    a = agency
    if re.search(r"(街道办事处|街道)$", a) or re.search(r"[乡镇]人民政府$", a):
        return "township"
    if a.endswith(
        ("人民政府办公室", "人民政府办公厅", "政府办公室", "政府办公厅", "办公厅", "办公室")
    ):
        return "department"
    if a.endswith("人民政府") or _PLACE_ONLY.match(a):
        return "government"
    if re.search(r"(局|委|委员会|办|厅|中心|署|部|院|所|站|队|会)$", a):
        return "department"
    return "unknown"


_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")


def admin_level(agency: str | None) -> str:
    if not agency:
        return "unknown"
    a = agency
    if a.startswith(("国务院", "国家", "中华人民共和国")):
        return "central"
    if re.search(r"[乡镇](人民政府|党委|$)|街道", a):
        return "township"
    body = re.sub(r"(人民政府办公室|人民政府办公厅|人民政府|办公厅|办公室)$", "", a)
    if re.search(r"(县|旗|区|县级市)", body):
        return "county"
    if a.startswith(_MUNICIPALITIES):
        return "province"
    if re.search(r"(省|自治区)", body) and not re.search(r"(市|州|盟)", body):
        return "province"
    if re.search(r"(市|州|盟)", body):
        return "prefecture"
    return "unknown"


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


def _active(ctx: _Ctx, rows: list[Row]) -> str | None:
    """Section 二: returns the layout ("2021"/"2019") it was read in, or None."""
    header: list[tuple[str, str]] = []
    seen_2021 = seen_2019 = False
    mapped: list[tuple[str, list[str], Row]] = []
    for row in rows:
        cols = [L.match_active_column(c.text) for c in row.cells]
        hits = [c for c in cols if c]
        if hits and not row.numeric:
            header = hits
            for _, lay in hits:
                seen_2021 |= lay == "2021"
                seen_2019 |= lay == "2019"
            continue
        if not row.labels:
            continue
        m = L.match_active_row(row.labels[-1].text)
        if m is None:
            continue
        if m.id in _ONLY_2019_ROWS:
            seen_2019 = True
        if m.how == "variant":
            ctx.signals.add(f"variant:{m.note}:active.{m.id}")
        mapped.append((m.id, [f for f, _ in header], row))
    if not mapped:
        return None
    layout = "2019" if seen_2019 and not seen_2021 else "2021"
    if seen_2021:
        ctx.signals.add("s2:2021")
    if seen_2019:
        ctx.signals.add("s2:2019")
    defaults = _ACTIVE_DEFAULT[layout]
    done: set[str] = set()
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
        vals = list(row.values)
        while len(vals) > len(fields) and not vals[-1].text.strip():
            vals.pop()
        while len(vals) > len(fields) and not vals[0].text.strip():
            vals.pop(0)
        label = row.label_text
        ids = [_active_id(layout, rid, f) for f in fields]
        if len(vals) == len(fields):
            for fid, c in zip(ids, vals):
                ctx.put(fid, c, "s2", label)
        elif len(vals) < len(fields) and len(vals) >= 2 and len(fields) == 3:
            # one cell lost: keep the outer columns (the first and the running total), leave the
            # middle blank and say so
            ctx.put(ids[0], vals[0], "s2", label)
            ctx.put(ids[2], vals[-1], "s2", label)
            ctx.put(ids[1], None, "s2", label)
            ctx.finding(
                "R-CELL-COUNT",
                "warning",
                ids,
                f"表二「{key(label)}」行只有 {len(vals)} 个数值单元格（应为 {len(fields)} 个）："
                f"{'、'.join(c.text for c in vals)}。已按首列和末列读取，中间一列（{label_of(ids[1]).split('」')[-1]}）无法确定，记为空。",
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
        else:
            for fid in ids:
                ctx.put(fid, vals[0] if vals else None, "s2", label)
    _fee_unit(ctx, rows)
    return layout


_YUAN_CELL = re.compile(r"(?<!万)元")
_YUAN_HEADER = re.compile(r"单位[:：]?\s*元")


def _fee_unit(ctx: _Ctx, rows: list[Row]) -> None:
    """A fee written in 元 (in the cell, 1816元, or the header, （单位：元）) is converted to
    the format's 万元; ``layout["fee_unit"]`` records it for R-FEE-UNIT."""
    fee = ctx.report.values.get("active.fees")
    if fee is None or not isinstance(fee.value, (int, float)):
        return
    in_cell = bool(fee.raw and _YUAN_CELL.search(fee.raw))
    in_header = any(
        "收费金额" in c.text and _YUAN_HEADER.search(c.text) for r in rows for c in r.cells
    )
    if in_cell or in_header:
        fee.value = fee.value / 10000
        ctx.report.layout["fee_unit"] = "元"


# ============================================================================ section 三
@dataclass
class _ReqRow:
    rid: str | None
    how: str
    note: str
    row: Row
    values: list[Cell]
    first_col: int | None  # physical column of the first value
    uncertain: bool = False


def _column_anchor(headers: list[Row]) -> int | None:
    """Physical column of 自然人 in the header rows of a grid (for placing ambiguous rows)."""
    for h in headers:
        for c in h.cells:
            if key(c.text) == "自然人":
                return c.col
    return None


def _choose_window(
    vals: list[Cell], anchor: int | None, majority: int | None, width: int = NCOL
) -> tuple[list[Cell], int | None, bool]:
    """Pick the ``width`` value cells of a row. Cells outside the window must be empty.
    Returns (cells, physical column of the first, uncertain)."""
    NCOL = width  # noqa: N806 — the window width
    n = len(vals)
    if n == NCOL:
        return list(vals), vals[0].col, False
    if n < NCOL:
        return [], None, True
    # windows with only blank cells outside them, in linear time (a row may hold thousands)
    filled = [i for i, c in enumerate(vals) if c.text.strip()]
    lo, hi = (max(0, filled[-1] - NCOL + 1), min(filled[0], n - NCOL)) if filled else (0, n - NCOL)
    options = list(range(lo, hi + 1))
    if not options:
        return [], None, True
    distinct = {tuple(c.text.strip() for c in vals[s : s + NCOL]) for s in options}
    if len(distinct) == 1:
        s = options[0]
        # an all-blank row: align with the header / siblings when possible
        for pref in (anchor, majority):
            if pref is not None:
                for o in options:
                    if vals[o].col == pref:
                        s = o
        nonblank = [c for c in vals[s : s + NCOL] if c.text.strip()]
        return list(vals[s : s + NCOL]), (vals[s].col if nonblank else None), False

    # several placements give different values: the header's column first, then the column
    # the sibling rows start at, then the arithmetic (six applicant columns = 总计)
    for pref in (anchor, majority):
        hits = [o for o in options if pref is not None and vals[o].col == pref]
        if len(hits) == 1:
            s = hits[0]
            return list(vals[s : s + NCOL]), vals[s].col, False

    def balanced(s: int) -> bool:
        w = [L.parse_value(c.text)[0] for c in vals[s : s + NCOL]]
        if w[-1] is None:
            return False
        return sum(x or 0 for x in w[:-1]) == w[-1]

    good = [s for s in options if balanced(s)]
    pool = good or options
    s = pool[0]
    return list(vals[s : s + NCOL]), vals[s].col, True


def _requests(ctx: _Ctx, rows: list[Row], headers: list[Row]) -> str | None:
    """Section 三. Returns "2021" (three （六） sub-rows) or "2019" (single row), or None."""
    anchor = _column_anchor(headers)
    candidates: list[_ReqRow] = []
    group: str | None = None
    for row in rows:
        if _is_request_header(row) or not row.values:
            continue
        match = None
        for c in reversed(row.labels):
            m = L.match_request_row(c.text)
            if m is not None:
                match = m
                break
        if row.labels and any("其他处理" in key(c.text) for c in row.labels):
            group = "other"
            if (
                match is not None
                and match.id != "other"
                and any(key(c.text) == "其他处理" for c in row.labels)
            ):
                ctx.signals.add(f"variant:其他处理:requests.{match.id}")
        if (
            match
            and match.id == "other.misc"
            and group not in ("other", None)
            and not key(row.labels[-1].text).startswith("3")
        ):
            match = None
        if match is None and not row.numeric:
            continue
        candidates.append(
            _ReqRow(
                match.id if match else None,
                match.how if match else "",
                match.note if match else "",
                row,
                list(row.values),  # windowed to the table's columns below
                None,
            )
        )
        if match and match.id in ("new", "carried_over"):
            group = None

    if not candidates:
        return None
    columns = _column_plan(headers, candidates)
    width = len(columns)
    if columns != list(COLUMNS):
        ctx.report.layout["requests_columns"] = columns
    # physical column most rows start at (sibling support)
    starts = Counter(r.values[0].col for r in candidates if len(r.values) == width)
    majority = starts.most_common(1)[0][0] if starts else None
    for r in candidates:
        cells, first, unsure = _choose_window(r.values, anchor, majority, width)
        r.values = list(cells)
        r.first_col = first
        r.uncertain = unsure

    has_sub = any(r.rid in ("other.no_correction", "other.no_fee") for r in candidates)
    has_single = any(r.rid == "other" for r in candidates)
    if has_sub:
        ctx.signals.add("s3:2021")
        # a group label 其他处理 on the first sub-row is not the 2019 row
        for r in candidates:
            if r.rid == "other":
                r.rid = None
    elif has_single:
        ctx.signals.add("s3:2019")
    layout = "2021" if has_sub or not has_single else "2019"
    expected = list(REQUEST_ROWS_2021 if layout == "2021" else REQUEST_ROWS_2019)

    # keep rows that are labelled, or unlabelled with exactly one value cell per column
    seq = [r for r in candidates if r.rid is not None or (len(r.values) == width and r.row.numeric)]
    assigned = _align(seq, expected)

    label_cells: dict[str, Row] = {}
    for rid in expected:
        found = assigned.get(rid)
        if found is None:
            continue
        r = found
        label_cells[rid] = r.row
        label = r.row.label_text or None
        if r.how == "typo":
            ctx.signals.add(f"typo:{r.note}:requests.{rid}")
        elif r.how == "variant":
            ctx.signals.add(f"variant:{r.note}:requests.{rid}")
        if not r.values:
            # the row's cells could not be placed: leave it absent and report
            ctx.finding(
                "R-CELL-COUNT",
                "warning",
                [f"requests.{rid}.{c}" for c in COLUMNS],
                f"表三「{label or rid}」行有 {len(r.row.values)} 个数值单元格，无法对应到 {width} 个数据列："
                f"{'、'.join(c.text or '（空）' for c in r.row.values)}。该行未读取。",
                expected=NCOL,
                actual=len(r.row.values),
                evidence=[c.text for c in r.row.cells],
            )
            continue
        for col, cell in zip(columns, r.values):
            ctx.put(f"requests.{rid}.{col}", cell, "s3", label)
        if r.uncertain:
            ctx.finding(
                "R-CELL-COUNT",
                "warning",
                [f"requests.{rid}.{c}" for c in COLUMNS],
                f"表三「{label or rid}」行有 {len(r.row.values)} 个数值单元格（应为 {width} 个），"
                f"多种对齐方式都说得通，已按表头列位置读取，请人工核对。",
                expected=NCOL,
                actual=len(r.row.values),
                evidence=[c.text for c in r.row.cells],
            )
    # R-LAYOUT-SHIFT: rows new / carried_over / carried_forward start at different columns
    firsts: dict[str, int] = {}
    for rid in ("new", "carried_over", "carried_forward"):
        fc = assigned[rid].first_col if rid in assigned else None
        if fc is not None:
            firsts[rid] = fc
    if len(set(firsts.values())) > 1:
        ref = firsts.get("new", next(iter(firsts.values())))
        shifted = [rid for rid, c in firsts.items() if c != ref]
        names = "、".join(f"「{label_cells[r].label_text}」" for r in shifted)
        ctx.finding(
            "R-LAYOUT-SHIFT",
            "warning",
            [f"requests.{rid}.{c}" for rid in shifted for c in COLUMNS],
            f"表三{names}的数值比「一、本年新收政府信息公开申请数量」行错开了 "
            f"{abs(firsts[shifted[0]] - ref)} 列（第 {firsts[shifted[0]] + 1} 列起，而非第 {ref + 1} 列）；"
            "对照表头阅读时数值会落在错误的申请人类别下。已按每行标签后的 7 个单元格读取。",
            expected=ref,
            actual={rid: firsts[rid] for rid in shifted},
            evidence={rid: [c.text for c in label_cells[rid].cells] for rid in shifted},
        )
    # header: column labels
    _request_header(ctx, headers)
    ctx.report.layout["requests_rows_found"] = [rid for rid in expected if rid in assigned]
    return layout


def _column_plan(headers: list[Row], candidates: list[_ReqRow]) -> list[str]:
    """The value columns of the matrix, left to right. The official table has the seven of
    COLUMNS; a report may add a 法人或其他组织 小计 column (→ org_subtotal) or print only
    自然人 / 法人或其他组织 / 总计 (the five organisation columns then stay absent)."""
    seen: set[str] = set()
    org_total = False
    for h in headers:
        for c in h.cells:
            m = L.match_request_column(c.text)
            if m is not None:
                seen.add(m.id)
            if key(c.text) == "法人或其他组织":
                org_total = True
    counts = Counter(
        len([c for c in r.values if c.text.strip()] if len(r.values) > 3 else r.values)
        for r in candidates
        if r.row.numeric
    )
    typical = counts.most_common(1)[0][0] if counts else NCOL
    if "org_subtotal" in seen:
        return list(COLUMNS[:6]) + ["org_subtotal", "total"]
    if (
        org_total
        and "natural" in seen
        and not seen & {"commercial", "research", "social", "legal"}
        and typical == 3
    ):
        return ["natural", "org_subtotal", "total"]
    return list(COLUMNS)


def _is_request_header(row: Row) -> bool:
    """A column-header row of the matrix (申请人情况 / 自然人 / 商业企业 …), not a data row."""
    for c in row.labels:
        k = key(c.text)
        if "申请人情况" in k or "勾稽" in k or "法人或其他组织" in k:
            return True
        m = L.match_request_column(c.text)
        if m is not None and m.id not in ("total", "other_org"):
            return True
    return False


def _align(seq: list[_ReqRow], expected: list[str]) -> dict[str, _ReqRow]:
    """Assign rows to row ids: labelled rows where their label says; unlabelled rows fill the
    gaps between labelled ones in table order, only when the count of unlabelled rows equals
    the count of ids missing in that gap (otherwise they stay unassigned)."""
    pos = {rid: i for i, rid in enumerate(expected)}
    out: dict[str, _ReqRow] = {}
    anchors: list[tuple[int, int]] = []  # (index in seq, index in expected)
    last = -1
    for i, r in enumerate(seq):
        if r.rid is None or r.rid not in pos or r.rid in out:
            continue
        p = pos[r.rid]
        if p <= last:  # out of order: keep it, but it cannot anchor the gaps
            out.setdefault(r.rid, r)
            continue
        out[r.rid] = r
        anchors.append((i, p))
        last = p
    bounds = [(-1, -1)] + anchors + [(len(seq), len(expected))]
    for (si, ei), (sj, ej) in zip(bounds, bounds[1:]):
        gap_rows = [r for r in seq[si + 1 : sj] if r.rid is None or r.rid not in pos]
        gap_ids = [rid for rid in expected[ei + 1 : ej] if rid not in out]
        if gap_rows and len(gap_rows) == len(gap_ids):
            for rid, r in zip(gap_ids, gap_rows):
                r.rid = rid
                r.how = "position"
                out[rid] = r
    return out


def _request_header(ctx: _Ctx, headers: list[Row]) -> None:
    found: dict[str, L.LabelMatch] = {}
    for h in headers:
        for c in h.cells:
            m = L.match_request_column(c.text)
            if m and m.id not in found:
                found[m.id] = m
    for m in found.values():
        if m.how == "variant":
            ctx.signals.add(f"variant:{m.note}:column.{m.id}")
    missing = [c for c in COLUMNS if c not in found]
    ctx.report.layout["requests_header_missing"] = missing


# ============================================================================ section 四
def _reviews(ctx: _Ctx, rows: list[Row], headers: list[Row], paras: list[str]) -> None:
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
            cells.extend(r.values)
            if len(cells) >= NREVIEW:
                break
    if not cells:
        return
    while len(cells) > NREVIEW and not cells[-1].text.strip():
        cells.pop()
    while len(cells) > NREVIEW and not cells[0].text.strip():
        cells.pop(0)
    ids = [f"reviews.{g}.{f}" for g in REVIEW_GROUPS for f in REVIEW_FIELDS]
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
    for fid, c in zip(ids, chosen):
        ctx.put(fid, c, "s4")
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


# ============================================================================ layout & artefacts
def _layout(ctx: _Ctx, active_layout: str | None, req_layout: str | None) -> None:
    rep = ctx.report
    s21 = "s2:2021" in ctx.signals or "s3:2021" in ctx.signals
    s19 = "s2:2019" in ctx.signals or "s3:2019" in ctx.signals
    year = rep.meta.get("year")
    if s21 and s19:
        fmt = "mixed"
    elif s21:
        fmt = "2021"
    elif s19:
        fmt = "2019"
    elif req_layout or active_layout:
        fmt = req_layout or active_layout or "unknown"
    elif isinstance(year, int) and year <= 2018:
        fmt = "legacy"
    else:
        fmt = "unknown"
    rep.meta["format"] = fmt
    rep.layout["active_layout"] = active_layout
    rep.layout["requests_layout"] = req_layout
    if fmt in ("legacy", "unknown"):
        return
    rows = list(REQUEST_ROWS_2021 if req_layout == "2021" else REQUEST_ROWS_2019)
    # label findings
    typos: dict[str, list[str]] = {}
    variants: dict[str, list[str]] = {}
    for s in ctx.signals:
        if s.startswith("typo:"):
            _, note, where = s.split(":", 2)
            typos.setdefault(note, []).append(where)
        elif s.startswith("variant:"):
            _, note, where = s.split(":", 2)
            variants.setdefault(note, []).append(where)
    for note, wheres in sorted(typos.items()):
        cells = _cells_for(wheres, rows)
        ctx.finding(
            "R-LABEL-TYPO",
            "warning",
            cells,
            f"标签错别字：「{note}」（官方表格为「{_TYPO_FIX.get(note, '')}」），已按官方标签读取。",
            evidence=note,
        )
    for note, wheres in sorted(variants.items()):
        cells = _cells_for(wheres, rows)
        canon = _VARIANT_CANON.get(note, "")
        ctx.finding(
            "R-LABEL-VARIANT",
            "info",
            cells,
            f"标签「{note}」不是官方写法"
            + (f"（官方为「{canon}」）" if canon else "")
            + "，已按官方标签对应。",
            evidence=note,
        )


_TYPO_FIX = {"予已公开": "予以公开", "其他法律行政止公开": "其他法律行政法规禁止公开"}
_VARIANT_CANON = {
    "规范性文件": "行政规范性文件",
    "社会组织": "社会公益组织",
    "公益组织": "社会公益组织",
    "社会团体": "社会公益组织",
    "合计": "总计",
    "同意公开": "予以公开",
    "其他处理": "（六）其他处理",
}


def _cells_for(wheres: list[str], rows: list[str]) -> list[str]:
    out: list[str] = []
    for w in sorted(wheres):
        if w.startswith("requests."):
            out += [f"{w}.{c}" for c in COLUMNS]
        elif w.startswith("column."):
            col = w.split(".", 1)[1]
            out += [f"requests.{r}.{col}" for r in rows]
        elif w.startswith("active."):
            row = w.split(".", 1)[1]
            if row in ("regulations", "normative"):
                out += [f"active.{row}.{f}" for f in ("issued", "repealed", "in_force")]
            else:
                out.append(f"active.{row}")
    return out


def _artifacts(ctx: _Ctx) -> None:
    arts = [a for a in ctx.doc.artifacts if not a.startswith("OCR")]
    ocr = [a for a in ctx.doc.artifacts if a.startswith("OCR")]
    if ocr or any(t.kind == "ocr" for t in ctx.doc.tables):
        ctx.finding(
            "R-OCR",
            "warning",
            [],
            "本报告为扫描件（无文字层），文字和数值由离线文字识别（OCR）得到，"
            "可能有识别错误，请对照原件人工核对数值。",
            evidence=ocr,
        )
    if "dup_title" in ctx.signals:
        arts.append("标题行重复")
    if arts:
        ctx.finding(
            "R-INGEST-ARTIFACT",
            "info",
            [],
            f"已清除转换残留：{'；'.join(arts)}。",
            evidence=arts,
        )
