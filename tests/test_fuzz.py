"""The fuzzing harness (``fuzz/``): a short fixed-seed run per reader finds no crash and no
hang; crashes and hangs are recorded; every finding kept in ``tests/fixtures/fuzz`` reads
without a crash. Long runs: ``python -m fuzz.run --reader html --minutes 120``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fuzz import run as fuzz_run
from fuzz.minimize import minimize
from fuzz.mutate import inflate_streams, mutate
from fuzz.seeds import READERS, seeds

import nianbao

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "fuzz"
# inputs per reader in the short run (the PDF reader is some hundred times slower)
SHORT = {"text": 60, "html": 60, "docx": 40, "pdf": 4}


@pytest.mark.parametrize("reader", READERS)
def test_short_fuzz_run_finds_no_crash_and_no_hang(reader: str, tmp_path: Path):
    stats = fuzz_run.fuzz(
        reader,
        max_inputs=SHORT[reader],
        seed=11,
        out=tmp_path,
        per_input_seconds=10.0,
        seed_limit=1,
    )
    found = sorted(p.name for p in (tmp_path / reader).glob("*.bin"))
    assert stats.inputs == SHORT[reader]
    assert stats.crashes == 0 and stats.hangs == 0 and stats.memory == 0, (stats.line(), found)
    assert (
        stats.outcomes.get("report", 0)
        + sum(n for k, n in stats.outcomes.items() if k.startswith("named:"))
        == stats.inputs
    )


def _kaboom(data: bytes, **kwargs: object) -> object:
    if b"BOOM" in data:
        raise KeyError("boom")
    raise nianbao.errors.NotAReport("不是报告")


def test_crashes_and_hangs_are_recorded(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(nianbao, "parse", _kaboom)
    monkeypatch.setattr(fuzz_run, "_cached_seeds", lambda *a, **k: [b"x BOOM y\n" * 3])
    stats = fuzz_run.fuzz("text", max_inputs=20, seed=1, out=tmp_path)
    assert stats.crashes > 0 and any(s.startswith("KeyError@") for s in stats.signatures)
    saved = list((tmp_path / "text").glob("crash-KeyError*.bin"))
    assert len(saved) == 1 and "KeyError" in saved[0].with_suffix(".txt").read_text("utf-8")

    def spin(data: bytes, **kwargs: object) -> object:
        while True:
            pass

    monkeypatch.setattr(nianbao, "parse", spin)
    stats = fuzz_run.fuzz("text", max_inputs=2, seed=1, out=tmp_path, per_input_seconds=0.2)
    assert stats.hangs == 2 and len(list((tmp_path / "text").glob("hang-*.bin"))) >= 1


def test_minimize_keeps_the_failure(monkeypatch):
    monkeypatch.setattr(nianbao, "parse", _kaboom)
    data = b"".join(b"line %d\n" % i for i in range(200)) + b"xxBOOMxx\n" + b"tail\n" * 50
    assert minimize(data, "text") == b"BOOM"


def test_mutations_are_deterministic_and_bounded():
    import random

    base = "二、主动公开政府信息情况\t1\t2\n".encode() * 20
    a = [mutate(base, random.Random(5), "text", [base]) for _ in range(30)]
    b = [mutate(base, random.Random(5), "text", [base]) for _ in range(30)]
    assert a == b
    assert all(len(x) <= 4 * 1024 * 1024 for x in a)


def test_pdf_seeds_with_inflated_streams_still_read():
    pdfs = seeds("pdf", limit=1)
    if not pdfs:
        pytest.skip("no PDF seeds here (no LibreOffice, no sample PDFs)")
    flat = inflate_streams(pdfs[0])
    assert b"/FlateDecode" not in flat or len(flat) > len(pdfs[0])
    try:
        nianbao.parse(flat, ocr=False)
    except nianbao.errors.NianbaoError:
        pass


@pytest.mark.parametrize(
    "path",
    sorted(p for p in FIXTURES.rglob("*") if p.is_file()),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_fuzz_findings_read_without_a_crash(path: Path):
    """Every crash the fuzzer found, kept as a fixture (from the bundled invented examples)."""
    kind, detail = fuzz_run.run_one(path.read_bytes(), path.parent.name, 20.0, 2048.0)
    assert kind in ("report", "named"), detail


def test_supervisor_records_a_dead_worker_and_starts_it_again(monkeypatch, tmp_path: Path):
    """A worker killed by a signal (native code crashing, the OOM killer): the input it was
    running is kept as a crash, and a new worker carries on with the figures."""
    seeds = tmp_path / "text" / "seeds"
    seeds.mkdir(parents=True)
    (seeds / "seed-000").write_bytes(("DIE" * 400 + "\n").encode())
    monkeypatch.setenv(fuzz_run.DIE_ON_ENV, "DIE")
    rc = fuzz_run.main(["--reader", "text", "--max-inputs", "2", "--out", str(tmp_path)])
    stats = json.loads((tmp_path / "text" / "stats.json").read_text(encoding="utf-8"))
    assert rc == 1
    assert stats["restarts"] >= 1 and stats["crashes"] >= 1 and stats["inputs"] == 2
    assert "signal-SIGKILL@worker" in stats["signatures"]
    saved = list((tmp_path / "text").glob("crash-signal-SIGKILL*.bin"))
    assert len(saved) == 1 and b"DIE" in saved[0].read_bytes()


def test_hang_budget_grows_with_the_input():
    assert fuzz_run.cpu_budget(0, 2.0, 2.0) == 2.0
    assert fuzz_run.cpu_budget(4 * 1024 * 1024, 2.0, 2.0) == 10.0


def test_a_docx_budget_counts_the_bytes_inflated():
    """A DOCX's parts are parsed inflated: 2.7 MB of table XML packed into 45 KB took 2 s
    (linear, about 0.8 µs a byte) and was called a hang against the 45 KB; the budget of a
    DOCX counts what its parts inflate to (what the reader itself bounds)."""
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:tc/>" * 300_000)
    data = buf.getvalue()
    assert len(data) < 100_000
    assert fuzz_run.read_size(data, "docx") == 7 * 300_000
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/media/image1.png", b"\0" * 3_000_000)  # not parsed: not counted
    assert fuzz_run.read_size(buf.getvalue(), "docx") == len(buf.getvalue())
    assert fuzz_run.read_size(data, "html") == len(data)
    assert fuzz_run.read_size(b"not a zip", "docx") == 9


def test_a_hang_is_judged_on_cpu_time(monkeypatch):
    """The per-input timer counts CPU time (a starved process is not a hang); a busy loop
    over its budget is stopped and reported as a hang."""
    import time as _time

    def nap(data: bytes, **kwargs: object) -> object:
        _time.sleep(0.6)  # wall-clock time without CPU
        raise nianbao.errors.NotAReport("不是报告")

    monkeypatch.setattr(nianbao, "parse", nap)
    assert fuzz_run.run_one(b"x", "text", 0.3, 0)[0] == "named"

    def spin(data: bytes, **kwargs: object) -> object:
        while True:
            pass

    monkeypatch.setattr(nianbao, "parse", spin)
    kind, detail = fuzz_run.run_one(b"x", "text", 0.3, 0)
    assert kind == "hang" and "CPU" in detail


def test_the_docx_mutator_finds_elements_in_one_pass():
    """The mutator's element search: the span of a start tag to the first closing tag of its
    name, as the non-greedy pattern it replaces found it; on a part of unclosed tags it
    gives up after a few (that pattern, tried from every one of 700,000 of them, held a
    run's mutation step for minutes)."""
    import random
    import re

    from fuzz.mutate import pick_element

    rng = random.Random(7)
    old = re.compile(rb"<(w:(?:tr|tc|p|r|tbl|sdt))[ >].*?</\1>", re.DOTALL)
    xml = (
        b'<w:body><w:p w:rsidR="1"><w:r><w:rPr/><w:t>12</w:t></w:r></w:p>'
        b"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>3</w:t></w:r></w:p></w:tc></w:tr></w:tbl></w:body>"
    )
    seen = set()
    for _ in range(200):
        span = pick_element(xml, rng)
        assert span is not None
        start, end = span
        m = old.match(xml, start)
        assert m is not None and m.end() == end, xml[start:end]
        seen.add(xml[start:end].split(b">")[0])
    assert {b"<w:p", b"<w:r", b"<w:tbl", b"<w:tr", b"<w:tc"} <= {s.split(b" ")[0] for s in seen}
    unclosed = b"<w:body>" + b"<w:r>x" * 700_000 + b"</w:body>"
    assert pick_element(unclosed, rng) is None
    for _ in range(20):  # and the whole mutation of such a part comes back
        assert mutate(_docx_with(unclosed), rng, "docx", [])


def _docx_with(document_xml: bytes) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        zf.writestr("word/document.xml", document_xml)
    return buf.getvalue()
