"""Rows whose label the keywords did not find because it is garbled in the copy (an OCR
slip, a typo, characters lost to an encoding error: 「四、结※※年度继续办理」).

The form fixes the rows' order, so a row the chain of labels skipped stands, if anywhere,
between the labels found for its neighbours: after the first neighbour's numbers, as a run
of text followed by the row's own numbers. Such a text is taken for the skipped row's label

* when it is close to that label (at most half its characters differ, and no other row of
  the form is as close): the row is read, and a finding names the label as written; or
* when it is the only text between the neighbours, a single row is skipped there, and the
  text shares a third of the label's characters: the row is read by its place in the form
  (the finding says so).

A text that is only somewhat like a skipped row's label (a third of its characters), where
the above leave a doubt, makes the row unread: its label may be there, garbled beyond
recognition, so the row is never called missing and its numbers go to no other row. So does
the only text where the only skipped row stands when it shares no two characters with any
other label (every character misread), and a label reduced to its ordinal (「3」 or 「3.」
for 3.其他, 「四、」 for 四、结转下年度继续办理); a bare number there reads as a value, so the
row before it is unread too (the number may be its). Notes (注1：…。) are blank here: the
form reading drops them before (``normalize.drop_notes``).

A text closer to another row's label or to a group label (（三）不予公开) is neither; one
run on from the previous label with no separator (its rest, in words not the form's) is
taken only when it starts as the row's label does; the rows after the last label of a text
that ends in the table are left to the truncation finding. Rows found so are read like any
other (their separators place the blanks) and said: R-LABEL-TYPO, or R-UNREAD.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from .spec import ACTIVE_HEADER_WORDS, REQUEST_HEADER_WORDS, SEP, RowSpec
from .tokens import LabelHit, tokenize

# the row's own words, without the group label printed before the first row of a group
# (三、本年度办理结果 （一）…, （三）不予公开 1.…) or the note after 部分公开
_CORE: dict[str, tuple[str, ...]] = {
    "granted": ("一予以公开",),
    "partial": ("二部分公开区分处理的只计这一情形不计其他情形", "二部分公开"),
    "denied.state_secret": ("1属于国家秘密",),
    "unable.not_held": ("1本机关不掌握相关政府信息",),
    "rejected.petition": ("1信访举报投诉类申请",),
}
# group labels printed before a group's first row: a text closest to one of them is no
# row's label (（三）不予公开 is not （一）予以公开)
_GROUPS = ("三本年度办理结果", "三不予公开", "四无法提供", "五不予处理", "六其他处理")
# the column words of the tables' headers, folded: a text before the first row that is a
# piece of one (法律服务 / 机构, a word broken over lines) is no row's label
_HEADER_WORDS = REQUEST_HEADER_WORDS + ACTIVE_HEADER_WORDS
_MAX_SEGMENT = 80  # folded characters: a longer text is prose, no row label
_MAX_SEGMENTS = 12  # texts in one gap: more is prose, not rows
_MAX_TAIL = 3  # characters after the label before its values (the label ends the text)


@dataclass
class Garbled:
    """A row found by its garbled label: where (folded offsets), the text as written, and
    how it was taken: "label" (close to the label), "place" (the only text where the row
    stands) or "unread" (the text may be its label; not read)."""

    row: int
    a: int
    b: int
    how: str


def cores(spec: RowSpec) -> tuple[str, ...]:
    """The row's label as the copy may print it, folded."""
    return _CORE.get(spec.rid, (spec.label,))


def _score(labels: tuple[str, ...], seg: str) -> tuple[float, int, int, int, int, str]:
    """The closest of a row's labels to the end of ``seg``: (share of its characters that
    differ, edit distance, characters matched, start, end of the stretch, the label)."""
    best: tuple[float, int, int, int, int, str] | None = None
    for label in labels:
        d, m, s, e = align(label, seg)
        cand = (d / len(label), d, m, s, e, label)
        if best is None or cand[:3] < best[:3]:
            best = cand
    assert best is not None
    return best


