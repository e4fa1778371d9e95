"""A report as a list of document blocks (title, headings, paragraphs, tables, right-aligned
lines), with the default narrative texts; every output style renders these blocks."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..report import Report
from ..schema import SECTION_HEADINGS, SECTION_KEYS
from .tables import GridTable, build_tables

__all__ = ["title_of"]


@dataclass(slots=True)
class _Block:
    kind: str  # title | heading | para | table | right
    text: str = ""
    table: GridTable | None = None


def title_of(report: Report) -> str:
    agency = report.meta.get("agency") or ""
    year = report.meta.get("year")
    year_text = f"{year}年" if year else ""
    return f"{agency}{year_text}政府信息公开工作年度报告"


def _date_text(value: object) -> str | None:
    if value is None:
        return None
    m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", str(value))
    if m:
        return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"
    return str(value)


def _default_text(report: Report, key: str) -> str:
    agency = report.meta.get("agency") or "本机关"
    year = report.meta.get("year")
    year_text = f"{year}年" if year else "本年度"
    if key == "s1":
        return (
            f"{year_text}，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，"
            "扎实做好主动公开、依申请公开、政府信息管理、政府信息公开平台建设和监督保障等工作。"
        )
    if key == "s5":
        return "本年度政府信息公开工作存在的主要问题及改进情况由本机关另行说明。"
    if key == "s6":
        return "无其他需要报告的事项。"
    return ""


def _paragraphs(text: str) -> list[str]:
    """Paragraphs of a narrative (Markdown or plain): blank lines or single newlines split
    paragraphs; empty lines dropped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _plain(text: str) -> str:
    """Markdown marks removed, for the non-Markdown outputs."""
    text = re.sub(r"^#+\s*", "", text)
    return text.replace("**", "")


def _blocks(report: Report, texts: dict[str, str] | None, filler: int = 0) -> list[_Block]:
    texts = dict(texts or {})
    tables = build_tables(report)
    year = report.meta.get("year")
    agency = report.meta.get("agency") or ""
    out = [_Block("title", title_of(report))]
    if "preamble" in texts:
        out += [_Block("para", p) for p in _paragraphs(texts["preamble"])]
    else:
        out.append(
            _Block(
                "para",
                "本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）"
                "和国务院办公厅政府信息公开办公室有关要求编制。",
            )
        )
        if year:
            out.append(
                _Block("para", f"本报告中所列数据的统计期限为{year}年1月1日至{year}年12月31日。")
            )
    for key in SECTION_KEYS:
        out.append(_Block("heading", SECTION_HEADINGS[key]))
        body = texts.get(key)
        if body is None:
            section = report.sections.get(key)
            body = section.text if section is not None and section.text.strip() else None
        if body is None:
            body = _default_text(report, key)
        out += [_Block("para", p) for p in _paragraphs(body)]
        if key in tables:
            out.append(_Block("table", table=tables[key]))
        if key == "s2" and filler:
            out += [_Block("para", _FILLER) for _ in range(filler)]
    if "closing" in texts:
        out += [_Block("para", p) for p in _paragraphs(texts["closing"])]
    else:
        date = _date_text(report.meta.get("published"))
        if agency:
            out.append(_Block("right", agency))
        if date:
            out.append(_Block("right", date))
    return out


_FILLER = (
    "本机关坚持以公开为常态、不公开为例外，围绕群众关切做好政策解读和回应工作，"
    "持续规范依申请公开办理流程，做到依法依规、答复规范，切实保障人民群众知情权、参与权、表达权和监督权。"
)
