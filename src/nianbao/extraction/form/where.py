"""Where a table stands by its labels, when the copy did not print it under its heading.

Naive copies move the tables: a script that prints a DOCX's paragraphs and then its tables
puts every table after 六 and the 落款 (or before the title), a CMS page gathers them in an
attachment block at the end, a copy prints them in another order (表四 under 二) or loses a
heading. The national form says what a table is by its labels (表二's 规章 / 行政规范性文件 /
行政许可 …, 表三's rows and columns, 表四's results), not by the heading above it: a table
whose heading's region holds none of its labels is read where its labels stand.

A table's *cluster* is a run of its labels (folded text) with no other table's label between
them and no long gap; it stands for the table when it names at least ``_ENOUGH`` of the
table's labels. Its region is the lines of the cluster, widened back over the lines of its
header (header words, blank lines) and forward over the lines of its values (numbers, blank
cells, header words), never over a heading or another table's cluster. A table that its
heading's region already holds, or that no cluster stands for, keeps the region it had.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from .spec import REQUEST_HEADER_WORDS, HeadingHit, fold_region, fold_text

__all__ = ["headless", "relocate"]

# labels that name one table (folded), and the header words of its columns
_LABELS: dict[str, tuple[str, ...]] = {
    "s2": (
        "第二十条第",
        "规章",
        "规范性文件",
        "行政许可",
        "行政处罚",
        "行政强制",
        "行政事业性收费",
        "政府集中采购",
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "本年新制作",
        "本年新公开",
        "本年收费金额",
    ),
    "s3": (
        "申请人情况",
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "本年新收",
        "上年结转",
        "予以公开",
        "部分公开",
        "不予公开",
        "无法提供",
        "不予处理",
        "其他处理",
        "结转下年度",
    ),
    "s4": ("结果维持", "结果纠正", "其他结果", "尚未审结", "直接起诉", "复议后起诉"),
}
_HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "s2": (
        "第二十条",
        "第",
        "项",
        "信息内容",
        "本年",
        "件数",
        "处理决定数量",
        "收费金额",
        "单位",
        "万元",
        "数量",
    ),
    "s3": (
        "本列数据的勾稽关系为",
        "第一项加第二项之和",
        "等于第三项加第四项之和",
        *REQUEST_HEADER_WORDS,
        "合计",
    ),
    "s4": (
        "行政复议",
        "行政诉讼",
        "未经复议直接起诉",
        "复议后起诉",
        "结果维持",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "维持",
        "纠正",
        "其他",
        "审结",
        "总计",
        "合计",
    ),
}
_ENOUGH = {"s2": 4, "s3": 4, "s4": 3}
_GAP = 600  # folded characters between two labels of one cluster at most
_HITS = re.compile("|".join(sorted({w for ws in _LABELS.values() for w in ws}, key=len)[::-1]))
_KIND = {w: k for k, ws in _LABELS.items() for w in ws}
# what a line of values may hold besides the header words: numbers, units, blanks
_VALUES = re.compile(r"[\s\d.,，|｜¦:：\-—–/\\+%％件万元个次条无]*")
_FOLDED_VALUES = re.compile(r"[\d件万元个次条无%％]*")
_LINES_BACK = 60  # header lines at most before a cluster


@dataclass
class _Cluster:
    kind: str
    first: int  # folded offsets of the first and last label
    last: int
    labels: frozenset[str]


def _clusters(
    k: str, walls: list[int], text: str = "", idx: list[int] | None = None
) -> list[_Cluster]:
    """The runs of one table's labels in the folded text ``k``, in order; no run goes over
    a heading (``walls``: the headings' folded offsets). With ``text`` (and its fold's
    ``idx``), labels that stand in sentences (:func:`_sentence_line`) are left out."""
    out: list[_Cluster] = []
    cur: _Cluster | None = None
    for m in _HITS.finditer(k):
        if idx is not None and _sentence_line(text, idx[m.start()]):
            continue
        kind = _KIND[m.group()]
        if (
            cur is not None
            and cur.kind == kind
            and m.start() - cur.last <= _GAP
            and bisect_left(walls, m.start()) == bisect_left(walls, cur.last)
        ):
            cur.last = m.end()
            cur.labels = cur.labels | {m.group()}
            continue
        cur = _Cluster(kind, m.start(), m.end(), frozenset({m.group()}))
        out.append(cur)
    return out


def _sentence_line(text: str, at: int) -> bool:
    """The line at ``at`` is (part of) a sentence: it holds a sentence end or ends inside one
    (本年度制发规章0件、行政规范性文件3件，办理行政许可1200件、行政处罚35件。 in 一 or 五).
    Labels there are no table's: a table whose own labels are garbled or pictures is not
    moved to them."""
    a, b = _line_bounds(text, at)
    line = text[a:b].strip()
    return bool(_SENTENCE.search(line)) or line.endswith(("，", "、"))


_SENTENCE = re.compile("[。；;]")


def _best(clusters: list[_Cluster], kind: str, lo: int, hi: int) -> _Cluster | None:
    """The cluster of ``kind`` naming most of its labels inside the folded span [lo, hi),
    when it names enough of them."""
    best: _Cluster | None = None
    for c in clusters:
        if c.kind == kind and lo <= c.first and c.last <= hi and len(c.labels) >= _ENOUGH[kind]:
            if best is None or len(c.labels) > len(best.labels):
                best = c
    return best


def _residue(line: str, kind: str) -> str:
    """A line's folded text less the header words of ``kind``'s table."""
    k = fold_text(line)
    for w in sorted(_HEADER_WORDS[kind] + _LABELS[kind], key=len, reverse=True):
        k = k.replace(w, "")
    return k


def _header_line(line: str, kind: str) -> bool:
    """A line that may stand in a table's header: blank, or only its header words."""
    if not line.strip():
        return True
    if any(ch.isdigit() for ch in line) or "。" in line or len(line) > 200:
        return False
    return not _residue(line, kind)