def align(label: str, seg: str) -> tuple[int, int, int, int]:
    """The label against its best-matching stretch of ``seg`` (free text before and after
    it): (edit distance, characters matched, start, end of the stretch in ``seg``)."""
    n = len(seg)
    # cost, -matched, start of the stretch
    prev = [(0, 0, j) for j in range(n + 1)]
    for i in range(1, len(label) + 1):
        ch = label[i - 1]
        cur = [(i, 0, 0)]
        for j in range(1, n + 1):
            d, m, s = prev[j - 1]
            same = ch == seg[j - 1]
            best = (d + (not same), m - same, s)
            d2, m2, s2 = prev[j]
            if (d2 + 1, m2, s2) < best:
                best = (d2 + 1, m2, s2)
            d3, m3, s3 = cur[j - 1]
            if (d3 + 1, m3, s3) < best:
                best = (d3 + 1, m3, s3)
            cur.append(best)
        prev = cur
    end = min(range(n + 1), key=lambda j: (prev[j][0], prev[j][1], j))
    d, m, s = prev[end]
    return d, -m, s, end


def _segments(
    text: str, lo: int, hi: int, a: int, idx: list[int], k: str, ordinals: set[str]
) -> list[tuple[int, int, bool, bool]]:
    """The stretches of text (no value among them) between ``lo`` and ``hi`` (text offsets)
    as folded offsets (start, end), whether values stand before it in the gap and whether
    values follow it before the next stretch. A digit in ``ordinals`` run into the text
    after it, a separator before it, is the text's (3士干入: the ordinal of 3.其他)."""
    out: list[tuple[int, int, bool, bool]] = []
    start = end = -1
    seen_value = False
    before = False
    toks = tokenize(text, lo, hi)
    glued = {
        n
        for n, t in enumerate(toks[:-1])
        if t.kind == "v"
        and t.text in ordinals
        and toks[n + 1].kind == "t"
        and toks[n + 1].start == t.end
        and (n == 0 or toks[n - 1].kind == "s")
    }
    for n, t in enumerate(toks):
        if n in glued:
            continue
        if t.kind == "v":
            if start >= 0:
                out.append((start, end, before, True))
                start = -1
            seen_value = True
        elif t.kind == "t":
            ts = toks[n - 1].start if n - 1 in glued else t.start
            fs = bisect_left(idx, ts - a)
            fe = bisect_left(idx, t.end - a)
            if fe <= fs:
                continue
            if start < 0:
                start, before = fs, seen_value
            end = fe
    if start >= 0:
        out.append((start, end, before, False))
    return [s for s in out if any(not ch.isdigit() for ch in k[s[0] : s[1]])]


# characters that stand for others lost (an encoding error, an OCR reject)
_LOST = frozenset("※\ufffd□■?？")


def _apart(text: str, at: int, lo: int) -> bool:
    """Does the text at ``at`` stand apart from what is before it (a separator or a number
    before its opening bracket), not run on from the text at ``lo``?"""
    i = at
    while i > lo and text[i - 1] in "（(“\"'【[《":
        i -= 1
    return i > lo and (text[i - 1] in SEP or text[i - 1].isdigit())


