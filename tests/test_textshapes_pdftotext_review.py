"""Review of the reading of pdftotext's default mode (``form.stream``, the checks of a label
reading against labels printed below their numbers): shapes the generator of
``test_textshapes_pdftotext`` does not make."""

from __future__ import annotations

from typing import Any

import pytest

import nianbao
from nianbao.schema import COLUMNS, REQUEST_ROW_LABELS

from .test_text_grid import _check
from .test_textshapes_pdftotext import HEADER, _cell, _golds, _rows, _with_table


def _invented() -> dict[str, Any]:
    return next(g for s, g in _golds() if s.startswith("invented-2021"))


def _vals(gold: dict[str, Any], rid: str) -> list[str]:
    return [v for v in (_cell(gold.get(f"requests.{rid}.{c}")) for c in COLUMNS) if v]


def test_a_truncated_copy_with_numbers_before_the_first_label() -> None:
    """The first row's label printed after the table (its numbers before every label), the
    next row blank (a blank cell prints nothing), the row after it with its label after the
    table too: the blank row's label is followed by the next row's numbers. The copy ends
    inside the table, so the labels with nothing after them are past the cut; the blank
    row must not take the next row's numbers (it did, silently)."""
    gold = {k: v for k, v in _invented().items() if k != "blank"}
    gold.update({f"requests.carried_over.{c}": None for c in COLUMNS})
    rows = _rows("2021")
    out = ["三、收到和处理政府信息公开申请情况", "\n".join(HEADER)]
    out += _vals(gold, "new")  # its label after the table, past the cut
    out.append(REQUEST_ROW_LABELS["carried_over"])
    out += _vals(gold, "granted")  # its label after the table, past the cut
    for rid in rows[rows.index("partial") : rows.index("rejected.petition")]:
        out += [REQUEST_ROW_LABELS[rid], *_vals(gold, rid)]
    table = "\n\n".join(out) + "\n"
    text = _with_table(gold, table)
    text = text[: text.index(table) + len(table)]  # the copy ends inside 表三
    rep = nianbao.parse(text.encode("utf-8"))
    assert all(rep.get(f"requests.carried_over.{c}") is None for c in COLUMNS)
    bad = _check(text, gold, strict=False)
    assert not bad, "; ".join(bad[:5])


def test_a_row_short_of_its_blank_cells_is_not_read_from_the_left() -> None:
    """Every cell a paragraph of its own and a blank cell printing nothing: a row with
    blank cells shows fewer numbers than cells, and nothing before, between or after them
    says which cells are the blank ones. Such a row was read from the left (the blanks at
    the end, ``0 0 0 0`` as 自然人 0 商业企业 0 …, the document's blank 自然人 a silent 0);
    its cells are named unread unless one placement alone adds up."""
    gold = {k: v for k, v in _invented().items() if k != "blank"}
    short = {
        "granted": [None, None, 0, 0, None, 0, 0],
        "carried_over": [101, 8, None, 4, 0, None, 113],
        "denied.admin_query": [34, None, None, None, None, None, 34],
    }
    for rid, vals in short.items():
        gold.update({f"requests.{rid}.{c}": v for c, v in zip(COLUMNS, vals)})
    out = ["三、收到和处理政府信息公开申请情况", "\n".join(HEADER)]
    for rid in _rows("2021"):
        out += [REQUEST_ROW_LABELS[rid], *_vals(gold, rid)]
    text = _with_table(gold, "\n\n".join(out) + "\n")
    bad = _check(text, gold, strict=False)
    assert not bad, "; ".join(bad[:5])
    rep = nianbao.parse(text.encode("utf-8"))
    for rid in short:
        assert all(rep.get(f"requests.{rid}.{c}") is None for c in COLUMNS), rid
    # the rows with every cell filled are read as before
    assert rep.get("requests.partial.total") == gold["requests.partial.total"]


