"""Defects of issue 13 outside the store: check's summary, write's refusals, data files
read as reports, .xls called Word, parse of a text, the DataFrame, the ingest summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import nianbao
from nianbao.cli import cli
from nianbao.errors import EmptyInput, NianbaoError, UnsupportedFormat

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
REPORTS = EXAMPLES / "reports"


def test_check_prints_skipped_rules_once_and_a_summary():
    res = CliRunner().invoke(cli, ["check", str(REPORTS)])
    assert res.exit_code == 1
    assert res.output.count("未执行的检查") == 1
    assert "格式：2021版" in res.output and "格式：2021\n" not in res.output
    last = res.output.strip().splitlines()[-1]
    assert last.startswith("共检查 3 个文件") and "有错误的 1 个" in last and "错误 2" in last


def test_write_refuses_a_report_without_agency_or_year(tmp_path):
    figures = tmp_path / "f.yaml"
    res = CliRunner().invoke(cli, ["template", "-o", str(figures)])
    assert res.exit_code == 0
    res = CliRunner().invoke(cli, ["write", str(figures), "-o", str(tmp_path / "r.md")])
    assert res.exit_code != 0 and "缺少机关名称" in res.output and "年度" in res.output
    assert not (tmp_path / "r.md").exists()


def test_write_says_which_prose_is_missing(tmp_path):
    out = tmp_path / "r.md"
    fig = str(EXAMPLES / "figures-2024.yaml")
    res = CliRunner().invoke(cli, ["write", fig, "-o", str(out)])
    assert res.exit_code == 0 and "缺少正文" in res.output and "五、存在的主要问题" in res.output
    res = CliRunner().invoke(cli, ["write", fig, "-o", str(tmp_path / "s.md"), "--strict"])
    assert res.exit_code == 1 and not (tmp_path / "s.md").exists()
    res = CliRunner().invoke(
        cli, ["write", fig, "--text", str(EXAMPLES / "qinglan-text"), "-o", str(out), "--strict"]
    )
    assert res.exit_code == 0 and "缺少正文" not in res.output


def test_json_and_template_files_are_not_reports(tmp_path):
    rep = nianbao.parse(REPORTS / "qinglan-2024.txt")
    as_json = tmp_path / "r.json"
    as_json.write_text(json.dumps(rep.to_dict(), ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UnsupportedFormat, match="JSON"):
        nianbao.parse(as_json)
    yaml_t = tmp_path / "t.yaml"
    CliRunner().invoke(cli, ["template", "-o", str(yaml_t)])
    with pytest.raises(UnsupportedFormat, match="填报数据文件"):
        nianbao.parse(yaml_t)
    xlsx_t = tmp_path / "t.xlsx"
    CliRunner().invoke(cli, ["template", "-o", str(xlsx_t)])
    with pytest.raises(UnsupportedFormat, match="Excel"):
        nianbao.parse(xlsx_t)


def _ole(stream: str) -> bytes:
    """The head of an OLE compound file whose directory names ``stream``."""
    return (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000 + stream.encode("utf-16-le") + b"\0" * 64
    )


def test_xls_is_not_called_a_word_file():
    from nianbao.store.ingest import media_type_of

    with pytest.raises(UnsupportedFormat) as exc:
        nianbao.parse(_ole("Workbook"))
    assert "Excel" in str(exc.value) and "Word" not in str(exc.value)
    # a Word file: refused as such, or (with LibreOffice here) converted, which fails on this
    # head of one; either way the message names Word
    with pytest.raises(NianbaoError, match="Word"):
        nianbao.parse(_ole("WordDocument"))
    assert media_type_of("a.xls", b"\xd0\xcf\x11\xe0" + b"\0" * 100) == "application/vnd.ms-excel"


def test_parse_takes_a_path_bytes_or_a_text():
    path = REPORTS / "qinglan-2024.txt"
    text = path.read_text(encoding="utf-8")
    by_path = nianbao.parse(str(path))
    by_text = nianbao.parse(text)
    assert by_text.get("requests.new.total") == by_path.get("requests.new.total") == 53
    assert nianbao.parse_text(text).meta["agency"] == "青岚县人民政府"
    assert nianbao.parse(path.read_bytes()).meta["year"] == 2024
    with pytest.raises(EmptyInput):
        nianbao.parse_text("  \n ")


def test_frame_of_reports_and_of_a_store(tmp_path):
    pytest.importorskip("pandas")
    reports = [nianbao.parse(p) for p in sorted(REPORTS.glob("*.txt"))]
    df = nianbao.frame(reports)
    assert len(df) == 2 and set(df["agency"]) == {"青岚县人民政府", "青岚县财政局"}
    assert "requests.new.total" in df.columns
    from nianbao.store import open_store
    from nianbao.store.ingest import ingest_files

    db = tmp_path / "s.db"
    engine = open_store(str(db))
    ingest_files([str(p) for p in sorted(REPORTS.iterdir())], engine, workers=0)
    engine.dispose()
    df = nianbao.frame(str(db))
    assert len(df) == 3 and {"agency_id", "agency_canonical", "year"} <= set(df.columns)
    gov = df[df["agency_canonical"] == "青岚县人民政府"]
    assert sorted(gov["year"]) == [2023, 2024] and gov["agency_id"].nunique() == 1
    assert str(df["requests.new.total"].dtype) == "Int64"


def test_frame_without_pandas_gives_a_chinese_hint(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_pandas(name, *a, **k):
        if name == "pandas":
            raise ImportError("no pandas")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_pandas)
    with pytest.raises(ImportError, match="pip install"):
        nianbao.frame([])


def test_ingest_summary_names_the_unusable_files(tmp_path):
    from nianbao.store import open_store
    from nianbao.store.ingest import ingest_files

    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("会议纪要\n今天开会。\n", encoding="utf-8")
    engine = open_store(str(tmp_path / "s.db"))
    summary = ingest_files(
        [str(tmp_path / "empty.txt"), str(tmp_path / "notes.txt")], engine, workers=0
    )
    engine.dispose()
    text = "\n".join(summary.lines())
    assert "empty.txt：" in text and "notes.txt：" in text and "文件为空" in text


def test_serve_refuses_a_mistyped_db(tmp_path):
    pytest.importorskip("fastapi")
    missing = tmp_path / "typo.db"
    res = CliRunner().invoke(cli, ["serve", "--db", str(missing)])
    assert res.exit_code != 0 and "不存在" in res.output and "--create" in res.output
    assert not missing.exists()
    res = CliRunner().invoke(cli, ["check", "--db", str(missing)])
    assert res.exit_code != 0 and "不存在" in res.output and not missing.exists()
