"""Document → Report: the extraction's steps in order, and what joins them.

:func:`extract` finds the sections (:mod:`.sections`), reads the meta (:mod:`.meta`), splits
grid rows and plain lines into label and value cells (:mod:`.context`), maps the three tables
by the official template (:mod:`.active` 表二, :mod:`.applications` 表三, :mod:`.reviews`
表四), then lets the form-driven reading (:mod:`.form`, :mod:`.formfill`) read whatever the
layout did not read whole, records the layout facts and the readers' notes. Row labels are
matched through the label dictionary (:mod:`nianbao.readers.labels`); the known column
counts (7 in section 三, 15 in section 四) decide which cells are values; where a row's
cells do not fit, the table's structure and its arithmetic choose the placement, and a
placement that stays uncertain is reported. Published totals are never recomputed.

Over 500 lines because the steps' order and the judgement of which tables the layout read
whole (what the form reading then skips) belong together.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from ..readers import labels as L
from ..readers.document import Cell, Document, Paragraph, Table
from ..readers.normalize import key
from ..report import Report
from ..schema import (
    COLUMNS,
    REQUEST_ROWS_2019,
    REQUEST_ROWS_2021,
    REVIEW_IDS,
    SECTION_KEYS,
)
from .active import procurement_unit, read_active
from .applications import is_request_header, read_requests
from .colblocks import join_column_blocks
from .context import (
    NREVIEW,
    Ctx,
    Row,
    numbers_row,
    paragraph_header,
    paragraph_row,
    split_row,
)
from .form import HeadingHit, displaced_tables
from .form.tokens import header_number
from .formfill import fill_from_form
from .formsay import say_placed
from .meta import read_meta
from .onecell import one_number_one_cell
from .order import header_order
from .reviews import read_reviews
from .second import first_report
from .sections import (
    find_sections,
    place_tables,
    read_sections,
    section_of_blocks,
    split_mixed_tables,
    split_run_in_headings,
)
from .unread import (
    any_value,
    body_not_in_text,
    empty_sections,
    ids_of,
    image_pages,
    labels_without_values,
    lost_characters,
    numbers_without_table,
    placeholders,
    unmapped,
)

__all__ = ["extract"]


# a result word of 表四's header (the section's heading holds none)
_REVIEW_WORDS = re.compile(r"维持|纠正|审结|总计|合计")


# ============================================================================ main
def extract(doc: Document) -> Report:
    """Map a Document to a Report. Extraction-level findings (how the text was read) are in
    ``report.findings``; the checks add the rest."""
    rep = Report(source=doc.source)
    doc = first_report(doc)
    rep.text = doc.text
    doc, label_counts = split_mixed_tables(split_run_in_headings(join_column_blocks(doc)))
    ctx = Ctx(doc, rep)
    rep.meta["script"] = doc.script
    rep.meta["source"] = doc.source or None
    if doc.media_type == "text/plain":
        rep.layout["plain_text"] = True  # pictures and attachments of the original are not in it

    heads = find_sections(doc)
    sec_of = section_of_blocks(doc, heads)
    place_tables(sec_of, label_counts)
    _place_displaced(doc, heads, sec_of)

    read_sections(ctx, heads, sec_of)
    read_meta(ctx, heads)

    rows, headers, s4_paras = _collect_rows(ctx, sec_of)
    active_layout = read_active(ctx, rows["s2"])
    req_layout = read_requests(ctx, rows["s3"], headers["s3"])
    read_reviews(ctx, rows["s4"], headers["s4"], s4_paras)
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
        one_number_one_cell(ctx)
    if (
        form_layouts["s2"]
        and not {"s2:2021", "s2:2019"} & ctx.signals
        and any_value(rep, ("active", "active2019"))
    ):
        active_layout = form_layouts["s2"]
        ctx.signals.add(f"s2:{active_layout}")
    if form_layouts["s3"] and any_value(rep, ("requests",)):
        # the rows now read decide 表三's layout: the three （六） sub-rows, or the single row
        sub = any(k.startswith(_OTHER_SUB) for k in rep.values)
        single = any(f"requests.other.{c}" in rep.values for c in COLUMNS)
        if not sub and not single and form_layouts["s3"] == "2019":
            # no （六） row read either way, but the form reading found the single row's
            # label (its cells unread): the report has the single row, not the sub-rows
            sub, single = False, True
        if sub != single:
            req_layout = "2021" if sub else "2019"
            ctx.signals.discard("s3:2019" if sub else "s3:2021")
            ctx.signals.add(f"s3:{req_layout}")
        elif req_layout is None:
            req_layout = form_layouts["s3"]
            ctx.signals.add(f"s3:{req_layout}")
    # 表三 rows placed by where their numbers stand under the header's words: said so
    say_placed(ctx)
    cut = set((rep.layout.get("truncated") or {}).get("cells") or ())
    if "requests.other.natural" in cut and not any(
        k.startswith("requests.other.") for k in rep.values
    ):
        # the text ends before （六）: whether 表三 has the single row or the sub-rows is unknown
        ctx.signals -= {"s3:2021", "s3:2019"}
    _layout(ctx, active_layout, req_layout)
    placeholders(ctx, sec_of)
    image_pages(ctx)
    unmapped(ctx)
    lost_characters(ctx)
    labels_without_values(ctx)
    numbers_without_table(ctx, sec_of)
    empty_sections(ctx)
    body_not_in_text(ctx)
    _artifacts(ctx)
    header_order(ctx, sec_of)
    procurement_unit(ctx)
    rep.findings = ctx.findings
    return rep


def _place_displaced(doc: Document, heads: list, sec_of: list[str | None]) -> None:
    """Lines of a table printed away from its heading (after 六, before the title, under
    another heading) or without one, found by its labels (``form.displaced_tables``), read
    in its section: the same rows as under its heading, and no table text in another
    section's text. A table without a heading takes only lines outside the tables'
    sections."""
    if not doc.text:
        return
    hits = {
        h.section: HeadingHit(h.section, doc.blocks[h.block].start, doc.blocks[h.block].end, h.text)
        for h in heads
        if doc.blocks[h.block].start >= 0
    }
    moved, headless = displaced_tables(doc.text, hits)
    if not moved and not headless:
        return
    for i, b in enumerate(doc.blocks):
        if not isinstance(b, Paragraph) or b.start < 0:
            continue
        for sec, (a, e) in moved.items():
            if a <= b.start and b.end <= e:
                sec_of[i] = sec
        if sec_of[i] in ("s2", "s3", "s4"):
            continue
        for sec, (a, e) in headless.items():
            if a <= b.start and b.end <= e:
                sec_of[i] = sec


# Grids whose cells have explicit boundaries, so that a blank cell is a cell of its own.
_GRID_KINDS = frozenset({"tab", "lines", "html", "docx", "pdf", "markdown"})


@lru_cache(maxsize=4)
def _rows_of(layout: str) -> list[list[str]]:
    """The cell ids of 表三 of a layout, row by row."""
    rows: dict[str, list[str]] = {}
    for fid in ids_of(layout, "requests"):
        rows.setdefault(fid.rsplit(".", 1)[0], []).append(fid)
    return list(rows.values())


def _whole_tables(ctx: Ctx, active_layout: str | None, req_layout: str | None) -> set[str]:
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
    # grids holding a number that may be a page's, read as a cell: the form reading decides
    paged = {
        k for k, t in enumerate(tables) for s, _e in ctx.doc.page_suspects if t.start <= s < t.end
    }

    def whole(ids: list[str]) -> bool:
        if not ids:
            return False
        for i in ids:
            v = vals.get(i)
            t = v.source.table if v is not None and v.source is not None else None
            if v is None or i in unsure or t in paged:
                return False
            if v.value is None:
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
        if whole(ids_of("2019" if active_layout == "2019" else "2021", "active")):
            out.add("s2")
    if req_layout is not None and "s3:columns-differ" not in ctx.signals:
        ids = ids_of(req_layout, "requests")
        if whole(ids) and (
            grid(ids) or all(sum(map(num, r[:-1])) == num(r[-1]) for r in _rows_of(req_layout))
        ):
            out.add("s3")
    if whole(list(REVIEW_IDS)):
        rv = [num(i) for i in REVIEW_IDS]
        if grid(list(REVIEW_IDS)) or all(
            sum(rv[g * 5 : g * 5 + 4]) == rv[g * 5 + 4] for g in range(3)
        ):
            out.add("s4")
    return out


# the header of a column of remarks a copy added right of the form's columns
_REMARKS = frozenset({"备注", "说明", "备注说明", "附注", "备考"})


def _remark_cell(text: str) -> bool:
    """A cell that can stand in a remarks column: blank, a placeholder (无, —) or words
    that are no label of the form's rows."""
    number, note = L.parse_value(text)
    if number is not None or note not in ("blank", "placeholder", "text"):
        return False
    return note != "text" or (
        L.match_active_row(text) is None
        and L.match_request_row(text) is None
        # a header word of the form (自然人 ending a header row below 备注's, a copy that
        # left the merged cells' slots out) is no remark
        and L.match_request_column(text) is None
        and not any(w in key(text) for w in ("法人或其他组织", "申请人情况"))
        and not any(w in text for w in ("复议", "诉讼", "起诉", "维持", "纠正", "审结", "总计"))
    )


