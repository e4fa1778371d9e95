"""Text that ``pdftotext`` (poppler) makes of a report's PDF in its default mode, the mode a
crawler or a user running ``pdftotext file.pdf`` gets: text in the PDF's reading order,
one cell per line, blank lines between blocks.

Two things of that order broke the reading of 表三 silently:

* the header's cells come out by their height: 法人或其他组织 (the group cell, higher) before
  自然人 (which spans two rows), and 总计 among the organisations' words. Read as a header
  that reorders the columns, every row's 自然人 went to another column;
* a label of two lines, or one beside the merged 三、本年度办理结果 cell, is printed away
  from its numbers: those numbers follow the previous row's, and the rows whose labels
  moved were called missing (R-ROW-MISSING, an error blaming the document) while their
  numbers stood in the text.

Each test renders the golds in that shape (here, or through the real ``pdftotext`` when
poppler is installed) and asks that every cell comes back right or is named by a finding,
with no false "missing".
"""

from __future__ import annotations

import random
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

import nianbao
from nianbao.report import Report
from nianbao.schema import COLUMNS, REQUEST_ROW_LABELS, request_ids
from nianbao.writing.writer import render

from .shapes import SAMPLES, sources
from .test_text_grid import _check

# the header as pdftotext printed a real report's: by height, 总计 among the organisations
HEADER = [
    "申请人情况",
    "（本列数据的勾稽关系为：第一项加第二项之和，",
    "等于第三项加第四项之和）",
    "",
    "法人或其他组织",
    "自然人",
    "",
    "商业企",
    "业",
    "",
    "科研机",
    "构",
    "",
    "社会公益",
    "组织",
    "",
    "总计",
    "",
    "法律服务",
    "其他",
    "",
    "机构",
    "",
]


def _rows(layout: str) -> list[str]:
    out: list[str] = []
    for i in request_ids(layout):
        rid = i[len("requests.") :].rsplit(".", 1)[0]
        if rid not in out:
            out.append(rid)
    return out


def _cell(v: Any) -> str:
    return "" if v is None else str(int(v)) if float(v).is_integer() else str(v)


def _dump(gold: dict[str, Any], moved: set[str]) -> str:
    """表三 as pdftotext prints it; the labels of ``moved`` rows after the table's numbers."""
    rows = _rows("2019" if "requests.other.total" in gold else "2021")
    lines = ["三、收到和处理政府信息公开申请情况", *HEADER]
    tail: list[str] = []
    for rid in rows:
        label = REQUEST_ROW_LABELS[rid]
        if rid in moved:
            tail += [label, ""]
        else:
            lines += [label, ""]
        for c in COLUMNS:
            lines += [_cell(gold.get(f"requests.{rid}.{c}")), ""]
    return "\n".join(lines + tail) + "\n"


def _with_table(gold: dict[str, Any], table: str) -> str:
    """The writer's text of ``gold`` with section 三 replaced by ``table``."""
    text = render(Report.from_flat(gold), "lines").decode("utf-8")
    a = text.index("三、收到和处理政府信息公开申请情况")
    b = text.index("四、政府信息公开行政复议", a)
    b = text.rfind("\n", a, b) + 1
    return text[:a] + table + "\n" + text[b:]


def _movable(gold: dict[str, Any], rows: list[str], rng: random.Random) -> set[str]:
    """One to three rows in a run whose labels move; the row before and the row after keep
    theirs (a reading needs a label on each side of the numbers)."""
    start = rng.randrange(1, len(rows) - 4)
    return set(rows[start : start + rng.randint(1, 3)])


def _golds() -> list[tuple[str, dict[str, Any]]]:
    found = [(s, g) for s, g in sources() if "requests.new.total" in g]
    if not found:
        pytest.skip("shared samples not available")
    return found


def test_header_by_height_keeps_the_form_s_columns() -> None:
    """法人或其他组织 before 自然人, 总计 among the organisations: the columns are the form's."""
    for stem, gold in _golds():
        bad = _check(_with_table(gold, _dump(gold, set())), gold)
        assert not bad, f"{stem}: " + "; ".join(bad[:5])


