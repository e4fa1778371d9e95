"""The writer: official layout of the three tables, every output style, round trips
(write -> parse gives back every id of every gold), DOCX merges, PDF through LibreOffice,
atomic output and the ``write`` command."""

from __future__ import annotations

import importlib
import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from nianbao.report import Report, Value
from nianbao.schema import table_ids
from nianbao.writing.writer import build_tables, render, soffice_path, write_report

REPO = Path(__file__).resolve().parents[1]
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
GOLDS = sorted(SAMPLES.glob("*.gold.json")) + sorted((SAMPLES / "peer").glob("*.gold.json"))
TEMPLATE_DOCX = next(iter(sorted((SAMPLES / "peer" / "templates").glob("*.docx"))), None)
W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _gold(path: Path) -> Report:
    return Report.from_flat(json.loads(path.read_text(encoding="utf-8")))


def _invented(layout: str = "2021") -> Report:
    """A small invented report: every cell of the layout is 1, except a few."""
    rep = Report()
    rep.meta.update({"agency": "青岚县人民政府", "year": 2024, "format": layout})
    for fid in table_ids(layout):
        rep.values[fid] = Value(1, "1")
    return rep


def _parse():  # the parser may not be there yet
    try:
        import nianbao

        return nianbao.parse
    except (ImportError, AttributeError):
        return None


def _reader_available(name: str) -> bool:
    try:
        importlib.import_module(f"nianbao.{name}")
    except ImportError:
        return False
    return _parse() is not None


def _mismatches(expected: Report, got: Report) -> list[tuple[str, object, object]]:
    out = []
    for fid, v in expected.values.items():
        actual = got.get(fid) if got.has(fid) else "ABSENT"
        if actual != v.value:
            out.append((fid, v.value, actual))
    return out


# ---------------------------------------------------------------------- layout
@pytest.mark.parametrize("layout", ["2021", "2019", "mixed"])
def test_tables_cover_their_grid(layout: str) -> None:
    tables = build_tables(_invented(layout))
    for table in tables.values():
        table.owner_grid()  # raises on a gap or an overlap
    rows_s3 = 3 + (25 if layout == "2021" else 23)
    assert (tables["s3"].n_rows, tables["s3"].n_cols) == (rows_s3, 10)
    assert (tables["s4"].n_rows, tables["s4"].n_cols) == (4, 15)
    ids = [c.field_id for t in tables.values() for c in t.cells if c.kind == "value"]
    assert ids == table_ids(layout)


def test_section3_header_and_note() -> None:
    s3 = build_tables(_invented())["s3"]
    note = s3.anchors(0)[0]
    assert note.text == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert (note.rowspan, note.colspan) == (3, 3)
    assert [(c.text, c.rowspan, c.colspan) for c in s3.anchors(1)] == [
        ("自然人", 2, 1),
        ("法人或其他组织", 1, 5),
        ("总计", 2, 1),
    ]
    assert [c.text for c in s3.anchors(2)] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    results = [c for c in s3.cells if c.text == "三、本年度办理结果"][0]
    assert results.rowspan == 22  # （一） … （七）总计


def test_missing_is_zero_and_null_is_blank() -> None:
    rep = Report()
    rep.meta.update({"agency": "青岚县财政局", "year": 2024})
    rep.values["requests.new.natural"] = Value(None, None)
    rep.values["requests.new.total"] = Value(5, "5")
    text = render(rep, "tab").decode("utf-8")
    row = next(line for line in text.splitlines() if line.startswith("一、本年新收"))
    assert row.split("\t")[1:] == ["", "0", "0", "0", "0", "0", "5"]
    assert "青岚县财政局2024年政府信息公开工作年度报告" in text.splitlines()[0]


def test_fee_keeps_decimals() -> None:
    rep = _invented()
    rep.values["active.fees"] = Value(12.345, "12.345")
    text = render(rep, "tab").decode("utf-8")
    assert "行政事业性收费\t12.345" in text


def test_tab_rows_as_word_copies_them() -> None:
    lines = render(_invented(), "tab").decode("utf-8").splitlines()
    assert "第二十条第（一）项\t\t\t" in lines
    assert any(
        line.startswith("（本列数据的勾稽关系为") and line.count("\t") == 7 for line in lines
    )
    new = next(line for line in lines if line.startswith("一、本年新收"))
    assert new.count("\t") == 7
    assert "\t（七）总计\t1\t1\t1\t1\t1\t1\t1" in lines
    assert "行政复议\t\t\t\t\t行政诉讼" + "\t" * 9 in lines


