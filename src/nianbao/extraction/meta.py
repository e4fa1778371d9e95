"""The report's meta: title, agency, year, period, dates and admin level — from the title
lines, or, when there is none, from the opening sentence, 本报告由…编制, 请与…联系 or an
inline title; page chrome (breadcrumbs, share buttons) is never the agency.

Over 500 lines because the title, agency, year, period and dates come from the same few
lines and fall back on one another (a title-less copy's agency from its sentences, the
report's own title among a portal's list of others).
"""

from __future__ import annotations

import re
from typing import Any

from ..readers.document import Document, Paragraph
from ..readers.normalize import key
from .context import Ctx
from .sections import CN_DATE_LINE, DATE_LINE, END_DATE, PAGE_DATE, Heading

_YEAR = re.compile(r"(19|20)\d{2}(?=\s*年)")
# 「…2023年度政府信息公开工作报告」: a title without 年度报告
_WORK_REPORT = re.compile(r"政府信息公开工作报告[》】」”\"]?(?:的通知)?$")
_TITLE_END = re.compile(r"(年度报告|年报)\s*$")


def _title_lines(doc: Document, heads: list[Heading]) -> tuple[str | None, list[str]]:
    first_head = heads[0].block if heads else len(doc.blocks)
    paras = [b for b in doc.blocks[: min(first_head, 80)] if isinstance(b, Paragraph)]
    lines = [p.text.strip() for p in paras if p.text.strip()]
    # page chrome before the report: breadcrumbs are never the title; a crawler's
    # 标题：… line (or a portal's 名称：… field) gives the title after its label
    lines = [
        re.sub(r"^[^：:]{0,8}[：:]\s*", "", ln) if _TITLE_FIELD.match(ln) else ln
        for ln in lines
        if not re.search(r"[>＞›»]|当前位置|所在位置", ln)
    ]
    lines = _join_wrapped_title(lines)
    # a crawler that puts every text node of the page on a line of its own spends many
    # lines on the portal's menus: they do not count against the window below
    window = [ln for ln in lines if not _menu_line(ln)][:24]
    lines = [ln for ln in lines if not _menu_line(ln)]
    first: tuple[str, list[str]] | None = None  # a title naming no year (政府信息公开年报)
    named: list[tuple[str, list[str]]] = []  # titles naming a year
    for i, ln in enumerate(window):
        k = key(ln)
        if "年度报告" not in k and not k.endswith("年报") and not _WORK_REPORT.search(k):
            continue
        if ln.rstrip().endswith(("。", "；")) or re.search(r"特此|根据|依据|按照", ln):
            continue  # a sentence naming the report (the opening sentence), not its title
        if len(k) > 60:
            continue
        parts = [ln]
        j = i
        # a title split over lines: pull in short lines above (agency, year) until the
        # title names both a year and 政府信息公开
        while j > 0:
            joined = key("".join(parts))
            if (
                _title_year(joined) is not None
                and "政府信息公开" in joined
                and _agency_from_title(joined)
            ):
                break
            prev = lines[j - 1]
            if (
                len(parts) >= 4
                or len(key(prev)) > 30
                or prev.endswith(("。", "，", "；"))
                or key(prev) in ("正文", "目录")
                or _PAGE_FIELD.search(prev)
            ):
                break
            parts.insert(0, prev)
            j -= 1
        dups = [x for x in lines[i + 1 : i + 3] if key(x) == k]
        if _title_year(key("".join(parts))) is not None:
            if not named or (
                len(parts) == 1
                and _title_year(k) is not None
                and "政府信息公开" in k
                and _TITLE_END.search(k)
            ):
                # (after the first, only a whole title on a line of its own: another
                # report's, listed by the portal, or the report's own after them)
                named.append(("".join(parts), dups))
            continue
        # (a portal's column name above the report's title, 栏目导航 / 政府信息公开年报:
        # a title further down that names the year is the report's)
        first = first or ("".join(parts), dups)
    if named:
        return _report_title(doc, heads, named)
    return first if first is not None else (None, [])


