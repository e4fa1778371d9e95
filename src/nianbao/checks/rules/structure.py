"""Group A of rules.md: document structure and layout."""

from __future__ import annotations

import re
from functools import lru_cache

from ...report import Finding, Report
from ...schema import (
    ACTIVE2019_IDS,
    ACTIVE_IDS,
    COLUMNS,
    REVIEW_IDS,
    SECTION_HEADINGS,
    SECTION_KEYS,
)
from ..registry import finding, rule
from .common import (
    COLUMN_CELLS,
    columns_unread,
    has_table,
    has_text,
    is_not_read,
    is_unmapped,
    labels_seen,
    meta_year,
    not_read,
    request_rows,
    row_cells,
    row_present,
    row_title,
    simplified,
    year_of,
)

_NUMERALS = "一二三四五六"

# Recognised wording variants of the heading bodies (format.md §2), compared after folding.
_HEADING_VARIANTS: dict[str, tuple[str, ...]] = {
    "s3": ("行政机关收到和处理政府信息公开申请情况",),
    "s4": ("因政府信息公开工作被申请行政复议、提起行政诉讼情况",),
    "s5": (
        "存在的问题及改进情况",
        "存在的主要问题及下一步工作",
        "政府信息公开工作存在的主要问题及改进情况",
        "存在问题及改进情况",
    ),
}
_FOLD_DROP = re.compile(r"[\s\u00a0\u3000#*、，,。.．:：;；()（）“”\"'‘’]+")
_WS_MD = re.compile(r"[\s\u00a0\u3000#*]+")
_ORDINAL = re.compile(
    r"^(?:第?([一二三四五六七八九十]+|\d+)(?:部分)?|[（(]([一二三四五六]|\d)[)）])(.?)"
)


def _fold(text: str) -> str:
    return _FOLD_DROP.sub("", text)


_CANONICAL_BODIES = {k: _fold(h.split("、", 1)[1]) for k, h in SECTION_HEADINGS.items()}
_VARIANT_BODIES = {k: {_fold(v) for v in vs} for k, vs in _HEADING_VARIANTS.items()}


@lru_cache(maxsize=1024)  # headings repeat from report to report
def _clean_heading(heading: str) -> str:
    h = _WS_MD.sub("", heading)
    if any("\u3400" <= ch <= "\u9fff" for ch in h):
        h = simplified(h)
    return h


# ------------------------------------------------------------------ sections
@rule("R-SECTIONS", "error", "缺少章节", "A", text=True)
def sections_missing(report: Report) -> list[Finding]:
    year = meta_year(report)
    if not has_text(report) or not isinstance(year, int) or year < 2019:
        return []
    out = []
    unread = not_read(report)
    prefixes = {key: pre for key, _, pre, _ in _TABLES}
    for k in SECTION_KEYS:
        sec = report.sections.get(k)
        if (sec is None or not sec.present) and not is_not_read(unread, f"sections.{k}"):
            if k in prefixes and (_has_table(report, prefixes[k]) or labels_seen(report, k)):
                # the section's table is there: its heading is what is missing (or unread)
                out.append(
                    finding(
                        "R-SECTION-TITLE",
                        cells=[f"sections.{k}"],
                        expected=SECTION_HEADINGS[k],
                        actual=None,
                        message=f"未找到第{_NUMERALS[int(k[1]) - 1]}部分的标题「{SECTION_HEADINGS[k]}」，"
                        "但该部分的统计表在文中：标题缺失，或写法未能识别，请核对。",
                    )
                )
                continue
            out.append(
                finding(
                    "R-SECTIONS",
                    cells=[f"sections.{k}"],
                    expected=SECTION_HEADINGS[k],
                    actual=None,
                    message=f"缺少第{_NUMERALS[int(k[1]) - 1]}部分「{SECTION_HEADINGS[k]}」"
                    "（《条例》第五十条及年报格式要求的六项内容不能遗漏）。",
                )
            )
    return out


@rule("R-SECTION-ORDER", "warning", "章节顺序", "A", text=True)
def section_order(report: Report) -> list[Finding]:
    present = [
        (k, s.order)
        for k, s in ((k, report.sections.get(k)) for k in SECTION_KEYS)
        if s is not None and s.present and s.order is not None
    ]
    orders = [o for _, o in present]
    if all(a < b for a, b in zip(orders, orders[1:])):
        return []
    printed = [k for k, _ in sorted(present, key=lambda p: p[1])]
    seq = "、".join(_NUMERALS[int(k[1]) - 1] for k in printed)
    return [
        finding(
            "R-SECTION-ORDER",
            cells=[f"sections.{k}" for k, _ in present],
            expected="一、二、三、四、五、六",
            actual=seq,
            message=f"章节顺序与格式不符：报告依次为 {seq}，格式规定为 一至六 依序排列。",
        )
    ]