def _without_remarks(rows: list[list[Cell]]) -> list[list[Cell]]:
    """A table's rows less the remarks column a copy added as its last column (a header
    cell 备注 / 说明 ending its row): from that header row on, a row's last cell is the
    remark when it holds no number (a blank, 无, words), and is left out; the form's cells
    never stand right of it. A row whose last cell is a number keeps it (a row whose blank
    remark was cut off with the line's trailing tabs)."""
    at = None
    for n, r in enumerate(rows):
        real = [c for c in r if not c.covered and c.text.strip()]
        if len(real) > 1 and key(real[-1].text) in _REMARKS:
            at = n
            break
    if at is None:
        return rows
    out = rows[:at]
    for r in rows[at:]:
        idx = [k for k, c in enumerate(r) if not c.covered]
        if idx and (
            len(idx) > 1 and _remark_cell(r[idx[-1]].text) or key(r[idx[-1]].text) in _REMARKS
        ):
            r = r[: idx[-1]] + r[idx[-1] + 1 :]
        out.append(r)
    return out


_SEQ = re.compile(r"\d{1,3}")


def _lone_word(row: Row) -> bool:
    """A label-only row naming at most one column word of 表三's header (小计, 总计, a
    group's 不予公开小计): below the matrix's rows, no repeated header (which names them
    all). A row with 表三's note or 申请人情况 is a header: another matrix's below the first
    (last year's 表三 printed under this year's)."""
    words = [c for c in row.labels if c.text.strip()]
    if any("勾稽" in key(c.text) or "申请人情况" in key(c.text) for c in words):
        return False
    named = [
        c
        for c in words
        if L.match_request_column(c.text) is not None
        or key(c.text) in ("法人或其他组织", "申请人情况")
    ]
    return len(named) <= 1


