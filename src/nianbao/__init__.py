"""nianbao — read, check, write and compare 政府信息公开工作年度报告."""

from __future__ import annotations

from .report import Finding, Report, Value
from .version import __version__

__all__ = ["Report", "Value", "Finding", "parse", "parse_text", "check", "frame", "__version__"]


def __getattr__(name: str):  # lazy: keep `import nianbao` cheap
    if name in ("parse", "parse_text", "check", "read"):
        from . import api

        return getattr(api, name)
    if name == "frame":
        from .store.frames import frame

        return frame
    raise AttributeError(name)
