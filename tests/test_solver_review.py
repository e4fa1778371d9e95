"""A review of the readings the form's arithmetic infers (``form.solve.joined_readings``,
``settle_agreed``, ``read._joins`` / ``_or_blanks``) against rows whose extra numbers are
not one number's digits set apart: an unheaded 占比 column after 总计 (2 0 0 0 0 0 2 | 0 was
read 总计 20: a blank applicant cell assumed and 2 0 joined twice, where leaving the 0 out
adds up with every cell filled), and a 序号 column whose next number, typeset a digit a
span, trails the row (1 0 0 0 0 0 1 | 1 1 was read 10 … 1 … 11). A join is inferred only
where no reading that leaves numbers at the row's ends out adds up as well
(``read._ends_left``); otherwise the row stays unread, as R-UNREAD says.

A row whose blank cells print nothing, the next row's 序号 on its line (0 1 1: 总计 0 alone,
then 序号 11 a digit a span; 0 0 2 2: 自然人 and 总计 0, then 22), was placed anywhere
among its cells by the one reading that adds up, 0 1 … 1, and read 总计 1 (or, its blanks
placed by the arithmetic, 0 1 1 at the row's end). The readings that leave numbers at the
row's ends out, placed anywhere too (a 总计 0 alone adds up), now compete with those
(``read._or_ends_left``): the row stays unread where they read it otherwise.

Left open (xfail): a report's own wrong sum on a page of digits a span each, which another
joining of its digits makes add up (the report's R-SUM-ROW then hidden).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import blindweb as bw
from tests.gold import flatten, same

needs_samples = pytest.mark.skipif(not bw.SAMPLES.exists(), reason="../shared samples not present")


def _parse_all(files: list[Path]) -> dict[str, dict]:
    p = subprocess.run(
        [sys.executable, "-m", "nianbao", "parse", "--format", "jsonl", *map(str, files)],
        capture_output=True,
        text=True,
        cwd=bw.ROOT,
    )
    outs = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
    return {Path(o["source"]).name: o for o in outs}


def _extra_column(
    monkeypatch: pytest.MonkeyPatch, cell: Callable[[bw.Report, int, str | None], str], lead: bool
) -> None:
    """表三's rows rendered with one more <td> (after 总计, or before the labels)."""
    rows_of = bw.requests_rows

    def rows(r: bw.Report, st: bw.Style) -> list[str]:
        out = []
        rids = [rid for rid, _ in r.rows]
        for i, t in enumerate(rows_of(r, st)):
            body = t[len("<tr>") : -len("</tr>")]
            extra = bw.td(cell(r, i, rids[i] if i < len(rids) else None), st, True)
            out.append("<tr>" + (extra + body if lead else body + extra) + "</tr>")
        return out

    monkeypatch.setattr(bw, "requests_rows", rows)


def _copies(
    tmp_path: Path, shape: str, copy: str, reps: list[bw.Report], tag: str
) -> tuple[list[Path], dict[str, dict]]:
    """Each report as the page ``shape`` copied by ``copy``, written and parsed."""
    st, ps = next((s, p) for n, s, p in bw.shapes(0) if n == shape)
    files = []
    for rep in reps:
        f = tmp_path / f"{rep.name}-{tag}.txt"
        f.write_text(bw.COPIES[copy][1](bw.page_html(rep, st, ps, "青禾县")), encoding="utf-8")
        files.append(f)
    return files, _parse_all(files)


def _wrong(tmp_path: Path, shape: str, copy: str, reps: list[bw.Report]) -> list[str]:
    files, outs = _copies(tmp_path, shape, copy, reps, f"{shape}-{copy}")
    bad = []
    for rep, f in zip(reps, files):
        flat = flatten(outs[f.name])
        blank = set(rep.gold.get("blank", []))
        # (a row with a blank cell printing nothing beside a share column shows as many
        # numbers as cells, read as they stand: a limit older than the joins, left aside)
        shown = {
            f"requests.{rid}.{c}"
            for rid, _ in rep.rows
            if not any(f"requests.{rid}.{c}" in blank for c in bw.COLS)
            for c in bw.COLS
        }
        for k, g in rep.gold.items():
            if k not in shown:
                continue  # (a row the page does not render)
            got = flat.get(k)
            if got is not None and not same(None if k in blank else g, got):
                bad.append(f"{f.name} {k}: gold {g!r}, read {got!r}")
    return bad


def _share(r: bw.Report, i: int, rid: str | None) -> str:
    tot = r.v(f"requests.{rid}.total") if rid else None
    base = r.v("requests.new.total") or 1
    return "" if tot is None else str(round(100 * tot / max(base, 1)))


@needs_samples
@pytest.mark.parametrize(
    ("shape", "copy"), [("head1", "bs4space"), ("word", "bs4lines"), ("wordsplit", "chrome")]
)
def test_an_unheaded_share_column_is_no_digits_to_join(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shape: str, copy: str
) -> None:
    """A 占比 column after 总计 under no header word (2 0 0 0 0 0 2 | 0): no row's total
    read as its digits joined with the share's (20), whatever the copy."""
    _extra_column(monkeypatch, _share, lead=False)
    bad = _wrong(tmp_path, shape, copy, bw.load_reports())
    assert not bad, bad[:5]