def _without_numbering(rows: list[list[Cell]]) -> list[list[Cell]]:
    """A table's rows less the numbering column a copy added as its first column (a header
    cell 序号 opening its row): below it, a row's first cell holding a row number (1, 2 …)
    is left out, so that 表四's value row is its fifteen values."""
    at = None
    for n, r in enumerate(rows):
        real = [c for c in r if not c.covered and c.text.strip()]
        if len(real) > 1 and key(real[0].text) == "序号":
            at = n
            break
    if at is None:
        return rows
    out = rows[: at + 1]
    for r in rows[at + 1 :]:
        idx = [k for k, c in enumerate(r) if not c.covered]
        if len(idx) > 1 and _SEQ.fullmatch(r[idx[0]].text.strip()):
            r = r[: idx[0]] + r[idx[0] + 1 :]
        out.append(r)
    return out


# a header word of a table of other columns: a year, last year's, a change, a unit's name
_OTHER_HEAD = re.compile(r"\d{4}年|上年|同比|增减|增幅|单位|部门|指标|序号|名称|项目|类别")
# a count's column word, heading a two-column list of figures (项目 | 件数)
_COUNT_HEAD = re.compile(r"件数|数量|件$")
# words of 表三's column header that name no applicant column (its note cell, 申请人情况)
_MATRIX_WORDS = ("勾稽关系", "申请人情况", "法人或其他组织")


def _matrix_words(texts: list[str]) -> bool:
    """Whether cells name a column of 表三 (自然人, 商业企业 … — 总计/合计 aside, which any
    table has) or words of its header (its note, 申请人情况, 法人或其他组织)."""
    return any(_applicant(t) or any(w in key(t) for w in _MATRIX_WORDS) for t in texts)


def _matrix_head(texts: list[str]) -> bool:
    """A row of 表三's column header: its note or 申请人情况 / 法人或其他组织, or two of its
    applicant columns (a list of applications names one applicant type a row)."""
    cols = {m.id for t in texts if (m := L.match_request_column(t)) is not None}
    return any(w in key(t) for t in texts for w in _MATRIX_WORDS) or len(cols - {"total"}) > 1


def _applicant(text: str) -> bool:
    """A cell naming an applicant column of 表三 (自然人, 商业企业 …; not 总计)."""
    m = L.match_request_column(text)
    return m is not None and m.id != "total"


