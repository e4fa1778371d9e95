"""表三 read as one stream of numbers in the form's row order, for text in the reading order
of a PDF (``pdftotext`` in its default mode): each cell a paragraph of its own (blank lines
between cells), except where cells stand close one above the other — a column of k rows'
cells of one column then comes as one paragraph of k lines, the seven columns one after
another (column by column), while those rows' labels are printed elsewhere.

The reading is taken only when the form decides it whole: the numbers after the table's
header, cut into paragraphs, make exactly the layout's rows in the form's order (a run of
single numbers seven to a row, or seven paragraphs of k lines for k rows; each run read row
by row or column by column, whichever order makes every one of its rows add up while the
other does not, or both read the same; a paragraph of more numbers is no such run); every
label that has numbers right after it stands before a run that holds its row. A column short of its blank cells (a blank cell prints nothing) is placed where
every row adds up: the cells every such placement reads alike are read, the others left
open (``UNSURE``: named unread). Where the first rows' numbers stand among the header's
words, the runs after them are the form's last rows when the numbers before them are
exactly the other rows' seven each; those first rows are read too when the header's words
before each run of their numbers name its columns (``columns.header_rows``). Otherwise nothing is
read here (the rows stay as the label reading left them: unread and said).

表四 in that order has its header's words among its numbers (``review_chunks``): the runs
between them are read in the text's order when its three groups add up, else in the one
order of the runs in which they do (``reviews_by_chunks``), else not at all.

A cell the tool cannot read (x, 不详, or words the form does not have on a line of their own,
见说明, 见表2: ``_opaque``) stands in the stream as a cell: rows holding one are not checked
by their sums, and the cells that the two orders of a run read differently only because of
it are left open (``_agreed``).

Over 500 lines because the stream's shapes (rows, columns, columns short of their blanks,
whole runs, 表四's chunks) and the sums that decide between them belong together.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ...readers.labels import is_debris
from .columns import header_rows
from .model import FormCell, FormRow, FormTable, Tok
from .solve import row_sum_ok
from .spec import REQUEST_FORM, RowSpec, word_cell
from .tokens import LabelHit, ValueRun, cell_number, tokenize

WIDTH = 7
Row = list[Tok | None]  # a row's seven cells (None: a blank cell, which prints nothing)
# a cell the text leaves open (the blank cells of its column could stand in its row or not)
UNSURE = Tok("u", -1, -1, "?")


@dataclass
class Streamed:
    """A row read from the stream: its seven tokens, and how: "row" (in text order),
    "column" (from seven paragraphs read column by column), "placed" (column by column,
    some columns short of their blank cells, placed by the rows' sums)."""

    rid: str
    vals: Row
    how: str
    own: bool  # its numbers stand right after its own label


def _blocks(toks: list[Tok]) -> list[tuple[list[Tok], bool]]:
    """The values as paragraphs: (values, text stands before it). Values one to a line,
    a blank line or text between paragraphs; two numbers on one line make a paragraph of
    no number (a run that holds it is not read)."""
    out: list[tuple[list[Tok], bool]] = []
    sep = ""
    texted = True
    for n, t in enumerate(toks):
        if t.kind == "s":
            sep += t.text
            continue
        if t.kind == "t" and _word_line(toks, n, sep):
            # words the form does not have on a line of their own where a cell stands
            # (见说明, 见表2): a cell the tool cannot read, not text parting the runs
            t = Tok("v", t.start, t.end, t.text)
        if t.kind == "t":
            texted = True
            sep = ""
            continue
        if out and not texted:
            n = sep.count("\n")
            if n == 0:
                out.append(([], False))  # two numbers on one line: not this shape
            elif n == 1 and out[-1][0]:
                out[-1][0].append(t)
                sep = ""
                continue
        out.append(([t], texted))
        texted = False
        sep = ""
    return out


def _word_line(toks: list[Tok], n: int, sep: str) -> bool:
    """Is text token ``n`` (``sep``: the separators before it) a line of its own that is a
    word cell (``spec.word_cell``)?"""
    after = toks[n + 1] if n + 1 < len(toks) else None
    return (
        "\n" in sep
        and (after is None or (after.kind == "s" and "\n" in after.text))
        and word_cell(toks[n].text.strip())
    )


def _opaque(t: Tok | None) -> bool:
    """A cell whose number the tool cannot read (x, 不详, 见说明: ``labels.is_debris``,
    ``spec.word_cell``): it holds a number, which no sum can check."""
    return t is not None and t is not UNSURE and (is_debris(t.text) or word_cell(t.text))


def _sums(rows: Sequence[Sequence[Tok | None]]) -> bool:
    """Every row adds up, but those with a cell unread (``_opaque``), which cannot be
    checked; at least one row checked."""
    checked = [r for r in rows if not any(_opaque(t) for t in r)]
    return bool(checked) and all(row_sum_ok([_num(t) for t in r]) for r in checked)


def _values(rows: Sequence[Sequence[Tok | None]]) -> list[list[int | float | None]]:
    return [[_num(t) for t in r] for r in rows]


def _span_rows(blocks: list[tuple[list[Tok], bool]]) -> list[tuple[Row, str]] | None:
    """The rows of a run of paragraphs with no text between them, or None."""
    out: list[tuple[Row, str]] = []
    i = 0
    while i < len(blocks):
        k = len(blocks[i][0])
        if k == 1:
            j = i
            while j < len(blocks) and len(blocks[j][0]) == 1:
                j += 1
            flat = [b[0][0] for b in blocks[i:j]]
            if len(flat) % WIDTH:
                return None
            m = len(flat) // WIDTH
            got = _one_order(
                [list(flat[n : n + WIDTH]) for n in range(0, len(flat), WIDTH)],
                [[flat[c * m + r] for c in range(WIDTH)] for r in range(m)],
                single=m == 1,
            )
            if got is None:
                return None
            out += got
            i = j
            continue
        group = blocks[i : i + WIDTH]
        k = max(len(b[0]) for b in group)  # the first column may be the one short of a blank
        if len(group) == WIDTH and all(len(b[0]) == k for b in group):
            flat = [t for b in group for t in b[0]]
            got = _one_order(
                [list(flat[n : n + WIDTH]) for n in range(0, len(flat), WIDTH)],
                [[group[c][0][r] for c in range(WIDTH)] for r in range(k)],
                single=False,
            )
            if got is None:
                return None
            out += got
            i += WIDTH
            continue
        if len(group) == WIDTH and all(len(b[0]) <= k for b in group):
            # blank cells print nothing: a column's paragraph is short; where its numbers
            # stand among the rows, only the rows' sums can say
            rows = _blanks_placed([b[0] for b in group], k)
            if rows is None:
                return None
            out += [(r, "placed") for r in rows]
            i += WIDTH
            continue
        return None  # a paragraph of numbers that is no column of a run of rows
    return out


def _whole_rows(blocks: list[tuple[list[Tok], bool]]) -> list[tuple[Row, str]] | None:
    """The rows of a run of paragraphs no column or row shape fits (pdfminer prints each
    column of a page's rows as boxes cut where a tall label cell parts the rows: 2, 7, 1, 6,
    … lines, alike in every column): its numbers, seven to a row, read row by row when no
    paragraph crosses a row, column by column when none crosses a column, in the one order
    in which every row adds up (``_one_order``); else None. pdfminer orders boxes of one
    height by its own flow, not always left to right (a copy's 总计 came before 其他), and
    the sums do not tell the six applicant columns apart: only a row whose seven numbers
    are one value reads the same in any order of the columns; the others' cells are left
    open (``UNSURE``)."""
    flat = [t for b in blocks for t in b[0]]
    if len(flat) % WIDTH or len(flat) < 2 * WIDTH:
        return None
    m = len(flat) // WIDTH
    spans, at = [], 0
    for b in blocks:
        spans.append((at, at + len(b[0]) - 1))
        at += len(b[0])

    def fits(unit: int) -> bool:
        return all(s // unit == e // unit for s, e in spans)

    rm: list[Row] = [list(flat[n : n + WIDTH]) for n in range(0, len(flat), WIDTH)]
    cm: list[Row] = [[flat[c * m + r] for c in range(WIDTH)] for r in range(m)]
    got: list[tuple[Row, str]] | None = None
    if fits(WIDTH) and fits(m):
        got = _one_order(rm, cm, single=False)
    elif fits(m) and any(_sums([[*r[:c], *r[c + 1 :], r[c]] for r in cm]) for c in range(WIDTH)):
        got = [(r, "column") for r in cm]  # 总计 among the columns: a row of one value
    elif fits(WIDTH) and _sums(rm):
        got = [(r, "row") for r in rm]
    if got is None:
        return None
    return [(r if len(set(_values([r])[0])) == 1 else [UNSURE] * WIDTH, how) for r, how in got]


def _one_order(rm: list[Row], cm: list[Row], single: bool) -> list[tuple[Row, str]] | None:
    """The rows of a run read row by row (``rm``) or column by column (``cm``): the order in
    which every row adds up, when the other's rows do not or read the same; a single row
    (no other order) as it stands; else None (neither adds up, or both do and differ)."""
    if single:
        # seven numbers alone in a row's place: read when they add up (or, a cell unread
        # among them, when the others do not refute it); else they may be no row at all (a
        # number the copy lost, and the next row's first in its place): the row is left
        # open, not read as the document's
        return [(r if _sums([r]) or _opaque_fits(r) else [UNSURE] * WIDTH, "row") for r in rm]
    ok_rm, ok_cm = _sums(rm), _sums(cm)
    same = _values(rm) == _values(cm)
    if ok_rm and (not ok_cm or same):
        return [(r, "row") for r in rm]
    if ok_cm and not ok_rm:
        return [(r, "column") for r in cm]
    if ok_rm and ok_cm:
        agreed = _agreed(rm, cm)
        if agreed is not None:
            return [(r, "row") for r in agreed]
    return None


def _opaque_fits(row: Row) -> bool:
    """A row with cells unread (``_opaque``) but its 总计: the applicant cells read add up
    to no more than it."""
    if not any(_opaque(t) for t in row) or _opaque(row[-1]):
        return False
    total = _num(row[-1])
    parts = [_num(t) for t in row[:-1] if not _opaque(t)]
    return (
        total is not None
        and all(v is None or v >= 0 for v in parts)
        and sum(v or 0 for v in parts) <= total
    )


def _agreed(rm: list[Row], cm: list[Row]) -> list[Row] | None:
    """The rows read alike in both orders but where either holds a cell unread
    (``_opaque``: the two orders put it in different cells, which are both left open), or
    None when any other cell differs."""
    out: list[Row] = []
    for a, b in zip(rm, cm):
        row: Row = []
        for x, y in zip(a, b):
            if _opaque(x) or _opaque(y):
                row.append(x if x is y else UNSURE)
            elif _num(x) != _num(y) or (x is None) != (y is None):
                return None
            else:
                row.append(x)
        out.append(row)
    return out


def _blanks_placed(cols: list[list[Tok]], k: int, limit: int = 5000) -> list[Row] | None:
    """The ``k`` rows of seven columns printed column by column, some columns short of
    their blank cells: the placements of the blanks in which every row adds up (a row whose
    总计 is blank, or which is blank whole, cannot be checked and does not refute one).
    The cells every such placement takes the same number for (or leaves blank) are read;
    the others are ``UNSURE`` (the text leaves them open). None when no placement fits, or too many to try."""
    count = 1
    for col in cols:
        count *= math.comb(k, len(col))  # counted before any is made (25 rows: millions)
    if count > limit:
        return None
    options = [list(itertools.combinations(range(k), len(col))) for col in cols]
    found: list[list[Row]] = []
    for pick in itertools.product(*options):
        rows: list[Row] = [[None] * WIDTH for _ in range(k)]
        for c, (col, at) in enumerate(zip(cols, pick)):
            for r, t in zip(at, col):
                rows[r][c] = t
        if all(_not_refuted(v) or any(_opaque(t) for t in r) for r, v in zip(rows, _values(rows))):
            found.append(rows)
    if not found:
        return None
    # the same printed number in every placement (a cell whose placements read the same
    # value from different numbers, 0 and 0 of two rows, would have no one source)
    rows = [
        [t if all(p[r][c] is t for p in found) else UNSURE for c, t in enumerate(row)]
        for r, row in enumerate(found[0])
    ]
    for row in rows:
        # a row with numbers whose 总计 is placed blank: such a row cannot be checked, so
        # nothing says its blanks are blank rather than numbers the copy lost (OCR dropped
        # a 1, or read it as a ruling line): they are left open, not read as blanks that
        # the sums would then blame (a row blank whole is no such row)
        if row[-1] is None and any(t is not None and t is not UNSURE for t in row[:-1]):
            row[:] = [UNSURE if t is None else t for t in row]
    return rows


def _not_refuted(v: list[int | float | None]) -> bool:
    """Can the row be so? It adds up, or its 总计 is blank (nothing to check), or its only
    number is a 总计 of 0 (its blank applicant cells add up to it: a copy that printed 0 in
    总计 alone; ``row_sum_ok`` takes no such row for proof of a placement)."""
    return row_sum_ok(v) or v[-1] is None or (v[-1] == 0 and v[:-1].count(None) == len(v) - 1)


def _num(t: Tok | None) -> int | float | None:
    return None if t is None else cell_number(t.text)


def read_stream(
    text: str,
    start: int,
    end: int,
    form: tuple[RowSpec, ...],
    labelled: dict[int, str],
) -> list[Streamed] | None:
    """The rows of ``form`` (the layout's rows of 表三, in order) from the numbers between
    ``start`` (the end of the header) and ``end``; ``labelled`` maps the offset of the first
    number after a found label to that label's row. None unless the form decides it.

    Where the runs of the first rows cannot be read (a header whose words stand among the
    numbers of the rows below it), the runs after them that can are the last rows of the
    form, when the numbers before them are exactly the other rows' seven each (a row
    missing, or a blank cell, which a PDF prints as nothing, would shift every row)."""
    blocks = _blocks(tokenize(text, start, end))
    parts: list[tuple[int, int, list[tuple[Row, str]] | None]] = []
    i = 0
    while i < len(blocks):
        j = i + 1
        while j < len(blocks) and not blocks[j][1]:
            j += 1
        span = blocks[i:j]
        got = None if any(not b[0] for b in span) else _span_rows(span) or _whole_rows(span)
        parts.append((span[0][0][0].start if span[0][0] else -1, sum(len(b[0]) for b in span), got))
        i = j
    cut = len(parts)
    while cut and parts[cut - 1][2] is not None:
        cut -= 1
    rows: list[tuple[Row, str]] = []
    spans: list[tuple[int, int]] = []  # (first value's offset, rows' range start) per span
    for at, _n, got in parts[cut:]:
        spans.append((at, len(rows)))
        rows += got or []
    before = sum(n for _a, n, _g in parts[:cut])
    if not rows or before + WIDTH * len(rows) != WIDTH * len(form) or before % WIDTH:
        return None
    head = header_rows(text, start, parts[cut][0], before // WIDTH) if before else None
    lead = [Streamed(spec.rid, vals, "header", False) for spec, vals in zip(form, head or [])]
    form = form[len(form) - len(rows) :]
    bounds = [s[1] for s in spans] + [len(rows)]
    firsts = {s[0]: n for n, s in enumerate(spans)}
    span_of_row = []
    for n in range(len(spans)):
        span_of_row += [n] * (bounds[n + 1] - bounds[n])
    # every label with numbers right after it stands before a run that holds its row
    prefix = {a for a, _n, _g in parts[:cut]}
    for at, rid in labelled.items():
        idx = firsts.get(at)
        if idx is None:
            if at in prefix or at < start:
                continue  # a run of the rows not read here
            return None
        if rid not in {form[r].rid for r in range(bounds[idx], bounds[idx + 1])}:
            return None
    own = {firsts[at]: rid for at, rid in labelled.items() if at in firsts}
    out = []
    for r, (vals, how) in enumerate(rows):
        rid = form[r].rid
        n = span_of_row[r]
        first = bounds[n] == r
        out.append(Streamed(rid, vals, how, first and how == "row" and own.get(n) == rid))
    return lead + out


# ----------------------------------------------------------------------------- 表四
# the characters of 表四's header words (行政复议, 未经复议直接起诉, 结果维持, 尚未审结, 总计…)
_REVIEW_HEAD = frozenset("行政复议诉讼未经直接起后结果维持纠正其他尚审总计合")


def review_chunks(text: str, start: int, end: int) -> list[list[Tok]] | None:
    """表四's numbers as runs parted by the header's words; None when other text stands
    among them."""
    chunks: list[list[Tok]] = [[]]
    pending_text = False
    for t in tokenize(text, start, end):
        if t.kind == "v":
            if pending_text:
                return None  # other text among the numbers: not the header's words
            chunks[-1].append(t)
        elif t.kind == "t":
            if chunks[-1]:
                chunks.append([])
            if not set(re.sub(r"\s", "", t.text)) <= _REVIEW_HEAD:
                pending_text = True
    return [c for c in chunks if c]


def reviews_by_chunks(chunks: list[list[Tok]]) -> tuple[list[Tok], bool] | None:
    """表四's 15 numbers where the header's words stand among them (a PDF's reading order
    prints a header cell taller than its neighbours after the numbers beside it): the runs
    of numbers between header words (``review_chunks``), each a run of neighbouring cells, put back in an order
    in which the three groups add up and each group's cells stand in the text in the form's
    order. The text's own order first, when its groups add up (as any copy is read); else
    taken only when every such order reads the same (the groups' own order is not the
    text's: a real copy printed 复议后起诉's numbers before 未经复议直接起诉's);
    returns the tokens in the form's order and whether they were moved."""
    if sum(len(c) for c in chunks) != 15:
        return None
    seq = [t for c in chunks for t in c]
    if _groups_add_up([cell_number(t.text) for t in seq]):
        return seq, False  # in the text's order, the header's words skipped
    readings: dict[tuple[int | float | None, ...], tuple[list[Tok], bool]] = {}

    def fits(seq: list[Tok], done: int) -> bool:
        """The cells from ``done`` on keep each group's text order; the groups complete
        from ``done`` on add up."""
        for i in range(max(done, 1), len(seq)):
            if i % 5 and seq[i].start < seq[i - 1].start:
                return False
        return all(
            _group_adds_up([cell_number(t.text) for t in seq[g * 5 : g * 5 + 5]])
            for g in range(done // 5, len(seq) // 5)
        )

    def search(seq: list[Tok], used: list[bool], order: list[int]) -> bool:
        """False once two readings differ."""
        if len(seq) == 15:
            key = tuple(cell_number(t.text) for t in seq)
            readings.setdefault(key, (list(seq), order != sorted(order)))
            return len(readings) < 2
        for n, c in enumerate(chunks):
            if used[n]:
                continue
            nxt = seq + c
            if not fits(nxt, len(seq) - len(seq) % 5):
                continue
            used[n] = True
            go_on = search(nxt, used, order + [n])
            used[n] = False
            if not go_on:
                return False
        return True

    if not search([], [False] * len(chunks), []) or len(readings) != 1:
        return None
    return next(iter(readings.values()))


def _groups_add_up(vals: list[int | float | None]) -> bool:
    return all(_group_adds_up(vals[g * 5 : g * 5 + 5]) for g in range(3))


def _group_adds_up(w: list[int | float | None]) -> bool:
    """A group of 表四 (维持, 纠正, 其他, 尚未审结, 总计): its four items add up to its 总计."""
    return w[4] is not None and sum(v or 0 for v in w[:4]) == w[4]


# ----------------------------------------------------------------------------- 表三's rows
def layout_rows(form: tuple[RowSpec, ...], layout: str) -> tuple[RowSpec, ...]:
    """The rows of 表三 in ``layout``: （六） as one row (2019) or its three sub-rows (2021)."""
    if layout == "2019":
        return tuple(s for s in form if not s.rid.startswith("other."))
    return tuple(s for s in form if s.rid != "other")


def header_start(k: str, idx: list[int], a: int, hits: list[LabelHit]) -> int | None:
    """Where 表三 starts: its header or its first label, whichever comes first (the prose
    before it may hold numbers); None when neither is found."""
    heads = [i for i in (k.find(w) for w in ("申请人情况", "自然人", "法人或其他组织")) if i >= 0]
    first = min(heads + [h.a for h in hits]) if heads or hits else -1
    return a + idx[first] if first >= 0 else None


def stream_table(
    table: FormTable,
    text: str,
    a: int,
    b: int,
    k: str,
    idx: list[int],
    runs: list[tuple[RowSpec, int, int, ValueRun, list[Tok]]],
    hits: list[LabelHit],
) -> None:
    """表三 read again as one stream of numbers in the form's row order (``stream``: a PDF's
    reading order, some rows column by column) when the label reading left rows unread or
    blank; taken whole or not at all."""
    start = header_start(k, idx, a, hits)
    if start is None:
        start = a
    # the labels found in place (not rows split from another's run) with numbers after them
    labelled = {
        run.vals[0].start: spec.rid for spec, st, en, run, _t in runs if run.vals and st < en
    }
    rids = {spec.rid for spec, *_ in runs}
    layouts = ["2019"] if "other" in rids else []
    if any(r.startswith("other.") for r in rids):
        layouts = ["2021"]
    for layout in layouts or ["2021", "2019"]:
        form = layout_rows(REQUEST_FORM, layout)
        got = read_stream(text, start, b, form, labelled)
        if got is not None:
            break
    else:
        return
    found = {row.rid: row for row in table.rows}
    rows = []
    for spec in form[: len(form) - len(got)]:
        # the rows before the runs read here: their numbers stand in the text, unread
        old = found.get(spec.rid)
        if old is None or old.how in ("blank", "cut"):
            old = FormRow(
                spec.rid,
                old.label if old else "",
                old.label_start if old else -1,
                old.label_end if old else -1,
                [FormCell(fid, status="unread") for fid in spec.ids],
                how="unread",
            )
        rows.append(old)
    for item, spec in zip(got, form[len(form) - len(got) :]):
        old = found.get(item.rid)
        row = FormRow(
            item.rid,
            old.label if old else "",
            old.label_start if old else -1,
            old.label_end if old else -1,
            [
                FormCell(fid, status="unread")
                if t is UNSURE
                else FormCell(fid, t.start, t.end, t.text)
                if t
                else FormCell(fid, status="blank")
                for fid, t in zip(spec.ids, item.vals)
            ],
            shown=" ".join(t.text if t else "空" for t in item.vals),
        )
        rows.append(row)
        if not item.own:
            table.streamed[item.rid] = item.how
    table.rows = rows
    if b >= len(text.rstrip()) and any(spec.rid not in found for spec in form):
        # the text ends in the table's labels printed after its numbers, some rows' labels
        # not among them: a copy cut there (what follows is not judged missing)
        table.ends_inside = True
    table.stream_from = len(form) - len(got)
    table.layout = layout
    table.inferred = {}