def test_lines_style_one_cell_per_line() -> None:
    text = render(_invented(), "lines").decode("utf-8")
    block = text.split("三、收到和处理政府信息公开申请情况", 1)[1].split("四、政府信息公开", 1)[0]
    assert "\t商业\n企业\n" in block  # multi-line label: continuation lines carry no tab
    assert "\t三\n、\n本\n年" in block  # stacked vertical label
    rows = [r for r in block.split("\n\n") if r.strip()]
    new = next(r for r in rows if "一、本年新收" in r)
    assert new.split("\n") == ["\t一、本年新收政府信息公开申请数量"] + ["\t1"] * 7


def test_pipe_and_md_rows_have_full_width() -> None:
    for style in ("pipe", "md"):
        text = render(_invented(), style).decode("utf-8")
        rows = [line for line in text.splitlines() if line.startswith("|") and "---" not in line]
        widths = {line.count("|") - 1 for line in rows}
        assert widths == {4, 10, 15}
    md = render(_invented(), "md").decode("utf-8")
    assert md.startswith("# 青岚县人民政府2024年政府信息公开工作年度报告")
    assert "\n## 三、收到和处理政府信息公开申请情况\n" in md


def test_html_spans_and_gbk() -> None:
    import lxml.html

    html = render(_invented(), "html")
    doc = lxml.html.fromstring(html.decode("utf-8"))
    tables = doc.xpath("//table")
    assert len(tables) == 3
    first = tables[1].xpath(".//tr")[0].xpath("./td")[0]
    assert (first.get("rowspan"), first.get("colspan")) == ("3", "3")
    gbk = render(_invented(), "html-gbk")
    assert b'<meta charset="gbk">' in gbk
    assert "勾稽关系" in gbk.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        gbk.decode("utf-8")


def test_narrative_from_texts() -> None:
    texts = {"s1": "全年工作情况良好。\n\n第二段。", "s5": "**一是**问题。", "s6": "无。"}
    text = render(_invented(), "tab", texts).decode("utf-8")
    assert "一、总体情况\n\n全年工作情况良好。\n\n第二段。" in text
    assert "一是问题。" in text and "**" not in text
    assert "本报告中所列数据的统计期限为2024年1月1日至2024年12月31日。" in text


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError):
        render(_invented(), "rtf")


# ---------------------------------------------------------------------- DOCX merges
def _tc_structure(table) -> list[list[tuple[int, str | None]]]:  # type: ignore[no-untyped-def]
    return [[(tc.grid_span, tc.vMerge) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


def test_docx_merges_match_the_official_template() -> None:
    import docx

    ours = docx.Document(io.BytesIO(render(_invented(), "docx")))
    xml = ours.element.xml
    assert f"{W_NS}gridSpan" not in xml  # sanity: serialised with prefixes
    assert 'w:gridSpan w:val="3"' in xml and 'w:vMerge w:val="restart"' in xml
    structure = [_tc_structure(t) for t in ours.tables]
    assert len(structure) == 3
    # section 三: the 勾稽 corner spans 3 columns and 3 header rows
    assert structure[1][0][0] == (3, "restart")
    assert structure[1][1][0] == (3, "continue") and structure[1][2][0] == (3, "continue")
    if TEMPLATE_DOCX is None:
        pytest.skip("official blank template not available")
    official = [_tc_structure(t) for t in docx.Document(str(TEMPLATE_DOCX)).tables]
    assert structure == official


# ---------------------------------------------------------------------- PDF
def _artifacts() -> Path:
    out = Path(os.environ.get("NIANBAO_ARTIFACTS") or REPO / "artifacts")
    out.mkdir(parents=True, exist_ok=True)
    return out


@pytest.fixture(scope="module")
def invented_pdf() -> bytes:
    if soffice_path() is None:
        pytest.skip("LibreOffice (soffice) not installed")
    return render(_invented(), "pdf")


def test_docx_opens_in_libreoffice_and_section3_splits(invented_pdf: bytes) -> None:
    import pdfplumber

    assert invented_pdf.startswith(b"%PDF")
    with pdfplumber.open(io.BytesIO(invented_pdf)) as pdf:
        pages = [(p.extract_text() or "").replace(" ", "") for p in pdf.pages]
    start = next(i for i, t in enumerate(pages) if "勾稽" in t)
    end = next(i for i, t in enumerate(pages) if "结转下年度继续办理" in t)
    assert end > start  # the table crosses a page break
    path = _artifacts() / "writer-section3.pdf"
    path.write_bytes(invented_pdf)
    if shutil.which("pdftoppm"):
        prefix = _artifacts() / "writer-section3-page"
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "60",
                "-png",
                "-f",
                str(start + 1),
                "-l",
                str(start + 1),
                "-singlefile",
                str(path),
                str(prefix),
            ],
            check=True,
            timeout=60,
        )
        assert (prefix.with_suffix(".png")).stat().st_size > 1000