def _matrix_from(rows: list[list[Cell]]) -> int:
    """The first row of ``rows`` (a grid in section 三) that may be 表三's: 0, unless the
    grid opens with a header of three or more words none of which is a column of 表三 nor
    its note, one of them a year, a change or a unit's name — a table a report prints
    beside 表三 (单位 | 新收申请 | 予以公开 …, 指标 | 2023年 | 2022年 | 增减), whose 合计 row
    was read as （七）总计 and whose 一、本年新收 row, three numbers, as 表三's first row.
    Then 表三 starts at the next row that is a row of its header (the copy left no line
    between the two tables), or nowhere in the grid. A header of two words counts too when
    neither names a column of 表三 (总计 included) and one is such a word or a count's
    (项目 | 件数 over 本年新收… | 6, 结转下年度… | 0: a list of totals, whose rows, one
    figure each, were read as 表三's first rows, their figure in 自然人, and the table's
    own rows were dropped as repeats). Not a header of numbered column names (项目 | 列1 |
    … | 列7: ``_numbered_header``), which names no table: 表三 so headed was dropped whole
    and its first row, its label shortened (新收申请), called missing. A grid whose first
    row holds numbers (表三 continued after a page break), or whose rows open with 表三's
    columns under a header of its rows' labels (表三 turned), is 表三's."""
    for n, r in enumerate(rows):
        texts = [c.text.strip() for c in r if not c.covered and c.text.strip()]
        if not texts:
            continue
        if _numbered_header(texts):
            return 0
        pair = len(texts) == 2 and not any(L.match_request_column(t) for t in texts)
        if (
            (len(texts) < 3 and not pair)
            or any(L.has_number(t) for t in texts)
            or _matrix_words(texts)
            or not any(
                _OTHER_HEAD.search(key(t)) or (pair and _COUNT_HEAD.search(key(t))) for t in texts
            )
        ):
            return 0
        turned = any(L.match_request_row(t) is not None for t in texts)
        for m, later in enumerate(rows[n + 1 :], n + 1):
            cells = [c.text.strip() for c in later if not c.covered and c.text.strip()]
            if turned and cells and _applicant(cells[0]):
                return 0  # 表三 turned: its rows' labels head the columns, 自然人 … the rows
            if _matrix_head(cells):
                return m
        return len(rows)
    return 0


def _numbered_header(texts: list[str]) -> bool:
    """A header of numbered column names (项目 | 列1 | … | 列7, 类别 | 数据1 | … | 总计: a
    transcription's own header, naming no column): its words beside them, the label
    column's and a total's, tell no other table; the rows decide what the grid is."""
    line = " | ".join(texts)
    at, numbered = 0, 0
    for t in texts:
        i = line.index(t, at)
        at = i + len(t)
        d = re.search(r"\d{1,2}", t)
        if d is not None and header_number(line, i + d.start(), i + d.end()):
            numbered += 1
    return numbered >= 3 and len(texts) - numbered <= 2


_OTHER_SUB = ("requests.other.no_correction.", "requests.other.no_fee.", "requests.other.misc.")


def _collect_rows(
    ctx: Ctx, sec_of: list[str | None]
) -> tuple[dict[str, list[Row]], dict[str, list[Row]], list[str]]:
    """The rows of sections 二/三/四 in document order (table rows, and text lines that are
    rows), the header rows among them, and the text lines above section 四's values."""
    doc = ctx.doc
    rows: dict[str, list[Row]] = {"s2": [], "s3": [], "s4": []}
    headers: dict[str, list[Row]] = {"s2": [], "s3": [], "s4": []}
    s4_paras: list[str] = []
    # a result word of 表四's header anywhere in section 四 (before its numbers or after
    # them, in a table or a line): its header is there, and a line of numbers alone is no
    # value row read in the form's order (a date line 2023 1 1 2023 12 31 above the table
    # was read as its first row, and the sums blamed the report)
    s4_header = any(
        sec_of[i] == "s4"
        and _REVIEW_WORDS.search(
            b.text
            if isinstance(b, Paragraph)
            else " ".join(c.text for r in b.rows for c in r if not c.covered)
        )
        for i, b in enumerate(doc.blocks)
    )
    for i, b in enumerate(doc.blocks):
        sec = sec_of[i]
        if sec not in rows:
            continue
        if isinstance(b, Table):
            ctx.set_tables([c for r in b.rows for c in r], b.index)
            labelled = False  # a row of 表三 labelled by the form seen in this table
            own = b.rows
            if sec == "s3":
                # a table of other columns before 表三 (per unit, this year vs last), in
                # the same grid when the copy left no line between them: not 表三's rows
                own = b.rows[_matrix_from(b.rows) :]
            for r in _without_numbering(_without_remarks(own)):
                row = split_row(r, b, sec)
                is_header = sec == "s3" and not row.numeric and is_request_header(row)
                if row.numeric or (
                    row.labels
                    and sec == "s3"
                    and not is_header
                    and L.match_request_row(row.labels[-1].text)
                ):
                    rows[sec].append(row)
                    labelled = labelled or (
                        sec == "s3" and any(L.match_request_row(c.text) for c in row.labels)
                    )
                elif row.labels:
                    if not (labelled and _lone_word(row)):
                        # (below the table's rows, a blank row of one word, 小计 or 总计,
                        # is a row the copy added or the form's, not a column header)
                        headers[sec].append(row)
                    rows[sec].append(row)
                elif sec == "s4" and len(row.values) >= NREVIEW:
                    rows[sec].append(row)  # a value row left wholly blank
        else:
            pr = paragraph_row(b, sec)
            if pr is not None:
                rows[sec].append(pr)
            elif (
                sec == "s4"
                and not rows["s4"]
                and not s4_header
                and (nums := numbers_row(b, sec)) is not None
            ):
                # numbers only, no header before them (the copy lost it): read in the
                # form's order, the header said unreadable (read_reviews)
                rows[sec].append(nums)
            elif sec == "s4" and not any(r.numeric for r in rows["s4"]):
                s4_paras.append(b.text)
            elif sec in ("s2", "s3"):
                hdr = paragraph_header(b, sec)
                headers[sec].append(hdr)
                if sec == "s2":
                    rows[sec].append(hdr)

    return rows, headers, s4_paras