def _value_line(line: str, kind: str) -> bool:
    """A line that may stand among a table's values: numbers, blank cells, header words."""
    if _VALUES.fullmatch(line):
        return True
    if "。" in line or len(line) > 400:
        return False
    return bool(_FOLDED_VALUES.fullmatch(_residue(line, kind)))


def _prose(text: str, a: int, b: int) -> bool:
    """The region's lines (whole: a copy printed on one line has its tables and its
    sentences on the same line) hold sentences only (each line that holds anything ends
    one) and no row of numbers, and the text goes on after them (a text cut inside a table
    is no proof of prose)."""
    if a < len(text) and text[a] != "\n":
        a = _line_bounds(text, a)[0]
    b = _line_bounds(text, max(a, b - 1))[1]
    if b >= len(text.rstrip()):
        return False
    lines = [ln.strip() for ln in text[a:b].split("\n") if ln.strip()]
    return (
        bool(lines)
        and all(ln.endswith(("。", "；", ";")) for ln in lines)
        and not _NUMBER_ROW.search(text, a, b)
    )


# four numbers with only blanks or pipes between them: a table's row, not a sentence's
_NUMBER_ROW = re.compile(r"\d(?:[ \t\u3000|｜¦]+\d+){3}")
_NUMBERS_ALONE = 5  # lines of numbers alone that hold a table's (one cell a line)


def _holds_numbers(text: str, a: int, b: int) -> bool:
    """Does the region hold a table's numbers: a row of them (:data:`_NUMBER_ROW`), or
    ``_NUMBERS_ALONE`` lines of numbers alone?"""
    if _NUMBER_ROW.search(text, a, b):
        return True
    n = 0
    for line in text[a:b].split("\n"):
        s = line.strip()
        if s and _VALUES.fullmatch(s) and any(ch.isdigit() for ch in s):
            n += 1
            if n >= _NUMBERS_ALONE:
                return True
    return False


def _line_bounds(text: str, at: int) -> tuple[int, int]:
    a = text.rfind("\n", 0, at) + 1
    b = text.find("\n", at)
    return a, len(text) if b < 0 else b


def _region(text: str, c: _Cluster, idx: list[int], lo: int, hi: int) -> tuple[int, int]:
    """The text offsets of a cluster's table: its lines, widened back over its header's lines
    and forward over its values' lines, inside [lo, hi)."""
    first, last = idx[c.first], idx[c.last - 1] + 1
    a, _ = _line_bounds(text, first)
    a = max(a, lo)
    for _ in range(_LINES_BACK):
        if a <= lo or a == 0:
            break
        pa, _e = _line_bounds(text, a - 1)
        pa = max(pa, lo)
        if not _header_line(text[pa : a - 1], c.kind):
            break
        a = pa
    _s, b = _line_bounds(text, last - 1)
    b = min(b, hi)
    while b < hi:
        nb = text.find("\n", b + 1)
        nb = hi if nb < 0 or nb > hi else nb
        if not _value_line(text[b + 1 : nb], c.kind):
            break
        b = nb
    return a, b


# the last call's arguments and what it gave (the extraction and the form reading ask it of
# the same text, headings and regions in turn)
_last_relocated: tuple[tuple[object, ...], dict[str, tuple[int, int]]] | None = None


def relocate(
    text: str, heads: dict[str, HeadingHit], regions: dict[str, tuple[int, int]]
) -> dict[str, tuple[int, int]]:
    """``regions`` with each table whose region holds no cluster of its labels moved to the
    region of its labels' best cluster elsewhere (see the module's docstring); ``regions``
    itself when no table moves."""
    global _last_relocated
    asked = (text, tuple(sorted(heads.items())), tuple(regions.items()))
    last = _last_relocated
    if last is not None and last[0] == asked:
        return regions if last[1] == regions else dict(last[1])
    out = _relocate(text, heads, regions)
    _last_relocated = (asked, dict(out))
    return out


