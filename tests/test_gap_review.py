"""A review of what the blind web copies left unread where the copy's text does hold it
(``tests/blindweb.py``; the causes ranked in the helper's report):

- a row whose readings that satisfy the table's arithmetic all give some cells the same
  number (19 19 in a row whose blank cells print nothing: 总计 is 19 in every reading) reads
  those cells and names the rest unread (``form.solve.settle_agreed``);
- the column equations decide a row whose other rows stay open between readings that agree
  on it (``form.solve.solve_requests``);
- a number's digits set apart, a text node a line or a space between (Word's runs of a
  number crawled with a separator: 34 as 3 / 4), joined where only that reading adds up
  (``form.solve.joined_readings``);
- a row read without one of its numbers, whose column sums then fail, is unread rather than
  the sum blamed (``form.solve.doubt_splits``); a column unread in every row is not missing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nianbao.extraction.form.model import FormCell, FormRow, FormTable, Tok
from nianbao.extraction.form.solve import (
    CHECKS,
    row_check,
    settle_agreed,
    solve_requests,
)
from nianbao.extraction.form.solve import joined_readings as joins
from tests import blindweb as bw
from tests.gold import flatten, same
from tests.test_blindweb import _parse

needs_samples = pytest.mark.skipif(not bw.SAMPLES.exists(), reason="../shared samples not present")

COLS = bw.COLS


def _toks(text: str) -> list[Tok]:
    out, pos = [], 0
    for t in text.split():
        out.append(Tok("v", pos, pos + len(t), t, True))
        pos += len(t) + 1
    return out


def _vals(cands: list) -> list[list[str | None]]:
    return [[x for x, _, _ in c] for c in cands]


def test_digits_set_apart_joined_where_only_that_adds_up() -> None:
    got = joins(_toks("3 4 0 0 0 0 0 3 4"), 7, row_check(6))
    assert _vals(got or []) == [["34", "0", "0", "0", "0", "0", "34"]]
    # 表四: each group adds up; two readings stay (1 10 … and 11 0 …), the text says no more
    got = joins(_toks("1 1 0 0 1 1 2 0 0 0 4 4 1 0 0 4 5"), 15, CHECKS["s4"])
    assert sorted(v[:5] for v in _vals(got or [])) == [
        ["1", "10", "0", "1", "12"],
        ["11", "0", "0", "1", "12"],
    ]
    # no leading zero in a joined number; blank cells only when asked
    assert joins(_toks("0 5 0 0 0 0 0 0 5"), 7, row_check(6)) == []
    with_blanks = joins(_toks("1 0 0 0 0 0 1 0"), 7, row_check(6), blanks=True) or []
    assert len(with_blanks) == 6  # (the blank anywhere among the applicant cells)
    assert all(v[6] == "10" and v[:6].count("10") == 1 for v in _vals(with_blanks))


def _row(rid: str, cands: list[list[str | None]]) -> FormRow:
    ids = [f"requests.{rid}.{c}" for c in COLS]
    row = FormRow(rid, rid, 0, 0, [FormCell(i, status="unread") for i in ids], how="unread")
    row.candidates = [[(x, 10 * k, 10 * k + len(x or "")) for k, x in enumerate(c)] for c in cands]
    row.checked = True
    return row


def _read(rid: str, vals: list[str]) -> FormRow:
    ids = [f"requests.{rid}.{c}" for c in COLS]
    return FormRow(rid, rid, 0, 0, [FormCell(i, 0, len(v), v) for i, v in zip(ids, vals)])


def test_cells_every_reading_agrees_on_are_read() -> None:
    row = _row("new", [["19" if k == j else None for k in range(6)] + ["19"] for j in range(6)])
    table = FormTable("s3", "2021", [row], (0, 0), [])
    settle_agreed(table)
    assert row.how == "agreed"
    assert [c.status for c in row.cells] == ["unread"] * 6 + ["agreed"]
    assert row.cells[-1].text == "19"


def test_a_row_the_column_sums_decide_while_another_stays_open() -> None:
    """予以公开 282000030 cut 28 2 … 30 or 2 8 20 … 30, 3.其他 open between readings that
    differ in where its blank stands: only the first cut lets 科研机构's column add up."""
    z = ["0"] * 7
    rows = [
        _read("new", ["40", "2", "0", "0", "0", "0", "42"]),
        _read("carried_over", z),
        _row(
            "granted",
            [["2", "8", "20", "0", "0", "0", "30"], ["28", "2", "0", "0", "0", "0", "30"]],
        ),
        _row(
            "other",
            [["12", *(None if k == j else "0" for k in range(5)), "12"] for j in range(5)],
        ),
        _read("processed_total", ["40", "2", "0", "0", "0", "0", "42"]),
        _read("carried_forward", z),
    ]
    table = FormTable("s3", "2019", rows, (0, 0), [])
    solve_requests(table)
    assert [c.text for c in rows[2].cells] == ["28", "2", "0", "0", "0", "0", "30"]
    assert rows[3].how == "unread" and len(rows[3].candidates) == 5


