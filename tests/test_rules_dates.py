"""Group H (publication date, deadline, year consistency)."""

from __future__ import annotations

import re

import pytest

from .test_checks import gold_report, needs_samples, only, parse_text, run, seed_path


@pytest.mark.parametrize(
    "kind, published, source, severity",
    [
        ("department", "01-31", "footer", None),  # the day itself is on time
        ("department", "02-15", "footer", "warning"),
        ("department", "02-15", "page", "error"),
        ("government", "03-31", "footer", None),
        ("government", "04-01", "page", "error"),
        ("township", "06-01", "page", None),  # no statutory date
        ("unknown", "06-01", "page", None),
    ],
)
def test_deadline(kind, published, source, severity):
    rep = gold_report("002", agency_kind=kind, published_source=source)
    y = rep.meta["year"]
    rep.meta["published"] = f"{y + 1}-{published}"
    found = run(rep, "R-DEADLINE")
    if severity is None:
        assert found == []
    else:
        (f,) = found
        assert f.severity == severity and f.cells == ["meta.published"]
        assert f"{y + 1}-{published}" in f.message
        due = f"{y + 1}-01-31" if kind == "department" else f"{y + 1}-03-31"
        assert f.expected == due and due in f.message


@needs_samples
def test_deadline_on_a_parsed_variant_with_a_later_footer_date(tmp_path):
    text = seed_path("004").read_text(encoding="utf-8")
    dates = list(re.finditer(r"(\d{4})年(\d{1,2})月(\d{1,2})日", text))
    footer = dates[-1]
    year = int(footer.group(1))
    variant = text[: footer.start()] + f"{year}年3月15日" + text[footer.end() :]
    rep = parse_text(variant, tmp_path)
    (f,) = only(rep.findings, "R-DEADLINE")
    assert f.severity == "warning"  # a footer date, not a publication date
    assert f.actual == f"{year}-03-15" and f.expected == f"{year}-01-31"


def test_date_missing_and_date_order():
    rep = gold_report("002")
    rep.meta["published"] = None
    (f,) = run(rep, "R-DATE-MISSING")
    assert f.severity == "info"
    y = rep.meta["year"]
    rep.meta["published"] = f"{y}-12-20"
    assert run(rep, "R-DATE-MISSING") == []
    (f,) = run(rep, "R-DATE-ORDER")
    assert f.severity == "error" and f"{y}-12-20" in f.message
    rep.meta["published"] = f"{y + 1}-01-02"
    assert run(rep, "R-DATE-ORDER") == []


def test_year_consistency():
    rep = gold_report("002")
    assert run(rep, "R-YEAR-CONSISTENCY") == []
    y = rep.meta["year"]
    rep.meta["period_start"] = f"{y - 1}-01-01"
    (f,) = run(rep, "R-YEAR-CONSISTENCY")
    assert f.expected == y and f.actual == y - 1
    assert f.cells == ["meta.title", "meta.period_start"]


def test_deadline_uses_a_configured_local_date():
    rep = gold_report("002", agency_kind="township", published_source="page")
    y = rep.meta["year"]
    rep.meta.update(published=f"{y + 1}-02-20", deadline=f"{y + 1}-02-15")
    (f,) = run(rep, "R-DEADLINE")
    assert f.expected == f"{y + 1}-02-15" and "本地规定" in f.message
