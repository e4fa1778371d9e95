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
from nianbao.extraction.form.tokens import tokenize
from nianbao.report import Report
from nianbao.schema import request_ids
from nianbao.writing.writer import render

from .debris import DIGIT_WORDS, STREAM, TOKENS, WORDS, DebrisEdit, edits, judge
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


def _with_word(golds, style: str, word: str) -> str:  # type: ignore[no-untyped-def]
    """A gold printed in ``style`` with 规章's row 「规章 | word | 3 | 5」."""
    stem, gold = next((s, g) for s, g in golds if "active.regulations.issued" in g)
    flat = {k: v for k, v in gold.items() if k != "blank"}
    flat.update({f"active.regulations.{c}": v for c, v in zip(_COLS, (97531, 3, 5))})
    text = (
        render_shape(flat, style, 0, stem).text
        if style in SHAPES
        else render(Report.from_flat(flat), style).decode("utf-8")
    )
    return text.replace("97531", word)


@pytest.mark.parametrize("word", WORDS)
def test_a_word_no_dictionary_knows_is_unread_in_its_column(golds, word: str) -> None:  # type: ignore[no-untyped-def]
    # (one style a copy, and every twentieth copy, the one each word takes differing: the
    # whole set, ``python -m tests.debris --tokens words``, takes minutes)
    _assert_word_unread(word, WORDS.index(word))


def _assert_word_unread(word: str, index: int) -> None:
    """Every twentieth copy of ``word`` in a value cell (one style a copy): no cell wrong,
    no error the document does not earn, the word's cell named unread."""
    tried = 0
    bad: list[str] = []
    for d in edits((word,), per=1, sample=(20, index % 20)):
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
    rep = nianbao.parse(_with_word(golds, style, "见说明").encode())
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


# ----------------------------------------------------------------------------- digits
# words holding a digit (见表2, 附件1, 详见第3页: ``debris.DIGIT_WORDS``) were read in pieces:
# the digit taken for the cell's value, the row's later numbers moved (见表2 over one style a
# copy: 333 cells wrong, 139 errors the document did not earn)


@pytest.mark.parametrize("word", DIGIT_WORDS)
def test_a_word_holding_a_digit_is_unread_in_its_column(golds, word: str) -> None:  # type: ignore[no-untyped-def]
    # (the whole set: ``python -m tests.debris --tokens digits``)
    _assert_word_unread(word, DIGIT_WORDS.index(word))


@pytest.mark.parametrize("word", ["见表2", "详见第3页", "见附表1-2", "附件1"])
@pytest.mark.parametrize("style", ["tab", "pipe", "md", "cell-bar", "flat-spaced"])
def test_a_word_s_digit_is_no_value(golds, style: str, word: str) -> None:  # type: ignore[no-untyped-def]
    """「规章 | 见表2 | 3 | 5」: 本年制发 unread (R-UNREAD quoting 「见表2」), 本年废止 3,
    现行有效 5 — not 本年制发 2, 本年废止 3, 现行有效 5 with the 5 dropped, or 2 3 5 moved."""
    rep = nianbao.parse(_with_word(golds, style, word).encode())
    assert [rep.get(f"active.regulations.{c}") for c in _COLS] == [None, 3, 5]
    unread = [f for f in rep.findings if f.rule == "R-UNREAD"]
    assert any(
        "active.regulations.issued" in f.cells and f"「{word}」" in f.message for f in unread
    )
    blamed = [f for f in rep.findings if f.rule in BLAMING and f.severity != "info"]
    assert not [f for f in blamed if any(c.startswith("active.regulations") for c in f.cells)]