# ============================================================================ layout & artefacts
def _layout(ctx: Ctx, active_layout: str | None, req_layout: str | None) -> None:
    rep = ctx.report
    s21 = "s2:2021" in ctx.signals or "s3:2021" in ctx.signals
    s19 = "s2:2019" in ctx.signals or "s3:2019" in ctx.signals
    year = rep.meta.get("year")
    if s21 and s19:
        fmt = "mixed"
    elif (
        s19 and not {"s2:2019", "s2:2021"} & ctx.signals and isinstance(year, int) and year >= 2021
    ):
        # only 表三's single （六） row seen (表二 not read) in a year the 2021 format
        # governs: the old row is the one old part seen, not proof of a wholly old report
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
    "企业": "商业企业",
    "商业": "商业企业",
    "科研": "科研机构",
    "科研院所": "科研机构",
    "科研单位": "科研机构",
    "公益": "社会公益组织",
    "社会公益": "社会公益组织",
    "法律服务": "法律服务机构",
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


# what a copy leaves where a table was: a converter's placeholder, or a picture
def _artifacts(ctx: Ctx) -> None:
    arts = [a for a in ctx.doc.artifacts if not a.startswith("OCR")]
    ocr = [a for a in ctx.doc.artifacts if a.startswith("OCR")]
    if ocr or any(t.kind == "ocr" for t in ctx.doc.tables):
        some = [a for a in arts if "已用文字识别（OCR）读取" in a]
        pages = "；".join(
            a.split("，")[0] + ("（无文字层）" if "扫描图像" in a else "") for a in some
        )
        whole = (
            "本报告 PDF 的文字层无法解码（字体缺少文字编码映射）"
            if any("文字层无法解码" in a for a in ocr)
            else "本报告为扫描件（无文字层）"
        )
        ctx.finding(
            "R-OCR",
            "warning",
            [],
            (
                f"{pages}，其文字和数值由离线文字识别（OCR）得到，"
                "可能有识别错误，请对照原件人工核对这些页的数值。"
                if some
                else f"{whole}，文字和数值由离线文字识别（OCR）得到，"
                "可能有识别错误，请对照原件人工核对数值。"
            ),
            evidence=ocr,
        )
    if "dup_title" in ctx.signals:
        arts.append("标题行重复")
    # Readers give two kinds of entries: residues they cleaned (short names such as 页码页脚)
    # and notes on how they read (sentences such as 网页声明的文字编码…已按内容识别); a note
    # is not a residue and is not worded as one.
    notes = [a for a in arts if "，" in a or a.endswith("。")]
    residues = [a for a in arts if a not in notes]
    parts = []
    if residues:
        parts.append(f"已清除转换残留：{'；'.join(residues)}。")
    if notes:
        parts.append("读取说明：" + "；".join(n.rstrip("。") for n in notes) + "。")
    if parts:
        ctx.finding("R-INGEST-ARTIFACT", "info", [], "".join(parts), evidence=arts)
