"""A cell of 表二 or 表三 holding residue instead of a number (``?``, ``x``, ``*``, ``#``,
``A``, ``N/A``, 不详, 暂无, ``？``: OCR or copy debris, or a word for an unknown figure), over
every row of every gold in the writer's styles and the shapes whose cells keep their places
(``tests.debris``). The cell was taken for a label cell and dropped: the row's later numbers
moved left into the wrong columns, silently (「规章 | x | 3 | 5」 read 本年制发 3, 本年废止 5),
and in 表三 a number moved into 自然人 earned the row R-SUM-ROW / R-SUM-RESULTS it does not
deserve. The cell keeps its column: its value is unread (R-UNREAD shows the text found), the
other cells read right, and no finding blames the document for it.

The same for words no dictionary of debris knows (见说明, 无此项, 另行统计, 空白, (略) …:
``debris.WORDS``): after a row's label, where the form puts a value, text that is no value
and none of the form's words (a label wrapped over cells, a group label, a header word) is
a value the tool cannot read (``form.word_cell``), whatever it says."""

from __future__ import annotations

import pytest

import nianbao
from nianbao.extraction.form.spec import word_cell
from nianbao.report import Report
from nianbao.writing.writer import render

from .debris import TOKENS, WORDS, DebrisEdit, edits, judge
from .rowedits import BLAMING, Edit
from .shapes import SHAPES, render_shape


@pytest.mark.parametrize("token", TOKENS)
def test_a_debris_cell_is_unread_in_its_column(golds, token: str) -> None:  # type: ignore[no-untyped-def]
    tried = 0
    bad: list[str] = []
    # (one style a copy, and every other copy, the half each token takes differing: the
    # whole set, ``python -m tests.debris``, takes minutes)
    half = TOKENS.index(token) % 2
    for n, d in enumerate(edits((token,), per=1)):
        if n % 2 != half:
            continue
        v = judge(d)
        tried += 1
        found = (
            v.wrong + v.false + v.blamed + (["debris cell not named unread"] if v.unnamed else [])
        )
        bad += [f"{d.edit.stem} {d.edit.shape} {d.edit.what}: {b}" for b in found[:2]]
    assert tried >= 140
    assert not bad, f"{len(bad)} bad:\n" + "\n".join(bad[:10])


@pytest.mark.parametrize("style", ["tab", "lines", "pipe"])
def test_the_finding_shows_the_text_found(golds, style: str) -> None:  # type: ignore[no-untyped-def]
    """「规章 | x | 3 | 5」: 本年制发 unread (R-UNREAD quoting 「x」), 本年废止 3, 现行有效 5."""
    _, gold = golds[0]
    text = render(Report.from_flat(gold), style).decode("utf-8")
    sep = {"tab": "\t", "lines": "\n\t", "pipe": " | "}[style]
    row = "规章" + sep + sep.join(str(gold[f"active.regulations.{c}"]) for c in _COLS)
    assert row in text
    rep = nianbao.parse(text.replace(row, "规章" + sep + sep.join(["x", "3", "5"])).encode())
    assert [rep.get(f"active.regulations.{c}") for c in _COLS] == [None, 3, 5]
    unread = [f for f in rep.findings if f.rule == "R-UNREAD"]
    assert any("active.regulations.issued" in f.cells and "「x」" in f.message for f in unread)
    assert "active.regulations.issued" in rep.layout["unread"]
    assert not [f for f in rep.findings if f.rule == "R-BLANK-CELL"]


_COLS = ("issued", "repealed", "in_force")


@pytest.mark.parametrize("word", WORDS)
def test_a_word_no_dictionary_knows_is_unread_in_its_column(golds, word: str) -> None:  # type: ignore[no-untyped-def]
    tried = 0
    bad: list[str] = []
    # (one style a copy, and every twentieth copy, the one each word takes differing: the
    # whole set, ``python -m tests.debris --tokens words``, takes minutes)
    for d in edits((word,), per=1, sample=(20, WORDS.index(word) % 20)):
        v = judge(d)
        tried += 1
        found = v.wrong + v.false + v.blamed + (["word cell not named unread"] if v.unnamed else [])
        bad += [f"{d.edit.stem} {d.edit.shape} {d.edit.what}: {b}" for b in found[:2]]
    assert tried >= 15
    assert not bad, f"{len(bad)} bad:\n" + "\n".join(bad[:10])


