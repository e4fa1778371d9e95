"""Text copies of government CMS pages as the samples' crawler makes them, from page markup
no other generator varies.

    python -m tests.crawlshapes [--shape S[,S…]] [--n K] [--seed N] [--show M] [--html]

Each gold is rendered to HTML by the writer; its tables are then re-marked as real CMS pages
mark them (one ``SHAPES`` edit, or ``mix``: several at once) and the page is printed back to
text by :class:`Crawler`, an emulator of the crawler that made the samples 000–004:

* ``rows`` — a table row a line, its cells joined by tabs; a merged cell's other positions
  printed as empty tab slots or left out (rowspan and colspan each, one rule per table); a
  cell's paragraphs joined by a space or nothing (as 000's 「结果 维持」; printed on lines
  of their own the rows break apart, which the reading names unread); now and then a
  blank line between rows;
* ``cells`` — a cell a line opened by a tab, a cell's further paragraphs on lines of their
  own without the tab, a blank line after every row; a position under a rowspan an empty
  ``\\t`` line, a colspan's other positions left out (or, in some copies, ``\\t`` lines);
* ``pipes`` — a row opened by a line holding a pipe alone, each cell ``text |`` (a blank
  one `` |``), the row's last cell followed by a pipe for each merged slot left out
  (``343 | ||``), as sample 003 prints them;
* headings as ``#`` Markdown or plain lines, an ``&nbsp;`` cell as a NBSP.

The markup edits (``SHAPES``):

* ``word``      — Word-pasted cells: ``<p class=MsoNormal><span …>…<o:p></o:p></span></p>``
  in every cell, ``&nbsp;`` in the empty ones;
* ``thead``     — ``<th>`` header cells in ``<thead>``, the body in ``<tbody>``, and the
  总计 / 结转 rows in a ``<tfoot>`` written before the body (printed in source order);
* ``s3-head2`` / ``s3-head3`` / ``s3-head4`` — 表三's header in two rows (no 申请人情况),
  three rows merged otherwise (总计 beside 申请人情况), four rows (the five 法人 headers'
  words split over two rows);
* ``labels-1`` / ``labels-2`` / ``labels-top`` — 表三's three label columns as one (the group
  labels on rows of their own), as two (三、本年度办理结果 a row of its own), or with no
  rowspan (the label in the first row, empty cells under it);
* ``br``        — ``<br>`` between a label's parts (（三）<br>不予公开, 商业<br>企业);
* ``strong``    — numbers in ``<p><span><strong>``, printed ``**3**``;
* ``spacer``    — empty rows between some rows of every table;
* ``s2-four``   — 表二 as four tables, each with its own 第二十条 heading row;
* ``s4-head``   — 表四's header rows merged otherwise (行政复议 over two rows, or no
  行政诉讼 row);
* ``layout``    — the whole report inside a page layout table (a side bar cell beside it);
* ``wide``      — every row of every table with an empty trailing cell;
* ``short-rowspan`` — 三、本年度办理结果 spanning fewer rows than its group (the rows after
  it one cell shorter, as sample 000 shows);
* ``padded``    — numbers with a space or NBSP beside them in the cell;
* ``title-row`` — the section heading (or 单位：件) as the table's first row;
* ``wide-left`` — every row of every table opened by an empty cell;
* ``spaced-labels`` — short labels spread with spaces (不 予 公 开) and ASCII parentheses
  ((四) 无法提供), as sample 002 prints them;
* ``empty-p``   — Word's empty paragraphs (``<p>&nbsp;</p>``) before or after the text of
  some cells.

Nothing is repaired: the expected values are the gold's. Scored by
``tests.shapes_eval.score`` (right / named / silent / false missing / false sums);
``--html`` parses the re-marked page itself instead of the crawler's text.

Over 500 lines because each markup edit rebuilds a table's rows from the gold's page (the
label columns and header rows by hand, as pages merge them), and the crawler emulation
that prints them shares their grid model.
"""

from __future__ import annotations

import argparse
import copy
import random
import re
import sys
from typing import Any

import lxml.html
from lxml.html import HtmlElement

from .shapes import Rendering, every_source