# ---------------------------------------------------------------------- round trips
TEXT_ROUND_TRIP = ("tab", "lines", "pipe", "pipe-split", "md")


@pytest.mark.parametrize("style", TEXT_ROUND_TRIP)
@pytest.mark.parametrize("gold", GOLDS, ids=lambda p: p.stem)
def test_round_trip_text_styles(gold: Path, style: str) -> None:
    parse = _parse()
    if parse is None:
        pytest.skip("nianbao.parse not available yet")
    expected = _gold(gold)
    got = parse(render(expected, style))
    wrong = _mismatches(expected, got)
    if (
        style == "lines"
        and wrong
        and all(f.startswith("requests.carried_forward.") for f, _, _ in wrong)
    ):
        # Known reader_text gap (reported to the lead): in the one-cell-per-line layout the
        # last row of table 三 is dropped when its last cell is blank; the original sample
        # with that layout loses the same row.
        pytest.xfail("reader_text drops a last table row ending in a blank cell (lines)")
    assert wrong == []
    assert got.meta.get("year") == expected.meta.get("year")


@pytest.mark.parametrize(
    "style,reader",
    [("html", "readers.html"), ("html-gbk", "readers.html"), ("docx", "readers.docx")],
)
@pytest.mark.parametrize("gold", GOLDS, ids=lambda p: p.stem)
def test_round_trip_html_docx(gold: Path, style: str, reader: str) -> None:
    if not _reader_available(reader):
        pytest.skip(f"nianbao.{reader} not available yet")
    expected = _gold(gold)
    got = _parse()(render(expected, style))  # type: ignore[misc]
    assert _mismatches(expected, got) == []


def _pdf_golds() -> list[Path]:
    """One gold per layout (the PDF round trip costs a LibreOffice run each)."""
    picked: dict[str, Path] = {}
    for g in GOLDS:
        fmt = json.loads(g.read_text(encoding="utf-8")).get("meta.format")
        picked.setdefault(str(fmt), g)
    return list(picked.values())


@pytest.mark.parametrize("gold", _pdf_golds(), ids=lambda p: p.stem)
def test_round_trip_pdf(gold: Path) -> None:
    if soffice_path() is None:
        pytest.skip("LibreOffice (soffice) not installed")
    if not _reader_available("readers.pdf"):
        pytest.skip("nianbao.readers.pdf not available yet")
    expected = _gold(gold)
    got = _parse()(render(expected, "pdf"))  # type: ignore[misc]
    assert _mismatches(expected, got) == []