def _worded(seg: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" or ch in _LOST for ch in seg)


def _split_at_sentences(
    segs: list[tuple[int, int, bool, bool]], k: str, idx: list[int], text: str, a: int
) -> list[tuple[int, int, bool, bool]]:
    """Texts cut after a sentence's end (。): a note between two rows (注：本表…。) is no
    part of the next row's label, which follows it as a text of its own."""
    out: list[tuple[int, int, bool, bool]] = []
    for fs, fe, before, after in segs:
        end = text.rfind("。", a + idx[fs], a + idx[fe - 1])
        cut = bisect_left(idx, end - a) if end >= 0 else fe
        if fs < cut < fe - 1 and _worded(k[cut:fe]):
            out += [(fs, cut, before, False), (cut, fe, before, after)]
        else:
            out.append((fs, fe, before, after))
    return out


def _split_at_groups(
    segs: list[tuple[int, int, bool, bool]], k: str
) -> list[tuple[int, int, bool, bool]]:
    """Texts that run across a group label (a blank row's label, then 三、本年度办理结果
    （一）…: no value between them) cut before it: the blank row's label is a text of its
    own, the group label starts the next (where the row's label follows it)."""
    out: list[tuple[int, int, bool, bool]] = []
    for fs, fe, before, after in segs:
        cuts = sorted(
            i
            for grp in _GROUPS
            if (i := k.find(grp, fs, fe)) - fs >= 2
            and fe - (i + len(grp)) >= 2
            and _worded(k[fs:i])
        )
        if not cuts:
            out.append((fs, fe, before, after))
            continue
        i = cuts[0]
        out += [(fs, i, before, False), (i, fe, before, after)]
    return out


def recover(
    hits: list[LabelHit],
    form: tuple[RowSpec, ...],
    k: str,
    idx: list[int],
    text: str,
    a: int,
    b: int,
    lead: int | None,
    spans: list[tuple[int, int]],
    skipped: set[str],
    groups: bool = False,
) -> list[Garbled]:
    """The skipped rows of the chain ``hits`` found by their garbled labels (see the module).
    ``spans`` are the folded spans of the hits' labels (grown to the whole label); ``lead``
    the folded offset after the table's header (None: rows before the first hit are not
    looked for); ``skipped`` the rows the chain may pass over without a doubt (the other
    layout's rows of （六）); ``groups``: 表三's group labels compete with the rows'."""
    out: list[Garbled] = []
    labels = [cores(s) for s in form] + ([(g,) for g in _GROUPS] if groups else [])
    cut = b >= len(text.rstrip())  # the text ends in the table: the rows after it are cut
    # (first row, last row + 1, folded lo, hi, after a label found: not the header's end)
    bounds: list[tuple[int, int, int, int, bool]] = []
    if hits and lead is not None and hits[0].row > 0 and lead < spans[0][0]:
        bounds.append((0, hits[0].row, lead, spans[0][0], False))
    for i, h in enumerate(hits):
        nxt = hits[i + 1] if i + 1 < len(hits) else None
        first, last = h.row + 1, nxt.row if nxt else len(form)
        hi = spans[i + 1][0] if nxt else len(k)
        if nxt is None and cut:
            continue  # (the rows after the last label found: past the cut, said so)
        if first < last and spans[i][1] < hi:
            bounds.append((first, last, spans[i][1], hi, True))
    for first, last, lo, hi, inner in bounds:
        rows = [r for r in range(first, last) if form[r].rid not in skipped]
        if not rows:
            continue
        ordinals = {o for r in rows if (o := form[r].ordinal)}
        t_lo = a + (idx[lo - 1] + 1 if lo > 0 else 0)
        t_hi = a + idx[hi] if hi < len(idx) else b
        segs = _split_at_sentences(
            _segments(text, t_lo, t_hi, a, idx, k, ordinals), k, idx, text, a
        )
        if groups:
            segs = _split_at_groups(segs, k)
        segs = [s for s in segs if s[1] - s[0] <= _MAX_SEGMENT and _worded(k[s[0] : s[1]])]
        if not segs:
            # no text where the rows stand: a label reduced to its ordinal (3 for 3.其他)
            out += _ordinals(text, t_lo, t_hi, rows, form, a, idx, k)
            continue
        if len(segs) > _MAX_SEGMENTS:
            continue  # (many texts between two rows: no table's gap, not looked into)
        rids = [form[r].rid for r in rows]
        if "other" in rids and any(r.startswith("other.") for r in rids):
            # neither layout's （六） found: the single row (2019) where the texts are too
            # few for the three sub-rows (2021)
            two19 = len(segs) < 3
            rows = [r for r in rows if form[r].rid.startswith("other.") != two19]
        found: list[Garbled] = []
        doubt: dict[int, tuple[int, int]] = {}  # rows a text is like: the (last) text
        alike: list[tuple[int, int, bool, bool]] = []  # every such text
        enough = False  # the (last) such text shares two of the label's characters, or half
        at = 0  # rows before this one are taken
        for fs, fe, before, after in segs:
            # run on from the previous label (a flat copy's blank row, or the rest of that
            # label in words not the form's): only a label that starts as the row's does
            glued = not _apart(text, a + idx[fs], t_lo)
            fs0 = fs
            if groups:
                # a group label printed before its first row: the row's label follows it
                for grp in _GROUPS:
                    i = k.find(grp, fs, fe)
                    if i >= 0 and fe - (i + len(grp)) >= 2:
                        fs = i + len(grp)
                    elif i >= 0 and i + len(grp) == fe and i - fs >= 2:
                        fe = i  # the next row's group label after this one's
            seg = k[fs:fe]
            scores = []
            starts: dict[int, bool] = {}
            for r, ls in enumerate(labels):
                share, d, m, s, e, label = _score(ls, seg)
                scores.append((share, r, d, m, s, e, len(label)))
                starts[r] = seg[s : s + 1] == label[:1]
            ranked = sorted(scores)
            best = ranked[0]
            _, r, d, m, s, e, n = best
            close = 2 * d <= n and m >= 2 and len(seg) - e <= _MAX_TAIL
            if glued and not starts[r]:
                close = False  # (and not read by its place either: below)
            unique = ranked[1][0] > best[0]
            # no other row's label (nor a group's) is closer than the skipped row's
            near = {x[1] for x in scores if x[1] not in rows and x[0] < 1}
            top = min((x[0] for x in scores if x[1] in near), default=2.0)
            if close and unique and r in rows and rows.index(r) >= at:
                found.append(Garbled(r, fs + s, fs + e, "label"))
                at = rows.index(r) + 1
                continue
            # like a skipped row's label, in a third of its characters
            lost = sum(1 for ch in seg if ch in _LOST)
            like = [
                x
                for x in scores
                if x[1] in rows and 3 * (x[3] + lost) >= x[6] and x[3] + lost >= 1 and x[0] <= top
            ]
            if like:
                # the row it is most like (the first of equals); never （六）'s single row
                # unread (that would say the 2019 layout where nothing else does)
                if form[min(like)[1]].rid != "other":
                    doubt[min(like)[1]] = (fs0, fe)
                alike.append((fs0, fe, before and not glued, after and not glued))
                enough = any(x[3] + lost >= min(2, x[6] / 2) for x in like)
            elif (
                (inner or not any(seg in w for w in _HEADER_WORDS))
                and not glued
                and len(rows) == 1
                and len(segs) == 1
                and max(x[3] for x in scores if x[1] not in rows) < 2
            ):
                # the only text where the only skipped row stands, sharing no two
                # characters with another label of the form (「（干巳人千」 for （七）总计,
                # every character misread): it may be
                # that row's label; its numbers are not the row before's (3.其他, blank,
                # took （七）总计's, silently)
                if form[rows[0]].rid != "other":
                    doubt[rows[0]] = (fs0, fe)
        left = [r for r in rows if r not in {g.row for g in found}]
        # (a text sharing a single character with a longer label, 统计 with （七）总计, is
        # too little to read the row by its place: a note where the row was deleted)
        if not found and len(rows) == 1 and len(alike) == 1 and enough:
            # the one text where the one row skipped stands (others there, such as 表二's
            # item headings, have nothing of its label)
            fs, fe, before, after = alike[0]
            # the text stands after the previous row's numbers or on a line of its own
            # (not the rest of the previous row's label)
            own_line = "\n" in text[t_lo : a + idx[fs]]
            if (before or own_line or first == 0) and _apart(text, a + idx[fs], t_lo):
                if k[fe - 1].isdigit():
                    # digits run into the text (其他0000000 of a crawl that glued the
                    # cells): the row's values are in it, not after it — unread, never
                    # read blank (the blank row then blamed)
                    out.append(Garbled(rows[0], fs, fe, "unread"))
                else:
                    found.append(Garbled(rows[0], fs, fe, "place"))
                left = []
        for g in found:
            # the row's ordinal run into the text (3※※※ after a separator): its own
            o = form[g.row].ordinal
            if o and g.a > lo and k[g.a - 1] == o and k[g.a] != o:
                t = a + idx[g.a - 1]
                if idx[g.a] == idx[g.a - 1] + 1 and (t == a or text[t - 1] in SEP):
                    g.a -= 1
        out += found
        for r in left:
            # a text like the label of a row left may be that label: unread (the values
            # after the text too)
            if r in doubt and r not in {g.row for g in out}:
                out.append(Garbled(r, *doubt[r], "unread"))
        rest = [r for r in left if r not in doubt and r not in {g.row for g in out}]
        if rest:
            out += _ordinals(text, t_lo, t_hi, rest, form, a, idx, k)
    return out


_CN_ORDINALS = "一二三四五六七八九十"


def _ordinal_of(spec: RowSpec) -> str:
    """The ordinal a row's label starts with (3 of 3.其他, 四 of 四、结转下年度继续办理,
    一 of （一）予以公开), folded."""
    if spec.ordinal:
        return spec.ordinal
    core = cores(spec)[0]
    n = 0
    while n < len(core) and core[n] in _CN_ORDINALS:
        n += 1
    return core[:n]


def _ordinals(
    text: str,
    lo: int,
    hi: int,
    rows: list[int],
    form: tuple[RowSpec, ...],
    a: int,
    idx: list[int],
    k: str,
) -> list[Garbled]:
    """Rows the chain skipped whose label is reduced to its ordinal (「3.其他」 written 「3」
    or 「3.」, 「四、结转下年度继续办理」 written 「四、」: the words lost to an OCR or a
    copy), the ordinal standing apart in the gap, in the form's order. Such a row is unread
    (its ordinal is no proof of the row); where the ordinal is a bare number, which reads as
    a value, the row before it is unread too ("ordinal": the ordinal and that row's numbers
    cannot be told apart), and the number is read as no cell."""
    out: list[Garbled] = []
    toks = tokenize(text, lo, hi)
    # no more numbers in the gap than the row before and the row hold, and the ordinal (more:
    # the labels stand elsewhere, a PDF's reading order, and the numbers are theirs)
    room = 1 + sum(len(form[r].ids) for r in range(max(rows[0] - 1, 0), rows[-1] + 1))
    few = sum(1 for t in toks if t.kind == "v") <= room
    at = 0
    for r in rows:
        o = _ordinal_of(form[r])
        if not o or form[r].rid == "other":
            continue  # (never （六）'s single row: that would say the 2019 layout)
        for n in range(at, len(toks)):
            t = toks[n]
            prev = toks[n - 1] if n else None
            nxt = toks[n + 1] if n + 1 < len(toks) else None
            fs = bisect_left(idx, t.start - a)
            fe = bisect_left(idx, t.end - a)
            if t.kind == "v" and len(rows) == 1 and few:
                # (one row skipped: where several are, the labels may stand elsewhere, a
                # PDF's reading order, and the numbers there are theirs)
                bare = t.text == o and (nxt is None or nxt.kind == "s")
                # the first number after a text, run into the ordinal (42 for 4 and 2: a
                # flat copy's 4.保护第三方合法权益 2 with the words lost)
                run = t.digits and len(t.text) > len(o) and t.text.startswith(o)
                if (bare and (prev is None or prev.kind != "v")) or (
                    run and (prev is None or prev.kind == "t")
                ):
                    out.append(Garbled(r, fs, fe, "ordinal"))
                    at = n + 1
                    break
            elif t.kind == "t" and fe > fs:
                seg = k[fs:fe]
                head = seg[: len(seg) - len(o)]
                if seg.endswith(o) and (not head or head in _GROUPS):
                    out.append(Garbled(r, fe - len(o), fe, "unread"))
                    at = n + 1
                    break
    return out