SHAPES: tuple[str, ...] = (
    "plain",
    "word",
    "thead",
    "s3-head2",
    "s3-head3",
    "s3-head4",
    "labels-1",
    "labels-2",
    "labels-top",
    "br",
    "strong",
    "spacer",
    "s2-four",
    "s4-head",
    "layout",
    "wide",
    "short-rowspan",
    "padded",
    "title-row",
    "wide-left",
    "spaced-labels",
    "empty-p",
    "s3-two",
    "mix",
)
MODES = ("rows", "cells", "pipes")
_BLOCKS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "li")
_NUM = re.compile(r"[\d.]+")


# ----------------------------------------------------------------------------- html
def _E(tag: str, text: str = "", **attrs: str) -> HtmlElement:
    el = lxml.html.Element(tag, {k.rstrip("_"): v for k, v in attrs.items()})
    el.text = text or None
    return el


def _td(text: str = "", rs: int = 1, cs: int = 1, tag: str = "td") -> HtmlElement:
    el = _E(tag, text)
    if rs > 1:
        el.set("rowspan", str(rs))
    if cs > 1:
        el.set("colspan", str(cs))
    return el


def _tr(*cells: HtmlElement) -> HtmlElement:
    tr = _E("tr")
    tr.extend(cells)
    return tr


def _tables(body: HtmlElement) -> dict[str, HtmlElement]:
    out: dict[str, HtmlElement] = {}
    for t in body.iter("table"):
        text = t.text_content()
        if "第二十条" in text and "s2" not in out:
            out["s2"] = t
        elif "本年新收" in text or "申请人情况" in text:
            out["s3"] = t
        elif "行政复议" in text and "行政诉讼" in text:
            out["s4"] = t
    return out


def _rows(t: HtmlElement) -> list[HtmlElement]:
    return list(t.iter("tr"))


def _label(tr: HtmlElement) -> str:
    return tr[0].text_content().strip() if len(tr) else ""


