"""Review of the OCR-like / pdftotext (74b64ea) and pdfminer (5b79872) reading changes: copies
that broke them, built from every gold.

1. 表二 (2021) as pdfminer printed it with ``all_texts`` and a steep ``boxes_flow``: （一）'s
   labels, its column words each with its numbers, the other items' headings each with
   their numbers, then those items' labels. The cut of （一）'s rows at its column words hid
   the next item's heading from the label before it: 行政许可 … 行政事业性收费, read at
   2d083db from their headings, came back unread.
2. 表四 with its column words among the numbers in an order not the form's (pdfminer with
   ``char_margin=0.5``: 尚未审结 其他结果 结果纠正 0 44 0 结果维持 48 总计 92): read in the
   text's order the group adds up (the numbers are the same four, permuted), silently
   wrong; with ``boxes_flow=None`` too, 尚未审结 其他结果 结果纠正 4 6 6 21 (the cells
   right to left: 审结 4 其他 6 纠正 6) read 纠正 4 审结 6. Such a copy is left unread and
   said so.
3. lone numbers around the tables of a copy of one cell a line taken for page numbers, and
   the one cell equal to the page between them dropped as that page's number.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

import nianbao

from .gold import same
from .shapes import sources
from .test_text_grid import _check


def _golds() -> list[tuple[str, dict[str, Any]]]:
    found = sources()
    if len(found) < 3:
        pytest.skip("shared samples not available")
    return found


def _text(gold: dict[str, Any]) -> str:
    from nianbao.report import Report
    from nianbao.writing.writer import render

    return render(Report.from_flat(gold), "tab").decode("utf-8")


def _num(gold: dict[str, Any], fid: str) -> str:
    v = None if fid in set(gold.get("blank") or ()) else gold.get(fid)
    return "" if v is None else str(v)


def _replace(text: str, start: str, end: str, block: str) -> str:
    a = text.index(start)
    b = text.index(end, a)
    return text[:a] + block + "\n" + text[b:]


# ------------------------------------------------------------------ 1. 表二, pdfminer boxes
_ITEMS = (
    ("第二十条第（五）项", "本年处理决定数量", ("licensing",), "信息内容\n行政许可"),
    (
        "第二十条第（六）项",
        "本年处理决定数量",
        ("penalty", "coercion"),
        "信息内容\n行政处罚\n行政强制",
    ),
    ("第二十条第（八）项", "本年收费金额（单位：万元）", ("fees",), "信息内容\n行政事业性收费"),
)
_COLS = (("本年制发件数", "issued"), ("本年废止件数", "repealed"), ("现行有效件数", "in_force"))


def _active_boxes(gold: dict[str, Any]) -> str:
    out = [
        "二、主动公开政府信息情况",
        "",
        "第二十条第（一）项",
        "",
        "信息内容",
        "规章",
        "行政规范性文件",
        "",
    ]
    for word, col in _COLS:
        out += [word, *(_num(gold, f"active.{r}.{col}") for r in ("regulations", "normative")), ""]
    for head, word, rows, _labels in _ITEMS:
        out += [head, "", word, *(_num(gold, f"active.{r}") for r in rows), ""]
    for *_h, labels in _ITEMS:
        out += [labels, ""]
    return "\n".join(x for x in out)


def test_active_items_headed_after_the_first_items_column_words_are_read() -> None:
    """Every 2021 gold: the one-cell items read right from their headings (as at 2d083db),
    every other 表二 cell right or named by a finding."""
    seen = 0
    for stem, gold in _golds():
        ones = [f"active.{r}" for *_h, rows, _l in _ITEMS for r in rows]
        if any(not _num(gold, k) for k in ones):
            continue
        text = _replace(_text(gold), "二、主动公开", "三、收到和处理", _active_boxes(gold))
        flat = nianbao.parse(text.encode("utf-8")).flat()
        wrong = [
            f"{k}: gold={gold[k]!r} got={flat.get(k)!r}"
            for k in ones
            if not same(gold[k], flat.get(k))
        ]
        assert not wrong, f"{stem}: {wrong}"
        bad = _check(text, {k: v for k, v in gold.items() if k.startswith("active.")}, strict=False)
        assert not bad, f"{stem}: {bad[:4]}"
        seen += 1
    assert seen >= 3


# ------------------------------------------------------------------ 2. 表四, words permuted
_GROUPS = ("reconsideration", "litigation_direct", "litigation_after")


def _reviews_permuted(gold: dict[str, Any]) -> str:
    def n(g: str, c: str) -> str:
        return _num(gold, f"reviews.{g}.{c}")

    r, d, f = _GROUPS
    lines = [
        "四、政府信息公开行政复议、行政诉讼情况",
        "结果\n维持\n结果\n纠正\n行政复议\n其他\n结果\n尚未\n审结\n总计",
        *(n(r, c) for c in ("upheld", "corrected", "other", "pending", "total")),
        "未经复议直接起诉\n尚未\n其他\n结果\n审结\n结果\n纠正",
        n(d, "pending"),
        n(d, "other"),
        n(d, "corrected"),
        "结果\n维持",
        n(d, "upheld"),
        "行政诉讼\n总计",
        n(d, "total"),
        "结果\n维持",
        n(f, "upheld"),
        "复议后起诉\n其他\n结果",
        n(f, "other"),
        "尚未\n审结",
        n(f, "pending"),
        "结果\n纠正",
        n(f, "corrected"),
        "总计",
        n(f, "total"),
    ]
    return "\n".join(lines)


def test_review_numbers_after_column_words_out_of_the_forms_order_are_not_read_in_text_order() -> (
    None
):
    """Every gold with 表四 printed whole: no cell wrong without a finding naming it."""
    seen = 0
    for stem, gold in _golds():
        ids = [k for k in gold if k.startswith("reviews.")]
        if len(ids) != 15 or any(not _num(gold, k) for k in ids):
            continue
        text = _replace(_text(gold), "四、政府信息公开行政复议", "五、", _reviews_permuted(gold))
        bad = _check(text, {k: gold[k] for k in ids}, strict=False)
        assert not bad, f"{stem}: {bad[:4]}"
        seen += 1
    assert seen >= 3


def test_permuted_review_words_case() -> None:
    """The case pdfminer printed (invented-2021-large): 维持 48 纠正 0 其他 44 审结 0 总计 92
    was read 维持 0 纠正 44 其他 0 审结 48, with no finding."""
    gold = dict(next(g for s, g in _golds() if s == "invented-2021-large"))
    text = _replace(_text(gold), "四、政府信息公开行政复议", "五、", _reviews_permuted(gold))
    rep = nianbao.parse(text.encode("utf-8"))
    flat = rep.flat()
    named = {c for f in rep.findings for c in f.cells}
    for c in ("upheld", "corrected", "other", "pending"):
        fid = f"reviews.litigation_direct.{c}"
        assert flat.get(fid) == gold[fid] or fid in named, (fid, flat.get(fid), gold[fid])


# ------------------------------------------------------------------ 3. bare page numbers
def test_lone_numbers_around_the_tables_of_a_cell_per_line_copy_are_no_page_numbers() -> None:
    """A copy of one cell a line, no page numbers at all, with a lone number line in
    section 一 (k - 1, a cell of a table there) and one after section 五 (k + 1): the one
    table cell equal to k is no page number (at 2d083db every cell read right; from
    74b64ea the cell was dropped as page k's and its row read short, named: a number
    indented as the copy's cells, a tab before it, where the numbers before and after the
    tables stand at the line's start, is a cell)."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    bad: list[str] = []
    for stem, gold in _golds():
        t = render(Report.from_flat(gold), "lines").decode("utf-8")
        a = t.index("二、主动公开")
        b = t.index("五、", t.index("四、政府信息公开行政复议"))
        lone = re.findall(r"(?m)^[ \t]*(\d{1,3})[ \t]*$", t[a:b])
        ks = [int(x) for x in set(lone) if lone.count(x) == 1 and int(x) >= 1]
        if not ks:
            continue
        k = min(ks)
        i = t.index("\n", t.index("一、总体情况"))
        t = f"{t[:i]}\n{k - 1}\n{t[i:]}"
        j = t.index("\n", t.index("五、", t.index("四、政府信息公开行政复议")))
        t = f"{t[:j]}\n{k + 1}\n{t[j:]}"
        bad += [f"{stem}: {x}" for x in _check(t, gold, strict=True)]
    assert not bad, bad[:5]


# ------------------------------------------------------------------ 4. pdfminer's own texts
@pytest.mark.parametrize(
    "params",
    [
        {"all_texts": True, "boxes_flow": 0.9},
        {"char_margin": 0.5},
        {"char_margin": 0.5, "boxes_flow": None},
    ],
    ids=["all-texts-flow-0.9", "char-margin-0.5", "char-margin-0.5-no-flow"],
)
def test_pdfminer_parameters_beyond_the_crawlers_defaults(params: dict[str, Any]) -> None:
    """The writer's PDFs through pdfminer with two more parameter sets: every cell right or
    named, nothing called missing; 表二's one-cell items (read from their headings at
    2d083db) still read right with all_texts."""
    from .test_textshapes_pdfminer import _pdfs
    from .test_textshapes_pdfminer import _text as pdf_text

    bad: list[str] = []
    for stem, gold, pdf in _pdfs():
        text = pdf_text(pdf, params)
        bad += [f"{stem}: {x}" for x in _check(text, gold, strict=False)]
        if params.get("all_texts") and "~" not in stem:
            flat = nianbao.parse(text.encode("utf-8")).flat()
            ones = [f"active.{r}" for *_h, rows, _l in _ITEMS for r in rows]
            bad += [
                f"{stem}: {k} gold={gold[k]!r} got={flat.get(k)!r}"
                for k in ones
                if k in gold and not same(gold[k], flat.get(k))
            ]
    assert not bad, "\n".join(bad[:20])


@pytest.mark.parametrize("stray", ["0", "1"])
def test_reviews_row_with_a_stray_number_in_a_copy_spaced_by_spaces(stray: str) -> None:
    """表四 of all 0s with one number too many in a copy whose tabs became spaces (a page's
    extra empty column, printed 0): when every number is alike, each cell reads the same
    whichever is the stray, so the row is read and the count named; a stray that differs
    leaves the row unread and named, never guessed."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    bad: list[str] = []
    tried = 0
    for stem, gold in _golds():
        g = {k: (0 if k.startswith("reviews.") else v) for k, v in gold.items()}
        t = render(Report.from_flat(g), "tab").decode("utf-8")
        line = "\t".join(["0"] * 15)
        if f"\n{line}\n" not in t:
            continue  # a gold without 表四
        t = t.replace(f"\n{line}\n", f"\n{line}\t{stray}\n").replace("\t", " ")
        tried += 1
        rep = nianbao.parse(t.encode("utf-8"))
        flat = rep.flat()
        counted = [f for f in rep.findings if f.rule == "R-CELL-COUNT"]
        got = {k: flat.get(k) for k in g if k.startswith("reviews.")}
        if stray == "0":
            if any(v != 0 for v in got.values()) or not counted:
                bad.append(f"{stem}: {got} {[f.rule for f in rep.findings]}")
        else:
            named = {c for f in rep.findings for c in f.cells}
            if any(
                v is not None and not any(k.startswith(str(c)) for c in named)
                for k, v in got.items()
            ):
                bad.append(f"{stem}: read without a finding {got}")
    assert tried >= 10 and not bad, (tried, bad[:3])


@pytest.mark.parametrize("tabs", [True, False])
def test_total_alone_after_the_applicant_heading_in_a_copy_of_one_cell_a_line(tabs: bool) -> None:
    """A page whose 总计 heads the first header row (beside 申请人情况, spanning the rows
    below), copied one cell a line: 总计 then stands before 自然人, as it would in a copy
    whose columns put 总计 first. Only the rows' sums may decide; a row that reads
    otherwise in the two orders (6 0 0 0 0 0 6) is unread and named, never read total
    first (at 137a797 such rows were read 0 … 0 6 with 总计 6, silently)."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    bad: list[str] = []
    right = 0
    for stem, gold in _golds():
        t = render(Report.from_flat(gold), "lines").decode("utf-8")
        head = t.index("\t申请人情况\n")
        if head < 0 or "\t总计\n" not in t[head : head + 200]:
            continue
        i = t.index("\t总计\n", head)
        t = t[:i] + t[i + 4 :]
        j = head + len("\t申请人情况\n")
        t = t[:j] + "\t总计\n" + t[j:]
        if not tabs:
            t = t.replace("\t", "")
        bad += [f"{stem}: {x}" for x in _check(t, gold, strict=False)]
        right += not _check(t, gold, strict=True)
    assert not bad, bad[:5]
    assert right >= 3  # golds whose rows' sums decide the order are read whole


@pytest.mark.parametrize("footer", ["第 {n} 页 共 9 页", "\n— {n} —\n"])
def test_page_footers_among_the_cells_of_a_copy_of_one_cell_a_line(footer: str) -> None:
    """Page footers every 17 lines of a copy of one cell a line (a tab alone is a blank
    cell): the footer goes, the blank cells beside it stay (at 541af9a the lines of a tab
    alone around a footer went with it, and a row's later cells moved left: unread here,
    silently wrong in such a copy of a real sample's page)."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    bad: list[str] = []
    for stem, gold in _golds():
        lines = render(Report.from_flat(gold), "lines").decode("utf-8").split("\n")
        out: list[str] = []
        for i, line in enumerate(lines):
            out.append(line)
            if i % 17 == 16:
                out.append(footer.format(n=i // 17 + 1))
        bad += [f"{stem}: {x}" for x in _check("\n".join(out), gold, strict=True)]
    assert not bad, bad[:5]