@rule("R-SECTION-TITLE", "warning", "章节标题不规范", "A", text=True)
def section_title(report: Report) -> list[Finding]:
    out = []
    for i, k in enumerate(SECTION_KEYS):
        sec = report.sections.get(k)
        if sec is None or not sec.present or not sec.heading:
            continue
        heading = _clean_heading(sec.heading)
        numeral = _NUMERALS[i]
        canonical = SECTION_HEADINGS[k]
        if heading.startswith(numeral + "、"):
            body = _fold(heading[2:])
            if body == _CANONICAL_BODIES[k]:
                continue
            if body in _VARIANT_BODIES.get(k, ()):
                severity, why = "info", "使用了常见的标题异写"
            else:
                severity, why = "warning", "标题措辞与格式不符"
        else:
            severity = "warning"
            m = _ORDINAL.match(heading)
            why = f"序号应为「{numeral}、」" if m else f"标题缺少序号「{numeral}、」"
            body = _fold(_ORDINAL.sub("", heading, count=1)) if m else _fold(heading)
            if body not in (_CANONICAL_BODIES[k], *_VARIANT_BODIES.get(k, ())):
                why += "，且措辞与格式不符"
        out.append(
            finding(
                "R-SECTION-TITLE",
                severity=severity,
                cells=[f"sections.{k}"],
                expected=canonical,
                actual=sec.heading.strip(),
                evidence=sec.heading,
                message=f"章节标题「{sec.heading.strip()}」不规范：{why}，规范标题为「{canonical}」。",
            )
        )
    return out


_TITLE_CORE = "政府信息公开工作年度报告"


@rule("R-TITLE", "warning", "标题不规范", "A")
def title(report: Report) -> list[Finding]:
    raw = report.meta.get("title")
    if not raw and not has_text(report):
        return []
    if not raw:
        return [
            finding(
                "R-TITLE",
                cells=["meta.title"],
                expected=f"<机关名称><年份>年{_TITLE_CORE}",
                message="未识别到报告标题（应为「<机关名称><年份>年政府信息公开工作年度报告」）。",
            )
        ]
    t = _clean_heading(str(raw))
    if "\ufffd" in t:
        return []  # characters the tool could not read (a PDF font's unmapped glyphs): noted
    problems = []
    if year_of(t) is None:
        problems.append("缺少四位数年份")
    if _TITLE_CORE not in t:
        problems.append(f"缺少「{_TITLE_CORE}」字样")
    if not problems:
        return []
    return [
        finding(
            "R-TITLE",
            cells=["meta.title"],
            expected=f"<机关名称><年份>年{_TITLE_CORE}",
            actual=raw,
            message=f"报告标题「{raw}」不规范：{'，'.join(problems)}。",
        )
    ]


# ------------------------------------------------------------------ tables
_TABLES = (
    ("s2", "表二（主动公开政府信息情况）", ("active.", "active2019."), "active"),
    ("s3", "表三（收到和处理政府信息公开申请情况）", ("requests.",), "requests"),
    ("s4", "表四（行政复议、行政诉讼情况）", ("reviews.",), "reviews"),
)


def _has_table(report: Report, prefixes: tuple[str, ...]) -> bool:
    return has_table(report, prefixes)


# a plain-text copy (crawled from a page, copied out of a document) holds no table that the
# page showed as a picture or the document as an attachment: the tool cannot tell the two apart
_TEXT_COPY_CAVEAT = "所读文件是纯文本副本：原报告若以图片或附件发布此表，文本中不会出现，请对照原报告核实后再作结论。"


@rule("R-TABLE-MISSING", "error", "缺少统计表", "A")
def table_missing(report: Report) -> list[Finding]:
    out = []
    for key, name, prefixes, table in _TABLES:
        sec = report.sections.get(key)
        if sec is None or not sec.present or _has_table(report, prefixes):
            continue
        if is_unmapped(report, table):
            continue  # a table was found but could not be mapped: R-CELL-COUNT
        unread = not_read(report)
        if (
            labels_seen(report, key)
            or is_not_read(unread, f"sections.{key}")
            or any(ref.startswith(prefixes) for ref in unread)
        ):
            # its labels are there but unread (R-UNREAD), cells of it the tool could not
            # read, or the text ends before
            continue
        out.append(
            finding(
                "R-TABLE-MISSING",
                cells=[f"sections.{key}"],
                message=f"第{_NUMERALS[int(key[1]) - 1]}部分未找到{name}，格式规定该部分须以统计表填报。"
                + _TEXT_COPY_CAVEAT * bool(report.layout.get("plain_text")),
            )
        )
    return out