# ----------------------------------------------------------------------------- edits
def _word(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    for td in body.iter("td", "th"):
        if td.find(".//table") is not None:
            continue
        text = td.text_content().strip()
        for ch in list(td):
            td.remove(ch)
        td.text = None
        td.set("width", str(rng.choice((28, 41, 57, 96))))
        td.set("valign", "center")
        p = _E("p", class_="MsoNormal", align="center", style="text-align:center")
        span = _E("span", text or "\u00a0", style="font-size:10.5pt;font-family:仿宋_GB2312")
        span.append(_E("o:p"))
        p.append(span)
        td.append(p)
    v.append("word")


def _thead(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    for name, t in _tables(body).items():
        rows = _rows(t)
        # the header rows: those before the first data row (rowspans end inside a row group)
        first_data = {
            "s2": lambda tr: True,
            "s3": lambda tr: _label(tr).startswith("一、"),
            "s4": lambda tr: bool(_NUM.fullmatch(_label(tr) or "x")),
        }[name]
        n_head = next((i for i, tr in enumerate(rows) if first_data(tr)), 0)
        foot = [tr for tr in rows if re.match(r"[（(]七[)）]|四、结转", _label(tr))]
        if name == "s3" and rng.random() < 0.5:
            foot = []
        for tr in rows:
            t.remove(tr)
        head, body_rows = rows[:n_head], [tr for tr in rows[n_head:] if tr not in foot]
        if head:
            thead = _E("thead")
            for tr in head:
                for td in tr:
                    td.tag = "th"
                thead.append(tr)
            t.append(thead)
        if foot:
            tfoot = _E("tfoot")
            tfoot.extend(foot)
            t.append(tfoot)
            v.append("tfoot-first")
        tbody = _E("tbody")
        tbody.extend(body_rows)
        t.append(tbody)
    v.append("thead")


_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
_CORP = ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")


def _s3_head(body: HtmlElement, n: int, v: list[str]) -> None:
    t = _tables(body).get("s3")
    if t is None:
        return
    rows = _rows(t)
    if not any("申请人情况" in tr.text_content() for tr in rows[:1]):
        return
    lab_cs = int(rows[0][0].get("colspan", 1))
    for tr in rows[:3]:
        t.remove(tr)
    if n == 2:
        new = [
            _tr(
                _td(_NOTE, 2, lab_cs),
                _td("自然人", 2),
                _td("法人或其他组织", 1, 5),
                _td("总计", 2),
            ),
            _tr(*[_td(x) for x in _CORP]),
        ]
    elif n == 3:
        new = [
            _tr(_td(_NOTE, 3, lab_cs), _td("申请人情况", 1, 6), _td("总计", 3)),
            _tr(_td("自然人", 2), _td("法人或其他组织", 1, 5)),
            _tr(*[_td(x) for x in _CORP]),
        ]
    else:
        new = [
            _tr(_td(_NOTE, 4, lab_cs), _td("申请人情况", 1, 7)),
            _tr(_td("自然人", 3), _td("法人或其他组织", 1, 5), _td("总计", 3)),
            _tr(_td("商业"), _td("科研"), _td("社会"), _td("法律"), _td("其他", 2)),
            _tr(_td("企业"), _td("机构"), _td("公益组织"), _td("服务机构")),
        ]
    first = _rows(t)[0]
    for tr in new:
        first.addprevious(tr)
    v.append(f"s3-head{n}")


def _s3_labels(body: HtmlElement, how: str, v: list[str]) -> None:
    """表三's label columns re-merged: ``1`` one column (the group labels on rows of their
    own), ``2`` two (三、本年度办理结果 a row of its own, （三）不予公开 spanning its items),
    ``top`` three with no rowspan (the text in the first row, empty cells under it)."""
    t = _tables(body).get("s3")
    if t is None:
        return
    rows = _rows(t)
    if not rows or rows[0][0].get("colspan") != "3":
        return
    n_head = next((i for i, tr in enumerate(rows) if _label(tr).startswith("一、")), 0)
    # the label texts over each body row's three label columns, and its value cells
    cover: dict[tuple[int, int], str] = {}
    body_rows: list[tuple[list[str], list[HtmlElement]]] = []
    for r, tr in enumerate(rows):
        c = 0
        labels: list[str] = []
        vals: list[HtmlElement] = []
        cells = list(tr)
        for cell in cells:
            while (r, c) in cover:
                if c < 3:
                    labels.append(cover[(r, c)])
                c += 1
            rs, cs = int(cell.get("rowspan", 1)), int(cell.get("colspan", 1))
            text = cell.text_content().strip()
            for i in range(rs):
                for k in range(cs):
                    cover[(r + i, c + k)] = text
            if c < 3:
                labels += [text] * cs
            else:
                vals.append(cell)
            c += cs
        if r >= n_head:
            uniq = [x for k, x in enumerate(labels) if k == 0 or x != labels[k - 1]]
            body_rows.append((uniq, vals))
    width = {"1": 1, "2": 2, "top": 3}[how]
    n_vals = max(len(vals) for _, vals in body_rows)
    for tr in rows[n_head:]:
        t.remove(tr)
    if rows[0][0].get("colspan"):
        if width > 1:
            rows[0][0].set("colspan", str(width))
        else:
            rows[0][0].attrib.pop("colspan")

    def blanks() -> list[HtmlElement]:
        return [_td() for _ in range(n_vals)]

    new: list[HtmlElement] = []
    seen: set[str] = set()
    groups: list[tuple[HtmlElement, int]] = []  # a group cell and its first row's index
    for labels, vals in body_rows:
        if how == "top":
            cells = []
            for k, text in enumerate(labels):
                shown = "" if text in seen and k < len(labels) - 1 else text
                seen.add(text)
                span = 3 - len(labels) + 1 if k == len(labels) - 1 else 1
                cells.append(_td(shown, 1, span))
            new.append(_tr(*cells, *vals))
            continue
        *heads, own = labels
        for text in heads:
            if text in seen:
                continue
            seen.add(text)
            if how == "1" or re.match(r"[一二三四]、", text):
                new.append(_tr(_td(text, 1, width), *blanks()))
            else:  # 2 columns: the group label beside its first item
                g = _td(text)
                groups.append((g, len(new)))
                new.append(_tr(g, _td(own), *vals))
                own = ""
        if own == "":
            continue
        in_group = groups and any(h == groups[-1][0].text for h in heads)
        if how == "2" and in_group:
            new.append(_tr(_td(own), *vals))
        else:
            new.append(_tr(_td(own, 1, width), *vals))
    for g, first in groups:
        n = 1
        while first + n < len(new) and re.match(r"\d", _label(new[first + n])):
            n += 1
        if n > 1:
            g.set("rowspan", str(n))
    t.extend(new)
    v.append(f"labels-{how}")


def _br(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    for td in body.iter("td", "th"):
        if len(td) or not td.text:
            continue
        text = td.text.strip()
        if _NUM.fullmatch(text):
            continue
        m = re.match(r"^([（(][一二三四五六七][)）]|[一二三四]、|\d+[.、．])(.+)$", text)
        if m and len(m[2]) >= 4:
            parts = [m[1], m[2]] if rng.random() < 0.5 else [m[1], m[2][:2], m[2][2:]]
        elif re.fullmatch(r"[\u4e00-\u9fff]{4,6}", text):
            parts = [text[:2], text[2:]]
        else:
            continue
        td.text = parts[0]
        for part in parts[1:]:
            br = _E("br")
            br.tail = part
            td.append(br)
    v.append("br")


def _strong(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    for td in body.iter("td", "th"):
        text = td.text_content().strip()
        if len(td) or not _NUM.fullmatch(text or "x"):
            continue
        td.text = None
        p = _E("p")
        span = _E("span", style="font-family:宋体")
        strong = _E(rng.choice(("strong", "b")), text)
        span.append(strong)
        p.append(span)
        td.append(p)
    v.append("strong")


def _spacer(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    for t in _tables(body).values():
        rows = _rows(t)
        n_cols = max(sum(int(c.get("colspan", 1)) for c in tr) for tr in rows)
        # a spacer goes only where no rowspan crosses
        cover = 0
        for tr in rows:
            cover = max(cover - 1, 0)
            spans = [int(c.get("rowspan", 1)) for c in tr]
            if cover == 0 and rng.random() < 0.2:
                kind = rng.random()
                if kind < 0.4:
                    sp = _tr(_td("", 1, n_cols))
                elif kind < 0.8:
                    sp = _tr(*[_td() for _ in range(n_cols)])
                else:
                    sp = _tr(*[_td("\u00a0") for _ in range(n_cols)])
                tr.addprevious(sp)
            cover = max(cover, max(spans, default=1))
    v.append("spacer")


def _s2_four(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    t = _tables(body).get("s2")
    if t is None:
        return
    parts: list[list[HtmlElement]] = []
    for tr in _rows(t):
        if "第二十条" in tr.text_content() or not parts:
            parts.append([])
        parts[-1].append(tr)
    anchor = t
    for part in parts:
        nt = _E("table", border="1")
        for tr in part:
            nt.append(tr)
        anchor.addnext(nt)
        if rng.random() < 0.5:
            gap = _E("p", "\u00a0")
            nt.addprevious(gap)
        anchor = nt
    t.getparent().remove(t)
    v.append("s2-four")


_RESULTS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def _s4_head(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    t = _tables(body).get("s4")
    if t is None:
        return
    rows = _rows(t)
    k = next((i for i, tr in enumerate(rows) if _NUM.fullmatch(_label(tr) or "x")), None)
    if k is None or k != 3:
        return
    for tr in rows[:3]:
        t.remove(tr)
    how = rng.choice(("rowspan2", "no-litigation", "split-words"))
    if how == "rowspan2":
        new = [
            _tr(_td("行政复议", 2, 5), _td("行政诉讼", 1, 10)),
            _tr(_td("未经复议直接起诉", 1, 5), _td("复议后起诉", 1, 5)),
            _tr(*[_td(x) for x in _RESULTS * 3]),
        ]
    elif how == "no-litigation":
        new = [
            _tr(_td("行政复议", 1, 5), _td("未经复议直接起诉", 1, 5), _td("复议后起诉", 1, 5)),
            _tr(*[_td(x) for x in _RESULTS * 3]),
        ]
    else:  # every header's words split over two rows
        new = [
            _tr(_td("行政复议", 1, 5), _td("行政诉讼", 1, 10)),
            _tr(
                *[_td(x[:2]) for x in _RESULTS],
                _td("未经复议直接起诉", 1, 5),
                _td("复议后起诉", 1, 5),
            ),
            _tr(*[_td(x[2:]) for x in _RESULTS], *[_td(x[:2]) for x in _RESULTS * 2]),
            _tr(*[_td() for _ in _RESULTS], *[_td(x[2:]) for x in _RESULTS * 2]),
        ]
    first = _rows(t)[0]
    for tr in new:
        first.addprevious(tr)
    v.append(f"s4-{how}")


def _layout(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    outer = _E("table", width="100%")
    tr = _E("tr")
    side = _E("td", "栏目导航", width="200")
    br = _E("br")
    br.tail = "政府信息公开年报"
    side.append(br)
    main = _E("td", valign="top")
    for el in list(body):
        body.remove(el)
        main.append(el)
    if rng.random() < 0.5:
        tr.extend([side, main])
    else:
        tr.append(main)
    outer.append(tr)
    body.append(outer)
    v.append("layout")


def _wide(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    for t in _tables(body).values():
        filler = rng.choice(("", "\u00a0"))
        for tr in _rows(t):
            tr.append(_td(filler))
    v.append("wide")


def _short_rowspan(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    """表三's 三、本年度办理结果 cell spanning fewer rows than its group (a page whose
    rowspan an editor cut): the rows after its span have one cell fewer, no slot for it."""
    t = _tables(body).get("s3")
    if t is None:
        return
    for td in t.iter("td", "th"):
        if td.text_content().strip().startswith("三、") and int(td.get("rowspan", 1)) > 4:
            rs = int(td.get("rowspan"))
            td.set("rowspan", str(rng.randint(2, rs - 2)))
            v.append("short-rowspan")
            return


def _padded(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    """Numbers with a space or NBSP before or after them in the cell (``0&nbsp;``)."""
    for td in body.iter("td", "th"):
        text = td.text_content().strip()
        if len(td) or not _NUM.fullmatch(text or "x") or rng.random() < 0.5:
            continue
        pad = rng.choice((" ", "\u00a0", "\u00a0\u00a0"))
        td.text = pad + text if rng.random() < 0.5 else text + pad
    v.append("padded")


def _title_row(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    """Each table's section heading (or a unit line 单位：件) as the table's first row,
    spanning all columns; the heading outside the table dropped when it moved in."""
    for t in _tables(body).values():
        rows = _rows(t)
        n_cols = max(sum(int(c.get("colspan", 1)) for c in tr) for tr in rows)
        prev = t.getprevious()
        kind = rng.random()
        if kind < 0.5 and prev is not None and re.fullmatch(r"h[1-6]", str(prev.tag)):
            text = prev.text_content().strip()
            prev.getparent().remove(prev)
        else:
            text = rng.choice(("单位：件", "单位：件、万元", "（单位：件）"))
        first = rows[0]
        first.addprevious(_tr(_td(text, 1, n_cols)))
    v.append("title-row")


def _wide_left(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    """Every row of every table opened by an empty cell (a table drawn wider, the form's
    columns right of an empty one)."""
    for t in _tables(body).values():
        rows = _rows(t)
        filler = rng.choice(("", "\u00a0"))
        cover = 0
        for tr in rows:
            if cover > 0:
                cover -= 1
                continue
            first = _td(filler)
            tr.insert(0, first)
            if rng.random() < 0.3 and tr is rows[0]:
                first.set("rowspan", "2")
                cover = 1
    v.append("wide-left")


def _spaced_labels(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    """Short labels spread over their cell with spaces (Word's distributed alignment:
    不 予 公 开, 三、本 年 度 办 理 结 果) and ASCII parentheses with a space after them
    ((四) 无法提供), as sample 002 prints them."""
    for td in body.iter("td", "th"):
        text = td.text_content().strip()
        if len(td) or not text or _NUM.fullmatch(text):
            continue
        m = re.match(r"^([（(][一二三四五六七][)）]|[一二三四]、)?(.+)$", text)
        if m is None:
            continue
        head, rest = m[1] or "", m[2]
        if head.startswith("（") and rng.random() < 0.5:
            head = "(" + head[1:-1] + ") "
        if len(rest) <= 8 and rng.random() < 0.6:
            rest = " ".join(rest)
        td.text = head + rest
    v.append("spaced-labels")


def _empty_paragraphs(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    """Word's empty paragraphs (``<p>&nbsp;</p>``) before or after a cell's text in some
    cells: a line of its own in the copy."""
    for td in body.iter("td", "th"):
        if td.find(".//table") is not None or rng.random() < 0.7:
            continue
        text = td.text_content().strip()
        for ch in list(td):
            td.remove(ch)
        td.text = None
        parts = [text or "\u00a0", "\u00a0"]
        if rng.random() < 0.5:
            parts.reverse()
        for part in parts:
            td.append(_E("p", part, class_="MsoNormal"))
    v.append("empty-p")


def _anchors(t: HtmlElement) -> list[tuple[int, int, int, int, HtmlElement]]:
    """The table's cells with their grid row, column, rowspan and colspan."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, tr in enumerate(_rows(t)):
        c = 0
        for td in tr:
            while (r, c) in taken:
                c += 1
            rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
            out.append((r, c, rs, cs, td))
            taken |= {(r + i, c + k) for i in range(rs) for k in range(cs)}
            c += cs
    return out


def _s3_two(body: HtmlElement, rng: random.Random, v: list[str]) -> None:
    """表三 cut into two tables at a row of its body (a Word table over a page break), the
    header repeated over the second part or not; a merged label cut there continues in
    the second part as an empty cell (or its text again)."""
    t = _tables(body).get("s3")
    if t is None:
        return
    rows = _rows(t)
    n_head = next((i for i, tr in enumerate(rows) if _label(tr).startswith("一、")), 0)
    if not n_head or len(rows) - n_head < 6:
        return
    k = rng.randint(n_head + 2, len(rows) - 3)
    anchors = _anchors(t)
    repeat = rng.random() < 0.5
    again = rng.random() < 0.5
    second: dict[int, list[tuple[int, HtmlElement]]] = {}
    for r, c, rs, cs, td in anchors:
        if r < k < r + rs:
            if k - r > 1:
                td.set("rowspan", str(k - r))
            else:
                td.attrib.pop("rowspan")
            rest = r + rs - k
            cont = _td(td.text_content().strip() if again else "", rest, cs)
            second.setdefault(k, []).append((c, cont))
    new_rows = []
    for r in range(k, len(rows)):
        tr = rows[r]
        cells = [(c, td) for (rr, c, _, _, td) in anchors if rr == r]
        cells += second.get(r, [])
        for _, td in cells:
            if td.getparent() is not None:
                td.getparent().remove(td)
        new_rows.append(_tr(*[td for _, td in sorted(cells, key=lambda x: x[0])]))
        t.remove(tr)
    nt = _E("table", border="1")
    if repeat:
        for tr in rows[:n_head]:
            nt.append(copy.deepcopy(tr))
    nt.extend(new_rows)
    t.addnext(nt)
    if rng.random() < 0.5:
        nt.addprevious(_E("p", "\u00a0"))
    v.append(f"s3-two{'-head' if repeat else ''}{'-again' if again else ''}")


_EDIT: dict[str, Any] = {
    "plain": lambda body, rng, v: None,
    "word": _word,
    "thead": _thead,
    "s3-head2": lambda body, rng, v: _s3_head(body, 2, v),
    "s3-head3": lambda body, rng, v: _s3_head(body, 3, v),
    "s3-head4": lambda body, rng, v: _s3_head(body, 4, v),
    "labels-1": lambda body, rng, v: _s3_labels(body, "1", v),
    "labels-2": lambda body, rng, v: _s3_labels(body, "2", v),
    "labels-top": lambda body, rng, v: _s3_labels(body, "top", v),
    "br": _br,
    "strong": _strong,
    "spacer": _spacer,
    "s2-four": _s2_four,
    "s4-head": _s4_head,
    "layout": _layout,
    "wide": _wide,
    "short-rowspan": _short_rowspan,
    "padded": _padded,
    "title-row": _title_row,
    "wide-left": _wide_left,
    "spaced-labels": _spaced_labels,
    "empty-p": _empty_paragraphs,
    "s3-two": _s3_two,
}
# a mix applies edits in this order (structure first, markup last)
_ORDER = (
    "s2-four",
    "s3-head2",
    "s3-head3",
    "s3-head4",
    "labels-1",
    "labels-2",
    "labels-top",
    "s4-head",
    "short-rowspan",
    "s3-two",
    "title-row",
    "spacer",
    "wide",
    "wide-left",
    "thead",
    "br",
    "strong",
    "padded",
    "spaced-labels",
    "empty-p",
    "word",
    "layout",
)


def edit_page(html: str, shape: str, rng: random.Random, v: list[str]) -> str:
    doc = lxml.html.fromstring(html)
    body = doc.find("body")
    if shape == "mix":
        picks = set(rng.sample([s for s in _ORDER if s != "layout"], 4))
        for group in (("s3-head2", "s3-head3", "s3-head4"), ("labels-1", "labels-2", "labels-top")):
            keep = [s for s in group if s in picks]
            picks -= set(keep[1:])
        if rng.random() < 0.3:
            picks.add("layout")
        for s in _ORDER:
            if s in picks:
                _EDIT[s](body, rng, v)
    else:
        _EDIT[shape](body, rng, v)
    return lxml.html.tostring(doc, encoding="unicode")


# ----------------------------------------------------------------------------- crawler
def _cell_lines(td: HtmlElement, strong_md: bool) -> list[str]:
    """A cell's paragraphs (``<p>``/``<div>``/``<br>`` breaks), each whitespace-collapsed."""
    lines = [""]

    def walk(el: HtmlElement) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("p", "div") and lines[-1].strip():
            lines.append("")
        mark = "**" if strong_md and tag in ("strong", "b") else ""
        lines[-1] += mark + (el.text or "")
        for ch in el:
            if isinstance(ch.tag, str) and ch.tag == "br":
                lines.append("")
            else:
                walk(ch)
            lines[-1] += ch.tail or ""
        lines[-1] += mark
        if tag in ("p", "div"):
            lines.append("")

    lines[-1] += td.text or ""
    for ch in td:
        if isinstance(ch.tag, str) and ch.tag == "br":
            lines.append("")
        else:
            walk(ch)
        lines[-1] += ch.tail or ""
    out = [re.sub(r"[ \t\r\n]+", " ", x).strip(" ") for x in lines]
    out = [x for x in out if x]
    return out


class Crawler:
    """The samples' crawler, emulated: ``mode`` rows or cells; the rules it follows for
    merged cells and a cell's paragraphs drawn once per copy from ``rng``."""

    def __init__(self, mode: str, rng: random.Random) -> None:
        self.mode = mode
        self.rng = rng
        self.rs_slot = rng.random() < 0.75
        self.cs_slot = rng.random() < (0.75 if mode == "rows" else 0.2)
        if mode == "pipes":
            self.rs_slot = self.cs_slot = False
        self.join = rng.choice((" ", "")) if mode == "rows" else "\n"
        self.gap = rng.choice((0.0, 0.0, 0.1))
        self.md = rng.random() < 0.5
        self.strong_md = True

    def rules(self) -> str:
        return (
            f"{self.mode} rs={'slot' if self.rs_slot else 'out'} "
            f"cs={'slot' if self.cs_slot else 'out'} md={int(self.md)} join={self.join!r}"
        )

    def page(self, html: str) -> str:
        body = lxml.html.fromstring(html).find("body")
        out: list[str] = []
        self._blocks(body, out)
        return "\n".join(out).rstrip("\n") + "\n"

    def _blocks(self, el: HtmlElement, out: list[str]) -> None:
        if el.text and el.text.strip():
            out += [el.text.strip(), ""]
        for ch in el:
            tag = ch.tag if isinstance(ch.tag, str) else ""
            if tag == "table":
                if self._is_layout(ch):
                    for td in ch.iter("td"):
                        if td.getparent().getparent() is ch or td.getparent().getparent().tag in (
                            "tbody",
                        ):
                            self._blocks(td, out)
                else:
                    self._table(ch, out)
                    out.append("")
            elif tag and re.fullmatch(r"h[1-6]", tag):
                text = ch.text_content().strip()
                out += [("#" * int(tag[1]) + " " if self.md else "") + text, ""]
            elif tag in ("p", "div"):
                text = ch.text_content().strip()
                if text.replace("\u00a0", ""):
                    out += [text, ""]
            elif tag == "br":
                pass
            if ch.tail and ch.tail.strip():
                out += [ch.tail.strip(), ""]

    @staticmethod
    def _is_layout(t: HtmlElement) -> bool:
        return any(td.find(".//table") is not None for td in t.iter("td"))

    def _grid(self, t: HtmlElement) -> list[list[tuple[str, list[str]]]]:
        """Each row's slots in order: ("cell", lines), ("rs", []) or ("cs", [])."""
        taken: dict[tuple[int, int], str] = {}
        rows: list[list[tuple[str, list[str]]]] = []
        for r, tr in enumerate(t.iter("tr")):
            slots: list[tuple[str, list[str]]] = []
            c = 0
            for td in tr:
                if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                    continue
                while (r, c) in taken:
                    slots.append((taken[(r, c)], []))
                    c += 1
                rs, cs = int(td.get("rowspan", 1)), int(td.get("colspan", 1))
                slots.append(("cell", _cell_lines(td, self.strong_md)))
                for i in range(rs):
                    for k in range(cs):
                        if (i, k) != (0, 0):
                            taken[(r + i, c + k)] = "rs" if i else "cs"
                slots += [("cs", [])] * (cs - 1)
                c += cs
            while (r, c) in taken:
                slots.append((taken[(r, c)], []))
                c += 1
            rows.append(slots)
        return rows

    def _keep(self, kind: str) -> bool:
        return kind == "cell" or (self.rs_slot if kind == "rs" else self.cs_slot)

    def _table(self, t: HtmlElement, out: list[str]) -> None:
        for slots in self._grid(t):
            kept = [lines for kind, lines in slots if self._keep(kind)]
            if self.mode == "rows":
                out.append("\t".join(self.join.join(x) for x in kept))
                if self.gap and self.rng.random() < self.gap:
                    out.append("")
            elif self.mode == "pipes":
                # a row opened by a line "|", each cell "text |" (a blank one " |"), the
                # last one followed by a pipe for each of the row's merged slots left out
                out.append("|")
                for k, lines in enumerate(kept):
                    lines = lines or [""]
                    out += lines[:-1]
                    end = " |"
                    if k == len(kept) - 1 and len(slots) > len(kept):
                        end += " " + "|" * (len(slots) - len(kept))
                    out.append(lines[-1] + end)
            else:
                for lines in kept:
                    out.append("\t" + (lines[0] if lines else ""))
                    out += lines[1:]
                out.append("")


# ----------------------------------------------------------------------------- copies
def render_crawl(
    gold: dict[str, Any], shape: str, seed: int = 0, stem: str = "gold", mode: str = ""
) -> Rendering:
    """The gold's page re-marked in ``shape`` and printed by the crawler (``mode`` or one
    drawn by the seed)."""
    from nianbao.report import Report
    from nianbao.writing.writer import render

    rng = random.Random(f"{seed}|{stem}|{shape}|{mode}")
    html = render(Report.from_flat(gold), "html").decode("utf-8")
    variants: list[str] = []
    html = edit_page(html, shape, rng, variants)
    crawler = Crawler(mode or MODES[seed % len(MODES)], rng)
    variants.append(crawler.rules())
    expected: dict[str, Any] = {k: val for k, val in gold.items() if k != "notes"}
    expected["blank"] = list(gold.get("blank") or [])
    r = Rendering(
        gold=stem,
        shape=shape,
        seed=seed,
        base=crawler.mode,
        text=crawler.page(html),
        expected=expected,
        variants=variants,
    )
    r.html = html  # type: ignore[attr-defined]
    return r


def all_crawls(
    shapes: tuple[str, ...] = SHAPES, seed: int = 0, n: int = 2, gold_filter: str = ""
) -> list[Rendering]:
    return every_source(render_crawl, shapes, seed, n, gold_filter)


def main(argv: list[str] | None = None) -> int:
    from .shapes_eval import shape_table

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shape", default="")
    ap.add_argument("--n", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show", type=int, default=3)
    ap.add_argument("--gold", default="")
    ap.add_argument("--html", action="store_true", help="parse the re-marked HTML instead")
    a = ap.parse_args(argv)
    shapes = tuple(s for s in a.shape.split(",") if s) or SHAPES

    def copies(shape: str) -> list[Rendering]:
        out = all_crawls((shape,), a.seed, a.n, a.gold)
        for r in out if a.html else []:
            r.text = r.html  # type: ignore[attr-defined]
        return out

    shape_table(shapes, copies, a.show, width=12)
    return 0


if __name__ == "__main__":
    sys.exit(main())