def _relocate(
    text: str, heads: dict[str, HeadingHit], regions: dict[str, tuple[int, int]]
) -> dict[str, tuple[int, int]]:
    # the text folded piece by piece between the offsets asked below, so that the folded
    # offset of each (the kept characters before it, as ``bisect_left`` of the fold's
    # offsets gives it) is counted on the way: the fold's offsets themselves are made only
    # when a table moves
    n = len(text)
    marks = {h.start for h in heads.values()} | {x for r in regions.values() for x in r}
    counts: dict[int, int] = {}
    pieces: list[str] = []
    at = before = 0
    for p in sorted({min(max(x, 0), n) for x in marks} | {n}):
        pieces.append(fold_text(text[at:p]))
        before += len(pieces[-1])
        at = p
        counts[p] = before
    k = "".join(pieces)
    if not k:
        return regions

    def folded(pos: int) -> int:
        return counts[min(max(pos, 0), n)]

    walls = sorted(folded(h.start) for h in heads.values())
    clusters = _clusters(k, walls)

    lacking = [
        key
        for key, (a, b) in regions.items()
        if key in _LABELS
        and _best(clusters, key, folded(a), folded(b)) is None
        and not (
            # its numbers there and no other table's labels: its labels cut or garbled
            # (pdfplumber's 表四 header 「维持 纠正 果 审结」), never moved to a sentence
            # naming them (一's 行政复议351件，其中结果维持72件，结果纠正64件，其他结果…)
            _holds_numbers(text, a, b)
            and not any(_best(clusters, o, folded(a), folded(b)) for o in _LABELS if o != key)
        )
    ]
    if not lacking:
        return regions
    k, idx = fold_region(text, 0, len(text))
    kept = {key: r for key, r in regions.items() if key not in lacking}
    out = dict(regions)
    taken: list[tuple[int, int]] = [r for r in kept.values() if r[0] < r[1]]
    bounds = sorted({h.start for h in heads.values()} | {h.end for h in heads.values()})
    tables = _clusters(k, walls, text, idx)  # the places a table may move to
    for key in lacking:
        c = _best(tables, key, 0, len(k))
        if c is None:
            a, b = regions[key]
            if _prose(text, a, b):
                # sentences about the table (本年度共收到申请6件，上年结转0件。), no table:
                # their words and numbers are no rows
                out[key] = (a, a)
            continue
        first, last = idx[c.first], idx[c.last - 1] + 1
        if any(a < last and first < b for a, b in taken):
            continue  # its labels stand in another table's region: not this one's place
        region = _bounded(text, c, idx, clusters, bounds, taken)
        out[key] = region
        taken.append(region)
    return out


def _bounded(
    text: str,
    c: _Cluster,
    idx: list[int],
    clusters: list[_Cluster],
    bounds: list[int],
    taken: list[tuple[int, int]],
) -> tuple[int, int]:
    """A cluster's region between the headings (``bounds``: their starts and ends), the
    other tables' clusters and the regions ``taken`` around it."""
    first, last = idx[c.first], idx[c.last - 1] + 1
    lo = max([b for b in bounds if b <= first] + [0])
    hi = min([a for a in bounds if a >= last] + [len(text)])
    for o in clusters:
        if o.kind != c.kind and len(o.labels) >= _ENOUGH[o.kind]:
            if o.last <= c.first:
                lo = max(lo, idx[o.last - 1] + 1)
            elif o.first >= c.last:
                hi = min(hi, idx[o.first])
    for a, b in taken:
        if b <= first:
            lo = max(lo, b)
        elif a >= last:
            hi = min(hi, a)
    return _region(text, c, idx, lo, hi)


def headless(text: str, heads: dict[str, HeadingHit]) -> dict[str, tuple[int, int]]:
    """Where the tables whose heading is not found stand by their labels (their best
    cluster's region, see the module's docstring); tables no cluster stands for are left
    out."""
    missing = [key for key in _LABELS if key not in heads]
    if not missing:
        return {}
    k, idx = fold_region(text, 0, len(text))
    if not k:
        return {}
    walls = sorted(bisect_left(idx, h.start) for h in heads.values())
    clusters = _clusters(k, walls)
    tables = _clusters(k, walls, text, idx)
    bounds = sorted({h.start for h in heads.values()} | {h.end for h in heads.values()})
    out: dict[str, tuple[int, int]] = {}
    for key in missing:
        c = _best(tables, key, 0, len(k))
        if c is not None:
            out[key] = _bounded(text, c, idx, clusters, bounds, [])
    return out
