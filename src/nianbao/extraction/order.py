"""Column words a copy prints out of the form's order: the cells' order is not the document's.

Words of one header row of the national form — 表二's 本年制发件数 / 本年废止件数 / 现行有效件数,
表三's 商业企业 / 科研机构 / 社会公益组织 / 法律服务机构, 表四's 结果维持 / 结果纠正 / 其他结果 /
尚未审结 — stand side by side at one height, so any faithful copy prints them in that order.
A copy that prints them otherwise was put in order by something other than the page (OCR
boxes sorted by their height, whose neighbours a pixel apart change places): the numbers of
the rows below, read in the same way, may have changed places too, and no sum tells two
applicant columns apart. The tool then says that the cells were read in the copy's order,
which the copy itself shows is not the page's (R-HEADER-GARBLED), naming every row it read
in that table and, one pass of one tool having made the whole copy, in the other tables
too; it changes no value. Words a sentence quotes (本年度结果纠正 1 件、结果维持 2 件) are
no header row: words with a number or a sentence's punctuation between them stand in no
one row.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ..readers.normalize import to_simplified
from .context import Ctx
from .form.spec import fold, fold_text

# one header row's words in the form's order, each word with its spellings
_GROUPS: tuple[tuple[str, tuple[tuple[str, ...], ...]], ...] = (
    (
        "s2",
        (("本年制发件数", "本年制发"), ("本年废止件数", "本年废止"), ("现行有效件数", "现行有效")),
    ),
    ("s2", (("本年新制作数量",), ("本年新公开数量",), ("对外公开总数量",))),
    (
        "s3",
        (("商业企业",), ("科研机构",), ("社会公益组织", "社会组织", "公益组织"), ("法律服务机构",)),
    ),
    ("s4", (("结果维持",), ("结果纠正",), ("其他结果",), ("尚未审结",))),
)
_NAMES = {"s2": "表二", "s3": "表三", "s4": "表四"}
_GAP = 80  # folded characters between two words of one header
# what never stands between two words of one header row: a number, a sentence's punctuation
_APART = re.compile(r"[\d０-９，。；、：,;:]")


def _sequence(k: str, words: tuple[tuple[str, ...], ...]) -> list[tuple[int, int, int]]:
    """(position in ``k``, index of the word, its length) of every word found, in text
    order; a shorter spelling inside a longer one found at the same place counts once."""
    hits: dict[int, tuple[int, int]] = {}
    for n, spellings in enumerate(words):
        for sp in sorted(spellings, key=len, reverse=True):
            at = k.find(sp)
            while at >= 0:
                if not any(a <= at < a + ln for a, (ln, _m) in hits.items()):
                    hits[at] = (len(sp), n)
                at = k.find(sp, at + 1)
    return sorted((a, n, ln) for a, (ln, n) in hits.items())


def _scrambled(
    seq: list[tuple[int, int, int]], between: Callable[[int, int], str] = lambda a, b: ""
) -> list[list[int]]:
    """The header rows (each word at most once, words close together, nothing between
    them that a header row does not hold: ``between(a, b)`` is the copy's text between
    folded positions ``a`` and ``b``) whose words do not stand in the form's order; each as
    the order printed."""
    bad: list[list[int]] = []
    row: list[int] = []
    last = end = -(10**9)
    for at, n, ln in seq + [(10**9, -1, 0)]:
        if n in row or at - last > _GAP or n < 0 or (row and _APART.search(between(end, at))):
            if len(row) >= 3 and row != sorted(row):
                bad.append(row)
            row = []
        if n >= 0:
            row.append(n)
            last, end = at, at + ln
    return bad


def header_order(ctx: Ctx, sec_of: list[str | None]) -> None:
    """Say where a table's header row prints its words out of the form's order; and, the
    whole copy's order being then in doubt (one pass of one tool made it), name the other
    tables' rows read in the copy's order too."""
    blocks = ctx.doc.blocks
    text = ctx.doc.text
    seen: list[tuple[str, str, str]] = []  # (table, the form's words, as printed)
    for key_ in ("s2", "s3", "s4"):
        spans = [(b.start, b.end) for b, s in zip(blocks, sec_of) if s == key_ and b.start >= 0]
        if not spans:
            continue
        a = min(s for s, _e in spans)
        b = max(e for _s, e in spans)
        plain = to_simplified(text[a:b])
        k = fold_text(plain)
        idx: list[int] = []  # (the folded text's offsets in ``plain``: made when needed)

        def between(i: int, j: int, plain: str = plain, idx: list[int] = idx) -> str:
            if not idx:
                idx += fold(plain)[1]
            return plain[idx[i - 1] + 1 : idx[j]] if 0 < i <= j < len(idx) else ""

        for sec, words in _GROUPS:
            if sec != key_:
                continue
            seq = _sequence(k, words)
            if all(x[1] <= y[1] for x, y in zip(seq, seq[1:])):
                continue  # the words in the form's order wherever they stand: no row out of it
            bad = _scrambled(seq, between)
            if bad:
                form = "、".join(w[0] for w in words)
                printed = "、".join(words[n][0] for n in bad[0])
                seen.append((key_, form, printed))
    if not seen:
        return
    for key_, prefixes in (
        ("s2", ("active", "active2019")),
        ("s3", ("requests",)),
        ("s4", ("reviews",)),
    ):
        cells: dict[str, list[str]] = {}
        for fid in ctx.report.values:
            if fid.split(".", 1)[0] in prefixes:
                cells.setdefault(fid.rsplit(".", 1)[0], []).append(fid)
        # a printed row whose cells all hold one number (all 0) reads the same in any
        # order: not named (表四 prints its three groups in one row)
        units = [list(cells)] if key_ == "s4" else [[r] for r in cells]
        rows = sorted(
            r
            for unit in units
            if {ctx.report.values[f].value for r in unit for f in cells[r]} - {0}
            for r in unit
        )
        if not rows:
            continue
        own = next((s for s in seen if s[0] == key_), None)
        where, form, printed = own or seen[0]
        ctx.finding(
            "R-HEADER-GARBLED",
            "warning",
            rows,
            f"{_NAMES[where]}表头同一行的「{form}」在所读文本中的次序是「{printed}」，与原表不同："
            "这份文本（多为文字识别按位置排列的结果）打乱了单元格的先后次序，"
            f"本工具按文本次序读取的{_NAMES[key_]}数值可能错列。"
            "这是本工具的读取局限，请对照原件核对。",
        )