@pytest.mark.parametrize("style", ["cell-blank", "pipe-bare", "cell-bar"])
def test_a_word_s_last_digit_is_no_ordinal_of_the_next_label(golds, style: str) -> None:  # type: ignore[no-untyped-def]
    """「2.申请人逾期未按收费通知… | 见注3 | | …」 then 「3.其他」: the 3 of 见注3 was taken for
    the next label's ordinal (folded: 见注33其他, the label's key 3其他 grown over the other
    3), the word's row lost its cell and was called blank (R-BLANK-ROW). The word is read
    whole, 「见注3」, not 「见注」 and a 3 for a value."""
    fid = "requests.other.no_fee.natural"
    tried = 0
    for stem, gold in golds:
        row = [k for k in request_ids("2021") if k.startswith("requests.other.no_fee.")]
        if "requests.other.misc.total" not in gold and "requests.other.misc.total" not in (
            gold.get("blank") or ()
        ):
            continue
        flat = {k: v for k, v in gold.items() if k != "blank"}
        flat.update(dict.fromkeys(row[1:]))
        flat[fid] = 97531
        text = render_shape(flat, style, 0, stem).text.replace("97531", "见注3")
        blank = [c for c in gold.get("blank") or () if c not in row] + row[1:]
        g = {**{k: v for k, v in gold.items() if k not in row}, "blank": blank}
        v = judge(DebrisEdit(Edit(stem, style, f"{fid} -> 见注3", text, g, ()), fid, "见注3"))
        tried += 1
        assert not (v.wrong or v.false or v.blamed or v.unnamed), (stem, v)
        said = [f for f in nianbao.parse(text.encode()).findings if f.rule == "R-UNREAD"]
        assert any(fid in f.cells and "「见注3」" in f.message for f in said), stem
    assert tried


@pytest.mark.parametrize(
    "text, values",
    [
        ("规章 | 见表2 | 3 | 5", ["3", "5"]),
        ("规章 | 详见第3页 | 3 | 5", ["3", "5"]),
        ("规章\t表2另列\t3\t5", ["3", "5"]),
        ("规章 | 3件 | 5条 | 2项", ["3件", "5条", "2项"]),  # values with their units
        ("规章 | 5注1 | 3 | 5", ["5", "1", "3", "5"]),  # a value and its note: not a word
        ("规章 | 注1 | 3", ["1", "3"]),  # a note's head (``form.word_cell``)
        ("1.属于国家秘密 | 3 | 5", ["3", "5"]),  # a label's ordinal
        ("类别 | 数据1 | 数据2 | 数据3", []),  # column names (``tokens.header_number``)
    ],
)
def test_which_cells_are_one_word_holding_a_digit(text: str, values: list[str]) -> None:
    assert [t.text for t in tokenize(text, 0, len(text)) if t.kind == "v"] == values


# ----------------------------------------------------------------------------- the stream
# 表三 as pdftotext prints it in its default mode (each cell a paragraph, runs of rows column
# by column, their labels elsewhere: ``form.stream``): a cell of residue or words there made
# the whole stream unread (x: 5,624 cells of 244 copies; 见说明 32,765: the word parted the
# runs), or its row, where the other cells could be read


@pytest.mark.parametrize("token", ["见说明", "见表2", "x", "不详"])
def test_a_word_in_the_stream_is_unread_in_its_column(golds, token: str) -> None:  # type: ignore[no-untyped-def]
    tried = 0
    bad: list[str] = []
    for d in edits((token,), (STREAM,), sample=(6, ("见说明", "见表2", "x", "不详").index(token))):
        if not d.fid.startswith("requests."):
            continue  # (表二 in this shape: its numbers before their labels, not the stream)
        v = judge(d)
        tried += 1
        # the two orders of a run of rows alike but where the word stands leave both of its
        # places open: one cell besides the word's, named unread
        found = (
            v.silent
            + v.false
            + v.blamed
            + (v.wrong if len(v.wrong) > 1 else [])
            + (["not named unread"] if v.unnamed else [])
        )
        bad += [f"{d.edit.stem} {d.edit.what}: {b}" for b in found[:2]]
    assert tried >= 25
    assert not bad, f"{len(bad)} bad:\n" + "\n".join(bad[:10])
