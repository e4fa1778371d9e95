"""ZIP archives of reports (``readers/archive.py``): reports arrive zipped by mail, their
names in GBK as Chinese Windows writes them; the CLI and the ingest read the reports
inside, the store names each ``<archive>::<member>``, and an archive that is broken, too
large or holds no report says so as a file of its own."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import nianbao
from nianbao.errors import NianbaoError
from nianbao.readers.archive import SEP, read_path_bytes, zip_members
from nianbao.readers.dispatch import SKIP_SUFFIXES, iter_report_files

REPORTS = Path(__file__).resolve().parents[1] / "examples" / "reports"
NIANBAO = str(Path(sys.executable).parent / "nianbao")


class _GbkInfo(zipfile.ZipInfo):
    """A member whose name is written in GBK without ZIP's UTF-8 flag (Windows' own zip)."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 (zipfile's name)
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def _zip(path: Path, members: dict[str, bytes], gbk: bool = True) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            info = _GbkInfo(name) if gbk else zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return path


@pytest.fixture()
def mailed(tmp_path: Path) -> Path:
    return _zip(
        tmp_path / "各单位年报.zip",
        {
            "青岚县/县政府2024年报.txt": (REPORTS / "qinglan-2024.txt").read_bytes(),
            "青岚县/县政府2023年报.html": (REPORTS / "qinglan-2023.html").read_bytes(),
            "财政局/财政局2024年报.txt": (REPORTS / "qinglan-caizheng-2024.txt").read_bytes(),
            "__MACOSX/财政局/._财政局2024年报.txt": b"\0\5\x16\7",
            "说明.json": b"{}",
            "inner.zip": b"PK\3\4",
        },
    )


def test_members_are_named_as_written_and_junk_passed_over(mailed: Path) -> None:
    names = list(iter_report_files([mailed]))
    assert names == [
        f"{mailed}{SEP}青岚县/县政府2024年报.txt",
        f"{mailed}{SEP}青岚县/县政府2023年报.html",
        f"{mailed}{SEP}财政局/财政局2024年报.txt",
        f"{mailed}{SEP}inner.zip",  # named, so that reading it says why it is not read
    ]
    with pytest.raises(NianbaoError, match="ZIP"):
        nianbao.parse(names[3])
    assert read_path_bytes(names[2]) == (REPORTS / "qinglan-caizheng-2024.txt").read_bytes()
    report = nianbao.parse(names[0])
    assert report.source == names[0] and report.get("requests.new.total") == 53


def test_parse_and_ingest_read_the_reports_inside(mailed: Path, tmp_path: Path) -> None:
    out = subprocess.run(
        [NIANBAO, "parse", "--format", "jsonl", str(mailed.parent)],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 2 and "inner.zip" in out.stderr, out.stderr  # the archive inside
    got = [json.loads(line) for line in out.stdout.splitlines()]
    assert [(r["meta"]["agency"], r["meta"]["year"]) for r in got] == [
        ("青岚县人民政府", 2024),
        ("青岚县人民政府", 2023),
        ("青岚县财政局", 2024),
    ]
    db = tmp_path / "s.db"
    first = subprocess.run(
        [NIANBAO, "ingest", "--db", str(db), str(mailed)], capture_output=True, text=True
    )
    assert "新入库 3 份" in first.stdout and "无法使用 1 个" in first.stdout, first.stdout
    again = subprocess.run(
        [NIANBAO, "ingest", "--db", str(db), str(mailed)], capture_output=True, text=True
    )
    assert "内容未变跳过 4 份" in again.stdout, again.stdout  # (the archive inside too)


def test_a_broken_empty_or_oversized_archive_says_so(tmp_path: Path) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\3\4" + b"\0" * 100)
    empty = _zip(tmp_path / "empty.zip", {"说明.json": b"{}"})
    names = list(iter_report_files([tmp_path]))
    assert names == [f"{broken}{SEP}", f"{empty}{SEP}"]
    with pytest.raises(NianbaoError, match="已损坏"):
        nianbao.parse(names[0])
    with pytest.raises(NianbaoError, match="没有报告文件"):
        nianbao.parse(names[1])
    # a member over the reader's size limit is passed over; a bomb is refused as a whole
    zeros = io.BytesIO()
    with zipfile.ZipFile(zeros, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.txt", b"0" * (70 * 1024 * 1024))
    bomb = tmp_path / "bomb.zip"
    bomb.write_bytes(zeros.getvalue())
    with pytest.raises(NianbaoError, match="过大"):
        zip_members(bomb, SKIP_SUFFIXES)
    with pytest.raises(NianbaoError, match="过大"):
        nianbao.parse(f"{bomb}{SEP}")


def test_damaged_members_fail_alone_and_a_renamed_docx_is_a_document(
    mailed: Path, tmp_path: Path
) -> None:
    """A member whose data is damaged is a failed file of its own (the batch goes on); a
    DOCX named .zip is read as the document it is; a name written twice is read twice."""
    data = bytearray(mailed.read_bytes())
    at = data.index(b"PK\3\4", 1)  # the second member's local header
    data[at + 40 : at + 60] = b"\xff" * 20  # inside its compressed data
    bad = tmp_path / "damaged.zip"
    bad.write_bytes(bytes(data))
    from nianbao.writing.writer import render

    docx = tmp_path / "report.zip"
    docx.write_bytes(render(nianbao.parse(REPORTS / "qinglan-2024.txt"), "docx"))
    dup = _zip(tmp_path / "dup.zip", {"a.txt": b"x"}, gbk=False)
    with zipfile.ZipFile(dup, "a") as z, pytest.warns(UserWarning, match="Duplicate"):
        z.writestr("a.txt", (REPORTS / "qinglan-2024.txt").read_bytes())
    names = list(iter_report_files([bad, docx, dup]))
    assert str(docx) in names and f"{dup}{SEP}a.txt#2" in names
    db = tmp_path / "s.db"
    r = subprocess.run(
        [NIANBAO, "ingest", "--db", str(db), *map(str, (bad, docx, dup))],
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout, r.stderr
    assert "新入库" in r.stdout and "已损坏" in r.stdout, r.stdout


def test_an_archive_of_docx_stored_uncompressed_is_an_archive(tmp_path: Path) -> None:
    """Zipped without compression (``zip -0``, some mail clients), an archive of DOCX files
    shows a DOCX's ``word/`` parts in its first bytes; its first entry's name tells it is
    an archive, and each report inside is read."""
    from nianbao.writing.writer import render

    members = {
        f"{stem}.docx": render(nianbao.parse(REPORTS / f"{stem}.txt"), "docx")
        for stem in ("qinglan-2024", "qinglan-caizheng-2024")
    }
    path = tmp_path / "年报.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    names = list(iter_report_files([path]))
    assert names == [f"{path}{SEP}{name}" for name in members]
    for name in names:
        rep = nianbao.parse(read_path_bytes(name), name=name)
        assert rep.get("requests.new.total") is not None
