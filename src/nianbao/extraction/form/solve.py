"""The tables' arithmetic as a judge: digits that ran together split so that the row's own
checks hold (a unique split is taken, several are kept as candidates), and blanks or unread
cells of 表三 decided by the column equations (一 + 二 = （七） + 四, （七） = Σ results).

Over 500 lines because the splits of digits that ran together and the column equations
that judge them share one candidate model; parted, each half would rebuild it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from .model import FormCell, FormRow, FormTable, Tok
from .spec import REQUEST_FORM, RowSpec
from .tokens import NUM, ValueRun, splits

_SIGNED = re.compile(r"[-−－]\d{2,}")

# A candidate row: for each cell, the token text (None = blank) and, for split digits, the
# offsets of the piece.
Cand = list[tuple[str | None, int, int]]
NO_CELL: tuple[str | None, int, int] = (None, -1, -1)


def full_splits(
    toks: list[Tok],
    n: int,
    check: Callable[[list[int | float | None], bool], bool] | None,
    limit: int = 201,
    budget: int = 200_000,
) -> list[Cand]:
    """Every way to cut the row's tokens into exactly ``n`` numbers (plain digit runs cut
    without leading zeros, a signed run such as -127 too, its sign going with the first
    piece: ``19-127`` is 19, -1, 27 as well as 1, 9, -127; other tokens whole) that the
    table's arithmetic accepts. ``check(values, complete)`` may reject a prefix early."""
    out: list[Cand] = []
    steps = 0
    # a signed digit run: its sign, then digits cut as a plain run's
    signed = [not t.digits and _SIGNED.fullmatch(t.text) is not None for t in toks]
    # the fewest cells the remaining tokens need / the most they can give
    need = [0] * (len(toks) + 1)
    give = [0] * (len(toks) + 1)
    for i in range(len(toks) - 1, -1, -1):
        t = toks[i]
        need[i] = need[i + 1] + 1
        give[i] = give[i + 1] + (len(t.text) if t.digits else len(t.text) - 1 if signed[i] else 1)

    # the check of a row's prefix (None: only a complete row is judged)
    partial = None if isinstance(check, _RowCheck) or check is _check_row else check
    # 表三's row of digit runs alone, 总计 last: a prefix no complete row can follow is cut
    # off; the same rows come out in the same order, the search not cut short by the
    # budget (the whole search is counted first)
    feasible = None
    if (
        toks
        and give[0] >= n >= need[0]
        and isinstance(check, _RowCheck)
        and check.at % n == n - 1
        and 2 <= n <= 11
        and all(t.digits for t in toks)
        and _search_size(toks, n, need, give, budget) <= budget
    ):
        feasible = _total_last(n)

    def rec(ti: int, pos: int, acc: Cand, vals: list[int | float | None], m: int = 0) -> None:
        nonlocal steps
        steps += 1
        if len(out) >= limit or steps > budget:
            return
        if ti == len(toks):
            if len(acc) == n and (check is None or check(vals, True)):
                out.append(list(acc))
            return
        t = toks[ti]
        left = n - len(acc)
        if not t.digits and not signed[ti]:
            nv = vals + [NUM(t.text)]
            if partial is None or partial(nv, False):
                rec(ti + 1, 0, acc + [(t.text, t.start, t.end)], nv)
            return
        sign = 1 if signed[ti] and pos == 0 else 0  # the first piece takes the sign
        s = t.text[pos + sign :]
        # this piece ends the token, or leaves digits for more pieces of it
        for j in range(1, len(s) + 1):
            piece = s[:j]
            if piece != "0" and piece[0] == "0":
                break
            rest = len(s) - j
            cells_after = left - 1
            if rest:
                lo, hi = need[ti + 1] + 1, give[ti + 1] + rest
            else:
                lo, hi = need[ti + 1], give[ti + 1]
            if not lo <= cells_after <= hi:
                continue
            nv = vals + [-int(piece) if sign else int(piece)]
            if partial is not None and not partial(nv, False):
                continue
            if feasible is not None and not feasible(nv, max(m, j), rest + give[ti + 1]):
                continue
            a = t.start + pos
            item = (t.text[pos : pos + sign + j], a, a + sign + j)
            if rest:
                rec(ti, pos + sign + j, acc + [item], nv, max(m, j))
            else:
                rec(ti + 1, 0, acc + [item], nv, max(m, j))

    if toks and give[0] >= n >= need[0]:
        rec(0, 0, [], [])
    return out


