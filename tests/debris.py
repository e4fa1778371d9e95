"""Copies of the golds with one cell of 表二 or 表三 replaced by debris: OCR or copy residue
that is neither a number nor a placeholder (``?``, ``x``, ``*``, ``#``, ``A``, ``N/A``) or a
word standing where the form puts a number (不详, 暂无). Each cell of every row of both
tables, in every gold, in several of the writer's styles; :func:`judge` says which cells
were read wrong (silently or not), whether the debris cell was named as unread, and which
errors blame the document for it.

    python -m tests.debris [--tokens T[,T…] | words | digits] [--styles S[,S…]] [--show N]

``--tokens words``: the words of ``WORDS``, which no dictionary of debris knows (见说明,
无此项, 另行统计 …): the cell keeps its column by where it stands, after the row's label
(``form.word_cell``), not by what it says. ``--tokens digits``: the words of
``DIGIT_WORDS``, which hold a digit (见表2, 附件1, 详见第3页): the digit is no value.
``--styles pdftotext``: the stream shape (``STREAM``: pdftotext's default mode, 表三 read as
one stream of numbers), not among the default styles: only the golds whose copy without the
word reads right; where a run of rows reads alike row by row and column by column but for
the word, both of its places are left open (one cell "wrong", named unread).
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import nianbao
from nianbao.report import Report
from nianbao.writing.writer import render

from .rowedits import BLAMING, ERRORS, Edit, _covers, own
from .shapes import SHAPES, render_shape, sources

TOKENS = ("?", "x", "*", "#", "A", "N/A", "不详", "暂无", "？")
# words no dictionary of debris knows, standing where a value stands (``form.word_cell``):
# short and long, CJK, in brackets, mixed with Latin letters
WORDS = (
    "见说明",
    "详见附件",
    "无此项",
    "另行统计",
    "空白",
    "见备注",
    "(略)",
    "附后",
    "见下表",
    "详见正文说明",
    "统计中",
    "未提供",
    "数据缺失",
    "尚未统计",
    "参见附表二",
    "保密",
    "涉密不公开",
    "无法统计",
    "待核实",
    "暂未公开",
    "本年度未开展此项工作",
    "见note",
    "未录入",
    "（空）",
    "待补充",
    "同上",
    "另报",
    "pending",
)
# words holding a digit (见表2, 附件1, 详见第3页): split where the digit starts, the digit was
# read as the cell's value and the row's later numbers moved; the cell is one word cell
DIGIT_WORDS = (
    "见表2",
    "附件1",
    "详见第3页",
    "见附表1-2",
    "详见附件3",
    "参见表4",
    "见第2部分",
    "见注3",
    "附表5",
    "表2另列",
    "第2项统计",
    "见2023年报",
)
# the writer's styles, and the shapes of ``tests.shapes`` whose cells keep their places
STYLES = (
    "tab",
    "lines",
    "pipe",
    "pipe-split",
    "md",
    "pipe-bare",
    "cell-pipe",
    "cell-blank",
    "cell-bar",
)
# the stream shape: the text ``pdftotext`` makes of a PDF in its default mode (each cell a
# paragraph, 表三's rows in runs printed column by column, their labels elsewhere: read as
# one stream of numbers, ``form.stream``), only where the copy without the word reads right
STREAM = "pdftotext"
_SENTINEL = 97531
_TABLES = ("active.", "active2019.", "requests.")


@dataclass
class DebrisEdit:
    edit: Edit
    fid: str  # the cell replaced
    token: str


def rows(gold: dict[str, Any]) -> list[list[str]]:
    """The value cells of 表二 and 表三 of ``gold`` (blank ones too), row by row."""
    blank = list(gold.get("blank") or ())
    out: dict[str, list[str]] = {}
    for k in dict.fromkeys(list(gold) + blank):
        if k.startswith(_TABLES):
            row = k.rsplit(".", 1)[0] if k.count(".") >= 2 else k
            out.setdefault(row, []).append(k)
    return list(out.values())


def edits(
    tokens: tuple[str, ...] = TOKENS,
    styles: tuple[str, ...] = STYLES,
    every: bool = False,
    per: int = 0,
    sample: tuple[int, int] = (1, 0),
) -> Iterator[DebrisEdit]:
    """A cell of every row of 表二/表三 of every gold replaced by each of ``tokens`` in each
    of ``styles``: the row's cells in turn, a different one for each token (``every``: each
    cell by each token); ``per``: only that many styles for each copy, in turn; ``sample``
    (n, r): only the rows and tokens whose count (from 0) leaves r divided by n."""
    count = -1
    for stem, gold in sources():
        blank = set(gold.get("blank") or ())
        for r, row in enumerate(rows(gold)):
            for tok in tokens:
                count += 1
                if count % sample[0] != sample[1]:
                    continue
                k = sum(map(ord, tok))
                chosen = styles
                if per:
                    chosen = tuple(styles[(r + k + i) % len(styles)] for i in range(per))
                for fid in row if every else [row[k % len(row)]]:
                    flat = {key: v for key, v in gold.items() if key != "blank"}
                    flat[fid] = _SENTINEL
                    rep = Report.from_flat(flat)
                    g = dict(gold)
                    if fid in blank:
                        g["blank"] = [c for c in blank if c != fid]
                    for style in chosen:
                        if style == STREAM:
                            seed = (sum(map(ord, stem)) + r) % 3
                            if not _stream_clean(stem, gold, seed):
                                continue
                            text = _stream_text(flat, seed)
                        else:
                            text = (
                                render_shape(flat, style, 0).text
                                if style in SHAPES
                                else render(rep, style).decode("utf-8")
                            )
                        if text.count(str(_SENTINEL)) != 1:
                            continue
                        t = text.replace(str(_SENTINEL), tok)
                        yield DebrisEdit(Edit(stem, style, f"{fid} -> {tok}", t, g, ()), fid, tok)


def _stream_text(flat: dict[str, Any], seed: int) -> str:
    from .test_textshapes_pdftotext import _default_text

    return _default_text(flat, random.Random(seed))


_clean: dict[tuple[str, int], bool] = {}


def _stream_clean(stem: str, gold: dict[str, Any], seed: int) -> bool:
    """Does the stream copy of ``gold`` (no cell replaced) read right, blaming nothing?"""
    if (stem, seed) not in _clean:
        flat = {k: v for k, v in gold.items() if k != "blank"}
        e = Edit(stem, STREAM, "", _stream_text(flat, seed), gold, ())
        v = judge(DebrisEdit(e, "-", ""))
        _clean[(stem, seed)] = not (v.wrong or v.false or v.blamed)
    return _clean[(stem, seed)]


@dataclass
class Verdict:
    silent: list[str] = field(default_factory=list)  # other cells wrong, nothing says so
    wrong: list[str] = field(default_factory=list)  # other cells of the tables not read right
    unnamed: bool = False  # the debris cell not named unread (R-UNREAD)
    false: list[str] = field(default_factory=list)  # errors the document does not earn
    blamed: list[str] = field(default_factory=list)  # other blame it does not earn


def judge(d: DebrisEdit) -> Verdict:
    e = d.edit
    rep = nianbao.parse(e.text.encode("utf-8"))
    v = Verdict()
    unread = set(rep.layout.get("unread") or ())
    said = {c for f in rep.findings if f.rule == "R-UNREAD" for c in f.cells}
    named = {c for f in rep.findings if f.severity != "info" for c in f.cells}
    parts = d.fid.split(".")
    prefixes = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    v.unnamed = not (prefixes & unread and prefixes & said)
    got = rep.get(d.fid)
    if got is not None:
        v.unnamed = True
    blank = set(e.gold.get("blank") or ())
    for fid, want in e.gold.items():
        if fid == d.fid or not fid.startswith(_TABLES):
            continue
        want = None if fid in blank else want
        if rep.get(fid) != want:
            v.wrong.append(f"{fid} {want} read as {rep.get(fid)}")
            if not (_covers(unread, fid) or _covers(named, fid)):
                v.silent.append(v.wrong[-1])
    for fid in blank:
        if (
            fid != d.fid
            and fid not in e.gold
            and fid.startswith(_TABLES)
            and rep.get(fid) is not None
        ):
            v.wrong.append(f"{fid} blank read as {rep.get(fid)}")
    mine = own(e.gold)
    for f in rep.findings:
        if f.rule not in BLAMING or f.severity not in ("error", "warning"):
            continue
        last = f.cells[-1] if f.cells else ""
        if f.rule in ("R-BLANK-CELL", "R-BLANK-ROW"):
            if d.fid not in f.cells and all(c in blank for c in f.cells):
                continue
        elif (f.rule, last) in mine and d.fid not in f.cells:
            continue
        msg = f"{f.rule}: {f.message[:140]}"
        if f.rule in ERRORS and f.severity == "error":
            v.false.append(msg)
        else:
            v.blamed.append(msg)
    return v


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument(
        "--tokens", default=",".join(TOKENS), help="or 'words': WORDS, 'digits': DIGIT_WORDS"
    )
    ap.add_argument("--styles", default=",".join(STYLES))
    ap.add_argument("--show", type=int, default=3)
    ap.add_argument("--every", action="store_true", help="each cell by each token")
    ap.add_argument("--per", type=int, default=0, help="styles per copy, in turn (0: all)")
    args = ap.parse_args()
    named = {"words": WORDS, "digits": DIGIT_WORDS}
    tokens = named.get(args.tokens) or tuple(args.tokens.split(","))
    total = dict.fromkeys(("copies", "silent", "wrong", "unnamed", "false", "blamed"), 0)
    for tok in tokens:
        n = silent = wrong = unnamed = false = blamed = 0
        shown: list[str] = []
        for d in edits((tok,), tuple(args.styles.split(",")), args.every, args.per):
            v = judge(d)
            n += 1
            silent += len(v.silent)
            wrong += len(v.wrong)
            unnamed += v.unnamed
            false += len(v.false)
            blamed += len(v.blamed)
            bad = v.silent + v.wrong + v.false + v.blamed + (["unnamed"] if v.unnamed else [])
            if bad and len(shown) < args.show:
                shown.append(f"  {d.edit.stem} {d.edit.shape} {d.edit.what}: {bad[:3]}")
        print(
            f"{tok!r:7} copies {n:5}  silent {silent:5}  wrong {wrong:5}  unnamed {unnamed:5}"
            f"  false errors {false:4}  other blame {blamed:4}"
        )
        for s in shown:
            print(s)
        for name, x in zip(total, (n, silent, wrong, unnamed, false, blamed)):
            total[name] += x
    if len(tokens) > 1:
        print("all     " + "  ".join(f"{k} {v}" for k, v in total.items()))


if __name__ == "__main__":
    main()
