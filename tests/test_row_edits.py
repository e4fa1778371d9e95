"""Rows of 表二 and 表三 edited the ways copies edit them (``tests.rowedits``), over every
row of every gold in five shapes: a note line holding a row's keyword above a garbled
label, notes above whole labels, two labels garbled at once (both of 表三's total rows
among them), a row deleted with a note in its place, a label reduced to its ordinal, a
label misread or lost whole. No
cell may be read wrong without a finding or an unread mark naming it, and no error may
blame the document for what the tool could not read.

CI takes every fifth copy of each kind (a different fifth for each kind, so that every
gold, shape and row still comes up); ``NIANBAO_ROW_EDITS_STRIDE=1`` (or
``NIANBAO_TESTS_FULL=1``) takes them all, and ``python -m tests.rowedits`` measures them
all."""

from __future__ import annotations

import os
import zlib
from collections.abc import Iterable, Iterator
from itertools import islice

import pytest

import nianbao

from .conftest import FULL
from .rowedits import Edit, Verdict, edits, judge

STRIDE = max(1, int(os.environ.get("NIANBAO_ROW_EDITS_STRIDE", "1" if FULL else "5")))


def _sampled(kind: str, copies: Iterable[Edit]) -> Iterator[Edit]:
    """Every ``STRIDE``-th copy, starting at an offset fixed by ``kind``."""
    return islice(copies, zlib.crc32(kind.encode()) % STRIDE, None, STRIDE)


def _enough(n: int) -> int:
    """``n`` copies tried in all: as many as the sample must reach."""
    return n // STRIDE


def _judged(kind: str, tables: tuple[str, ...]) -> list[tuple[Edit, Verdict]]:
    return [(e, judge(e)) for e in _sampled(kind, edits((kind,), tables))]


def _bad(kind: str, tables: tuple[str, ...], blame: bool = True) -> tuple[int, list[str]]:
    tried = 0
    bad: list[str] = []
    for e, v in _judged(kind, tables):
        tried += 1
        found = v.silent + v.false + (v.blamed if blame else [])
        bad += [f"{e.stem} {e.shape} {e.what}: {b}" for b in found[:2]]
    return tried, bad


@pytest.mark.parametrize("table", ["s2", "s3"])
def test_a_note_holding_a_rows_keyword_above_a_garbled_label_misleads_no_row(
    golds, table: str
) -> None:  # type: ignore[no-untyped-def]
    """注1：部分公开的申请已区分处理。 above a garbled （一）予以公开: the note was taken for
    （二）部分公开's label and 予以公开's numbers went there, silently (998 cells wrong
    without a finding, 366 false errors over these copies). A note (注/说明/备注/附注, a
    number, a colon) is no row's label, whatever words of the form it holds."""
    tried, bad = _bad("note", (table,))
    assert tried >= _enough(1000)
    assert not bad, f"{len(bad)} bad:\n" + "\n".join(bad[:10])


def test_a_note_above_a_whole_label_is_no_row(golds) -> None:  # type: ignore[no-untyped-def]
    """The same notes above labels that are not garbled: the note was read as the row it
    names (then its neighbour's numbers twice: R-SUM-RESULTS), or, on a line of its own in
    a copy of ``text |`` cells, it ended the table and the rows after it were read in
    other columns, silently."""
    tried, bad = _bad("note-clean", ("s2", "s3"))
    assert tried >= _enough(1000)
    assert not bad, f"{len(bad)} bad:\n" + "\n".join(bad[:10])


def test_two_labels_garbled_at_once_blame_nothing(golds) -> None:  # type: ignore[no-untyped-def]
    """Neighbouring labels garbled together, and 表三's two total rows (一、本年新收 and
    （七）总计) with any other: a copy whose cells a layout reading joined into one grid row
    gave （七）总计 the numbers of a garbled 四、结转下年度继续办理 (R-SUM-RESULTS, not
    earned)."""
    tried, bad = _bad("pair", ("s2", "s3"))
    assert tried >= _enough(1000)
    assert not bad, f"{len(bad)} bad:\n" + "\n".join(bad[:10])