def test_labels_printed_away_from_their_numbers() -> None:
    """Rows whose labels moved after the table: every cell right or named, never called
    missing; where the numbers after a label hold exactly its row's and the moved rows'
    and the rows add up (not all zeros), they are read, and a finding says it was inferred."""
    rng = random.Random(12)
    inferred = 0
    for stem, gold in _golds():
        if any(v is None for k, v in gold.items() if k.startswith("requests.")):
            continue  # a blank cell leaves no line in this dump: its row's count is lost
        rows = _rows("2019" if "requests.other.total" in gold else "2021")
        for _ in range(6):
            moved = _movable(gold, rows, rng)
            text = _with_table(gold, _dump(gold, moved))
            bad = _check(text, gold, strict=False)
            assert not bad, f"{stem} moved {sorted(moved)}: " + "; ".join(bad[:5])
            rep = nianbao.parse(text.encode("utf-8"))
            said = [
                f
                for f in rep.findings
                if f.rule == "R-LAYOUT-SHIFT" and "行的数值前没有其标签" in f.message
            ]
            if said:
                inferred += 1
                cells = {c for f in said for c in f.cells}
                assert all(c.startswith(tuple(f"requests.{r}." for r in moved)) for c in cells)
                assert all(rep.values[c].value == gold[c] for c in cells)
    assert inferred >= 10  # the reading is used, not only named


def _pdftotext(pdf: Path, mode: list[str]) -> str:
    return subprocess.run(
        ["pdftotext", *mode, str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext not installed")
@pytest.mark.parametrize("mode", [[], ["-raw"], ["-layout"]], ids=["default", "raw", "layout"])
def test_real_pdftotext_of_the_real_pdfs(mode: list[str]) -> None:
    pdfs = sorted((SAMPLES / "peer").glob("*.pdf"))
    pdfs = [p for p in pdfs if p.with_suffix(".gold.json").exists()]
    if not pdfs:
        pytest.skip("shared samples not available")
    import json

    for pdf in pdfs:
        gold = json.loads(pdf.with_suffix(".gold.json").read_text(encoding="utf-8"))
        bad = _check(_pdftotext(pdf, mode), gold, strict=False)
        assert not bad, f"{pdf.name} {mode}: " + "; ".join(bad[:5])


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext not installed")
def test_real_pdftotext_of_the_writer_s_pdfs() -> None:
    for stem, gold in _golds()[:6]:
        with tempfile.TemporaryDirectory() as tmp:
            pdf = Path(tmp) / "r.pdf"
            pdf.write_bytes(render(Report.from_flat(gold), "pdf"))
            for mode in ([], ["-raw"]):
                bad = _check(_pdftotext(pdf, mode), gold, strict=False)
                assert not bad, f"{stem} {mode}: " + "; ".join(bad[:5])


def test_a_sentence_before_the_table_lends_it_no_label() -> None:
    """本年度新收…申请19件，… in the prose under the heading: its labels have numbers after
    them too, but a count a sentence goes on from does not make them the table's (the
    table's rows were called missing, the first row's numbers dropped)."""
    for stem, gold in _golds():
        table = _dump(gold, set())
        new, old = gold.get("requests.new.total"), gold.get("requests.carried_over.total")
        prose = f"本年度新收政府信息公开申请{_cell(new) or 0}件，上年结转政府信息公开申请{_cell(old) or 0}件。\n"
        head = "三、收到和处理政府信息公开申请情况\n"
        bad = _check(_with_table(gold, table.replace(head, head + prose, 1)), gold, strict=False)
        assert not bad, f"{stem}: " + "; ".join(bad[:5])


def test_no_row_is_read_from_another_s_numbers_beside_a_label_only_row() -> None:
    """A blank row whose label moved after the table, and labels printed below their own
    numbers: every run is then a row off, and a run's surplus is no missing row's (the
    blank row's zeros would hide the shift from the sums). The rows stay unread."""
    stem, gold = next((s, g) for s, g in _golds() if s.startswith("invented-2021"))
    gold = {k: (None if k.startswith("requests.partial.") else v) for k, v in gold.items()}
    text = _dump(gold, {"partial"})
    for rid in ("denied.state_secret", "denied.law_forbidden"):
        label = REQUEST_ROW_LABELS[rid] + "\n\n"
        at = text.index(label)
        text = text[:at] + text[at + len(label) :]  # the label below its numbers
        nxt = text.index(
            REQUEST_ROW_LABELS["denied.safety_stability"]
            if rid.endswith("forbidden")
            else REQUEST_ROW_LABELS["denied.law_forbidden"].split("\n")[0]
        )
        text = text[:nxt] + label + text[nxt:]
    rep = nianbao.parse(_with_table(gold, text).encode("utf-8"))
    assert all(rep.get(f"requests.partial.{c}") is None for c in COLUMNS)
    assert not any("行的数值前没有其标签" in f.message for f in rep.findings)
