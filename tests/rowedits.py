"""Copies of the golds with one of 表二's or 表三's rows edited the ways real copies are:
a note line (注1：…。) holding a row's keyword standing above a row whose label is garbled,
two labels garbled at once (both of 表三's total rows), a row deleted with a note in its
place, a label reduced to its ordinal (「3.其他」 -> 「3」), a label every character of which
is misread, a label lost whole. Each edit is applied over every
row of every gold in several shapes; :func:`judge` counts what the reading got wrong
silently and what it blamed the document for that the document does not earn.

    python -m tests.rowedits [--kind K[,K…]] [--show N]
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import nianbao
from nianbao.report import Report, Value
from nianbao.schema import REQUEST_ROW_LABELS

from .shapes import render_shape, sources

SHAPES = ("pipe-bare", "cell-pipe", "cell-blank", "cell-bar", "flat-spaced")
# the words a note starts with (the form's notes below a table, a compiler's remarks)
NOTE_HEADS = ("注：", "注1：", "说明：", "备注：", "附注：", "注 2:")
ACTIVE_2021 = ("规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费")
ACTIVE_2019 = (
    "规章",
    "规范性文件",
    "行政许可",
    "其他对外管理服务事项",
    "行政处罚",
    "行政强制",
    "行政事业性收费",
    "政府集中采购",
)
# 表三's group labels (a row's label may follow one in the copy)
GROUPS = (
    "三、本年度办理结果",
    "（三）不予公开",
    "（四）无法提供",
    "（五）不予处理",
    "（六）其他处理",
)
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．])")
ERRORS = frozenset(
    {"R-SUM-ROW", "R-SUM-RESULTS", "R-BALANCE", "R-SUBTOTAL", "R-REVIEW-TOTAL", "R-NEGATIVE"}
)
BLAMING = ERRORS | {
    "R-SECTIONS",
    "R-TABLE-MISSING",
    "R-ROW-MISSING",
    "R-BLANK-ROW",
    "R-BLANK-CELL",
}


def garble(label: str, n: int, how: str, at: int) -> str:
    """``label`` with ``n`` characters from ``at`` lost ("drop"), misread ("ocr") or shown
    as a mark (any other ``how``: ※, U+FFFD)."""
    if how == "drop":
        return label[:at] + label[at + n :]
    if how == "ocr":
        look = "口日目曰人入八几己已巳土士干千未末"
        sub = "".join(
            look[(ord(label[min(at + i, len(label) - 1)]) + i) % len(look)] for i in range(n)
        )
        return label[:at] + sub + label[at + n :]
    return label[:at] + how * n + label[at + n :]


def words(label: str) -> str:
    """A label without its ordinal (the words a note would repeat)."""
    w = _ORDINAL.sub("", label)
    return w.split("（")[0] or w


def note(head: str, label: str) -> str:
    return f"{head}{words(label)}的申请已按规定办理。"


@dataclass
class Edit:
    """One edited copy: the text, the gold it should read as, the rows it touched."""

    stem: str
    shape: str
    what: str
    text: str
    gold: dict[str, Any]
    rows: tuple[str, ...]  # ids of the rows deleted (their R-ROW-MISSING is earned)


def _labels(gold: dict[str, Any], table: str) -> list[tuple[str, str]]:
    """(row id prefix, label) of a table's rows in the form's order."""
    if table == "s3":
        rows = [r for r in REQUEST_ROW_LABELS if f"requests.{r}.total" in gold]
        return [(f"requests.{r}.", REQUEST_ROW_LABELS[r]) for r in rows]
    if any(k.startswith("active2019.") for k in gold):
        return [(f"active2019.{_RID19[w]}.", w) for w in ACTIVE_2019]
    return [(f"active.{_RID21[w]}", w) for w in ACTIVE_2021]


_RID21 = dict(
    zip(ACTIVE_2021, ("regulations", "normative", "licensing", "penalty", "coercion", "fees"))
)
_RID19 = dict(
    zip(
        ACTIVE_2019,
        (
            "regulations",
            "normative",
            "licensing",
            "other_services",
            "penalty",
            "coercion",
            "fees",
            "procurement",
        ),
    )
)


def _starts(text: str, labels: list[str]) -> dict[str, int]:
    """Where each label (and 表三's group labels) stands, for labels printed once; labels of
    表二 are looked for after section 二's heading and before section 三's."""
    lo = text.find("二、主动公开政府信息情况")
    hi = text.find("三、收到和处理政府信息公开申请情况")
    out: dict[str, int] = {}
    for lab in labels:
        if lab in ACTIVE_2019 or lab in ACTIVE_2021:
            # in section 二's table (not in prose; 规范性文件 not inside 行政规范性文件)
            hits = [
                lo + m.start()
                for m in re.finditer(re.escape(lab), text[lo:hi])
                if lab != "规范性文件" or text[lo + m.start() - 2 : lo + m.start()] != "行政"
            ]
            if len(hits) == 1:
                out[lab] = hits[0]
        elif text.count(lab) == 1:
            out[lab] = text.index(lab)
    return out


def _line_start(text: str, at: int) -> int:
    return text.rfind("\n", 0, at) + 1


def _insert_note(text: str, at: int, line: str, others: list[int]) -> str:
    """``line`` set before the label at ``at``: on a line of its own above the label's line
    when that line holds no other label, else in the line before the label."""
    ls = _line_start(text, at)
    le = text.find("\n", at)
    le = len(text) if le < 0 else le
    if not any(ls <= o < le and o != at for o in others):
        return text[:ls] + line + "\n" + text[ls:]
    return text[:at] + line + "\n" + text[at:]


def edits(kinds: tuple[str, ...], tables: tuple[str, ...] = ("s2", "s3")) -> Iterator[Edit]:
    """Every edit of ``kinds`` over every row of ``tables`` of every gold in :data:`SHAPES`."""
    for stem, gold in sources():
        for shape in SHAPES:
            text = render_shape(gold, shape, 0).text
            for table in tables:
                rows = _labels(gold, table)
                if not rows:
                    continue
                labels = [lab for _, lab in rows]
                at = _starts(text, labels + (list(GROUPS) if table == "s3" else []))
                others = list(at.values())
                for kind in kinds:
                    yield from _edit(kind, stem, shape, text, gold, rows, at, others)


def _edit(
    kind: str,
    stem: str,
    shape: str,
    text: str,
    gold: dict[str, Any],
    rows: list[tuple[str, str]],
    at: dict[str, int],
    others: list[int],
) -> Iterator[Edit]:
    n = len(rows)
    for i, (prefix, label) in enumerate(rows):
        if label not in at:
            continue
        pos = at[label]
        hows = ("ocr", "drop", "※")
        how = hows[i % 3]
        head = NOTE_HEADS[i % len(NOTE_HEADS)]
        written = (
            garble(label, 2, how, len(label) // 3) if len(label) > 3 else garble(label, 1, how, 1)
        )
        if kind == "note":
            # a note holding a neighbour's keyword (or the row's own) above its garbled label
            for j in (i - 1, i + 1, i):
                if not 0 <= j < n:
                    continue
                t = text[:pos] + written + text[pos + len(label) :]
                t = _insert_note(t, pos, note(head, rows[j][1]), others)
                yield Edit(stem, shape, f"note[{rows[j][1]}] above {written}", t, gold, ())
        elif kind == "note-clean":
            # the same notes above a label that is not garbled
            for j in (i - 1, i + 1):
                if not 0 <= j < n:
                    continue
                t = _insert_note(text, pos, note(head, rows[j][1]), others)
                yield Edit(stem, shape, f"note[{rows[j][1]}] above {label}", t, gold, ())
        elif kind == "delete":
            # the row deleted from the copy, a note holding a keyword in its place
            nxt = min((o for o in others if o > pos), default=-1)
            if nxt < 0:
                continue
            ids = [k for k in gold if k.startswith(prefix)]
            g = {k: v for k, v in gold.items() if k not in ids}
            g["blank"] = [c for c in gold.get("blank") or () if c not in ids]
            for j in (i, i - 1, i + 1):
                if not 0 <= j < n:
                    continue
                t = text[:pos] + note(head, rows[j][1]) + "\n" + text[nxt:]
                yield Edit(stem, shape, f"{label} deleted, note[{rows[j][1]}]", t, g, (prefix,))
        elif kind == "ordinal":
            m = _ORDINAL.match(label)
            if not m:
                continue
            for o in {m.group().rstrip(".．"), m.group()}:
                t = text[:pos] + o + text[pos + len(label) :]
                yield Edit(stem, shape, f"{label} -> {o}", t, gold, ())
        elif kind in ("misread", "lost"):
            # every character of the label misread (an OCR of a smudged cell), or the label
            # lost whole (its numbers kept)
            w = garble(label, len(label), "ocr", 0) if kind == "misread" else ""
            t = text[:pos] + w + text[pos + len(label) :]
            yield Edit(stem, shape, f"{label} -> {w!r}", t, gold, ())
        elif kind == "pair":
            # this row's label and another's garbled at once (both totals among them)
            for j in range(i + 1, n):
                other = rows[j][1]
                if other not in at:
                    continue
                if not (j == i + 1 or {label, other} <= _TOTALS or label in _TOTALS):
                    continue
                w2 = garble(other, 2, hows[(j + 1) % 3], len(other) // 3)
                if len(other) <= 3:
                    w2 = garble(other, 1, hows[(j + 1) % 3], 1)
                p2 = at[other]
                t = text[:p2] + w2 + text[p2 + len(other) :]
                t = t[:pos] + written + t[pos + len(label) :]
                yield Edit(stem, shape, f"{written} + {w2}", t, gold, ())


_TOTALS = {REQUEST_ROW_LABELS["new"], REQUEST_ROW_LABELS["processed_total"]}


# ---------------------------------------------------------------------- judging
_OWN: dict[tuple[Any, ...], set[tuple[str, str]]] = {}


def own(gold: dict[str, Any]) -> set[tuple[str, str]]:
    """(rule, last cell) of the findings the document itself earns (its gold checked)."""
    from nianbao.checks.engine import check

    key = tuple(sorted((k, str(v)) for k, v in gold.items()))
    if key not in _OWN:
        rep = Report.from_flat({k: v for k, v in gold.items() if k != "blank"})
        for fid in gold.get("blank") or ():
            rep.values[fid] = Value(None, "")
        _OWN[key] = {(f.rule, f.cells[-1] if f.cells else "") for f in check(rep).findings}
    return _OWN[key]


def _covers(refs: set[str], fid: str) -> bool:
    parts = fid.split(".")
    return any(".".join(parts[:i]) in refs for i in range(1, len(parts) + 1))


@dataclass
class Verdict:
    silent: list[str] = field(default_factory=list)  # cells read wrong, nothing says so
    false: list[str] = field(default_factory=list)  # errors the document does not earn
    blamed: list[str] = field(default_factory=list)  # other blame it does not earn


def judge(e: Edit) -> Verdict:
    rep = nianbao.parse(e.text.encode("utf-8"))
    v = Verdict()
    layout = rep.layout if isinstance(rep.layout, dict) else {}
    unread = set(layout.get("unread") or ()) | set(
        (layout.get("truncated") or {}).get("cells") or ()
    )
    named = {c for f in rep.findings if f.severity != "info" for c in f.cells}
    blank = set(e.gold.get("blank") or ())
    for fid, want in e.gold.items():
        if not fid.startswith(("requests.", "active.", "active2019.", "reviews.")):
            continue
        want = None if fid in blank else want
        got = rep.get(fid)
        if got == want or _covers(unread, fid) or _covers(named, fid):
            continue
        v.silent.append(f"{fid} {want} read as {got}")
    mine = own(e.gold)
    for f in rep.findings:
        if f.rule not in BLAMING or f.severity not in ("error", "warning"):
            continue
        last = f.cells[-1] if f.cells else ""
        if f.rule in ("R-BLANK-CELL", "R-BLANK-ROW"):
            if all(c in blank or e.gold.get(c, 0) is None for c in f.cells):
                continue
        elif (f.rule, last) in mine:
            continue
        if f.rule == "R-ROW-MISSING" and any(c.startswith(e.rows) for c in f.cells if e.rows):
            continue
        msg = f"{f.rule}: {f.message[:140]}"
        if f.rule in ERRORS and f.severity == "error":
            v.false.append(msg)
        else:
            v.blamed.append(msg)
    return v


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--kind", default="note,note-clean,pair,delete,ordinal,misread,lost")
    ap.add_argument("--tables", default="s2,s3")
    ap.add_argument("--show", type=int, default=3)
    args = ap.parse_args()
    for kind in args.kind.split(","):
        n = silent = false = blamed = 0
        bad_s = bad_f = bad_b = 0
        shown: list[str] = []
        for e in edits((kind,), tuple(args.tables.split(","))):
            v = judge(e)
            n += 1
            silent += len(v.silent)
            false += len(v.false)
            blamed += len(v.blamed)
            bad_s += bool(v.silent)
            bad_f += bool(v.false)
            bad_b += bool(v.blamed)
            if (v.silent or v.false or v.blamed) and len(shown) < args.show:
                shown.append(
                    f"  {e.stem} {e.shape} {e.what}: {(v.silent + v.false + v.blamed)[:2]}"
                )
        print(
            f"{kind:11} copies {n:5}  silent cells {silent:5} ({bad_s} copies)  "
            f"false errors {false:4} ({bad_f})  other blame {blamed:4} ({bad_b})"
        )
        for s in shown:
            print(s)


if __name__ == "__main__":
    main()