def test_a_deleted_row_with_a_note_in_its_place_is_missing_not_blank(golds) -> None:  # type: ignore[no-untyped-def]
    """A row deleted from the copy, a note holding its keyword (or a neighbour's) in its
    place: the note was read as the row, a blank one (R-BLANK-ROW, and R-SUM-RESULTS over
    it), blaming the copy for a reading. The row is missing (R-ROW-MISSING, earned) or
    unread; nothing else is blamed."""
    tried, bad = _bad("delete", ("s2", "s3"))
    assert tried >= _enough(1000)
    assert not bad, f"{len(bad)} bad:\n" + "\n".join(bad[:10])


def test_a_label_reduced_to_its_ordinal_is_no_value(golds) -> None:  # type: ignore[no-untyped-def]
    """「3.其他」 written 「3」 or 「3.」 (an OCR that lost the words), 「四、结转下年度继续办理」
    written 「四、」: the ordinal was read as a value of the row before (R-SUM-ROW blaming
    it) or of the row itself, or the row was called missing. The row is unread (and the
    row before, where the ordinal is a bare number it may have taken). In the flat-spaced
    copies the ordinal runs into the numbers (4 and 2 make 42, 4. and 2 make 4.2): a text
    that cannot give the row back; nothing is read wrong silently or blamed there either,
    but the row may be called missing."""
    judged = _judged("ordinal", ("s3",))
    bad = [f"{e.stem} {e.shape} {e.what}: {b}" for e, v in judged for b in (v.silent + v.false)[:2]]
    assert len(judged) >= _enough(1000)
    assert not bad, f"{len(bad)} bad:\n" + "\n".join(bad[:10])
    blamed = [
        f"{e.stem} {e.shape} {e.what}: {v.blamed[:1]}"
        for e, v in judged
        if e.shape != "flat-spaced" and v.blamed
    ]
    assert not blamed, "\n".join(blamed[:10])


@pytest.mark.parametrize(
    "written",
    [
        "注1：部分公开的申请已区分处理。",
        "说明：本表部分公开的申请已区分处理。",
        "备注：部分公开申请1件",
        "附注 2：部分公开的申请已区分处理。",
    ],
)
def test_the_reviewers_note_above_a_garbled_granted_row(golds, written: str) -> None:  # type: ignore[no-untyped-def]
    """The reviewer's copy: the note on its own line above 「（一※※以公开」 in every gold's
    pipe and cell shapes; （二）部分公开 keeps its own numbers."""
    from nianbao.schema import REQUEST_ROW_LABELS

    from .rowedits import SHAPES, garble
    from .shapes import render_shape

    label = REQUEST_ROW_LABELS["granted"]
    tried = 0
    bad: list[str] = []
    for stem, gold in golds:
        for shape in SHAPES:
            text = render_shape(gold, shape, 0).text
            if text.count(label) != 1:
                continue
            at = text.index(label)
            ls = text.rfind("\n", 0, at) + 1
            t = text[:at] + garble(label, 2, "※", 1) + text[at + len(label) :]
            t = t[:ls] + written + "\n" + t[ls:]
            v = judge(Edit(stem, shape, written, t, gold, ()))
            tried += 1
            bad += [f"{stem} {shape}: {b}" for b in v.silent + v.false]
            rep = nianbao.parse(t.encode("utf-8"))
            got = rep.get("requests.partial.total")
            if got is not None and got != gold.get("requests.partial.total"):
                bad.append(f"{stem} {shape}: 部分公开 total read as {got}")
    assert tried >= 40
    assert not bad, "\n".join(bad[:10])


def test_a_label_misread_whole_is_unread_not_passed_over(golds) -> None:  # type: ignore[no-untyped-def]
    """Every character of a label misread (「（干巳人千」 for （七）总计): the text shares
    nothing with the label, and the row's numbers went to the blank row before it (3.其他
    read （七）总计's 19, silently) or the row was called missing. The only text where the
    only skipped row stands, sharing no two characters with another label, may be its
    label: the row is unread. (Known: in the flat-spaced copies, whose rows run together,
    a few such rows are still called missing.)"""
    tried = 0
    bad: list[str] = []
    for e in _sampled("misread", edits(("misread",), ("s2", "s3"))):
        if e.shape == "flat-spaced":
            continue
        v = judge(e)
        tried += 1
        bad += [f"{e.stem} {e.shape} {e.what}: {b}" for b in (v.silent + v.false + v.blamed)[:2]]
    assert tried >= _enough(1000)
    assert not bad, f"{len(bad)} bad:\n" + "\n".join(bad[:10])