# ``joined_readings``' answers by their question: the page-sequence reading reads a table's
# rows again for each way of taking its page numbers out, the same rows most times, and a
# search with blanks may take its whole budget (bounded: cleared when full)
_JOINED: dict[tuple[object, ...], list[Cand] | None] = {}


def joined_readings(
    toks: list[Tok],
    n: int,
    check: Callable[[list[int | float | None], bool], bool],
    blanks: bool = False,
    budget: int = 200_000,
) -> list[Cand] | None:
    """:func:`_joined_readings`, its answer kept for the same tokens and question."""
    how = check.at if isinstance(check, _RowCheck) else id(check)
    key = (tuple((t.text, t.start, t.end) for t in toks), n, type(check), how, blanks, budget)
    if key not in _JOINED:
        if len(_JOINED) > 4096:
            _JOINED.clear()
        _JOINED[key] = _joined_readings(toks, n, check, blanks, budget)
    got = _JOINED[key]
    return None if got is None else [list(c) for c in got]


def _joined_readings(
    toks: list[Tok],
    n: int,
    check: Callable[[list[int | float | None], bool], bool],
    blanks: bool = False,
    budget: int = 200_000,
) -> list[Cand] | None:
    """A row showing more numbers than it has cells, each a plain run of digits, where one
    number's digits may stand apart (a page whose numbers are typeset a digit a span, copied
    a text node a line: 34 as 3 / 4): every way to join neighbouring runs into ``n`` cells
    (at least one join; with ``blanks``, blank cells, which print nothing, anywhere), no
    joined number with a leading zero, that the table's arithmetic (``check``) accepts.
    None when the search would run past ``budget`` (the readings are then not all known)."""
    if not toks or len(toks) <= n or not all(t.digits for t in toks):
        return None
    out: list[Cand] = []
    steps = 0
    over = False

    def rec(ti: int, acc: Cand, vals: list[int | float | None]) -> None:
        nonlocal steps, over
        steps += 1
        if steps > budget:
            over = True
            return
        left = n - len(acc)
        if ti == len(toks):
            if left == 0 and check(vals, True):
                if any(x is not None and b - a != len(x) for x, a, b in acc):
                    out.append(list(acc))
            elif 0 < left:
                rec(ti, acc + [NO_CELL], vals + [None])
            return
        if left <= 0:
            return
        if blanks and left > 1 and check(vals + [None], False):
            rec(ti, acc + [NO_CELL], vals + [None])  # a blank cell here
        text = ""
        for tj in range(ti, len(toks)):
            text += toks[tj].text
            if len(text) > 1 and text[0] == "0":
                break
            nv = vals + [int(text)]
            if check(nv, False):  # (表四's groups are judged as each is complete)
                rec(tj + 1, acc + [(text, toks[ti].start, toks[tj].end)], nv)
            if over:
                return

    rec(0, [], [])
    return None if over else out


def _search_size(toks: list[Tok], n: int, need: list[int], give: list[int], budget: int) -> int:
    """How many steps :func:`full_splits` takes when its check refuses no prefix (the search
    then depends on the cut positions alone; each state is counted once), or more than
    ``budget`` once counting has taken ``budget`` steps of its own (long runs of digits)."""
    memo: dict[tuple[int, int, int], int] = {}
    work = 0

    def size(ti: int, pos: int, k: int) -> int:
        nonlocal work
        if ti == len(toks):
            return 1
        got = memo.get((ti, pos, k))
        if got is not None:
            return got
        t = toks[ti]
        total = 1
        if not t.digits:
            total += size(ti + 1, 0, k + 1)
        else:
            s = t.text[pos:]
            for j in range(1, len(s) + 1):
                work += 1
                if work > budget:
                    return budget + 1  # (not kept: the count is abandoned)
                if j > 1 and s[0] == "0":
                    break
                rest = len(s) - j
                if rest:
                    lo, hi = need[ti + 1] + 1, give[ti + 1] + rest
                else:
                    lo, hi = need[ti + 1], give[ti + 1]
                if lo <= n - k - 1 <= hi:
                    total += size(ti, pos + j, k + 1) if rest else size(ti + 1, 0, k + 1)
        memo[(ti, pos, k)] = total
        return total

    return size(0, 0, 0)