@pytest.mark.parametrize(
    "style", ["tab", "lines", "pipe", "md", "pipe-bare", "cell-bar", "flat-spaced"]
)
def test_an_unknown_word_keeps_its_column(golds, style: str) -> None:  # type: ignore[no-untyped-def]
    """「规章 | 见说明 | 3 | 5」: 本年制发 unread (R-UNREAD quoting 「见说明」), 本年废止 3,
    现行有效 5 — not 本年制发 3, 本年废止 5 with 见说明 taken for the label's."""
    stem, gold = next((s, g) for s, g in golds if "active.regulations.issued" in g)
    flat = {k: v for k, v in gold.items() if k != "blank"}
    flat.update({f"active.regulations.{c}": v for c, v in zip(_COLS, (97531, 3, 5))})
    text = (
        render_shape(flat, style, 0, stem).text
        if style in SHAPES
        else render(Report.from_flat(flat), style).decode("utf-8")
    )
    rep = nianbao.parse(text.replace("97531", "见说明").encode())
    assert [rep.get(f"active.regulations.{c}") for c in _COLS] == [None, 3, 5]
    unread = [f for f in rep.findings if f.rule == "R-UNREAD"]
    assert any("active.regulations.issued" in f.cells and "「见说明」" in f.message for f in unread)
    assert "active.regulations.issued" in rep.layout["unread"]
    blamed = [f for f in rep.findings if f.rule in BLAMING and f.severity != "info"]
    assert not [f for f in blamed if any(c.startswith("active.regulations") for c in f.cells)]


@pytest.mark.parametrize(
    "word, fid",
    [
        ("数据缺失", "requests.carried_over.other_org"),  # 数 of 申请数量
        ("另报", "requests.unable.needs_creation.total"),  # 另 of 另行制作
    ],
)
@pytest.mark.parametrize("style", ["pipe-bare", "cell-blank", "cell-bar"])
def test_a_label_does_not_grow_into_a_word_cell(golds, word: str, fid: str, style: str) -> None:  # type: ignore[no-untyped-def]
    """The label of a row whose cells are blank up to the word grew over the word's first
    character (a character of the label's own words): the word was read as the rest of the
    label, and the row as blank (R-BLANK-ROW)."""
    tried = 0
    for stem, gold in golds:
        if fid not in gold and fid not in (gold.get("blank") or ()):
            continue
        flat = {k: v for k, v in gold.items() if k != "blank"}
        flat[fid] = 97531
        text = render_shape(flat, style, 0, stem).text.replace("97531", word)
        g = {**gold, "blank": [c for c in gold.get("blank") or () if c != fid]}
        v = judge(DebrisEdit(Edit(stem, style, f"{fid} -> {word}", text, g, ()), fid, word))
        tried += 1
        assert not (v.wrong or v.false or v.blamed or v.unnamed), (stem, v)
    assert tried


@pytest.mark.parametrize(
    "text",
    [
        "需要另行制作",  # a label wrapped over two cells
        "（区分处理的，只计这一情形，不计其他情形）",
        "三、本年度办理结果",  # a group label
        "（三）不予公开",
        "自然人",  # header words
        "法人或其他组织",
        "现行有效件数",
        "第二十条第（一）项",
        "行政许可",  # another row's label
        "3.其他",
        "万元",  # units, notes, footnote marks
        "单位：万元",
        "注1",
        "①",
        "注：部分公开的申请已区分处理。",  # a note between rows
        "12",  # values, residue the dictionary knows
        "—",
        "不详",
        "x",
    ],
)
def test_what_no_word_cell_is(text: str) -> None:
    assert not word_cell(text)


@pytest.mark.parametrize(
    "text", ["见说明", "无此项", "另行统计", "空白", "(略)", "见note", "pending"]
)
def test_what_a_word_cell_is(text: str) -> None:
    assert word_cell(text)
