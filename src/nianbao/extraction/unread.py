"""What the tool could not read, said as its own limit and recorded so that no check calls
it missing or blank: a table the text holds only as a placeholder or a picture, PDF pages
that are images, cells whose characters a PDF's font did not map or that hold residue
instead of a number (x, ?, 不详), a text that lost characters before it reached the tool
(U+FFFD), and rows whose label stands in the text while no cell of theirs was read. Each
pass marks what it could not read (``Ctx.mark_unread``) and says so once (R-UNREAD).

Over 500 lines because every pass here answers the one question of what the tool could
not read, and they share how it is marked and said.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..readers.document import Paragraph
from ..readers.labels import is_debris
from ..report import Report, text_lost
from ..schema import SECTION_KEYS, label_of, table_ids
from .context import Ctx
from .form.spec import find_headings, word_cell, worded_value
from .lookalike import confirmed


@lru_cache(maxsize=16)
def ids_of(layout: str, table: str) -> list[str]:
    """The cell ids of one table of a layout ("active" covers active2019 too)."""
    return [i for i in table_ids(layout) if i.split(".", 1)[0].startswith(table)]


def any_value(rep: Report, tables: tuple[str, ...]) -> bool:
    prefixes = tuple(t + "." for t in tables)
    return any(fid.startswith(prefixes) for fid in rep.values)


_PLACEHOLDER = re.compile(
    r"^\s*(?:\[\s*(?:TABLE|Table|table|表格|表|图片|图像|image|Image|IMAGE|img|IMG)\s*\]"
    r"|[（(](?:表格|图片|图表)[)）]|!\[[^\]]*\]\([^)]*\)|<img\b[^>]*>"
    r"|<!--\s*(?:image|figure|picture|图片)\s*-->)"
)
# each table's section: its name and the roots of its field ids
_TABLE_OF: dict[str, tuple[str, tuple[str, ...]]] = {
    "s2": ("表二", ("active", "active2019")),
    "s3": ("表三", ("requests",)),
    "s4": ("表四", ("reviews",)),
}
_TABLE_ROOTS = tuple(f"{root}." for _, roots in _TABLE_OF.values() for root in roots)


def _table_name(fid: str) -> str:
    return next(name for name, roots in _TABLE_OF.values() if fid.split(".", 1)[0] in roots)


def placeholders(ctx: Ctx, sec_of: list[str | None]) -> None:
    """A section 二–四 whose table the text holds only as a placeholder or a picture
    (pandoc's [TABLE], a Markdown image, an <img> tag) and no value of it was read: the
    tool cannot read that table; say so as its limit, and record the section unread so
    that no "missing table" finding blames the report."""
    seen: dict[str, tuple[str, int | None]] = {}
    for i, b in enumerate(ctx.doc.blocks):
        sec = sec_of[i]
        if sec in _TABLE_OF and sec not in seen and isinstance(b, Paragraph):
            m = _PLACEHOLDER.match(b.text)
            if m:
                seen[sec] = (m.group(0).strip(), b.page)
    rep = ctx.report
    for sec, (shown, page) in seen.items():
        name, roots = _TABLE_OF[sec]
        if any_value(rep, roots):
            continue
        ctx.mark_unread([f"sections.{sec}"])
        part = f"第{'二三四'[int(sec[1]) - 2]}部分的{name}"
        if page is not None and ctx.doc.media_type == "application/pdf":
            # a picture on a PDF's page (a table pasted as a screenshot)
            said = (
                f"{part}在PDF第 {page} 页是一张图片（表格以截图等图片形式放在文档中），"
                "本工具未能读取图片中的数值（未安装或未启用文字识别（OCR），或识别未得到表格）。"
            )
        else:
            said = (
                f"{part}在本文本中只是占位符或图片（「{shown[:40]}」），"
                "表格内容不在文本中（转换或复制时被省略，或以图片发布），本工具无法读取其数值。"
            )
        ctx.finding(
            "R-UNREAD",
            "warning",
            [f"sections.{sec}"],
            said + "这是本工具的读取局限，不代表报告缺少该表，请对照原件（网页或PDF）核对。",
            actual=shown[:80],
        )


def empty_sections(ctx: Ctx) -> None:
    """A plain-text copy in which section 二, 三 or 四 has its heading and nothing else: the
    next section's heading follows at once. A page copied or crawled to text loses the
    tables it showed as pictures (and nothing is left of them, not even a placeholder); a
    report that prints a heading with nothing under it is far rarer. The tool cannot read
    that table: say so as its limit, and record the section unread, so that no "missing
    table" or "empty section" finding blames the report for what the copy lost. Told from
    the text between the headings (a one-line copy has no blocks to count)."""
    rep = ctx.report
    if ctx.doc.media_type != "text/plain" or rep.layout.get("truncated"):
        return  # (a text that stops early: R-TEXT-TRUNCATED says what is not there)
    unread = rep.layout.get("unread") or ()
    todo = [
        (key, name)
        for key, (name, roots) in _TABLE_OF.items()
        if (sec := rep.sections.get(key)) is not None
        and sec.present
        and not any_value(rep, roots)
        and not any(u == f"sections.{key}" or u.split(".", 1)[0] in roots for u in unread)
    ]
    if not todo:
        return
    text = ctx.doc.text
    hits = find_headings(text)
    starts = sorted(h.start for h in hits.values())
    for key, name in todo:
        h = hits.get(key)
        nxt = next((s for s in starts if s >= h.end), None) if h is not None else None
        if h is None or nxt is None or text[h.end : nxt].strip():
            continue
        ctx.mark_unread([f"sections.{key}"])
        ctx.finding(
            "R-UNREAD",
            "warning",
            [f"sections.{key}"],
            f"第{'二三四'[int(key[1]) - 2]}部分在本文本中只有标题、没有任何内容（其后紧接下一部分），"
            f"{name}不在文本中（网页以图片发布的表格在复制或抓取成文本时会整体丢失），本工具无法读取其数值。"
            "这是本工具的读取局限，不代表报告缺少该表，请对照原件（网页或PDF）核对。",
        )


_REPORT_TITLE = re.compile(r"政府信息公开.{0,8}年度?报告|政务公开.{0,8}年度?报告")
# body text beyond which a text without any of the six sections is a body of its own
# (prose the section rules then judge), not a caption
_CAPTION_CHARS = 300
# a sentence of a body of its own: it speaks of what the report reports (a county office's
# whole report in a few sentences: 全年未收到公开申请，无复议诉讼); a caption or a post's lead
# (近日，…发布了…年度报告，一起来看) names the report only
_SENTENCE_END = re.compile(r"[。！？；!?;]")
_REPORT_MATTERS = re.compile(
    r"申请|复议|诉讼|规章|规范性文件|行政许可|行政处罚|行政强制|收费|主动公开|存在.{0,4}问题|改进"
)


def body_not_in_text(ctx: Ctx) -> None:
    """A text that names a report (its title, or a caption such as 长图｜…年度报告) but holds
    none of its six sections and no table, and hardly any text besides: a post that
    published the whole report as a long picture, or as pictures, copied or crawled to
    text. The tool cannot read the report's body: say so as its limit, and record the six
    sections unread, so that no "missing section" or "missing table" finding blames the
    report for what the copy does not hold. A text with a body of its own (prose of some
    length, or a few sentences on the report's matters) is left to the section rules."""
    rep = ctx.report
    if any(rep.sections[k].present for k in SECTION_KEYS if k in rep.sections):
        return
    if any_value(rep, ("active", "active2019", "requests", "reviews")):
        return
    title = rep.meta.get("title") or ""
    if not _REPORT_TITLE.search(title.replace(" ", "")):
        return
    text = ctx.doc.text.replace(title, "", 1)
    body = re.sub(r"[\s\u3000\u00a0]|\[图片\]", "", text)
    if len(body) > _CAPTION_CHARS:
        return
    sentences = [
        x for x in _SENTENCE_END.split(re.sub(r"[\s\u3000\u00a0]", "", text)) if len(x) >= 12
    ]
    if len(sentences) >= 2 and any(_REPORT_MATTERS.search(x) for x in sentences):
        return  # sentences on the report's matters: a short body of its own, not a caption
    pictures = sum(
        1 for b in ctx.doc.blocks if isinstance(b, Paragraph) and b.text.strip() == "[图片]"
    )
    seen = f"和 {pictures} 张图片" if pictures else ""
    ctx.mark_unread([f"sections.{k}" for k in SECTION_KEYS])
    ctx.finding(
        "R-UNREAD",
        "warning",
        [f"sections.{k}" for k in SECTION_KEYS],
        f"本文本只有报告的标题（或图片说明）{seen}，正文的六个部分和三张统计表都不在文本中"
        "（报告以长图或图片发布，复制或抓取成文本时正文整体丢失），本工具无法读取。"
        "这是本工具的读取局限，不代表报告缺少这些内容，请对照原件（网页或图片）核对。",
        actual=title[:80],
    )


_NUMBERS_LINE = re.compile(r"\s*(?:[-+]?\d[\d,]*(?:\.\d+)?\s*)+")


def _loose_numbers(ctx: Ctx, sec_of: list[str | None], key: str) -> tuple[list[str], int]:
    """The numbers of section ``key``'s lines (paragraphs, table cells) that hold numbers
    only, and the offset of the first such block (-1: none)."""
    nums: list[str] = []
    first = -1
    for i, b in enumerate(ctx.doc.blocks):
        if sec_of[i] != key:
            continue
        texts = (
            [b.text]
            if isinstance(b, Paragraph)
            else [c.text for row in b.rows for c in row if not c.covered]
        )
        for t in texts:
            for line in t.split("\n"):
                if line.strip() and _NUMBERS_LINE.fullmatch(line):
                    nums += line.split()
                    first = b.start if first < 0 else first
    return nums, first


def numbers_without_table(ctx: Ctx, sec_of: list[str | None]) -> None:
    """A section holding lines of numbers only (three numbers or more; seven for 三) while
    no cell of its table was read (表四's header lost in the copy, its numbers a cell a
    line; a copy whose lines stand out of order), or 表二 read as blank cells beside its
    labels while its numbers stand on lines of their own: the tool could not place them;
    say so as its limit, and record the table unread so that no "missing table" finding
    blames the report and no blank is claimed."""
    rep = ctx.report
    unread = rep.layout.get("unread") or ()
    for key, least in (("s2", 3), ("s3", 7), ("s4", 3)):
        name, roots = _TABLE_OF[key]
        if any_value(rep, roots) or any(
            u == f"sections.{key}" or u.split(".", 1)[0] in roots for u in unread
        ):
            continue  # read, or its unread cells already said
        nums, first = _loose_numbers(ctx, sec_of, key)
        if len(nums) < least:
            continue
        ctx.mark_unread([f"sections.{key}"])
        shown = "、".join(nums[:15]) + ("……" if len(nums) > 15 else "")
        found = "未找到表四的表头" if key == "s4" else f"未能读取{name}"
        ctx.finding(
            "R-UNREAD",
            "warning",
            [f"sections.{key}"],
            f"第{'二三四'[int(key[1]) - 2]}部分有 {len(nums)} 个数字"
            f"（原文第 {ctx.doc.line_of(first)} 行起：{shown}），"
            f"但本工具{found}，无法确定各数字属于哪一格，未作猜测。"
            "这是本工具的读取局限，不代表报告缺少该表，请对照原件核对。",
            evidence=nums[:30],
        )
    # (cells already said unread — a row whose label the copy garbled — are left out: the
    # rest of 表二, blank beside its loose numbers, is no more read for them)
    blank2 = [
        fid
        for fid in rep.values
        if fid.startswith(("active.", "active2019."))
        and fid not in unread
        and fid.rsplit(".", 1)[0] not in unread
    ]
    if not blank2 or any(
        rep.values[fid].value is not None or (rep.values[fid].raw or "").strip() for fid in blank2
    ):
        return  # 表二 read (a number, a word), absent, or all its unread cells already said
    nums, first = _loose_numbers(ctx, sec_of, "s2")
    if len(nums) < 3 or nums == [str(n) for n in range(1, len(nums) + 1)]:
        # (1, 2, 3 …: a numbering, 表二's 序号 column, beside its blank cells)
        if ctx.bare_active and any(fid in blank2 for fid in ctx.bare_active):
            _labels_only(ctx, blank2)
        return
    for fid in blank2:
        del rep.values[fid]
    ctx.mark_unread(blank2)
    shown = "、".join(nums[:15]) + ("……" if len(nums) > 15 else "")
    ctx.finding(
        "R-UNREAD",
        "warning",
        blank2,
        f"表二各单元格均未读到数值，而第二部分另有 {len(nums)} 个数字"
        f"（原文第 {ctx.doc.line_of(first)} 行起：{shown}）不在任何一格之中，"
        "本工具无法确定各数字属于哪一格，未作猜测。"
        "这是本工具的读取局限，不代表表二空白，请对照原件核对。",
        evidence=nums[:30],
    )


def _labels_only(ctx: Ctx, blank2: list[str]) -> None:
    """表二 read as labels with no value cell beside them (rows of a label alone) and not
    one number or word in any of its cells: a copy whose numbers stand apart from the labels
    (a PDF's text in column order puts them after the next heading), or a table printed
    blank — the tool cannot tell which, so the cells are unread and named, never claimed
    blank. (The cells stay, unread: the header's words — 采购总金额（万元） — are read.)"""
    ctx.mark_unread(blank2)
    ctx.finding(
        "R-UNREAD",
        "warning",
        blank2,
        "表二各行只有标签，标签旁没有数值单元格，表中也未读到任何数值；本工具无法确定"
        "这些行是空白还是数值在文本中另处排列（例如按列复制的文本），未作猜测。"
        "这是本工具的读取局限，不代表表二空白，请对照原件核对。",
    )


def _what_pages(pages: list[int], garbled: list[int]) -> str:
    """What the pages not read are: scans, text layers that could not be decoded, or both."""
    bad = set(pages) & set(garbled)
    if not bad:
        return "是扫描图像（无文字层）"
    if bad == set(pages):
        return "的文字层无法解码（字体缺少文字编码映射，取出的文字是乱码）"
    return "是扫描图像（无文字层）或文字层无法解码（字体缺少文字编码映射）"


def image_pages(ctx: Ctx) -> None:
    """Pages of a PDF that are images and could not be read (no OCR): whatever section or
    table the report lacks may stand on them, so it is unread (the tool's limit, said once),
    never missing from the report."""
    pages = ctx.doc.image_pages
    if not pages:
        return
    rep = ctx.report
    lacking = []
    for sec in SECTION_KEYS:
        s = rep.sections.get(sec)
        roots = _TABLE_OF.get(sec, ("", ()))[1]
        if s is None or not s.present or (roots and not any_value(rep, roots)):
            lacking.append(sec)
    if not lacking:
        return
    ctx.mark_unread(f"sections.{sec}" for sec in lacking)
    listed = "、".join(str(p) for p in pages[:20])
    names = "、".join(
        f"第{'一二三四五六'[int(sec[1]) - 1]}部分"
        + (f"（{_TABLE_OF[sec][0]}）" if sec in _TABLE_OF else "")
        for sec in lacking
    )
    ctx.finding(
        "R-UNREAD",
        "warning",
        [f"sections.{sec}" for sec in lacking],
        f"PDF 第 {listed} 页{_what_pages(pages, ctx.doc.garbled_pages)}，本工具未能读取"
        "（文字识别未启用或未安装）；"
        f"未读到的{names}可能就在这些页上。这是本工具的读取局限，不代表报告缺少这些内容，"
        "请安装 OCR 扩展（pip install 'nianbao[ocr]'）后重新读取，或对照原件核对。",
    )


def lost_characters(ctx: Ctx) -> None:
    """A text some of whose characters were lost before it reached the tool (U+FFFD: an
    encoding error before the file was saved, a PDF font without a character map): a
    heading or a row label may be among them, so what the reading did not find is unread,
    never missing or blank (sections not found, and rows of a table found that got no
    number), said once as the tool's limit. The checks that judge the words of the text
    do not run on it (``checks.registry``: ``layout["lost_chars"]``)."""
    lost = ctx.doc.text.count("\ufffd")
    if not lost:
        return
    rep = ctx.report
    rep.layout["lost_chars"] = lost
    unread = set(rep.layout.get("unread") or ())
    lacking = [
        sec
        for sec in SECTION_KEYS
        if (rep.sections.get(sec) is None or not rep.sections[sec].present)
        and f"sections.{sec}" not in unread
    ]
    fmt = rep.meta.get("format")
    rows: dict[str, list[str]] = {}
    for _, roots in _TABLE_OF.values():
        if not any_value(rep, roots):
            continue
        if roots[0] == "active":
            layouts = ["2019" if any_value(rep, ("active2019",)) else "2021"]
        else:  # a mixed or unknown format: the rows of either
            layouts = [fmt] if fmt in ("2021", "2019") else ["2021", "2019"]
        for lay in layouts:
            for fid in ids_of(lay, roots[0]):
                ids = rows.setdefault(fid.rsplit(".", 1)[0], [])
                if fid not in ids:
                    ids.append(fid)
    empty = [
        ids
        for ids in rows.values()
        if all(rep.values.get(i) is None or rep.values[i].value is None for i in ids)
        and not all(i in unread for i in ids)
    ]
    if not lacking and not empty:
        return
    cells = [f"sections.{sec}" for sec in lacking] + [i for ids in empty for i in ids]
    ctx.mark_unread(cells)
    parts = []
    if lacking:
        parts.append(
            "未读到的"
            + "、".join(
                f"第{'一二三四五六'[int(sec[1]) - 1]}部分"
                + (
                    f"（{_TABLE_OF[sec][0]}）"
                    if sec in _TABLE_OF and not any_value(rep, _TABLE_OF[sec][1])
                    else ""
                )
                for sec in lacking
            )
        )
    if empty:
        names = [label_of(ids[0]) for ids in empty]
        shown = "、".join(n[: n.rfind("」") + 1] for n in names[:8])
        more = f"等 {len(empty)} 行" if len(empty) > 8 else ""
        parts.append(f"没有读到数字的{shown}{more}")
    ctx.finding(
        "R-UNREAD",
        "warning",
        cells,
        f"文本中有 {lost} 个字符在文件保存之前已因文字编码错误丢失（显示为「\ufffd」），"
        f"{'，'.join(parts)}可能就在丢失的文字中。这是本工具的读取局限，不代表报告缺少这些内容或"
        "这些行空白"
        + ("；依据正文文字的检查未运行" if text_lost(lost, len(ctx.doc.text)) else "")
        + "。请取得原始文件（网页原文、PDF 或 DOCX）核对。",
        evidence={"lost_chars": lost},
    )


def unmapped(ctx: Ctx) -> None:
    """Cells whose characters the PDF's font did not map (U+FFFD), digits misread as
    letters (94B7), or residue where a number stands (x, ?, N/A, 不详: ``labels.is_debris``;
    words the form does not have, 见说明, 无此项: ``form.word_cell``; a number with words
    glued on, 4（无）: ``form.worded_value``):
    unread, said as the tool's limit, one finding per table and kind; never blank cells of
    the report."""
    rep = ctx.report
    lost: dict[tuple[str, str], list[str]] = {}
    # (digits alone, the common raw text, are neither of the two: passed over in one pass)
    texts = [(fid, r) for fid, v in rep.values.items() if (r := v.raw) and not r.isdigit()]
    for fid, raw in texts:
        if not fid.startswith(_TABLE_ROOTS):
            continue
        if "\ufffd" in raw:
            why = "glyph"
        elif _LETTERED.fullmatch(raw.strip()):
            why = "letters"
        elif is_debris(raw) or word_cell(raw) or worded_value(raw) == (-1, -1):
            why = "debris"
        else:
            continue
        lost.setdefault((_table_name(fid), why), []).append(fid)
    lettered = [fid for (_n, why), ids in lost.items() if why == "letters" for fid in ids]
    read = confirmed(rep, lettered, set(rep.layout.get("unread") or ())) if lettered else {}
    for (_n, _why), ids in lost.items():
        for fid in ids:
            rep.values[fid].value = read.get(fid)
        ids[:] = [fid for fid in ids if fid not in read]
    if read:
        by_table: dict[str, list[str]] = {}
        for fid in read:
            by_table.setdefault(_table_name(fid), []).append(fid)
        for name, ids in by_table.items():
            shown = "、".join(
                f"「{(rep.values[i].raw or '').strip()}」→ {read[i]}" for i in ids[:6]
            )
            ctx.finding(
                "R-OCR",
                "warning",
                ids,
                f"{name}有 {len(ids)} 个单元格的数值中夹有形似数字的字母（{shown}），"
                "多为文字识别把 0 认成 O、o、〇，把 1 认成 l、I；本工具按此读作数字，"
                "所在行（组）的合计与之相符。这是推断出的读法，请对照原件核对。",
                evidence={i: rep.values[i].raw for i in ids},
            )
    lost = {k: ids for k, ids in lost.items() if ids}
    if not lost:
        return
    pdf = ctx.doc.media_type == "application/pdf"
    for (name, why), ids in lost.items():
        ctx.mark_unread(ids)
        shown = "、".join(f"「{(rep.values[i].raw or '').strip()}」" for i in ids[:6])
        ctx.finding(
            "R-UNREAD",
            "warning",
            ids,
            (
                (
                    f"{name}有 {len(ids)} 个单元格的字符在 PDF 中没有文字编码（字体缺少 ToUnicode 映射，"
                    "显示为「\ufffd」），本工具无法识别其数值，未作猜测。"
                    if pdf
                    else f"{name}有 {len(ids)} 个单元格的字符在所读文本中已丢失（显示为「\ufffd」，"
                    "多为文字编码转换或复制时丢失），本工具无法识别其数值，未作猜测。"
                )
                if why == "glyph"
                else f"{name}有 {len(ids)} 个单元格填写的既不是数字也不是“—”“无”之类的占位符"
                f"（{shown}，多为文字识别或复制留下的残字、符号，或表示数值不详的文字），"
                "本工具无法确定其数值，未作猜测；同行其他单元格仍按各自的列读取。"
                if why == "debris"
                else f"{name}有 {len(ids)} 个单元格的数值中夹有字母或竖线（{shown}，"
                "多为文字识别把数字认成了字母或符号，如 8→B、0→O、1→l 或 |），"
                "本工具无法确定其数值，未作猜测。"
            )
            + "这是本工具的读取局限，不代表这些单元格空白，请对照原件核对。",
            evidence={i: rep.values[i].raw for i in ids},
        )


# a cell of digits and Latin letters mixed (94B7, 3O8, l515.2592), or a lone O / o / l / I:
# OCR's confusions of digits (a unit of Latin letters after digits, 12pt, is left by markup,
# which the readers strip); a pipe touching digits (6| for 61) where the copy's pipes are no
# separators (``form.tokens``)
_LETTERED = re.compile(
    r"(?=[\dA-Za-z〇|｜¦.,，]*\d)(?=[\d.,，]*[A-Za-z〇|｜¦])[\dA-Za-z〇|｜¦]+"
    r"(?:[.,，][\dA-Za-z〇|｜¦]+)*|[OolI〇]{2,}|[OolI]"
)


def _row_name(fid: str) -> str:
    """The row's label as ``label_of`` quotes it (表三「一、本年新收…」总计 -> 一、本年新收…)."""
    m = re.search("「(.+)」", label_of(fid))
    return m.group(1) if m else fid


# column words of 表三's header, which are also the last words of row labels (3.其他, （七）总计)
_COLUMN_WORDS = frozenset({"其他", "其它", "总计", "合计", "小计"})
_PIECES = re.compile(r"\t|[|｜]|\s{2,}")
# a copy's other separators (a CSV's commas, semicolons) and the numbers after a label in
# the same piece (``规章 0 0 0``): labels are also looked for without them; the other
# separators part a line only where a piece is a number alone (a row, ``规章；0；0；0``), not
# a sentence naming a row (``其中，规章 2 件，行政强制：5，……``: a row the report lacks)
_MORE_PIECES = re.compile(r"[,，;；]")
_NUMBER_PIECE = re.compile(r"\s*[-+]?\d+(?:\.\d+)?\s*")
_TRAILING_NUMBERS = re.compile(r"(?:[\s,，;；、|｜]*[-+]?\d[\d,]*(?:\.\d+)?)+[\s,，;；、|｜]*$")
_ANY_DIGIT = re.compile(r"\d")
_KEY_VALUE = re.compile(r"^\s*(?:[-*+•]\s*)?([^：:]{2,60})[：:](.*)$")
# column words of 表二 and 表三 (a cell named by its column after a row's label)
_COLUMN_NAMED = re.compile(
    r"本年制发|本年废止|现行有效|处理决定|收费金额|自然人|商业企业|科研机构|总计"
)


def labels_without_values(ctx: Ctx) -> None:
    """Rows of 表二 and 表三 with no cell read while their label stands in the text: the
    tool could not read them (a label far from the table the reading found, headings
    lost), so they are unread, said once, never "missing" (R-ROW-MISSING)."""
    from ..readers import labels as L
    from ..schema import ACTIVE2019_IDS, ACTIVE_IDS, COLUMNS, REQUEST_ROWS_2019, REQUEST_ROWS_2021

    rep = ctx.report
    vals = rep.values
    unread = set(rep.layout.get("unread") or ())
    unread |= set((rep.layout.get("truncated") or {}).get("cells") or ())  # beyond a cut

    def lacking(ids: list[str]) -> bool:
        return vals.keys().isdisjoint(ids) and not any(
            i in unread or i.rsplit(".", 1)[0] in unread for i in ids
        )

    wanted: dict[tuple[str, str], list[str]] = {}
    if any_value(rep, ("requests",)):
        rows = REQUEST_ROWS_2019 if rep.meta.get("format") == "2019" else REQUEST_ROWS_2021
        for r in rows:
            ids = [f"requests.{r}.{c}" for c in COLUMNS]
            if lacking(ids):
                wanted[("s3", r)] = ids
    old = rep.meta.get("format") == "2019"
    if any_value(rep, ("active2019",) if old else ("active",)):
        by_row: dict[str, list[str]] = {}
        for fid in ACTIVE2019_IDS if old else ACTIVE_IDS:
            by_row.setdefault(fid.split(".")[1], []).append(fid)
        for r, ids in by_row.items():
            if lacking(ids):
                wanted[("s2", r)] = ids
    if not wanted:
        return
    text = ctx.doc.text
    seen: dict[tuple[str, str], int] = {}
    pos = 0
    for line in text.split("\n"):
        pieces = _PIECES.split(line)
        if _MORE_PIECES.search(line):
            parted = _MORE_PIECES.split(line)
            if any(_NUMBER_PIECE.fullmatch(p) for p in parted):
                pieces += parted
        kv = _KEY_VALUE.match(line)
        if kv and _ANY_DIGIT.search(kv.group(2)) and _COLUMN_NAMED.search(kv.group(2)):
            # a row written as a list item, its cells named by their columns (``- 规章：
            # 本年制发件数：0，本年废止件数：0…``, a table an AI parser turned into a list)
            pieces.append(kv.group(1))
        if _ANY_DIGIT.search(line):
            pieces += [_TRAILING_NUMBERS.sub("", p) for p in pieces]
        else:  # (no digit: no piece has trailing numbers)
            pieces += pieces
        for piece in pieces:
            piece = piece.strip()
            if not piece or len(piece) > 60 or re.sub(r"\s", "", piece) in _COLUMN_WORDS:
                continue
            for key_, match in (("s3", L.match_request_row), ("s2", L.match_active_row)):
                m = match(piece)
                if m is not None and (key_, m.id) in wanted:
                    seen.setdefault((key_, m.id), pos + max(line.find(piece), 0))
        pos += len(line) + 1
    for key_ in ("s2", "s3"):
        found = [(r, at) for (k, r), at in seen.items() if k == key_]
        if not found:
            continue
        ids = [i for r, _ in found for i in wanted[(key_, r)]]
        ctx.mark_unread(ids)
        name = _TABLE_OF[key_][0]
        names = "、".join(f"「{_row_name(wanted[(key_, r)][-1])}」" for r, _ in found[:8])
        more = f"等 {len(found)} 行" if len(found) > 8 else f"共 {len(found)} 行"
        ctx.finding(
            "R-UNREAD",
            "warning",
            ids,
            f"{name}{names}{more}的标签见于文本（原文第 {ctx.doc.line_of(found[0][1])} 行起），"
            "但本工具未能读取这些行的数值。这是本工具的读取局限，不代表报告缺少这些行，"
            "请对照原件核对。",
        )
