from __future__ import annotations

import json

from click.testing import CliRunner

from nianbao.cli import cli

from .conftest import EXAMPLES, SAMPLES


def run(*args):
    return CliRunner().invoke(cli, list(args))


def test_parse_table_shows_the_three_tables():
    res = run("parse", str(EXAMPLES / "reports" / "qinglan-2024.txt"))
    assert res.exit_code == 0, res.output
    for title in (
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
    ):
        assert title in res.output


def test_parse_table_shows_blank_cells_visibly(samples_dir):
    res = run("parse", str(samples_dir / "001_c0e16c883bf611ed.txt"))
    assert res.exit_code == 0
    assert "·" in res.output and "空白单元格" in res.output


def test_bad_file_does_not_stop_the_others(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    res = run(
        "parse", "--format", "jsonl", str(bad), str(EXAMPLES / "reports" / "qinglan-2024.txt")
    )
    assert res.exit_code == 2
    objs = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    assert [o["source"] for o in objs] == [str(EXAMPLES / "reports" / "qinglan-2024.txt")]
    assert "错误" in res.stderr and "文件为空" in res.stderr
    assert "Traceback" not in res.output


def test_missing_file_and_binary(tmp_path):
    b = tmp_path / "x.bin"
    b.write_bytes(bytes(range(256)) * 20)
    res = run("parse", str(tmp_path / "nope.txt"), str(b))
    assert res.exit_code == 2
    assert "找不到文件" in res.stderr
    assert "二进制" in res.stderr


def test_parse_directory_recurses(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "r.txt").write_bytes(
        (EXAMPLES / "reports" / "qinglan-2024.txt").read_bytes()
    )
    (tmp_path / "a" / "notes.json").write_text("{}")
    res = run("parse", "--format", "jsonl", str(tmp_path))
    assert res.exit_code == 0, res.output
    objs = [json.loads(x) for x in res.stdout.splitlines() if x.startswith("{")]
    assert len(objs) == 1 and objs[0]["source"].endswith("r.txt")


def test_json_nests_to_schema_ids():
    res = run("parse", "--format", "json", str(EXAMPLES / "reports" / "qinglan-2024.txt"))
    obj = json.loads(res.stdout)
    assert set(obj["requests"]["other"]) == {"no_correction", "no_fee", "misc"}
    assert "total" in obj["requests"]["other"]["misc"]
    assert obj["reviews"]["reconsideration"].keys() == {
        "upheld",
        "corrected",
        "other",
        "pending",
        "total",
    }


def test_python_m_nianbao_version():
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "nianbao", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and "nianbao" in out.stdout


def test_samples_dir_is_beside_the_checkout():
    assert SAMPLES.is_dir()


def test_check_exit_codes_and_json_contract(tmp_path):
    good = str(EXAMPLES / "reports" / "qinglan-2024.txt")
    bad = str(EXAMPLES / "reports" / "qinglan-caizheng-2024.txt")
    assert run("check", good).exit_code == 0
    res = run("check", "--format", "jsonl", good, bad)
    assert res.exit_code == 1
    objs = [json.loads(x) for x in res.stdout.splitlines()]
    assert [o["source"] for o in objs] == [good, bad]
    f = next(f for f in objs[1]["findings"] if f["rule"] == "R-SUM-ROW")
    assert set(f) >= {
        "rule",
        "severity",
        "cells",
        "expected",
        "actual",
        "assumed_zero",
        "evidence",
        "message",
        "fingerprint",
    }
    assert f["cells"][-1] == "requests.new.total" or "requests.new.total" in f["cells"]
    assert "相差 1" in f["message"]
    empty = tmp_path / "e.txt"
    empty.write_bytes(b"")
    assert run("check", good, str(empty)).exit_code == 2


def test_check_min_severity_filters(samples_dir):
    doc = str(samples_dir / "003_d51677336c3a457a.txt")
    all_ = json.loads(run("check", "--format", "json", doc).stdout)[0]["findings"]
    warn = json.loads(run("check", "--format", "json", "--min-severity", "warning", doc).stdout)[0][
        "findings"
    ]
    assert {f["severity"] for f in all_} >= {"info", "warning"}
    assert {f["severity"] for f in warn} <= {"warning", "error"} and len(warn) < len(all_)


def test_check_needs_files_or_db():
    res = run("check")
    assert res.exit_code == 2 and "--db" in res.output


def test_jsonl_to_a_stdout_that_is_not_utf8() -> None:
    """A console or pipe in another encoding (PYTHONIOENCODING=ascii here): the JSON lines
    still come out, never a UnicodeEncodeError."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    src = str(EXAMPLES / "reports" / "qinglan-2024.txt")
    out = subprocess.run(
        [sys.executable, "-m", "nianbao", "parse", "--format", "jsonl", src],
        capture_output=True,
        env=env,
        check=False,
    )
    assert out.returncode == 0, out.stderr.decode("utf-8", "replace")[-500:]
    assert json.loads(out.stdout.decode("utf-8", "replace"))["source"] == src
