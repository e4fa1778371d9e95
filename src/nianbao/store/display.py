"""Chinese names of the store's coded values (finding severity, review status, table
layout), shared by the command line and the web app."""

from __future__ import annotations

__all__ = ["SEVERITY_ZH", "STATUS_ZH", "LAYOUT_ZH"]

SEVERITY_ZH: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_ZH: dict[str, str] = {"open": "待审核", "confirmed": "已确认", "dismissed": "已排除"}
LAYOUT_ZH: dict[str, str] = {
    "2021": "2021版",
    "2019": "2019版",
    "mixed": "新旧混用",
    "legacy": "旧式",
    "unknown": "未识别",
}
