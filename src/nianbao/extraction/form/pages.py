"""Bare numbers among the tables that may be page numbers: the form read with them and
without them (``readers.normalize._page_suspects`` finds them), and each row that reads
otherwise decided by its sums, else not read.

A page number printed bare in a copy's reading order stands anywhere on its page: after
行政许可's label and before its value, between two of a row's cells, where a cell of the same
number may stand too. Where the two readings of a row agree, the number does not matter to
it. Where they differ, one of them is the row's: 表三's row (its columns add up to 总计) and
表四's groups (their results add up to 总计) take the reading whose sums hold when the other's
do not; every other row that differs (表二's, or sums that hold both ways or neither) is not
read, and says so, never read with the page's number in one of its cells.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import FormCell, FormReading, FormRow, FormTable
from .solve import row_sum_ok
from .tokens import cell_number

_REVIEW_GROUP = 5  # 表四: four results and 总计 in each of its three groups


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
    without it, 9487 is placed). A reading without several does not: some may be cells."""
    for key, table in kept.tables.items():
        a, b = table.region
        others: list[tuple[dict[str, FormRow], bool, bool]] = []
        for spans, reading, count in dropped:
            other = reading.tables.get(key)
            if other is not None:
                gone = sum(1 for s, _e in spans if a <= s < b)
                more = count and _placed(other) - _placed(table) + gone > 0
                others.append(({row.rid: row for row in other.rows}, more, len(spans) == 1))
        for i, row in enumerate(table.rows):
            alts: dict[tuple[tuple[str, str, bool], ...], tuple[FormRow, bool]] = {}
            # the readings without one number each; where none reads the row otherwise,
            # the reading without them all (two page numbers that each broke the table)
            for theirs, more, one in sorted(others, key=lambda o: not o[2]):
                alt = theirs.get(row.rid)
                if alt is None or _cells(alt) == _cells(row) or alts and not one:
                    continue
                seen = alts.get(tuple(_cells(alt)))
                # (the same row read from readings that tell otherwise: it does not tell)
                alts[tuple(_cells(alt))] = (alt, more and (seen is None or seen[1]))
            if len(alts) == 1:
                table.rows[i] = _decide(key, row, *next(iter(alts.values())))
            elif alts:
                # the readings without each number read the row otherwise each: the one
                # whose sums hold, else not read
                table.rows[i] = _pick(key, row, [alt for alt, _more in alts.values()])
    return kept


def _placed(table: FormTable) -> int:
    return sum(c.status not in ("blank", "unread") for row in table.rows for c in row.cells)


def _pick(key: str, row: FormRow, alts: list[FormRow]) -> FormRow:
    groups = _groups(key, row)
    good = [r for r in [row, *alts] if groups and _adds_up(r, groups)]
    if len(good) == 1:
        return good[0]
    return _unread(row)


def _unread(row: FormRow) -> FormRow:
    row.how = "unread"
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


def _decide(key: str, row: FormRow, alt: FormRow, more: bool) -> FormRow:
    """``row`` as read with the suspected page numbers, ``alt`` without them: the one whose
    sums hold where the other's do not; else ``alt`` where its reading places more of the
    table's numbers (``more``) and its sums, if any, hold; else the cells that read
    otherwise not read (the whole row, or in 表四 the groups that differ)."""
    groups = _groups(key, row)
    if more and not any(c.status == "unread" for c in alt.cells):
        if not groups or _adds_up(alt, groups):
            return alt
    if groups and len(alt.cells) == len(row.cells):
        mine, theirs = _adds_up(row, groups), _adds_up(alt, groups)
        if theirs and not mine:
            return alt
        if mine and not theirs:
            return row
    if key == "s4" and groups and len(alt.cells) == len(row.cells):
        differ = [g for g in groups if any(_cells(row)[i] != _cells(alt)[i] for i in g)]
        gone = {i for g in differ for i in g}
        row.cells = [
            FormCell(c.id, status="unread") if i in gone else c for i, c in enumerate(row.cells)
        ]
        row.candidates = []
        return row
    return _unread(row)