def test_a_whole_row_whose_first_number_is_its_ordinal_is_read(golds) -> None:
    """pdfplumber's layout text of a real PDF printed 1.属于国家秘密 apart from its numbers
    1 0 0 0 0 0 1: a row of the form's seven numbers that adds up is the row's, even
    though its first number is the label's ordinal (a label reduced to its ordinal leaves
    one number too many, or a row that does not add up)."""
    pdfplumber = pytest.importorskip("pdfplumber")
    from pathlib import Path

    pdf = Path(__file__).resolve().parents[1].parent / "shared/samples/peer/hongze-2023.pdf"
    if not pdf.exists():
        pytest.skip("shared samples not available")
    with pdfplumber.open(pdf) as doc:
        text = "\n".join(p.extract_text(layout=True) or "" for p in doc.pages)
    gold = dict(golds)["hongze-2023"]
    rep = nianbao.parse(text.encode("utf-8"), name="hongze-2023.txt")
    ids = [k for k in gold if k.startswith("requests.denied.state_secret.")]
    assert ids and all(rep.get(k) == gold[k] for k in ids)


def test_a_label_lost_whole_gives_its_numbers_to_no_row(golds) -> None:  # type: ignore[no-untyped-def]
    """A label lost whole, the row's numbers (or blank cells) kept (a crawler dropped the
    label cell, a CMS put the label in an image): with 「（一）予以公开」's label gone its
    numbers went to the blank 「二、上年结转」 before it (silently, or R-SUM-RESULTS blaming
    the copy); with 「规章」's gone R-ROW-MISSING blamed the copy for a row it has (213
    such blames, 70 silent cells, 28 false errors over these copies). The row is read by
    the form's order (表二's first row, only numbers between the header and the next
    label: R-LAYOUT-SHIFT says so) or unread with the row before it; never missing where
    it shows. Known: a blank row of the flat-spaced copies printed nothing but its label,
    so with the label gone the copy reads as one without the row (R-ROW-MISSING stands:
    the text is that of a copy that lacks it)."""
    from .rowedits import _labels

    tried = 0
    bad: list[str] = []
    for e in _sampled("lost", edits(("lost",), ("s2", "s3"))):
        v = judge(e)
        tried += 1
        blamed = v.blamed
        if e.shape == "flat-spaced" and blamed:
            label = e.what.split(" -> ")[0]
            ids = [
                k
                for table in ("s2", "s3")
                for prefix, lab in _labels(e.gold, table)
                if lab == label
                for k in e.gold
                if k.startswith(prefix)
            ]
            empty = set(e.gold.get("blank") or ())
            if ids and all(k in empty or e.gold[k] is None for k in ids):
                blamed = [b for b in blamed if not b.startswith("R-ROW-MISSING")]
        bad += [f"{e.stem} {e.shape} {e.what}: {b}" for b in (v.silent + v.false + blamed)[:2]]
    assert tried >= _enough(1900)
    assert not bad, f"{len(bad)} bad:\n" + "\n".join(bad[:10])


def test_the_first_row_of_table_two_its_label_lost_is_read_by_the_forms_order(golds) -> None:  # type: ignore[no-untyped-def]
    """表二's first row (规章) with its label lost: only its numbers stand between the
    header and the next row's label, where the form has that row alone. It is read so, and
    R-LAYOUT-SHIFT names its cells (the label was not found; an inference)."""
    from .rowedits import _labels

    tried = 0
    bad: list[str] = []
    for e in edits(("lost",), ("s2",)):
        rows = _labels(e.gold, "s2")
        if not e.what.startswith(f"{rows[0][1]} -> "):
            continue
        tried += 1
        ids = [k for k in e.gold if k.startswith(rows[0][0])]
        rep = nianbao.parse(e.text.encode("utf-8"))
        wrong = [k for k in ids if rep.get(k) != e.gold[k]]
        said = any(f.rule == "R-LAYOUT-SHIFT" and set(ids) <= set(f.cells) for f in rep.findings)
        if wrong or not said:
            bad.append(f"{e.stem} {e.shape}: wrong {wrong}, R-LAYOUT-SHIFT {said}")
    assert tried >= 60
    assert not bad, "\n".join(bad[:10])
