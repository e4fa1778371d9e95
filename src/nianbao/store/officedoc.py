"""What the 整改通知 and the 通报 share: the default issuer, the Chinese titles of rules and
of the cells a finding names, dates, and the official-document look of a DOCX (仿宋 body,
小标宋 title, signature on the right)."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from ..schema import label_of

__all__ = ["DEFAULT_ISSUER", "rule_title", "cells_text", "date_zh"]

DEFAULT_ISSUER = "政务公开工作主管部门"
_NUM = "一二三四五六七八九十"


def rule_title(rule_id: str) -> str:
    """The Chinese title of a rule (勾稽关系 …), or the id when unknown."""
    try:
        from ..checks.engine import RULES
    except ImportError:  # pragma: no cover
        return rule_id
    r = RULES.get(rule_id)
    return r.title if r is not None else rule_id


def cells_text(cells: list[str]) -> str:
    """The cells a finding names, as the form labels them (表三「…」总计), one per cell."""
    out = []
    for c in cells or []:
        if c.startswith("prev."):
            out.append("上年度报告" + label_of(c[5:]))
        elif c.startswith("meta."):
            out.append({"meta.published": "发布日期", "meta.year": "年度"}.get(c, "报告基本信息"))
        else:
            out.append(label_of(c))
    return "；".join(out)


def date_zh(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _docx() -> Any:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "仿宋"
    style.font.size = Pt(14)
    rpr = style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋_GB2312")
    return doc, WD_ALIGN_PARAGRAPH, Pt, qn


def _title(doc: Any, text: str, align: Any, pt: Any, qn: Any) -> None:
    p = doc.add_paragraph()
    p.alignment = align.CENTER
    run = p.add_run(text)
    run.bold = True
    run.font.size = pt(20)
    run.font.name = "方正小标宋简体"
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "方正小标宋简体")


def _body(doc: Any, text: str, pt: Any, bold: bool = False) -> Any:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = pt(28)
    run = p.add_run(text)
    run.bold = bold
    return p


def _signature(doc: Any, issuer: str, issued: date, align: Any) -> None:
    doc.add_paragraph()
    for text in (issuer, date_zh(issued)):
        p = doc.add_paragraph(text)
        p.alignment = align.RIGHT


def _chmod(path: str | os.PathLike[str]) -> None:
    from .export import group_readable

    group_readable(Path(path))