def _shape(name: str) -> tuple[bw.Style, bw.PageStyle]:
    return next((s, p) for n, s, p in bw.shapes(0) if n == name)


@needs_samples
def test_a_total_beside_its_only_applicant_number(tmp_path: Path) -> None:
    """A report filling only 自然人 and 总计, its blank cells printing nothing in a one-line
    crawl: each row's 总计 is read (by the row's sum), its applicant cells named unread,
    and no column called missing."""
    rep = next(
        r
        for r in bw.load_reports()
        if r.v("requests.new.total") and r.rows and r.v("requests.new.natural") not in (None, 0)
    )
    rep.gold = dict(rep.gold)
    blank = set(rep.gold.get("blank", []))
    for rid, _ in rep.rows:
        for c in COLS[1:-1]:
            rep.gold[f"requests.{rid}.{c}"] = None
            blank.add(f"requests.{rid}.{c}")
        nat, tot = f"requests.{rid}.natural", f"requests.{rid}.total"
        if rep.gold.get(tot) is not None:
            rep.gold[nat] = rep.gold[tot]
    rep.gold["blank"] = sorted(blank)
    st, ps = _shape("head1")
    o = _parse(tmp_path, "totals.txt", bw.bs4_space(bw.page_html(rep, st, ps, "青禾县")))
    flat = flatten(o)
    total = rep.v("requests.new.total")
    assert flat["requests.new.total"] == total
    assert flat["requests.new.natural"] is None
    unread = {c for f in o["findings"] if f["rule"] == "R-UNREAD" for c in f["cells"]}
    assert "requests.new.natural" in unread
    said = [f for f in o["findings"] if "requests.new.total" in f["cells"]]
    assert any(f["rule"] == "R-CELL-COUNT" and "推断" in f["message"] for f in said)
    assert not [f for f in o["findings"] if f["rule"] == "R-COL-MISSING"]


@needs_samples
@pytest.mark.parametrize("copy", ["bs4lines", "bs4space"])
def test_digits_a_span_each_crawled_apart(tmp_path: Path, copy: str) -> None:
    """Word's runs of a number (<span>3</span><span>4</span>) crawled with a separator:
    every 表三 row of a report without blank cells read whole, the joins said."""
    reps = [
        r
        for r in bw.load_reports()
        if not any(k.startswith("requests.") for k in r.gold.get("blank", []))
        and any(
            isinstance(v, int) and v >= 10 for k, v in r.gold.items() if k.startswith("requests.")
        )
    ]
    assert reps
    st, ps = _shape("wordsplit")
    for n, rep in enumerate(reps):
        text = bw.COPIES[copy][1](bw.page_html(rep, st, ps, "青禾县"))
        o = _parse(tmp_path, f"split-{n}.txt", text)
        flat = flatten(o)
        keys = [k for k in rep.gold if k.startswith("requests.")]
        wrong = [k for k in keys if not same(rep.gold[k], flat.get(k, "<absent>"))]
        assert not wrong, (rep.name, copy, wrong[:5])
        assert any(
            f["rule"] == "R-DIGITS-SPLIT" and "各位数字" in f["message"] for f in o["findings"]
        )


@needs_samples
def test_wordsplit_copies_silent_nothing_and_blame_nothing(tmp_path: Path) -> None:
    """Over every gold's digit-a-span page crawled a line or a space per text node: no
    wrong value without a finding, no sum blamed for a cell misread (a row read without
    one of its numbers, 1 0 0 0 0 0 1 | 0, whose column sums fail, is unread)."""
    st, ps = _shape("wordsplit")
    files = []
    for rep in bw.load_reports():
        html = bw.page_html(rep, st, ps, "青禾县")
        for copy in ("bs4lines", "bs4space"):
            f = tmp_path / f"{rep.name}__wordsplit-{copy}.txt"
            f.write_text(bw.COPIES[copy][1](html), encoding="utf-8")
            gold = tmp_path / f"{rep.name}__wordsplit-{copy}.gold.json"
            gold.write_text(json.dumps(rep.gold, ensure_ascii=False), encoding="utf-8")
            files.append(f)
    tallies = bw.score_docs(files)
    bad = {s: t.examples[:3] for s, t in tallies.items() if t.silent or t.false}
    assert not bad, bad
    right = sum(t.right for t in tallies.values())
    # 3,255 of 4,376 before the joins (digits a span each were unread or read short); 4,113
    # after: the rest are blank cells dropped by the crawl where no sum tells where they stood
    assert right >= 4_100, right