# ---------------------------------------------------------------------- atomic output
def test_write_report_is_atomic(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.txt"
    write_report(b"first", target)
    write_report(b"second", target)
    assert target.read_bytes() == b"second"
    assert [p.name for p in target.parent.iterdir()] == ["report.txt"]
    with pytest.raises(FileExistsError):
        write_report(b"third", target, force=False)
    assert target.read_bytes() == b"second"


# ---------------------------------------------------------------------- the write command
@click.group()
def _cli() -> None:
    pass


def _runner_cli() -> click.Group:
    from nianbao.cli.write import template, write

    if "write" not in _cli.commands:
        _cli.add_command(write)
        _cli.add_command(template)
    return _cli


def _checks_available() -> bool:
    try:
        from nianbao.checks import RULES
    except ImportError:
        return False
    return "R-BALANCE" in RULES and "R-SUM-ROW" in RULES


def _figures(tmp_path: Path, **changes: object) -> Path:
    flat: dict[str, object] = {"meta.agency": "青岚县人民政府", "meta.year": 2024}
    for fid in table_ids("2021"):
        flat[fid] = 0
    flat.update(
        {
            "requests.new.natural": 3,
            "requests.new.total": 3,
            "requests.granted.natural": 3,
            "requests.granted.total": 3,
            "requests.processed_total.natural": 3,
            "requests.processed_total.total": 3,
        }
    )
    flat.update(changes)
    path = tmp_path / "figures.json"
    path.write_text(json.dumps(flat, ensure_ascii=False), encoding="utf-8")
    return path


def test_write_command_writes_a_balanced_report(tmp_path: Path) -> None:
    out = tmp_path / "r.docx"
    result = CliRunner().invoke(_runner_cli(), ["write", str(_figures(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"PK"
    result = CliRunner().invoke(_runner_cli(), ["write", str(_figures(tmp_path)), "--style", "tab"])
    assert result.exit_code == 0
    assert "青岚县人民政府2024年政府信息公开工作年度报告" in result.output


def test_write_command_refuses_unbalanced_figures(tmp_path: Path) -> None:
    if not _checks_available():
        pytest.skip("nianbao.checks arithmetic rules not available yet")
    from nianbao.checks import run_checks
    from nianbao.writing.figures import load_figures

    figures = _figures(
        tmp_path, **{"requests.carried_forward.natural": 1, "requests.carried_forward.total": 1}
    )
    out = tmp_path / "r.txt"
    result = CliRunner().invoke(_runner_cli(), ["write", str(figures), "-o", str(out)])
    assert result.exit_code == 1
    assert not out.exists()
    assert "R-BALANCE" in result.output and "未生成报告" in result.output
    # the same findings, in the same words, as the checks give
    expected = run_checks(load_figures(figures), rules=["R-BALANCE"])
    assert expected and all(f.message in result.output for f in expected)
    assert "[错误] R-BALANCE" in result.output
    forced = CliRunner().invoke(_runner_cli(), ["write", str(figures), "-o", str(out), "--force"])
    assert forced.exit_code == 0
    assert "R-BALANCE" in forced.output and out.exists()


# ---------------------------------------------------------------------- invented reports
NON_PDF_STYLES = ("tab", "lines", "pipe", "pipe-split", "md", "html", "html-gbk", "docx")


def _numbered(
    layout: str, blanks: frozenset[str] = frozenset(), zero_default: bool = False
) -> Report:
    """An invented report: distinct small numbers, signed/decimal cells, chosen blanks."""
    rep = Report()
    rep.meta.update(
        {"agency": "青岚县人民政府", "year": 2020 if layout == "2019" else 2024, "format": layout}
    )
    for k, fid in enumerate(table_ids(layout)):
        value: int | float | None = 0 if zero_default else (k * 7) % 11
        rep.values[fid] = Value(None if fid in blanks else value, None)
    if layout == "2019":
        rep.values["active2019.licensing.items_delta"] = Value(-3, "-3")
        rep.values["active2019.procurement.amount"] = Value(251.5, "251.5")
    else:
        rep.values["active.fees"] = Value(0.75, "0.75")
    return rep


@pytest.mark.parametrize("style", NON_PDF_STYLES)
@pytest.mark.parametrize("layout", ["2021", "2019", "mixed"])
def test_round_trip_invented_layouts(layout: str, style: str) -> None:
    parse = _parse()
    reader = {"html": "readers.html", "html-gbk": "readers.html", "docx": "readers.docx"}.get(style)
    if parse is None or (reader and not _reader_available(reader)):
        pytest.skip("parser or reader not available yet")
    expected = _numbered(layout)
    got = parse(render(expected, style))
    assert got.meta.get("format") == layout
    assert _mismatches(expected, got) == []


_REVIEWS = frozenset(f for f in table_ids("2021") if f.startswith("reviews."))
_BLANK_CASES = {
    "first-review-cell": frozenset({"reviews.reconsideration.upheld"}),
    "last-review-cell": frozenset({"reviews.litigation_after.total"}),
    "all-review-cells": _REVIEWS,
    "new-total": frozenset({"requests.new.total"}),
    "carried-forward-total": frozenset({"requests.carried_forward.total"}),
    "fees": frozenset({"active.fees"}),
}


@pytest.mark.parametrize("style", NON_PDF_STYLES)
@pytest.mark.parametrize("case", sorted(_BLANK_CASES))
def test_round_trip_blank_cells(case: str, style: str, request: pytest.FixtureRequest) -> None:
    parse = _parse()
    reader = {"html": "readers.html", "html-gbk": "readers.html", "docx": "readers.docx"}.get(style)
    if parse is None or (reader and not _reader_available(reader)):
        pytest.skip("parser or reader not available yet")
    expected = _numbered("2021", _BLANK_CASES[case])
    got = parse(render(expected, style))
    assert _mismatches(expected, got) == []


@pytest.mark.parametrize("style", ["pipe", "md"])
def test_round_trip_sparse_row(style: str, request: pytest.FixtureRequest) -> None:
    """A table 三 that is almost all blank: row 一 holds only 其他 = 0 (总计 blank)."""
    parse = _parse()
    if parse is None:
        pytest.skip("nianbao.parse not available yet")
    blanks = frozenset(f for f in table_ids("2021") if f.startswith("requests.")) - {
        "requests.new.other_org"
    }
    expected = _numbered("2021", blanks, zero_default=True)
    got = parse(render(expected, style))
    assert _mismatches(expected, got) == []


def test_write_command_reproduces_the_example(tmp_path: Path) -> None:
    examples = REPO / "examples"
    out = tmp_path / "qinglan.txt"
    result = CliRunner().invoke(
        _runner_cli(),
        [
            "write",
            str(examples / "figures-2024.yaml"),
            "--text",
            str(examples / "qinglan-text"),
            "--style",
            "tab",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (examples / "reports" / "qinglan-2024.txt").read_bytes()


def test_template_command(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    result = CliRunner().invoke(
        _runner_cli(), ["template", "-o", str(out), "--agency", "青岚县人民政府", "--year", "2024"]
    )
    assert result.exit_code == 0, result.output
    from nianbao.writing.figures import load_figures

    rep = load_figures(out)
    assert rep.meta["agency"] == "青岚县人民政府" and rep.meta["year"] == 2024
    result = CliRunner().invoke(_runner_cli(), ["template", "--layout", "2019"])
    assert result.exit_code == 0 and "active2019:" in result.output


def test_docx_made_by_libreoffice_round_trips() -> None:
    """The ``docx-lo`` style: LibreOffice's own DOCX (from the HTML), a second producer."""
    if soffice_path() is None:
        pytest.skip("LibreOffice (soffice) not installed")
    import docx

    expected = _numbered("2021", frozenset({"requests.granted.legal"}))
    data = render(expected, "docx-lo")
    xml = docx.Document(io.BytesIO(data)).element.xml
    assert "w:gridSpan" in xml and "w:vMerge" in xml
    if not _reader_available("readers.docx"):
        pytest.skip("nianbao.readers.docx not available yet")
    assert _mismatches(expected, _parse()(data)) == []  # type: ignore[misc]


def test_pipe_split_rows() -> None:
    text = render(_invented(), "pipe-split").decode("utf-8")
    block = text.split("三、收到和处理政府信息公开申请情况", 1)[1]
    rows = block.split("\n|\n")
    new = next(r for r in rows if r.startswith("一、本年新收"))
    assert new.split("\n") == ["一、本年新收政府信息公开申请数量 |"] + ["1 |"] * 6 + ["1 | |||"]
    assert rows[1].startswith("（本列数据的勾稽关系为") and rows[1].endswith(
        "申请人情况 | " + "|" * 9
    )


# ---------------------------------------------------------------------- property
try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a dev dependency
    given = None


if given is not None:
    _COUNT = st.one_of(st.just(0), st.integers(0, 30), st.integers(0, 999_999))

    @settings(max_examples=12, deadline=None, derandomize=True)
    @given(
        layout=st.sampled_from(["2021", "mixed", "2019"]),
        style=st.sampled_from(["tab", "lines", "pipe-split", "html", "docx"]),
        counts=st.lists(_COUNT, min_size=230, max_size=230),
        fee=st.decimals(min_value=0, max_value=99999, places=2),
    )
    def test_round_trip_any_numbers(
        layout: str, style: str, counts: list[int], fee: object
    ) -> None:
        parse = _parse()
        if parse is None:
            pytest.skip("nianbao.parse not available yet")
        rep = _numbered(layout)
        for fid, value in zip(table_ids(layout), counts):
            rep.values[fid] = Value(value, None)
        fee_id = "active2019.procurement.amount" if layout == "2019" else "active.fees"
        rep.values[fee_id] = Value(float(fee), None)  # type: ignore[arg-type]
        assert _mismatches(rep, parse(render(rep, style))) == []