def _total_last(n: int) -> Callable[[list[int | float | None], int, int], bool]:
    """Whether a row of ``n`` cells cut from digit runs, 总计 last, can still add up after
    the prefix ``vals`` (its longest piece ``m`` digits, ``digits`` digits left). Each part
    is at most 总计, so has at most its digits; the n - 1 parts (n - 1 ≤ 10) add up to less
    than 10 times the largest, so 总计 has at most one digit more than the longest part;
    总计 is at least the parts' sum so far, and at most that sum and the largest numbers
    the remaining parts' digits can make."""

    def feasible(vals: list[int | float | None], m: int, digits: int) -> bool:
        k = len(vals)
        if k >= n:
            return True  # a complete row: the check judges it
        r = n - 1 - k  # parts still to cut before 总计
        s = sum(v or 0 for v in vals)
        for lt in range(max(m, 1), digits - r + 1):  # 总计's digits
            rem = digits - lt  # the remaining parts' digits
            if rem > r * lt or (r == 0 and lt > m + 1):
                continue
            longest = min(lt, rem - (r - 1)) if r else 0  # a remaining part's most digits
            if r and lt > max(m, longest) + 1:
                continue
            least = 10 ** (lt - 1) if lt > 1 else 0  # (no leading zero)
            if s < 10**lt and s + r * (10**longest - 1) >= least:
                return True
        return False

    return feasible


def _check_row(vals: list[int | float | None], complete: bool) -> bool:
    if not complete:
        return True
    return row_sum_ok(vals)


def _check_review(vals: list[int | float | None], complete: bool) -> bool:
    k = len(vals)
    if k % 5 == 0 and k:
        w = vals[k - 5 : k]
        if w[4] is None or sum(v or 0 for v in w[:4]) != w[4]:
            return False
    return True


def sign_check(
    ids: tuple[str, ...] | list[str],
    then: Callable[[list[int | float | None], bool], bool] | None = None,
) -> Callable[[list[int | float | None], bool], bool]:
    """``then`` (the table's own check, if any) and, first, the form's signs: only a
    本年增/减 cell may hold a negative number, so a cut of run-together digits that gives
    another cell one (``19-127`` as 1, 9, -127: 处理决定数量 -127) is no reading of the
    row."""
    may = [f.endswith(".items_delta") for f in ids]

    def check(vals: list[int | float | None], complete: bool) -> bool:
        # a prefix is judged by its newest value (the ones before it were, as prefixes)
        for k in range(0 if complete else max(0, len(vals) - 1), len(vals)):
            v = vals[k]
            if v is not None and v < 0 and not (k < len(may) and may[k]):
                return False
        return then is None or then(vals, complete)

    return check


CHECKS: dict[str, Callable[[list[int | float | None], bool], bool]] = {
    "s3": _check_row,
    "s4": _check_review,
}


def candidates(run: ValueRun, n: int, max_cands: int = 5000) -> list[Cand]:
    """Every way the row's values could fill its ``n`` cells when separators say nothing:
    digit runs cut into numbers, then the numbers placed in order with blanks between."""
    if len(run.vals) > n:
        return []  # more numbers than cells: nothing to place them by
    pieces_per_tok: list[list[list[tuple[str, int, int]]]] = []
    for t in run.vals:
        opts: list[list[tuple[str, int, int]]] = [[(t.text, t.start, t.end)]]
        if t.digits and len(t.text) > 1:
            for p in range(2, min(len(t.text), n) + 1):
                for cut in splits(t.text, p, 2000):
                    pos = t.start
                    seq = []
                    for piece in cut:
                        seq.append((piece, pos, pos + len(piece)))
                        pos += len(piece)
                    opts.append(seq)
        pieces_per_tok.append(opts)
    out: list[Cand] = []
    for tried, combo in enumerate(itertools.product(*pieces_per_tok)):
        if tried >= 50_000:
            break  # the row is left unread rather than searched without end
        flat = [p for seq in combo for p in seq]
        m = len(flat)
        if m > n:
            continue
        if m == n:
            out.append([(x, a, b) for x, a, b in flat])
        else:
            for slots in itertools.combinations(range(n), m):
                cand: Cand = [NO_CELL] * n
                for slot, item in zip(slots, flat):
                    cand[slot] = item
                out.append(list(cand))
                if len(out) > max_cands:
                    return out
        if len(out) > max_cands:
            return out
    return out


def total_at(ids: tuple[str, ...] | list[str]) -> int:
    """Where 总计 stands among a row's cells (last in the form; a copy may move it)."""
    return next((i for i, f in enumerate(ids) if f.endswith(".total")), len(ids) - 1)


