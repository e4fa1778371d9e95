"""Chinese names of the store's coded values (finding severity, review status, table
layout, agency kind and level, coverage status), shared by the command line and the web
app; and the one vocabulary of administrative levels."""

from __future__ import annotations

__all__ = [
    "SEVERITY_ZH",
    "STATUS_ZH",
    "LAYOUT_ZH",
    "KIND_ZH",
    "LEVEL_ZH",
    "LEVELS",
    "KINDS",
    "COVERAGE_ZH",
    "ORIGIN_ZH",
    "canon_level",
    "level_from_zh",
    "kind_from_zh",
]

SEVERITY_ZH: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_ZH: dict[str, str] = {"open": "待审核", "confirmed": "已确认", "dismissed": "已排除"}
ORIGIN_ZH: dict[str, str] = {"report": "本报告", "cross": "跨年度"}
LAYOUT_ZH: dict[str, str] = {
    "2021": "2021版",
    "2019": "2019版",
    "mixed": "新旧混用",
    "legacy": "旧式",
    "unknown": "未识别",
}
KIND_ZH: dict[str, str] = {
    "government": "人民政府",
    "department": "部门",
    "township": "乡镇街道",
    "unknown": "未分类",
}
# The store's (and the web app's) levels. The parser's ``meta.admin_level`` says
# ``central``/``province``; ``canon_level`` maps them here.
LEVEL_ZH: dict[str, str] = {
    "national": "国家级",
    "provincial": "省级",
    "prefecture": "市级",
    "county": "县级",
    "township": "乡级",
    "unknown": "未知",
}
LEVELS: tuple[str, ...] = tuple(LEVEL_ZH)
KINDS: tuple[str, ...] = tuple(KIND_ZH)
COVERAGE_ZH: dict[str, str] = {
    "on_time": "按时发布",
    "late": "逾期发布",
    "no_deadline": "已收录（无法定时限）",
    "missing": "未收录",
    "unpublished": "未发布",
}
_LEVEL_ALIASES = {"central": "national", "province": "provincial", "city": "prefecture"}
_LEVEL_WORDS = {
    "国家级": "national",
    "中央": "national",
    "国家": "national",
    "省级": "provincial",
    "省": "provincial",
    "市级": "prefecture",
    "地市级": "prefecture",
    "地级": "prefecture",
    "市": "prefecture",
    "县级": "county",
    "区县级": "county",
    "县": "county",
    "乡级": "township",
    "乡镇级": "township",
    "乡镇": "township",
    "街道": "township",
}
_KIND_WORDS = {
    "人民政府": "government",
    "政府": "government",
    "部门": "department",
    "政府部门": "department",
    "乡镇街道": "township",
    "乡镇": "township",
    "街道": "township",
}


def canon_level(level: str | None) -> str:
    """A level in the store's vocabulary (``province`` -> ``provincial`` …; Chinese words
    too); ``unknown`` for anything else."""
    if not level:
        return "unknown"
    text = level.strip()
    low = text.lower()
    if low in LEVEL_ZH:
        return low
    if low in _LEVEL_ALIASES:
        return _LEVEL_ALIASES[low]
    return level_from_zh(text) or "unknown"


def level_from_zh(text: str) -> str | None:
    t = "".join(text.split())
    if t in _LEVEL_WORDS:
        return _LEVEL_WORDS[t]
    return next((c for c, z in LEVEL_ZH.items() if z == t), None)


def kind_from_zh(text: str | None) -> str | None:
    t = "".join((text or "").split())
    if not t:
        return None
    if t.lower() in KIND_ZH:
        return t.lower()
    if t in _KIND_WORDS:
        return _KIND_WORDS[t]
    return next((c for c, z in KIND_ZH.items() if z == t), None)