@needs_samples
@pytest.mark.parametrize("copy", ["bs4space", "bs4lines"])
def test_a_serial_number_a_digit_a_span_is_no_digits_to_join(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copy: str
) -> None:
    """A 序号 column before the labels on a page that sets each digit in a span: the next
    row's 序号 (1 1) trails this row's numbers (1 0 0 0 0 0 1 | 1 1), which leaving it out
    reads as well as joining 1 0 and 1 1 does: no cell read 10 or 11."""
    _extra_column(monkeypatch, lambda r, i, rid: str(i + 1), lead=True)
    reps = [
        r
        for r in bw.load_reports()
        if not any(k.startswith("requests.") for k in r.gold.get("blank", []))
    ]
    bad = _wrong(tmp_path, "wordsplit", copy, reps)
    assert not bad, bad[:5]


@needs_samples
@pytest.mark.xfail(
    strict=True, reason="left open: a report's own wrong sum, joined into a reading that adds up"
)
def test_a_wrong_published_sum_is_not_joined_away(tmp_path: Path) -> None:
    """A row whose published 总计 is not its sum (746 12 0 0 10 1 | 778), every digit a
    span: 7 4 6 1 2 0 0 1 0 1 7 7 8 also joins as 746 1 20 0 10 1 | 778, which adds up.
    Read so, the report's real R-SUM-ROW is gone and two cells are wrong (said inferred,
    R-DIGITS-SPLIT); the row should stay unread or be read as published and blamed. Not
    fixed: the text holds nothing else that tells the two joinings apart, and the column
    sums that would (``doubt_splits``) have a row unread in this copy."""
    reps = [r for r in bw.load_reports() if r.v("requests.unable.not_held.total") is not None]
    st, ps = next((s, p) for n, s, p in bw.shapes(0) if n == "wordsplit")
    files = []
    for k, rep in enumerate(reps):
        rep.gold = dict(rep.gold)
        for c, v in zip(bw.COLS, (746, 12, 0, 0, 10, 1, 778)):
            rep.gold[f"requests.unable.not_held.{c}"] = v
        files.append(tmp_path / f"wrong-{k}.txt")
        files[-1].write_text(
            bw.COPIES["bs4space"][1](bw.page_html(rep, st, ps, "青禾县")), encoding="utf-8"
        )
    outs = _parse_all(files)
    bad = []
    for f in files:
        flat = flatten(outs[f.name])
        got = [flat.get(f"requests.unable.not_held.{c}") for c in bw.COLS]
        if got not in ([746, 12, 0, 0, 10, 1, 778], [None] * 7):
            bad.append(got)
    assert not bad, bad


def _sparse(rep: bw.Report, rng: random.Random) -> set[str]:
    """Half of ``rep``'s rows of 表三 whose 总计 is one digit made sparse: one applicant cell
    holds the 总计 (or, for a 总计 0, none does), the others are blank (printed as nothing).
    Returns those rows."""
    gold = dict(rep.gold)
    blank = set(gold.get("blank", []))
    rows: set[str] = set()
    for rid, _ in rep.rows:
        t = gold.get(f"requests.{rid}.total")
        if not isinstance(t, int) or t > 9 or rng.random() < 0.5:
            continue
        rows.add(rid)
        keep = rng.randrange(6) if (t > 0 or rng.random() < 0.5) else None
        for k, c in enumerate(bw.COLS[:-1]):
            fid = f"requests.{rid}.{c}"
            gold[fid] = t if k == keep else None
            (blank.discard if k == keep else blank.add)(fid)
    gold["blank"] = sorted(blank)
    rep.gold = gold
    return rows


@needs_samples
@pytest.mark.parametrize(("copy", "seed"), [("bs4space", 0), ("bs4space", 1), ("bs4lines", 0)])
def test_a_serial_number_after_a_sparse_row_is_no_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copy: str, seed: int
) -> None:
    """Rows whose blank cells print nothing (a 总计 of one digit, one applicant cell or none
    beside it), a 序号 column before the labels, each digit a span: the next row's 序号
    trails the row's numbers (0 | 1 1). No cell of such a row read otherwise than the
    gold (unread is the tool's limit, said)."""
    _extra_column(monkeypatch, lambda r, i, rid: str(i + 1), lead=True)
    reps = bw.load_reports()
    sparse = {rep.name: _sparse(rep, random.Random(f"{rep.name}|{seed}")) for rep in reps}
    files, outs = _copies(tmp_path, "wordsplit", copy, reps, f"{copy}-{seed}")
    bad = []
    for rep, f in zip(reps, files):
        flat = flatten(outs[f.name])
        blank = set(rep.gold["blank"])
        for rid in sparse[rep.name]:
            for c in bw.COLS:
                k = f"requests.{rid}.{c}"
                got = flat.get(k)
                if got is not None and not same(None if k in blank else rep.gold[k], got):
                    bad.append(f"{f.name} {k}: gold {rep.gold[k]!r}, read {got!r}")
    assert sum(map(len, sparse.values())) >= 10
    assert not bad, bad[:5]