def row_sum_ok(vals: list[int | float | None], at: int = -1) -> bool:
    """Section 三: the applicant columns add up to 总计 (blanks count as 0), 总计 at ``at``. A
    总计 with every applicant cell blank proves nothing about where the numbers stand."""
    at %= len(vals)
    total = vals[at]
    if total is None:
        return False
    parts = vals[:at] + vals[at + 1 :]
    if parts.count(None) == len(parts):
        return False
    return sum(v or 0 for v in parts) == total


class _RowCheck:
    """The row check of 表三 with 总计 at ``at``: a complete row only (any prefix passes)."""

    def __init__(self, at: int) -> None:
        self.at = at

    def __call__(self, vals: list[int | float | None], complete: bool) -> bool:
        return not complete or row_sum_ok(vals, self.at)


def row_check(at: int) -> Callable[[list[int | float | None], bool], bool]:
    """The row check of 表三 with 总计 at ``at``."""
    return _RowCheck(at)


def _review_ok(vals: list[int | float | None]) -> bool:
    """Each group of 表四 adds up (its four results to its 总计); ``vals`` may hold fewer
    groups than three (a half of the table printed on its own)."""
    for g in range(len(vals) // 5):
        w = vals[g * 5 : g * 5 + 5]
        if w[4] is None or sum(v or 0 for v in w[:4]) != w[4]:
            return False
        if w[4] != 0 and all(v is None for v in w[:4]):
            return False
    return True


def digits_apart(row: FormRow, spec: RowSpec, options: list[Cand], key: str) -> FormRow | None:
    """A one-cell row of 表二 whose readings are the same digit (not 0) on each of several
    lines (1 / 1 under 行政强制): a merged cell's value repeated in the columns it spans, or
    one number whose digits the copy put on lines of their own (Word's runs of a number,
    a crawler's line per text node): 1 or 11 is not decided — the row is left unread with
    both readings. None when the row is not such a row."""
    if not (
        key == "s2"
        and len(options) > 1
        and all(len(o) == 1 for o in options)
        and len({o[0][0] for o in options}) == 1
        and re.fullmatch(r"[1-9]", options[0][0][0] or "")
    ):
        return None
    joined = "".join(o[0][0] or "" for o in options)
    row.how = "unread"
    row.candidates = [options[0], [(joined, options[0][0][1], options[-1][0][2])]]
    row.checked = False
    row.cells = [FormCell(fid, status="unread") for fid in spec.ids]
    return row


def by_arithmetic(row: FormRow, spec: RowSpec, options: list[Cand], key: str, how: str) -> FormRow:
    if key == "s3":
        at = total_at(spec.ids)
        good = [o for o in options if row_sum_ok([NUM(x) for x, _, _ in o], at)]
    elif key == "s4":
        good = [o for o in options if _review_ok([NUM(x) for x, _, _ in o])]
    else:
        good = []
    pool = good if good else options
    if len(pool) > 1 and len({tuple(x for x, _, _ in o) for o in pool}) == 1:
        # every reading gives each cell the same text (a merged cell's value repeated in
        # each column it spans: 行政许可 | 3559 | 3559 | 3559): the values are certain
        pool, how = pool[:1], "read"
        if not good and key != "s2":
            good = pool
    if len(pool) == 1 and (good or key == "s2"):
        row.cells = [
            FormCell(fid, a, b, x or "", how if x is not None else "blank")
            for fid, (x, a, b) in zip(spec.ids, pool[0])
        ]
        row.how = how
        return row
    row.how = "unread"
    row.candidates = pool[:200]
    row.checked = bool(good)
    row.cells = [FormCell(fid, status="unread") for fid in spec.ids]
    return row


def _fix(r: FormRow, cand: Cand) -> None:
    r.how = "split"
    r.cells = [
        FormCell(fid, a, b, x or "", "split" if x is not None else "blank")
        for fid, (x, a, b) in zip([c.id for c in r.cells], cand)
    ]


def _propagate(table: FormTable, results: list[str]) -> None:
    """Column equations with one row left open fix that row: （七） = Σ results and
    一 + 二 = （七） + 四, per column, when the other rows are read. Only a complete list of
    candidates is filtered, and only when exactly one candidate fits."""
    by_id = {r.rid: r for r in table.rows}
    # (row, sign) terms of each equation: Σ sign·row = 0 per column
    eqs = [[("processed_total", 1)] + [(r, -1) for r in results]]
    eqs.append([("new", 1), ("carried_over", 1), ("processed_total", -1), ("carried_forward", -1)])
    changed = True
    while changed:
        changed = False
        for eq in eqs:
            if any(rid not in by_id for rid, _ in eq):
                continue
            open_ = [(rid, sg) for rid, sg in eq if by_id[rid].how == "unread"]
            if len(open_) != 1:
                continue
            rid, sg = open_[0]
            row = by_id[rid]
            if not (1 < len(row.candidates) < 200):
                continue
            need = []
            for c in range(len(row.cells)):
                rest = sum(
                    o_sg * (NUM(by_id[o].cells[c].text) or 0)
                    for o, o_sg in eq
                    if o != rid and by_id[o].cells[c].status != "blank"
                )
                need.append(-rest * sg)
            fits = [cand for cand in row.candidates if [(NUM(x) or 0) for x, _, _ in cand] == need]
            if len(fits) == 1:
                _fix(row, fits[0])
                changed = True


def column_equations(table: FormTable) -> list[list[tuple[str, int]]]:
    """表三's column equations over the rows the table has: （七） = Σ results and
    一 + 二 = （七） + 四, as (row, sign) terms that add up to 0 in every column."""
    have = {r.rid for r in table.rows}
    results = [
        rid
        for rid in (s.rid for s in REQUEST_FORM)
        if rid not in ("new", "carried_over", "processed_total", "carried_forward") and rid in have
    ]
    if table.layout == "2021":
        results = [r for r in results if r != "other"]
    eqs = [[("processed_total", 1)] + [(r, -1) for r in results]]
    eqs.append([("new", 1), ("carried_over", 1), ("processed_total", -1), ("carried_forward", -1)])
    return [eq for eq in eqs if all(rid in have for rid, _ in eq)]


def _by_sum(row: FormRow) -> bool:
    """A row whose reading its own sum alone chose among readings of more numbers than it
    has cells: digits cut (``split``), joined (``joined``), or a number left out as no
    cell's (``placed`` from a window: 1 0 0 0 0 0 1 | 0); or the cells on which such
    readings agree (``agreed``)."""
    if row.how in ("split", "joined", "agreed"):
        return True
    shown = len(row.shown.split())
    return row.how == "placed" and shown > sum(1 for c in row.cells if c.status == "placed")


def _sure(row: FormRow) -> int:
    """How sure a reading ``_by_sum`` is: 0 a number left out, 1 agreed, 2 cut or joined."""
    return 2 if row.how in ("split", "joined") else 1 if row.how == "agreed" else 0


def doubt_splits(table: FormTable) -> None:
    """Rows whose digits were cut into cells by their own sum alone (``split``; or joined,
    or read without a number, ``_by_sum``) where a column equation they take part in then
    fails: the cut is no reading the table bears out (a row of 0 0 0 0 0 11 that lost its
    first 11 adds up cut as 0 0 0 0 0 1 1, and the column sums then fail in two columns),
    so the row is left unread, not read so."""
    by_id = {r.rid: r for r in table.rows}
    doubt: set[str] = set()
    for eq in column_equations(table):
        rows = [(by_id[rid], sg) for rid, sg in eq]
        if not any(_by_sum(r) for r, _ in rows):
            continue
        if any(r.how == "unread" for r, _ in rows):
            continue  # the equation says nothing with a row unknown
        width = len(rows[0][0].cells)
        if any(len(r.cells) != width for r, _ in rows):
            continue
        for c in range(width):
            if any(r.cells[c].status == "unread" for r, _ in rows):
                continue  # (a cell of a row read in part: nothing to add up)
            total = sum(sg * (NUM(r.cells[c].text) or 0) for r, sg in rows)
            if total != 0:
                # the least sure of them first: a row read without a number of its run,
                # then one read where its readings agree, then digits cut or joined (with
                # that row unread the equation judges nothing, nor blames the others)
                weakest = min(_sure(r) for r, _ in rows if _by_sum(r))
                doubt |= {r.rid for r, _ in rows if _by_sum(r) and _sure(r) == weakest}
                break
    for rid in doubt:
        row = by_id[rid]
        row.candidates = []
        row.checked = False
        row.how = "unread"
        row.cells = [FormCell(c.id, status="unread") for c in row.cells]


def solve_requests(table: FormTable) -> None:
    """Rows left with several readings: the table's column arithmetic picks among them."""
    if not any(r.how == "unread" and len(r.candidates) > 1 for r in table.rows):
        return
    results0 = [
        rid
        for rid in (s.rid for s in REQUEST_FORM)
        if rid not in ("new", "carried_over", "processed_total", "carried_forward")
        and rid in {r.rid for r in table.rows}
    ]
    if table.layout == "2021":
        results0 = [r for r in results0 if r != "other"]
    _propagate(table, results0)
    open_rows = [r for r in table.rows if r.how == "unread" and 1 < len(r.candidates) <= 500]
    if not open_rows:
        return
    fixed: dict[str, list[int | float | None]] = {}
    width = len(open_rows[0].cells)  # the copy's columns (the form's seven, or fewer)
    for r in table.rows:
        if r.how != "unread":
            fixed[r.rid] = [NUM(c.text) if c.status != "blank" else None for c in r.cells]
    results = [
        rid
        for rid in (s.rid for s in REQUEST_FORM)
        if rid not in ("new", "carried_over", "processed_total", "carried_forward")
        and rid in {r.rid for r in table.rows}
    ]
    if table.layout == "2021":
        results = [r for r in results if r != "other"]

    def holds(vals: dict[str, list[int | float | None]]) -> bool:
        def g(rid: str, c: int) -> int | float:
            return vals[rid][c] or 0

        need = ("new", "carried_over", "processed_total", "carried_forward")
        for c in range(width):
            if all(x in vals for x in need):
                if g("new", c) + g("carried_over", c) != g("processed_total", c) + g(
                    "carried_forward", c
                ):
                    return False
            if "processed_total" in vals and all(r in vals for r in results):
                if sum(g(r, c) for r in results) != g("processed_total", c):
                    return False
        return True

    combos = 1
    for r in open_rows:
        combos *= len(r.candidates)
    if combos > 20000:
        return
    ok: list[tuple[int, ...]] = []
    for pick in itertools.product(*(range(len(r.candidates)) for r in open_rows)):
        vals = dict(fixed)
        for r, i in zip(open_rows, pick):
            vals[r.rid] = [NUM(x) for x, _, _ in r.candidates[i]]
        if holds(vals):
            ok.append(pick)
    if not ok:
        return
    if any(len(r.candidates) >= 200 for r in open_rows):
        # (a list cut short: the readings of the table are not all known)
        if len(ok) == 1:
            for r, i in zip(open_rows, ok[0]):
                _fix(r, r.candidates[i])
        return
    # a row whose reading is the same in every reading of the table in which the columns
    # add up is decided, whatever the others' (予以公开 282000030 cut 28 2 … 30 or 2 8 20
    # … 30: only the first lets 科研机构's column add up, while 3.其他 stays open between
    # readings that differ in where its blank stands); the others keep those readings only
    for k, r in enumerate(open_rows):
        kept = sorted({pick[k] for pick in ok})
        if len({tuple(x for x, _, _ in r.candidates[i]) for i in kept}) == 1:
            _fix(r, r.candidates[kept[0]])
        else:
            r.candidates = [r.candidates[i] for i in kept]


def settle_agreed(table: FormTable) -> None:
    """Rows of 表三 or 表四 left with several readings that satisfy the table's arithmetic,
    where every one of them gives some cells the same number from the same place in the
    text (19 19 in a row whose blank cells print nothing: the 19 that adds up stands in
    some applicant column, but 总计 is 19 in every reading): those cells are read (how
    "agreed"), the others stay unread. Only a complete list of readings is judged."""
    if table.key not in ("s3", "s4"):
        return
    for row in table.rows:
        if row.how != "unread" or not row.checked or not 1 < len(row.candidates) < 200:
            continue
        width = len(row.cells)
        if any(len(c) != width for c in row.candidates):
            continue
        cells: list[FormCell] = []
        for k, cell in enumerate(row.cells):
            seen = {cand[k] for cand in row.candidates}
            x, a, b = next(iter(seen))
            if len(seen) == 1 and x is not None:
                cells.append(FormCell(cell.id, a, b, x, "agreed"))
            elif len(seen) == 1:
                cells.append(FormCell(cell.id, status="blank"))
            else:
                cells.append(FormCell(cell.id, status="unread"))
        if any(c.status == "agreed" for c in cells):
            row.how = "agreed"
            row.cells = cells