_ACTIVE_ROWS_2021: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("规章", ACTIVE_IDS[0:3]),
    ("行政规范性文件", ACTIVE_IDS[3:6]),
    ("行政许可", ACTIVE_IDS[6:7]),
    ("行政处罚", ACTIVE_IDS[7:8]),
    ("行政强制", ACTIVE_IDS[8:9]),
    ("行政事业性收费", ACTIVE_IDS[9:10]),
)


def _active2019_rows() -> tuple[tuple[str, tuple[str, ...]], ...]:
    from ...schema import ACTIVE2019_LABELS

    rows: dict[str, list[str]] = {}
    for fid in ACTIVE2019_IDS:
        rows.setdefault(ACTIVE2019_LABELS[fid].split("·")[0], []).append(fid)
    return tuple((k, tuple(v)) for k, v in rows.items())


_ACTIVE_ROWS_2019 = _active2019_rows()


@rule("R-ROW-MISSING", "error", "表格缺行", "A", tables=True)
def row_missing(report: Report) -> list[Finding]:
    out = []
    fmt_ = report.meta.get("format")
    vals = report.values
    unread = not_read(report)
    # section 二
    if fmt_ == "2019":
        rows, table = _ACTIVE_ROWS_2019, ("active2019.",)
    else:
        rows, table = _ACTIVE_ROWS_2021, ("active.",)
    keys = vals.keys()
    if _has_table(report, table):
        missing = [
            (label, ids)
            for label, ids in rows
            if keys.isdisjoint(ids) and not (unread and any(is_not_read(unread, i) for i in ids))
        ]
        if missing:
            out.append(
                finding(
                    "R-ROW-MISSING",
                    cells=[i for _, ids in missing for i in ids],
                    actual=[label for label, _ in missing],
                    message="表二缺少格式规定的行："
                    + "、".join(f"「{lb}」" for lb, _ in missing)
                    + "。",
                )
            )
    # section 三
    if _has_table(report, ("requests.",)):
        missing_rows = [
            r
            for r in request_rows(report)
            if keys.isdisjoint(row_cells(r))
            and not (unread and any(is_not_read(unread, i) for i in row_cells(r)))
        ]
        if missing_rows:
            out.append(
                finding(
                    "R-ROW-MISSING",
                    cells=[f"requests.{r}.{c}" for r in missing_rows for c in COLUMNS],
                    actual=missing_rows,
                    message="表三缺少格式规定的行："
                    + "、".join(f"「{row_title(r)}」" for r in missing_rows)
                    + "。",
                )
            )
    return out


@rule("R-COL-MISSING", "error", "表格缺列", "A", tables=True)
def col_missing(report: Report) -> list[Finding]:
    from .common import col_label

    out = []
    vals = report.values
    if _has_table(report, ("requests.",)):
        cut = report.layout.get("requests_cut") or ()  # columns a cut copy does not show
        cut = {*cut, *columns_unread(report)}  # (R-UNREAD says so)
        missing = [c for c in COLUMNS if vals.keys().isdisjoint(COLUMN_CELLS[c]) and c not in cut]
        if missing:
            out.append(
                finding(
                    "R-COL-MISSING",
                    cells=[f"requests.{r}.{c}" for r in request_rows(report) for c in missing],
                    actual=missing,
                    message="表三缺少格式规定的列："
                    + "、".join(f"「{col_label(c)}」" for c in missing)
                    + f"（应有 {len(COLUMNS)} 个数据列）。",
                )
            )
    if _has_table(report, ("reviews.",)):
        unread = not_read(report)
        missing_ids = [
            i for i in REVIEW_IDS if i not in vals and not (unread and is_not_read(unread, i))
        ]
        if missing_ids:
            from ...schema import label_of

            out.append(
                finding(
                    "R-COL-MISSING",
                    cells=missing_ids,
                    expected=len(REVIEW_IDS),
                    actual=len(REVIEW_IDS) - len(missing_ids),
                    message=f"表四只识别出 {len(REVIEW_IDS) - len(missing_ids)} 个单元格（应有 "
                    f"{len(REVIEW_IDS)} 个），缺少："
                    + "、".join(label_of(i).removeprefix("表四") for i in missing_ids)
                    + "。",
                )
            )
    return out