def _report_title(
    doc: Document, heads: list[Heading], named: list[tuple[str, list[str]]]
) -> tuple[str, list[str]]:
    """The report's own title among several that name a year: a portal lists other reports
    (热点信息, 相关文章) beside the article, and a crawler puts them before or after the
    article's title. The report's is the one whose body signs it (its 落款, 本报告由…编制),
    else the one standing twice (a page's title or 名称： field, then the article's), else
    the one whose body the report's text names most often — a longer name not counted for
    a shorter one inside it (清河县 in 清河县教育局); the first of equals. (Counting alone
    gave a bureau's report the title of its 人民政府 listed beside it, whose name the
    bureau's text repeats.)"""
    agencies = [_agency_from_title(key(t)) for t, _ in named]
    if len({a for a in agencies if a}) < 2 or not doc.text:
        return named[0]
    first = doc.blocks[heads[0].block] if heads else None
    start = first.text if isinstance(first, Paragraph) else ""
    at = doc.text.find(start) if start else -1
    keys = [key(t) for t, _ in named]
    return named[_own_index(doc, doc.text[at:] if at >= 0 else doc.text, agencies, keys)]


def _own_index(doc: Document, body: str, agencies: list[str | None], keys: list[str]) -> int:
    """Which of several titles (``keys``, naming ``agencies``) is the report's: the one
    whose body signs the report (its 落款, 本报告由…编制 — the longest name the signer's
    starts with), else the one standing twice, else the one whose body ``body`` names most
    often, a longer name not counted for a shorter one inside it; the first of equals."""
    signers = [s for s in (_signature(doc),) if s]
    tail = _FLAT_SIGNATURE.search(body[-80:])
    if tail:
        signers.append(tail.group(1))  # a flattened copy's 落款: the name before its date
    for rx in _AGENCY_SENTENCES[:_WEAK_SENTENCES]:
        signers += [m.group(1) for m in rx.finditer(body)]
    for signer in signers:
        sk = key(signer)
        fits = [i for i, a in enumerate(agencies) if a and sk.startswith(a)]
        if not fits:
            continue
        best = max(fits, key=lambda i: (len(agencies[i] or ""), -i))
        if any(
            (agencies[best] or "") in (f"{agencies[i]}办公室", f"{agencies[i]}办公厅") for i in fits
        ):
            continue  # a 人民政府's report is signed by its 办公室 too: it does not tell
        return best
    twice = [i for i, k in enumerate(keys) if keys.count(k) > 1]
    if twice and len({keys[i] for i in twice}) == 1:
        return twice[0]
    text = key(body)
    # a place's name alone titles its 人民政府's report (青岚县…): counted as that name, not
    # as every mention of the place
    agencies = [a + "人民政府" if a and _PLACE_ONLY.match(a) else a for a in agencies]
    said = []
    for a in agencies:
        t = text
        for b in {b for b in agencies if b and a and a in b and b != a}:
            if b not in (f"{a}办公室", f"{a}办公厅"):  # (its office speaks for it)
                t = t.replace(b, "|")
        said.append(_said(t, a))
    return max(range(len(agencies)), key=lambda i: (said[i], -i))


_FLAT_SIGNATURE = re.compile(
    r"([\u4e00-\u9fff（）()]{2,30})\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$"
)


def _said(text: str, agency: str | None) -> int:
    """How often ``text`` names ``agency`` other than in a title (its name followed by a
    year): in the report's sentences, its 落款, a page's 来源."""
    if not agency:
        return 0
    return len(re.findall(re.escape(agency) + r"(?!\s*(?:19|20)\d{2}\s*年)", text))