def test_the_finding_says_how_blank_cells_were_placed() -> None:
    """Rows read column by column where a column's paragraph is short of its blank cells:
    the finding says the blanks were placed by the rows' sums, not that the rows were
    read column by column because row by row they do not add up (never tried)."""
    gold = {k: v for k, v in _invented().items() if k != "blank"}
    rows = _rows("2021")
    # three rows whose cells of one column all hold a number: the middle one made blank
    at, col = next(
        (i, c)
        for i in range(1, len(rows) - 3)
        for c in COLUMNS[:6]
        if all(gold[f"requests.{r}.{c}"] for r in rows[i : i + 3])
    )
    group = rows[at : at + 3]
    gold[f"requests.{group[1]}.{col}"] = None
    gold[f"requests.{group[1]}.total"] = sum(
        gold[f"requests.{group[1]}.{c}"] or 0 for c in COLUMNS[:6]
    )
    out = ["三、收到和处理政府信息公开申请情况", "\n".join(HEADER)]
    for rid in rows:
        if rid == group[0]:
            out.append(REQUEST_ROW_LABELS[rid])
            cols = [[_cell(gold.get(f"requests.{r}.{c}")) for r in group] for c in COLUMNS]
            out += ["\n".join(v for v in col if v) for col in cols]
        elif rid not in group:
            out += [REQUEST_ROW_LABELS[rid], *_vals(gold, rid)]
    out += [REQUEST_ROW_LABELS[r] for r in group[1:]]
    text = _with_table(gold, "\n\n".join(out) + "\n")
    assert not _check(text, gold, strict=False)
    rep = nianbao.parse(text.encode("utf-8"))
    said = [f for f in rep.findings if f.rule == "R-LAYOUT-SHIFT" and "表三" in f.message]
    assert said
    msg = said[0].message
    assert "空白单元格按此放置" in msg and "推断" in msg
    assert "按行读取时不成立" not in msg


def test_a_whole_table_column_by_column_with_many_blanks_is_not_enumerated(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """All 25 rows printed column by column, one column full and another short of many
    blank cells: the placements of the blanks (C(25, 12), millions) are counted, not made
    (they were made before the count said too many: a report stopped at the memory limit)."""
    import itertools
    import math
    import types

    from nianbao.extraction.form import stream
    from nianbao.extraction.form.model import Tok

    def combinations(pool: Any, r: int) -> Any:
        items = list(pool)
        assert math.comb(len(items), r) <= 5000, "placements made before they were counted"
        return itertools.combinations(items, r)

    shim = types.SimpleNamespace(combinations=combinations, product=itertools.product)
    monkeypatch.setattr(stream, "itertools", shim)
    full = [Tok("v", 0, 0, "0", True) for _ in range(25)]
    short = [Tok("v", 0, 0, "0", True) for _ in range(12)]
    blocks = [(list(full), n == 0) for n in range(7)]
    blocks[3] = (short, False)
    assert stream._span_rows(blocks) is None


def test_a_copy_cut_among_the_labels_after_the_table_is_said_cut() -> None:
    """表三 read whole as one stream (the first four rows' labels and the last's printed
    after the numbers), the copy cut after the fourth of those labels: the rest of the
    report is past the cut, not missing from the document (四、五、六 were called missing)."""
    gold = {k: v for k, v in _invented().items() if k != "blank"}
    rows = _rows("2021")
    away = [*rows[:4], rows[-1]]
    out = ["三、收到和处理政府信息公开申请情况", "\n".join(HEADER)]
    for rid in rows:
        out += ([] if rid in away else [REQUEST_ROW_LABELS[rid]]) + _vals(gold, rid)
    out += [REQUEST_ROW_LABELS[r] for r in away[:4]]  # cut before the last one's label
    table = "\n\n".join(out) + "\n"
    text = _with_table(gold, table)
    text = text[: text.index(table) + len(table)]
    assert text.rstrip().endswith("）")
    rep = nianbao.parse(text.encode("utf-8"))
    assert not _check(text, gold, strict=False)
    assert rep.get("requests.new.total") == gold["requests.new.total"]  # read as a stream
    assert any(f.rule == "R-TEXT-TRUNCATED" for f in rep.findings)
    assert not any(f.rule == "R-SECTIONS" and "sections.s4" in f.cells for f in rep.findings)
