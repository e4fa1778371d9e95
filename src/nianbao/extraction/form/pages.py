"""Bare numbers among the tables that may be page numbers: the form read with them and
without them (``readers.normalize._page_suspects`` finds them), and each row that reads
otherwise decided by its sums, else not read.

A page number printed bare in a copy's reading order stands anywhere on its page: after
行政许可's label and before its value, between two of a row's cells, where a cell of the same
number may stand too. Where the two readings of a row agree, the number does not matter to
it. Where they differ, one of them is the row's: 表三's row (its columns add up to 总计) and
表四's groups (their results add up to 总计) take the reading whose sums hold when the other's
do not, and 表三's row whose sums hold both ways the reading its table's column sums bear out
when the other's fail them; every other row that differs (表二's, or sums that hold both ways
or neither) is not read, and says so, never read with the page's number in one of its cells.
A row the text as it stands reads by leaving one of its suspects over (2 8 2 0 0 0 0 10 read
8 2 0 0 0 0 10) is already read as that suspect being the page's: a reading without another
of them (2 8 0 0 0 0 10) is a second guess of the same kind, not a better one.

表三 or 表四 still not read whole after that (a stream of numbers in a PDF's reading order
breaks at any page number among it) is read again without each set of the bare numbers the
pages' sequence allows: one number a page, each one more than the one before (or more, the
pages between numbered where they were found), in the text's order, from the suspects (bare
numbers in the sequence the page numbers outside the tables show; with no page number outside
them nothing is tried: a sequence of the tables' own bare numbers let a document's wrong sums
"hold" without a real cell, and trying every such set cost tens of seconds a copy). Where the readings in which the table is read whole and
its arithmetic holds (表三's rows and column sums, 表四's groups) all read it alike, the table
is that reading, and says so; where two read it otherwise, or none holds, it stays unread.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Collection, Sequence

from ...readers.normalize import guessed_breaks
from .model import FormCell, FormReading, FormRow, FormTable
from .solve import column_equations, row_sum_ok
from .tokens import cell_number

_REVIEW_GROUP = 5  # 表四: four results and 总计 in each of its three groups
# a table's last line: a bare number alone (what a page's number prints as)
_LAST_LINE_NUMBER = re.compile(r"\n[ \t\u3000\f]*(\d{1,3})[ \t\u3000]*\s*\Z")


def flat_trailers(text: str, reading: FormReading) -> list[tuple[int, int]]:
    """Bare numbers that may be page numbers after a flattened table: where a table's rows
    all stand on one line (a crawler ran its cells together: 行政规范性文件0326…) and the
    only number after that line, alone on a line of its own before the next section, was
    taken for a cell. Printed unlike every other cell of the table, it is a page's number
    as likely as a cell (pdftotext prints a page's number at its foot): the form reading
    reads the table both ways (``merge_readings``), never one of them silently (表二's
    政府集中采购23251.3 then 4 read 23251.3 and 4, the 4 a page's)."""
    out: list[tuple[int, int]] = []
    for table in reading.tables.values():
        a, b = table.region
        starts = [row.label_start for row in table.rows if row.label_start >= 0]
        if not starts:
            continue
        m = _LAST_LINE_NUMBER.search(text, a, b)
        if m is None:
            continue
        s, e = m.span(1)
        rows = text[min(starts) : m.start()].rstrip()
        if "\n" in rows or not re.search(r"\d", rows):
            continue
        if any(
            c.start == s and c.status not in ("blank", "unread")
            for r in table.rows
            for c in r.cells
        ):
            out.append((s, e))
    return out


def merge_readings(
    kept: FormReading,
    dropped: Sequence[tuple[Sequence[tuple[int, int]], FormReading, bool]],
) -> FormReading:
    """``kept`` (the text as it stands) with each row that a reading of ``dropped`` (the
    text without some of the numbers that may be page numbers: (those numbers, the
    reading, whether the numbers it places tell)) reads otherwise decided (``_decide``,
    ``_pick``). A reading without one number tells: where it places every number the text
    as it stands places and one more, counting the one it took away, that number was no
    cell (a page number before 行政许可's 9487 was read as its value, and 9487 left over:
    without it, 9487 is placed), unless the row as it stands already leaves a suspect of
    its own over and the reading places no other number it left over (``_spared``: two
    readings each without one page number, that tell nothing between them). A reading
    without several does not tell: some may be cells."""
    for key, table in kept.tables.items():
        a, b = table.region
        others: list[tuple[dict[str, FormRow], bool, bool]] = []
        for spans, reading, count in dropped:
            other = reading.tables.get(key)
            if other is not None:
                gone = sum(1 for s, _e in spans if a <= s < b)
                more = count and _placed(other) - _placed(table) + gone > 0
                others.append(({row.rid: row for row in other.rows}, more, len(spans) == 1))
        suspects = {s for spans, _r, _c in dropped for s, _e in spans}
        taken = _taken(table)
        spared = _spared(table, suspects - taken)
        known = taken | suspects
        for i, row in enumerate(table.rows):
            alts: dict[tuple[tuple[str, str, bool], ...], tuple[FormRow, bool]] = {}
            # the readings without one number each; where none reads the row otherwise,
            # the reading without them all (two page numbers that each broke the table)
            for theirs, more, one in sorted(others, key=lambda o: not o[2]):
                alt = theirs.get(row.rid)
                if alt is None or _cells(alt) == _cells(row) or alts and not one:
                    continue
                seen = alts.get(tuple(_cells(alt)))
                # (where the row as it stands leaves one of its suspects over, it reads as
                # the text without that one would: 2 8 2 0 0 0 0 10 read 8 2 0 0 0 0 10, the
                # first 2 left over. A reading without another suspect (2 8 0 0 0 0 10)
                # places no more, unless it places a number that is no suspect and that the
                # row as it stands left over: else only the sums decide between the two)
                tells = more and (row.rid not in spared or bool(_starts(alt) - known))
                # (the same row read from readings that tell otherwise: it does not tell)
                alts[tuple(_cells(alt))] = (alt, tells and (seen is None or seen[1]))
            if len(alts) == 1:
                # (a row placed by its sums among more numbers than its cells, one of them
                # a suspect: which number was the row's surplus its sums may not tell, the
                # page's number standing mid-row where no window leaves it out)
                doubt = row.how == "placed" and bool(_starts(row) & suspects)
                table.rows[i] = _decide(key, row, *next(iter(alts.values())), table, doubt)
            elif alts:
                # the readings without each number read the row otherwise each: the one
                # whose sums hold, else not read
                table.rows[i] = _pick(key, row, [alt for alt, _more in alts.values()], table)
    return kept


def _taken(table: FormTable) -> set[int]:
    """Where the numbers ``table`` places start."""
    return {s for row in table.rows for s in _starts(row)}


def _starts(row: FormRow) -> set[int]:
    """Where the numbers ``row`` places start."""
    return {c.start for c in row.cells if c.status not in ("blank", "unread")}


def _spared(table: FormTable, left: set[int]) -> set[str]:
    """The rows of ``table`` read whole whose stretch of text (from their label to the next
    row's) holds one of the suspected numbers ``left`` that no cell of the table took: the
    rows read as if it were a page number."""
    a, b = table.region
    left = {s for s in left if a <= s < b}
    if not left:
        return set()
    labels = sorted(row.label_start for row in table.rows if row.label_start >= 0)
    out: set[str] = set()
    for row in table.rows:
        if row.label_start < 0 or any(c.status == "unread" for c in row.cells):
            continue
        end = next((s for s in labels if s > row.label_start), b)
        if any(row.label_start < s < end for s in left):
            out.add(row.rid)
    return out


def _placed(table: FormTable) -> int:
    return sum(c.status not in ("blank", "unread") for row in table.rows for c in row.cells)


def _pick(key: str, row: FormRow, alts: list[FormRow], table: FormTable) -> FormRow:
    groups = _groups(key, row)
    good = [r for r in [row, *alts] if groups and _adds_up(r, groups)]
    if len(good) == 1:
        return good[0]
    if key == "s3" and len(good) > 1:
        # several add up: the one 表三's column sums bear out, where they fail the others
        said = [_columns(table, r) for r in good]
        if said.count(True) == 1 and said.count(False) == len(good) - 1:
            return good[said.index(True)]
    return _unread(row)


def _columns(table: FormTable, row: FormRow) -> bool | None:
    """Do 表三's column sums (（七） = Σ results, 一 + 二 = （七） + 四) that take ``row`` in hold
    with ``row`` in place of the table's row of its id: None where none can say (a row
    in them unread, or none takes the row in)."""
    rows = {r.rid: r for r in table.rows}
    rows[row.rid] = row
    said = None
    for eq in column_equations(table):
        if all(rid != row.rid for rid, _sg in eq):
            continue
        terms = [(rows[rid], sg) for rid, sg in eq]
        width = len(row.cells)
        if any(len(r.cells) != width for r, _sg in terms):
            continue
        if any(c.status == "unread" for r, _sg in terms for c in r.cells):
            continue
        vals = [(_values(r), sg) for r, sg in terms]
        if any(sum(sg * (v[c] or 0) for v, sg in vals) != 0 for c in range(width)):
            return False
        said = True
    return said


def _unread(row: FormRow) -> FormRow:
    row.how = "unread"
    row.page_doubt = True
    row.candidates = []
    row.cells = [FormCell(c.id, status="unread") for c in row.cells]
    return row


def _cells(row: FormRow) -> list[tuple[str, str, bool]]:
    """What ``row`` reads: each cell's value, blank or not read (not how it was placed)."""
    return [
        (c.id, "" if c.status in ("blank", "unread") else c.text, c.status == "unread")
        for c in row.cells
    ]


def _groups(key: str, row: FormRow) -> list[range]:
    """The cells of ``row`` that add up (总计 last in each), none for a row without sums."""
    n = len(row.cells)
    if key == "s3" and n > 1:
        return [range(n)]
    if key == "s4" and n and n % _REVIEW_GROUP == 0:
        return [range(g, g + _REVIEW_GROUP) for g in range(0, n, _REVIEW_GROUP)]
    return []


def _values(row: FormRow) -> list[int | float | None]:
    return [cell_number(c.text) if c.status not in ("blank", "unread") else None for c in row.cells]


def _adds_up(row: FormRow, groups: list[range]) -> bool:
    if any(c.status == "unread" for c in row.cells):
        return False
    vals = _values(row)
    return all(all(vals[i] is None for i in g) or row_sum_ok([vals[i] for i in g]) for g in groups)


def _decide(
    key: str, row: FormRow, alt: FormRow, more: bool, table: FormTable, doubt: bool = False
) -> FormRow:
    """``row`` as read with the suspected page numbers, ``alt`` without them: the one whose
    sums hold where the other's do not; else ``alt`` where its reading places more of the
    table's numbers (``more``) and its sums, if any, hold; else, both adding up in 表三, the
    one its column sums bear out where they fail the other (``_columns``); else the cells
    that read otherwise not read (the whole row, or in 表四 the groups that differ).
    ``doubt``: ``row`` was placed by its sums among more numbers than its cells, a suspect
    among those it took: its sums holding tell nothing against ``alt`` (a page's 2 mid-row,
    2 0 0 0 0 [2] 0 2, read 0 0 0 0 2 0 2 by the window that adds up, the row's own 2 left
    over, and the column sums blamed)."""
    groups = _groups(key, row)
    alt.paged = True  # (where it is the one taken)
    if more and not any(c.status == "unread" for c in alt.cells):
        if not groups or len(alt.cells) == len(row.cells) and _adds_up(alt, groups):
            return alt
    if groups and len(alt.cells) == len(row.cells):
        mine, theirs = _adds_up(row, groups), _adds_up(alt, groups)
        if theirs and not mine:
            return alt
        if mine and not theirs and not doubt:
            return row
        if mine and theirs and key == "s3":
            said = _columns(table, row), _columns(table, alt)
            if said == (True, False):
                return row
            if said == (False, True):
                return alt
    if key == "s4" and groups and len(alt.cells) == len(row.cells):
        differ = [g for g in groups if any(_cells(row)[i] != _cells(alt)[i] for i in g)]
        gone = {i for g in differ for i in g}
        row.cells = [
            FormCell(c.id, status="unread") if i in gone else c for i, c in enumerate(row.cells)
        ]
        row.candidates = []
        row.page_doubt = bool(gone)
        return row
    return _unread(row)


# ----------------------------------------------------------------------------- the sequence
_NEVER_BLANK = ("new", "processed_total")  # 表三's rows whose 总计 a reading must hold
_SEQUENCE_MOST = 256  # sets of page numbers, at most
_READINGS_MOST = 512  # readings of the text without a set of page numbers, at most


def by_page_sequence(
    kept: FormReading,
    text: str,
    suspects: Sequence[tuple[int, int]],
    known: Sequence[int],
    read: Callable[
        [list[tuple[int, int]], Collection[tuple[int, int]], Collection[str]], FormReading
    ],
) -> FormReading:
    """表三 and 表四 that ``kept`` does not read whole (a cell unread) read again without
    each set of the numbers ``suspects`` that the pages' sequence allows (one number of
    each page at most, the pages' numbers in the text's order: ``_page_sets``): where the
    readings in which the table is whole and its arithmetic holds (表三's row and column
    sums, 表四's groups: ``whole``) all read it alike, the table is that reading, its rows
    ``paged`` and the numbers taken for the pages' said (``FormTable.paged_out``). Where
    two readings hold that read it otherwise, or none, it stays as it was (unread)."""
    open_: list[str] = [
        k for k in ("s3", "s4") if k in kept.tables and not whole(k, kept.tables[k])
    ]
    if not open_:
        return kept
    regions = [kept.tables[k].region for k in open_]
    inside = [(s, e) for s, e in suspects if any(a <= s < b for a, b in regions)]
    if not inside:
        # (no page number outside the tables shows the pages' sequence: bare numbers among
        # the tables in a sequence of their own are no proof — a document's own wrong sums
        # then "hold" without a real cell 7 and a 表四 cell 8 three hundred lines on, and
        # trying every such set cost tens of seconds a copy)
        return kept
    sets = _page_sets(text, inside, known)
    if not sets:
        return kept
    found: dict[
        str, dict[tuple[tuple[str, str, bool], ...], tuple[FormTable, list[tuple[int, int]]]]
    ] = {}
    for key in open_:
        a, b = kept.tables[key].region
        variants: dict[tuple[tuple[int, int], ...], list[tuple[tuple[int, int], ...]]] = {}
        for spans in sets:
            # (the table reads alike whatever the set holds outside it)
            mine = tuple(x for x in spans if a <= x[0] < b)
            if mine and mine not in variants:
                # (a number padded by blank lines inside a paragraph of cells: its padding
                # may be the paragraph's break or none; each such number read both ways)
                guessed = guessed_breaks(text, list(mine))
                variants[mine] = [
                    fewer
                    for k in range(len(guessed) + 1)
                    for fewer in itertools.combinations(guessed, k)
                ]
        if sum(len(v) for v in variants.values()) > _READINGS_MOST:
            continue  # (not every reading can be tried: none is known to be the only one)
        for mine, ways in variants.items():
            for fewer in ways:
                table = read(list(mine), fewer, (key,)).tables.get(key)
                if table is None or not whole(key, table):
                    continue
                sig = tuple(c for row in table.rows for c in _cells(row))
                found.setdefault(key, {}).setdefault(sig, (table, list(mine)))
    for key, alts in found.items():
        if len(alts) != 1:
            continue
        ((table, gone),) = alts.values()
        for row in table.rows:
            row.paged = True
        table.paged_out = [text[s:e] for s, e in gone]
        kept.tables[key] = table
    return kept


def _page_sets(
    text: str,
    suspects: Sequence[tuple[int, int]],
    known: Sequence[int],
    apart: int = 0,
    fewest: int = 1,
) -> list[list[tuple[int, int]]]:
    """The sets of ``suspects`` that may be the pages' numbers: pages in a row (numbers of
    1 or more, each one more than the one before, or more where the pages between are
    numbered ``known``: found and taken away), one number each, rising in the text's order,
    each at least ``apart`` lines after the one before, ``fewest`` of them at least; none
    where there are more than ``_SEQUENCE_MOST``."""
    by_number: dict[int, list[tuple[int, int]]] = {}
    for s, e in suspects:
        n = int(text[s:e])
        if n >= 1 and n not in known:
            by_number.setdefault(n, []).append((s, e))
    numbers = sorted(by_number)
    follows = {
        n: [m for m in numbers if m > n and all(k in known for k in range(n + 1, m))]
        for n in numbers
    }
    out: list[list[tuple[int, int]]] = []

    def grow(chain: list[tuple[int, int]], n: int) -> bool:
        if len(chain) >= fewest:
            out.append(chain)
            if len(out) > _SEQUENCE_MOST:
                return False
        last = chain[-1][0]
        for m in follows[n]:
            for span in by_number[m]:
                if span[0] > last and text.count("\n", last, span[0]) >= apart:
                    if not grow([*chain, span], m):
                        return False
        return True

    for n in numbers:
        for span in by_number[n]:
            if not grow([span], n):
                return []
    return out


def whole(key: str, table: FormTable) -> bool:
    """Is ``table`` read whole (no cell unread) with its arithmetic holding: 表三's rows
    (a row all blank aside) and its column sums, 表四's three groups (a group all blank
    aside)?"""
    if not table.rows or any(c.status == "unread" for r in table.rows for c in r.cells):
        return False
    if key == "s4":
        if len(table.rows) != 1 or len(table.rows[0].cells) != 3 * _REVIEW_GROUP:
            return False
        vals = _values(table.rows[0])
        groups = [vals[g : g + _REVIEW_GROUP] for g in range(0, len(vals), _REVIEW_GROUP)]
        return None not in vals and all(sum(g[:-1]) == g[-1] for g in groups)  # type: ignore[arg-type]
    rows = {r.rid: r for r in table.rows}
    # (a table whose rows are all blank adds up too: no reading; 一 and （七） are never blank)
    if any(rid not in rows or _values(rows[rid])[-1] is None for rid in _NEVER_BLANK):
        return False
    for row in table.rows:
        vals = _values(row)
        if any(v is not None for v in vals) and not row_sum_ok(vals):
            return False
    eqs = column_equations(table)
    if not eqs:
        return False
    for eq in eqs:
        terms = [(_values(rows[rid]), sg) for rid, sg in eq]
        width = len(terms[0][0])
        if any(len(v) != width for v, _sg in terms):
            return False
        if any(sum(sg * (v[c] or 0) for v, sg in terms) != 0 for c in range(width)):
            return False
    return True