# a line that labels the title: a crawler's 标题：…, a portal's 名称：… / 信息名称：…
_TITLE_FIELD = re.compile(r"^(?:[^：:]{0,6}标题|名称|信息名称|文件名称|题名)\s*[：:]")
# a portal's menu entry or a separator standing on a line of its own
_MENU_LINE = re.compile(r"^(?:[|｜/·>＞]+|首页|搜索|English|无障碍|长者模式|关怀版|适老版)$")


def _menu_line(ln: str) -> bool:
    return bool(_MENU_LINE.match(ln.strip()))


_TITLE_WORDS = ("年度报告", "年报", "工作报告")
# the two lines end as a title ends (a sentence wrapped the same way, 「现将…工作年」 /
# 「度报告如下：」, goes on after those words: joined, it was taken for the title)
_JOINED_END = re.compile(r"(?:年度报告|年报|工作报告)(?:的通知)?$")


def _join_wrapped_title(lines: list[str]) -> list[str]:
    """A title wrapped inside its closing words (a PDF's 22-point title line that broke as
    「…政府信息公开工作年」 / 「度报告」): the short line after a line naming 政府信息公开
    joins it when only the two together name 年度报告 (or 年报, 工作报告), at their end."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        if i + 1 < len(lines):
            k, nxt = key(ln), key(lines[i + 1])
            if (
                "政府信息公开" in k
                and 0 < len(nxt) <= 6
                and not any(w in k for w in _TITLE_WORDS)
                and not any(w in nxt for w in _TITLE_WORDS)
                and any(w in k + nxt for w in _TITLE_WORDS)
                and _JOINED_END.search(k + nxt)
            ):
                out.append(ln.rstrip() + lines[i + 1].strip())
                i += 2
                continue
        out.append(ln)
        i += 1
    return out


_TITLE_TAIL = re.compile(r"(政府信息公开|政务公开|信息公开).*$")


# a year written in Chinese numerals (二〇二三年, 二○二三年, 二零二三年)
_CN_YEAR = re.compile(r"[一二][〇○零一二三四五六七八九]{3}(?=\s*年)")
# what wraps a title quoted in a portal's headline or a cover letter: 关于印发《…》的通知,
# 【机关】2023年…, 《…》
_QUOTED_TITLE = re.compile(
    r"^(?:关于)?(?:印发|发布|公布|公开)?[《【「“\"]|[》】」”\"](?:的通知|的公告)?$"
)
_WRAPS = '《》【】「」“”"[]'
# marks that part a name from the rest of a title (青岚县财政局：2023年…, 青岚县财政局-2023年…)
_PARTING = "：:-—–_|｜·，,、 "
# a web page's title: the report's title, then the site's or the agency's name after a
# separator (…年度报告-青岚县财政局, …年度报告_青岚县人民政府门户网站)
_SITE_SUFFIX = re.compile(
    r"^(?P<title>.+?(?:年度报告|年报|工作报告)[》】」”\"]?)[-—–_|｜·]+(?P<site>[^-—–_|｜·]{2,40})$"
)
# a post's tag before its title (长图｜…年度报告, 图解|…): not the agency (【青岚县财政局】
# before a title is the agency)
_TITLE_TAG = re.compile(r"^[^|｜【】\d]{1,6}[|｜](?=.*(?:年度报告|年报))")
# a site's own name, not a body's (门户网站, 政府网, 信息公开网)
_SITE_NAME = re.compile(r"(?:网站|门户|网|平台|在线|专栏)$")


def _agency_from_title(title_key: str) -> str | None:
    """The publishing body named by a title: the words around the year, e.g.
    '青岚县人民政府2023年政府信息公开工作年度报告' and '2024年上海市科委政府信息公开…'."""
    t = _TITLE_TAIL.sub("", _QUOTED_TITLE.sub("", title_key))
    t = _CN_YEAR.sub("2000", t)
    t = re.sub(r"((19|20)\d{2})年度?", "|", t)
    parts = [
        re.sub(r"(关于|的)$", "", p.strip(_WRAPS)).strip(_WRAPS + _PARTING) for p in t.split("|")
    ]
    parts = [p for p in parts if p]
    return parts[0] if parts else None


def _title_year(title_key: str) -> int | None:
    """The year a title names, in digits or in Chinese numerals."""
    ym = _YEAR.search(title_key)
    if ym:
        return int(ym.group(0))
    cm = _CN_YEAR.search(title_key)
    return _cn_int(cm.group(0)) if cm else None


_PLACE_ONLY = re.compile(r"^.{1,12}(省|市|县|区|旗|州|盟|自治区|自治州|自治县)$")
_TOWN_ONLY = re.compile(r"^.{1,14}(镇|乡|街道|苏木)$")
# 统计期限为2019年1月1日至12月31日; 统计期限自2019年1月1日起至2019年12月31日止
_PERIOD = re.compile(
    r"(?:统计期限|统计周期|统计时间|统计时限|统计区间|统计时段|统计期间)[^。]{0,12}?"
    r"(?P<y1>\d{4})\s*年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日\s*起?\s*(?:至|到|—|－|-|～|~)\s*"
    r"(?:(?P<y2>\d{4})\s*年\s*)?(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*日"
)
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")}
_CN_DIGIT.update({"○": 0, "零": 0})


def _cn_int(s: str) -> int:
    if len(s) == 4:
        return int("".join(str(_CN_DIGIT[c]) for c in s))
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DIGIT[s[1]]
    if "十" in s:
        a, _, b = s.partition("十")
        return _CN_DIGIT[a] * 10 + (_CN_DIGIT[b] if b else 0)
    return _CN_DIGIT[s]


# fifteen characters but blanks or more: longer than a date line (DATE_LINE, CN_DATE_LINE: at
# most 14 once its blanks are taken out)
_LONGER_THAN_DATE = re.compile(r"(?:\s*\S){15}")
# how a date line starts (blanks aside): a bracket or not, then a digit or a Chinese numeral
_DATE_START = re.compile(r"\s*[（(]?\s*[\d〇○零一二三四五六七八九]")


def read_meta(ctx: Ctx, heads: list[Heading]) -> None:
    doc, rep = ctx.doc, ctx.report
    meta = rep.meta
    title, dups = _title_lines(doc, heads)
    if dups:
        ctx.signals.add("dup_title")
    if title:
        meta["title"] = re.sub(r"\s+", "", title)
        site = None
        sm = _SITE_SUFFIX.match(meta["title"])
        if sm:
            meta["title"], site = sm.group("title"), sm.group("site")
        tk = meta["title"]
        tag = _TITLE_TAG.match(tk)
        agency = _agency_from_title(tk[tag.end() :] if tag else tk)
        if tag and not agency and _AGENCY_END.search(words := tag.group(0)[:-1]):
            agency = words  # 青岚县医保局｜2023年…年度报告: a body's name before the bar, no tag
        if (
            not agency
            and site
            and _AGENCY_END.search(site)
            and not _SITE_NAME.search(site)
            and not _SELF.match(site)
        ):
            agency = site  # 2023年…年度报告-青岚县财政局: the page names the body after the title
        year = _title_year(tk)
        if year is not None:
            meta["year"] = year
        if agency:
            if _PLACE_ONLY.match(agency):
                # a title naming only a place (汉阴县…) titles the 本级政府 report
                agency += "人民政府"
            elif _TOWN_ONLY.match(agency):
                # 青岚镇…, 城关街道…: the body's own full name of the town's government
                full = re.search(re.escape(agency) + r"(?:人民政府|街道办事处|办事处)", doc.text)
                if full:
                    agency = full.group(0)
            meta["agency"] = agency
    if not meta.get("agency"):
        _meta_inline(doc, meta)
    elif meta["agency"].startswith(_CHROME_WORDS):
        meta["agency"] = _strip_chrome(meta["agency"])
    pm = _PERIOD.search(doc.text)
    if pm:
        y1 = int(pm.group("y1"))
        y2 = int(pm.group("y2") or y1)
        meta["period_start"] = f"{y1:04d}-{int(pm.group('m1')):02d}-{int(pm.group('d1')):02d}"
        meta["period_end"] = f"{y2:04d}-{int(pm.group('m2')):02d}-{int(pm.group('d2')):02d}"
        if meta["year"] is None:
            meta["year"] = y1
    if meta["year"] is None:
        ym = _YEAR.search(doc.text[:2000])
        if ym:
            meta["year"] = int(ym.group(0))
    # the publication date: the last line that holds only a date
    published = None
    for b in doc.blocks:
        if (
            not isinstance(b, Paragraph)
            or not _DATE_START.match(b.text)
            or _LONGER_THAN_DATE.match(b.text)
        ):
            continue
        t = re.sub(r"\s+", "", b.text)
        m = DATE_LINE.match(t)
        if m:
            published = (
                int(m.group("y")),
                int(m.group("m") or m.group("m2")),
                int(m.group("d") or m.group("d2")),
            )
            continue
        m = CN_DATE_LINE.match(t)
        if m:
            try:
                published = (_cn_int(m.group("y")), _cn_int(m.group("m")), _cn_int(m.group("d")))
            except (KeyError, ValueError):
                pass
    source = "footer"
    # a date the page itself gives for the publication (发布日期：2023-01-20) beats the 落款
    for b in doc.blocks[:60]:
        if isinstance(b, Paragraph):
            m = PAGE_DATE.search(b.text)
            if m:
                published = (int(m.group("y")), int(m.group("m")), int(m.group("d")))
                source = "page"
                break
    if published is None:
        # a copy flattened to one line: the 落款 date ends the text
        m = END_DATE.search(doc.text.rstrip()[-80:])
        if m:
            published = (int(m.group("y")), int(m.group("m")), int(m.group("d")))
    if published and 1 <= published[1] <= 12 and 1 <= published[2] <= 31:
        meta["published"] = f"{published[0]:04d}-{published[1]:02d}-{published[2]:02d}"
        meta["published_source"] = source
    agency = meta.get("agency")
    meta["agency_kind"] = agency_kind(agency)
    meta["admin_level"] = admin_level(agency)


# Words of a web page's chrome that a crawler puts before the report (never the agency).
_CHROME_WORDS = (
    "标题",
    "关怀版",
    "无障碍",
    "长者模式",
    "适老版",
    "首页",
    "当前位置",
    "您当前所在位置",
    "字体",
    "打印本页",
    "关闭窗口",
    "分享到",
    "微信",
    "微博",
    "分享",
    "打印",
    "关闭",
)
_INLINE_TITLE = re.compile(
    r"([\u4e00-\u9fff（）()]{2,40}?)((?:19|20)\d{2})\s*年度?\s*政府信息公开工作年度报告"
)
# a one-line copy that keeps the space of a title printed on two lines (the agency, then
# 2020年…年度报告): the name before the space must end as an agency's name does
_INLINE_TITLE_SPACED = re.compile(
    r"([\u4e00-\u9fff（）()]{2,40}?) ((?:19|20)\d{2})\s*年度?\s*政府信息公开工作年度报告"
)
_AGENCY_SENTENCES = (
    re.compile(r"([\u4e00-\u9fff（）()]{2,30}?)特此(?:编制|发布)"),
    re.compile(r"本(?:年度)?报告由([\u4e00-\u9fff（）()]{2,30}?)(?:根据|依据|按照|负责|编制)"),
    # the weak ones from here (``_WEAK_SENTENCES``): the 落款 comes before them
    re.compile(r"请与([\u4e00-\u9fff（）()]{2,30}?)联系"),
    # [^\S\n]*, not \s*: a newline starts its own attempt, and \s* made a run of blank lines
    # quadratic (each newline of the run scanned the rest of it)
    re.compile(r"(?:^|[。\n])[^\S\n]*([\u4e00-\u9fff（）()]{2,30}?)(?:根据|依据|按照)《"),
)


# a portal page's fields above the report (来源：…　发布时间：…): never part of a title
_PAGE_FIELD = re.compile(
    r"(?:来源|发布时间|发布日期|发布机构|发布单位|信息来源|浏览次数|访问量|字号|索引号)\s*[：:]"
)
# what an agency's name ends with (a 落款 or a sentence naming the body)
_AGENCY_END = re.compile(
    r"(政府|局|委|办|厅|室|中心|委员会|院|署|街道|办事处|会|站|所|队|馆|处|部)$"
)
# a body referring to itself (我局, 本机关): not a name
_SELF = re.compile(r"^(?:我|本)[\u4e00-\u9fff]{1,3}$")


def _signature(doc: Document) -> str | None:
    """The body signing the report (its 落款): the short line above the last line that
    holds only a date, or the name before that date on the same line."""
    paras = [b.text.strip() for b in doc.blocks if isinstance(b, Paragraph) and b.text.strip()]
    for i in range(len(paras) - 1, max(-1, len(paras) - 6), -1):
        t = re.sub(r"\s+", "", paras[i])
        if DATE_LINE.match(t) or CN_DATE_LINE.match(t):
            name = re.sub(r"\s+", "", paras[i - 1]) if i else ""
        else:
            m = re.match(r"^([\u4e00-\u9fff（）()]{2,30}?)\s+(\d{4}\s*年.*日)$", paras[i])
            if not (m and END_DATE.search(m.group(2))):
                continue
            name = m.group(1)
        return name if _signing_name(name) else None
    # a 落款 without its date (the date left out, or printed where the copy lost it): the
    # last line a body's bare name, right after the closing prose, that the report names
    # before it too (a page's footer under it, 「XX县人民政府办公室」 under a bureau's
    # report or the site's 「XX大数据中心」, is named nowhere else: taken so, the report
    # was given another body's name, silently)
    if len(paras) >= 2 and paras[-2].rstrip().endswith("。"):
        name = re.sub(r"\s+", "", paras[-1])
        before = re.sub(r"\s+", "", "".join(paras[:-1]))
        if (
            _signing_name(name)
            and not re.search(r"(?:主办|承办|协办|版权所有)", name)
            and name in before
        ):
            return name
    return None


def _signing_name(name: str) -> bool:
    return (
        2 <= len(name) <= 30
        and bool(_AGENCY_END.search(name))
        and not _SELF.match(name)
        and bool(re.fullmatch(r"[\u4e00-\u9fff（）()]+", name))
    )


_WEAK_SENTENCES = 2


def _strip_chrome(text: str) -> str:
    changed = True
    while changed:
        changed = False
        for w in _CHROME_WORDS:
            if text.startswith(w) and len(text) > len(w) + 1:
                text = text[len(w) :]
                changed = True
    return text


_CRUMBS = re.compile(r"[>＞›»]")


def _after_crumbs(agency: str, head: str, a: int, b: int) -> str:
    """A name read from a title that a flattened page runs on from its breadcrumbs (首页 >
    政务公开 > 政府信息公开年报青岚县人民政府2024年…): the breadcrumb's last words ran into it.
    The longest end of it (five characters or more, an agency's ending) that the text names
    elsewhere too; else as it is."""
    rest = head[:a] + head[b:]
    if agency in rest:
        return agency
    for i in range(1, len(agency) - 4):
        tail = agency[i:]
        if _AGENCY_END.search(tail) and tail in rest:
            return tail
    return agency


def _meta_inline(doc: Document, meta: dict[str, Any]) -> None:
    """Agency and year of a copy without a title line of its own: a title standing in
    mid-line (a flattened page), else the opening sentence (…特此编制2024年度…年度报告),
    the 本报告由…编制 sentence or the contact line (请与…联系)."""
    head = re.sub(r"\s+", " ", doc.text[:4000])
    m = _INLINE_TITLE.search(head)
    if not m:
        spaced = _INLINE_TITLE_SPACED.search(head)
        # (and named again in the body: a menu or breadcrumb before a title naming no
        # agency — 市教育局 市公安局 2024年… — ends as an agency's name does too)
        if (
            spaced
            and _AGENCY_END.search(spaced.group(1))
            and doc.text.count(_strip_chrome(spaced.group(1))) > 1
        ):
            m = spaced
    if m:
        # a portal's list of other reports (热点信息) beside the article: the report's is
        # the title its body signs, or names most often (``_own_index``)
        hits = list(_INLINE_TITLE.finditer(head))
        if len({_strip_chrome(h.group(1)) for h in hits}) > 1:
            names: list[str | None] = [key(_strip_chrome(h.group(1))) for h in hits]
            m = hits[_own_index(doc, doc.text, names, [key(h.group(0)) for h in hits])]
        agency = _strip_chrome(m.group(1))
        agency = re.sub(r"^(?:关于|的)", "", agency)
        agency = re.sub(r"(?:特此(?:编制|发布|公布)|编制了?|发布了?|现将)$", "", agency)
        for pat in _AGENCY_SENTENCES:
            s = pat.search(head)
            if s and s.group(1) and agency.endswith(_strip_chrome(s.group(1))):
                agency = _strip_chrome(s.group(1))  # the sentence bounds the name
                break
        if _CRUMBS.search(head[max(0, m.start(1) - 30) : m.start(1)]):
            agency = _after_crumbs(agency, head, m.start(1), m.end())
        if agency and not agency.startswith(("年", "度")):
            meta["agency"] = agency
            meta["title"] = f"{agency}{m.group(2)}年政府信息公开工作年度报告"
        meta["year"] = meta.get("year") or int(m.group(2))
        if meta.get("agency"):
            return
    signature = _signature(doc)
    for n, pat in enumerate(_AGENCY_SENTENCES):
        if n == _WEAK_SENTENCES and signature:
            meta["agency"] = signature  # the 落款 before a contact line or 根据《…》
            break
        for s in pat.finditer(doc.text):
            agency = _strip_chrome(s.group(1))
            agency = re.sub(r"^.*[，。、；：:]", "", agency).removeprefix("由")
            if agency and _AGENCY_END.search(agency) and not _SELF.match(agency):
                meta["agency"] = agency
                break
        if meta.get("agency"):
            break
    ym = re.search(r"((?:19|20)\d{2})\s*年度?\s*政府信息公开工作年度报告", head)
    if ym and not meta.get("year"):
        meta["year"] = int(ym.group(1))


def agency_kind(agency: str | None) -> str:
    if not agency:
        return "unknown"
    a = agency
    if re.search(r"(街道办事处|街道)$", a) or re.search(r"[乡镇]人民政府$", a):
        return "township"
    if a.endswith(
        ("人民政府办公室", "人民政府办公厅", "政府办公室", "政府办公厅", "办公厅", "办公室")
    ):
        return "department"
    if a.endswith("人民政府") or _PLACE_ONLY.match(a):
        return "government"
    if re.search(r"(局|委|委员会|办|厅|中心|署|部|院|所|站|队|会)$", a):
        return "department"
    return "unknown"


_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")


def admin_level(agency: str | None) -> str:
    if not agency:
        return "unknown"
    a = agency
    if a.startswith(("国务院", "国家", "中华人民共和国")):
        return "central"
    if re.search(r"[乡镇](人民政府|党委|$)|街道", a):
        return "township"
    body = re.sub(r"(人民政府办公室|人民政府办公厅|人民政府|办公厅|办公室)$", "", a)
    if re.search(r"(县|旗|区|县级市)", body):
        return "county"
    if a.startswith(_MUNICIPALITIES):
        return "province"
    if re.search(r"(省|自治区)", body) and not re.search(r"(市|州|盟)", body):
        return "province"
    if re.search(r"(市|州|盟)", body):
        return "prefecture"
    return "unknown"
