"""Legacy Word (.doc) and RTF files, read through LibreOffice (``readers/office.py``):
every gold is written as a DOCX by the writer, saved by LibreOffice as Word 97 and as RTF
(as agencies' older tools save them), and read back cell by cell. Without LibreOffice, or
when it fails or takes too long, the file is refused with a Chinese message, never a
traceback or a partial reading."""

from __future__ import annotations

import contextlib
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

import nianbao
from nianbao.errors import BrokenFile, NianbaoError, UnsupportedFormat
from nianbao.readers.office import office_binary
from nianbao.readers.sniff import sniff
from nianbao.report import Report
from nianbao.writing.writer import render

from .conftest import run_cli
from .shapes import TABLES, sources
from .test_pdf_unruled import _print_pdfs


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, dict[str, Any], Path, Path]]:
    found = sources()
    if len(found) < 3:
        pytest.skip("shared samples not available")
    tmp = tmp_path_factory.mktemp("office")
    docxs = []
    for stem, gold in found:
        path = tmp / f"{stem}.docx"
        path.write_bytes(render(Report.from_flat(gold), "docx"))
        docxs.append(path)
    # each gold saved in one of the two formats, by turns (CI time: a conversion and a
    # reading each cost over a second)
    _print_pdfs(docxs[::2], tmp / "doc", "doc:MS Word 97")  # (LibreOffice saving as Word 97)
    _print_pdfs(docxs[1::2], tmp / "rtf", "rtf")
    return [
        (stem, gold, tmp / "doc" / f"{stem}.doc", tmp / "rtf" / f"{stem}.rtf")
        for stem, gold in found
    ]


def _wrong(gold: dict[str, Any], path: Path) -> tuple[int, list[str]]:
    got = nianbao.parse(path).flat()
    cells, wrong = 0, []
    for fid, want in gold.items():
        if fid.startswith(TABLES):
            cells += 1
            if got.get(fid) != want:
                wrong.append(f"{path.name} {fid}: {want!r} read as {got.get(fid)!r}")
    return cells, wrong


def test_word97_and_rtf_read_cell_by_cell(saved) -> None:
    cells = 0
    wrong: list[str] = []
    for i, (_stem, gold, doc, rtf) in enumerate(saved):
        path, kind = (doc, "ole") if i % 2 == 0 else (rtf, "rtf")
        assert sniff(path.read_bytes()) == kind
        n, w = _wrong(gold, path)
        cells += n
        wrong += w
    assert cells > 2000
    assert not wrong, "\n".join(wrong[:40])


def test_the_conversion_is_named_and_provenance_kept(saved) -> None:
    stem, gold, doc, _ = saved[0]
    assert nianbao.read(doc).media_type == "application/msword"
    report = nianbao.parse(doc)
    notes = [f for f in report.findings if f.rule == "R-INGEST-ARTIFACT"]
    assert notes and "LibreOffice 转换为 DOCX" in notes[0].message
    fid = next(k for k, v in gold.items() if k.startswith("requests.") and v not in (None, 0))
    prov = report.values[fid].source
    assert prov is not None and prov.table is not None and prov.row is not None
    assert prov.start is not None and report.text  # offsets into the converted text


def test_without_libreoffice_the_message_says_how(saved, monkeypatch, tmp_path) -> None:
    doc, rtf = saved[0][2], saved[1][3]
    monkeypatch.setenv("NIANBAO_SOFFICE", str(tmp_path / "no-such-soffice"))
    for path, word in ((doc, "旧版 Word（.doc）"), (rtf, "RTF")):
        with pytest.raises(UnsupportedFormat) as e:
            nianbao.parse(path)
        assert word in str(e.value) and "LibreOffice" in str(e.value) and ".docx" in str(e.value)
    r = run_cli("parse", str(doc), NIANBAO_SOFFICE=str(tmp_path / "no-such-soffice"))
    assert r.returncode == 2, r.stderr
    assert "LibreOffice" in r.stderr and "Traceback" not in r.stderr


def test_a_word_file_libreoffice_cannot_open(saved, tmp_path) -> None:
    _, _, doc, _ = saved[0]
    data = bytearray(doc.read_bytes())
    data[512:] = bytes(len(data) - 512)  # the header kept, every stream zeroed
    bad = tmp_path / "bad.doc"
    bad.write_bytes(bytes(data[:512]) + b"WordDocument".decode().encode("utf-16-le") + data[536:])
    with pytest.raises(NianbaoError) as e:
        nianbao.parse(bad)
    assert "LibreOffice" in str(e.value) or "未找到" in str(e.value)


def test_a_conversion_over_its_time_is_stopped_and_leaves_nothing(
    saved, monkeypatch, tmp_path
) -> None:
    import tempfile

    _, _, doc, _ = saved[0]
    monkeypatch.setenv("NIANBAO_OFFICE_SECONDS", "0.05")
    # this conversion's working directory under tmp_path: other runs' LibreOffice processes
    # on the machine are not this test's
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(BrokenFile) as e:
        nianbao.parse(doc)
    assert "超过了" in str(e.value) and "NIANBAO_OFFICE_SECONDS" in str(e.value)
    time.sleep(0.5)
    left = subprocess.run(
        ["pgrep", "-f", f"{tmp_path}/nianbao-office-"], capture_output=True, text=True
    )
    assert left.stdout.strip() == "", "a LibreOffice process outlived its conversion"


def test_a_document_with_a_password_is_said_to_be_encrypted() -> None:
    """A DOCX saved with an opening password is an OLE file holding ``EncryptedPackage``."""
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000
    data = head + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64
    with pytest.raises(UnsupportedFormat, match="密码"):
        nianbao.parse(data)


def test_a_document_naming_pictures_on_the_web_is_converted_offline(tmp_path) -> None:
    """A .doc whose picture is a link to an address: LibreOffice would fetch it while
    converting (any address, inside networks too); it runs without a network."""
    import http.server
    import socket
    import threading

    if office_binary() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    page = tmp_path / "linked.html"
    page.write_text(
        "<html><body><p>某县人民政府2024年政府信息公开工作年度报告</p>"
        f'<img src="http://127.0.0.1:{port}/p.png" width="300" height="200"></body></html>',
        encoding="utf-8",
    )
    _print_pdfs([page], tmp_path / "doc", "doc:MS Word 97")  # (no server yet: nothing fetched)
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            asked.append(self.path)
            self.send_response(404)
            self.end_headers()

        do_HEAD = do_OPTIONS = do_GET  # noqa: N815

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with contextlib.suppress(NianbaoError):
            nianbao.parse(tmp_path / "doc" / "linked.doc")
    finally:
        server.shutdown()
        server.server_close()
    assert asked == [], f"LibreOffice fetched {asked}"
