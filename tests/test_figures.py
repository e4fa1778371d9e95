"""Figures files (YAML, JSON flat/nested, XLSX template) -> Report, the templates, and the
committed examples."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from nianbao.errors import BrokenFile, NianbaoError, UnsupportedFormat
from nianbao.report import Report, Value
from nianbao.schema import table_ids
from nianbao.writing.figures import InvalidFigures, load_figures
from nianbao.writing.template import xlsx_template, yaml_template

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"


def _report(layout: str = "2021") -> Report:
    rep = Report()
    rep.meta.update(
        {"agency": "青岚县人民政府", "year": 2024, "format": layout, "published": "2025-01-20"}
    )
    for k, fid in enumerate(table_ids(layout)):
        rep.values[fid] = Value(k % 7, str(k % 7))
    if layout != "2019":
        rep.values["active.fees"] = Value(3.25, "3.25")
    rep.values["requests.carried_over.legal"] = Value(None, None)
    return rep


def _same_values(a: Report, b: Report) -> list[str]:
    return [f for f in a.values if b.get(f) != a.get(f) or not b.has(f)]


# ---------------------------------------------------------------------- JSON / YAML
def test_flat_json_with_missing_and_null(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text(
        json.dumps(
            {
                "meta.agency": "青岚县财政局",
                "meta.year": 2024,
                "requests.new.natural": 4,
                "requests.new.total": None,
            }
        ),
        encoding="utf-8",
    )
    rep = load_figures(path)
    assert rep.meta["agency"] == "青岚县财政局" and rep.meta["format"] == "2021"
    assert rep.get("requests.new.natural") == 4
    assert rep.has("requests.new.total") and rep.get("requests.new.total") is None  # blank
    assert rep.get("requests.carried_over.total") == 0  # missing -> 0
    assert set(table_ids("2021")) <= set(rep.values)


def test_nested_json_as_parse_prints_it(tmp_path: Path) -> None:
    original = _report()
    original.sections["s1"].text = "总体情况正文。"
    path = tmp_path / "parsed.json"
    path.write_text(original.to_json(), encoding="utf-8")
    rep = load_figures(path)
    assert _same_values(original, rep) == []
    assert rep.sections["s1"].text == "总体情况正文。"
    assert rep.get("active.fees") == 3.25


def test_yaml_template_round_trip(tmp_path: Path) -> None:
    original = _report()
    text = yaml_template(original)
    assert "# 一、本年新收政府信息公开申请数量" in text
    assert "本年收费金额（单位：万元）" in text
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    rep = load_figures(path)
    assert _same_values(original, rep) == []
    assert rep.meta["published"] == "2025-01-20" and rep.meta["year"] == 2024


@pytest.mark.parametrize("layout", ["2019", "mixed"])
def test_yaml_template_other_layouts(tmp_path: Path, layout: str) -> None:
    original = _report(layout)
    path = tmp_path / "f.yaml"
    path.write_text(yaml_template(original), encoding="utf-8")
    rep = load_figures(path)
    assert rep.meta["format"] == layout
    assert _same_values(original, rep) == []


def test_blank_yaml_template_is_all_zero(tmp_path: Path) -> None:
    path = tmp_path / "blank.yaml"
    path.write_text(yaml_template(), encoding="utf-8")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["requests"]["denied"]["state_secret"]["total"] == 0
    rep = load_figures(path)
    assert {rep.get(f) for f in table_ids("2021")} == {0}


def test_yaml_short_meta_and_sections(tmp_path: Path) -> None:
    path = tmp_path / "f.yml"
    path.write_text(
        "agency: 青岚县人民政府\nyear: 2024\npublished: 2025-01-20\n"
        "sections:\n  s5: 存在的问题。\nrequests:\n  new: {natural: 2, total: 2}\n",
        encoding="utf-8",
    )
    rep = load_figures(path)
    assert rep.meta["published"] == "2025-01-20"  # a YAML date becomes ISO text
    assert rep.sections["s5"].text == "存在的问题。"
    assert rep.get("requests.new.total") == 2


@pytest.mark.parametrize(
    "content,exc,words",
    [
        ('{"requests.new.natual": 1}', InvalidFigures, "未知的数据项"),
        ('{"requests.new.natural": "三"}', InvalidFigures, "不是数字"),
        ('{"requests.new.natural": true}', InvalidFigures, "不是数字"),
        ('{"requests": {"new": {"natural": 1', BrokenFile, "JSON"),
        ("[1, 2]", InvalidFigures, "映射"),
    ],
)
def test_bad_figures_are_refused_in_chinese(
    tmp_path: Path, content: str, exc: type, words: str
) -> None:
    path = tmp_path / "f.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(exc) as info:
        load_figures(path)
    assert words in str(info.value)
    assert isinstance(info.value, NianbaoError)


def test_numeric_strings_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "f.json"
    path.write_text('{"requests.new.natural": "1,204", "active.fees": "2.50"}', encoding="utf-8")
    rep = load_figures(path)
    assert rep.get("requests.new.natural") == 1204
    assert rep.get("active.fees") == 2.5


def test_broken_yaml_and_unknown_suffix(tmp_path: Path) -> None:
    bad = tmp_path / "f.yaml"
    bad.write_text("requests:\n  new: {natural: 1\n", encoding="utf-8")
    with pytest.raises(BrokenFile):
        load_figures(bad)
    other = tmp_path / "f.csv"
    other.write_text("a,b", encoding="utf-8")
    with pytest.raises(UnsupportedFormat):
        load_figures(other)
    with pytest.raises(NianbaoError):
        load_figures(tmp_path / "missing.yaml")


# ---------------------------------------------------------------------- XLSX
def test_xlsx_template_round_trip(tmp_path: Path) -> None:
    original = _report()
    path = tmp_path / "f.xlsx"
    path.write_bytes(xlsx_template(original))
    rep = load_figures(path)
    assert _same_values(original, rep) == []
    assert rep.meta["agency"] == "青岚县人民政府" and rep.meta["year"] == 2024


def test_xlsx_template_layout_and_validation(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(__import__("io").BytesIO(xlsx_template()))
    assert wb["_ids"].sheet_state == "hidden"
    s3 = wb["三、依申请公开"]
    assert s3["A3"].value.startswith("（本列数据的勾稽关系为")
    assert "A3:C5" in {str(r) for r in s3.merged_cells.ranges}
    kinds = {dv.type for dv in s3.data_validations.dataValidation}
    assert kinds == {"whole"}
    s2 = wb["二、主动公开"]
    decimal = [dv for dv in s2.data_validations.dataValidation if dv.type == "decimal"]
    assert len(decimal) == 1 and "万元" in decimal[0].error
    ids = [row[2] for row in wb["_ids"].iter_rows(min_row=2, values_only=True)]
    assert [i for i in ids if not i.startswith("meta.")] == table_ids("2021")


def test_xlsx_filled_by_a_user(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "f.xlsx"
    path.write_bytes(xlsx_template())
    wb = load_workbook(path)
    ids = {row[2]: (row[0], row[1]) for row in wb["_ids"].iter_rows(min_row=2, values_only=True)}
    sheet, ref = ids["requests.new.natural"]
    wb[sheet][ref] = 9
    sheet, ref = ids["requests.new.total"]
    wb[sheet][ref] = None  # emptied cell -> blank
    sheet, ref = ids["meta.agency"]
    wb[sheet][ref] = "青岚县财政局"
    wb.save(path)
    rep = load_figures(path)
    assert rep.get("requests.new.natural") == 9
    assert rep.has("requests.new.total") and rep.get("requests.new.total") is None
    assert rep.meta["agency"] == "青岚县财政局"
    sheet, ref = ids["requests.new.legal"]
    wb[sheet][ref] = "很多"
    wb.save(path)
    with pytest.raises(InvalidFigures) as info:
        load_figures(path)
    assert ref in str(info.value)


def test_xlsx_without_template_sheet_is_refused(tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "other.xlsx"
    Workbook().save(path)
    with pytest.raises(InvalidFigures):
        load_figures(path)


# ---------------------------------------------------------------------- examples
def test_examples_are_up_to_date(tmp_path: Path) -> None:
    """make_examples.py regenerates exactly the committed files."""
    names = (
        "figures-2024.yaml",
        "reports/qinglan-2024.txt",
        "reports/qinglan-2023.html",
        "reports/qinglan-caizheng-2024.txt",
    )
    before = {n: (EXAMPLES / n).read_bytes() for n in names}
    copy = tmp_path / "examples"
    copy.mkdir()
    (copy / "make_examples.py").write_bytes((EXAMPLES / "make_examples.py").read_bytes())
    (copy / "qinglan-text").mkdir()
    for p in (EXAMPLES / "qinglan-text").iterdir():
        (copy / "qinglan-text" / p.name).write_bytes(p.read_bytes())
    subprocess.run(
        [sys.executable, str(copy / "make_examples.py")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert {n: (copy / n).read_bytes() for n in names} == before


def test_example_figures_are_consistent() -> None:
    rep = load_figures(EXAMPLES / "figures-2024.yaml")
    assert rep.meta["agency"] == "青岚县人民政府"
    try:
        from nianbao.checks import run_checks
    except ImportError:
        pytest.skip("nianbao.checks not available")
    from nianbao.cli.write import figure_findings

    assert [f for f in (figure_findings(rep) or []) if f.severity == "error"] == []
    assert run_checks  # imported for the skip above


def test_example_reports_parse() -> None:
    try:
        import nianbao

        parse = nianbao.parse
    except (ImportError, AttributeError):
        pytest.skip("nianbao.parse not available yet")
    figures = load_figures(EXAMPLES / "figures-2024.yaml")
    good = parse(str(EXAMPLES / "reports" / "qinglan-2024.txt"))
    assert [f for f in figures.values if good.get(f) != figures.get(f)] == []
    assert good.meta["agency"] == "青岚县人民政府" and good.meta["year"] == 2024
    bad = parse(str(EXAMPLES / "reports" / "qinglan-caizheng-2024.txt"))
    try:
        from nianbao import check
    except (ImportError, AttributeError):
        return
    errors = {f.rule.split(".")[0] for f in check(bad).findings if f.severity == "error"}
    assert "R-SUM-ROW" in errors
