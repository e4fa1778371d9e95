"""The public Python API: ``parse`` and ``check``."""

from __future__ import annotations

import os
import re

from .errors import NotAReport
from .extraction.extract import extract
from .readers.dispatch import read
from .readers.document import Document
from .report import Report

__all__ = ["parse", "parse_text", "check", "read", "parse_document"]


def parse(
    source: str | os.PathLike[str] | bytes,
    *,
    name: str | None = None,
    check: bool = True,
    ocr: bool = True,
) -> Report:
    """Read a report (a path, bytes, or the report's text itself; text, HTML, DOCX or PDF)
    into a :class:`Report`. A ``str`` is a path when it names an existing file or looks like
    one (one line, short); otherwise it is the report's text (see :func:`parse_text`).

    A PDF without a text layer is read by OCR when the ``[ocr]`` extra is installed and
    ``ocr`` is true (the values are then marked for manual review); otherwise it raises
    :class:`nianbao.errors.ScannedPdf`. With ``check=True`` (default) the rules of ``rules.md`` run and their findings join the
    extraction findings in ``report.findings``. Raises a subclass of
    :class:`nianbao.errors.UnusableInput` for input that cannot be read as a report.
    """
    if isinstance(source, str) and _is_text(source):
        return parse_text(source, name=name, check=check)
    if ocr:  # on unless switched off here or by NIANBAO_OCR=0
        doc = read(source, name=name)
    else:
        from .readers.ocr import use_ocr

        with use_ocr(False):
            doc = read(source, name=name)
    return parse_document(doc, check=check)


def _is_text(source: str) -> bool:
    """A string that is a report's text rather than a path: several lines, or too long
    for a path, and not the name of an existing file."""
    if "\n" not in source and len(source) < 1024:
        return False
    try:
        return not os.path.exists(source)
    except (OSError, ValueError):
        return True


def parse_text(text: str, *, name: str | None = None, check: bool = True) -> Report:
    """Read a report from its text (a plain-text or HTML report already decoded)."""
    if not text.strip():
        from .errors import EmptyInput

        raise EmptyInput("文本为空：没有可读取的内容。")
    return parse_document(read(text.encode("utf-8"), name=name), check=check)


def parse_document(doc: Document, *, check: bool = True) -> Report:
    report = extract(doc)
    if not _looks_like_report(report):
        raise NotAReport(
            "这不像是一份政府信息公开工作年度报告：既没有找到报告标题，也没有找到"
            "“二、主动公开政府信息情况”等章节或统计表。"
        )
    _fill_text_facts(report)
    if check:
        _run_checks(report)
    return report


def check(report: Report) -> Report:
    """Run the checks on a Report (keeps the extraction findings)."""
    _run_checks(report)
    return report


def _looks_like_report(report: Report) -> bool:
    present = sum(1 for k in ("s1", "s2", "s3", "s4", "s5", "s6") if report.sections[k].present)
    title = report.meta.get("title") or ""
    if bool(report.values) or present >= 2 or ("年度报告" in title and "公开" in title):
        return True
    # an excerpt or a copy without its title: the form's labels, or the wording of the
    # standard title / opening sentence, make it recognisably a report
    seen = (report.layout.get("labels_seen") or {}) if isinstance(report.layout, dict) else {}
    head = re.sub(r"\s+", "", (report.text or "")[:4000])
    return any(seen.values()) or "政府信息公开工作年度报告" in head


def _fill_text_facts(report: Report) -> None:
    try:
        from .extraction.textfacts import fees_info
    except ImportError:
        return
    text = "\n".join(t for t in (report.sections["s6"].text, report.sections["closing"].text) if t)
    report.fees_info.update(fees_info(text))


def _run_checks(report: Report) -> None:
    try:
        from .checks.engine import check as run
    except ImportError:
        return
    run(report)