# ------------------------------------------------------------------ layout version
@rule("R-FORMAT-OLD", "error", "使用旧版格式", "A")
def format_old(report: Report) -> list[Finding]:
    year = meta_year(report)
    if report.meta.get("format") == "2019" and isinstance(year, int) and year >= 2021:
        return [
            finding(
                "R-FORMAT-OLD",
                cells=["meta.format"],
                expected="2021",
                actual="2019",
                message=f"{year}年度报告仍使用2019年《年度报告格式（试行）》的表格，"
                "应使用国办公开办函〔2021〕30号印发的新格式。",
            )
        ]
    return []


@rule("R-FORMAT-MIXED", "warning", "新旧格式混用", "A")
def format_mixed(report: Report) -> list[Finding]:
    if report.meta.get("format") != "mixed":
        return []
    detail = ""
    if row_present(report, "other"):
        detail = "表三「（六）其他处理」为2019年格式的单行，未按新格式拆分为三个子项；"
    return [
        finding(
            "R-FORMAT-MIXED",
            cells=["meta.format"],
            expected="2021",
            actual="mixed",
            message=f"报告混用了新旧两版年报格式：{detail}应统一使用国办公开办函〔2021〕30号格式。",
        )
    ]


@rule("R-FORMAT-EARLY", "warning", "年度与格式不符", "A")
def format_early(report: Report) -> list[Finding]:
    year = meta_year(report)
    if report.meta.get("format") == "2021" and year in (2019, 2020):
        return [
            finding(
                "R-FORMAT-EARLY",
                cells=["meta.year", "meta.format"],
                expected="2019",
                actual="2021",
                message=f"{year}年度报告使用了2021年9月才印发的新版表格格式，"
                "年份可能识别有误或报告系事后重新发布。",
            )
        ]
    return []


# ------------------------------------------------------------------ extraction findings
@rule("R-CELL-COUNT", "warning", "单元格数量异常", "A", extraction=True)
def cell_count(report: Report) -> list[Finding]:
    return []


@rule("R-LAYOUT-SHIFT", "warning", "单元格错位", "A", extraction=True)
def layout_shift(report: Report) -> list[Finding]:
    return []


@rule("R-HEADER-GARBLED", "warning", "表头错乱", "A", extraction=True)
def header_garbled(report: Report) -> list[Finding]:
    return []


@rule("R-LABEL-VARIANT", "info", "标签异写", "A", extraction=True)
def label_variant(report: Report) -> list[Finding]:
    return []


@rule("R-LABEL-TYPO", "warning", "标签错别字", "A", extraction=True)
def label_typo(report: Report) -> list[Finding]:
    return []


@rule("R-SCRIPT-TRADITIONAL", "info", "繁体文本", "A")
def script_traditional(report: Report) -> list[Finding]:
    if report.meta.get("script") != "traditional":
        return []
    return [
        finding(
            "R-SCRIPT-TRADITIONAL",
            cells=["meta.script"],
            actual="traditional",
            message="报告正文为繁体字，已转换为简体后识别。",
        )
    ]


@rule("R-INGEST-ARTIFACT", "info", "转换残留", "A", extraction=True)
def ingest_artifact(report: Report) -> list[Finding]:
    return []


# Not in rules.md: a scanned report read by OCR (the [ocr] extra). Its values come from text
# recognition, so a reviewer must compare them with the scan.
@rule("R-OCR", "warning", "扫描件文字识别", "A", extraction=True)
def ocr_values(report: Report) -> list[Finding]:
    return []


# Not in rules.md: a cell whose number has too many digits to be a count or a fee (a hostile
# or garbled file); the extractor keeps its raw text and leaves the value empty.
@rule("R-VALUE-RANGE", "warning", "数值超出合理范围", "A", extraction=True)
def value_range(report: Report) -> list[Finding]:
    return []


# Extraction findings of the form-driven reading (rules.md: R-UNREAD, R-TEXT-TRUNCATED,
# R-DIGITS-SPLIT); they say what the tool could not read or had to infer.
@rule("R-UNREAD", "warning", "未能读取（工具局限，非报告缺陷）", "A", extraction=True)
def unread(report: Report) -> list[Finding]:
    return []


@rule("R-TEXT-TRUNCATED", "warning", "文本不完整", "A", extraction=True)
def text_truncated(report: Report) -> list[Finding]:
    return []


@rule("R-DIGITS-SPLIT", "warning", "数字粘连（按勾稽关系拆分）", "A", extraction=True)
def digits_split(report: Report) -> list[Finding]:
    return []
