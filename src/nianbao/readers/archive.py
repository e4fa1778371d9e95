"""ZIP archives of reports (how subordinate agencies' reports arrive by mail): a ``.zip``
named to the CLI or met in a directory walk stands for the report files inside it, each
named ``<archive>::<member>``; reading such a name reads the member's bytes. Member names
written by Chinese Windows tools are GBK bytes without ZIP's UTF-8 flag, and are decoded
as such. Bounded like the DOCX reader: members over the reader's size limit, archives that
would inflate beyond ``MAX_UNZIPPED_BYTES`` or by more than ``MAX_RATIO``, and archives
inside archives are passed over."""

from __future__ import annotations

import os
import zipfile
import zlib
from functools import lru_cache
from pathlib import Path

from ..errors import BrokenFile, InputTooLarge, NotAReport

__all__ = [
    "SEP",
    "is_zip_path",
    "is_zip_head",
    "is_archive_head",
    "zip_members",
    "zip_listing",
    "zip_entry_count",
    "split_member",
    "read_path_bytes",
    "read_member",
]

SEP = "::"
MAX_MEMBERS = 5000
MAX_UNZIPPED_BYTES = 4 * 1024 * 1024 * 1024
MAX_RATIO = 200


def is_zip_path(path: Path) -> bool:
    """A file named ``*.zip`` that is a ZIP archive, not an Office package renamed (a DOCX
    named .zip is a document and is read as one; an archive of DOCX files stored
    uncompressed is an archive: ``is_archive_head``)."""
    if path.suffix.lower() != ".zip" or not path.is_file():
        return False
    try:
        with path.open("rb") as f:
            head = f.read(65536)
    except OSError:
        return False
    return is_archive_head(head)


def is_zip_head(head: bytes) -> bool:
    """The first bytes (64 KB) of a ZIP archive, not of an Office package (DOCX, XLSX:
    ``sniff`` tells them apart)."""
    from .sniff import sniff

    return head[:4] == b"PK\x03\x04" and sniff(head) == "zip"


# the top-level parts an Office package (OOXML, OpenDocument) starts with
_PACKAGE_PARTS = frozenset(
    {"[content_types].xml", "_rels", "docprops", "word", "xl", "ppt", "customxml", "mimetype"}
)


def is_archive_head(head: bytes) -> bool:
    """:func:`is_zip_head`, and also an archive whose files are stored uncompressed: a DOCX
    stored whole shows ``word/`` in the archive's first bytes, which ``sniff`` takes for a
    DOCX of its own. Told apart by the first entry's name (the local header at offset 0),
    which in an Office package is one of its parts and in an archive of reports is not."""
    if is_zip_head(head):
        return True
    if head[:4] != b"PK\x03\x04" or len(head) < 30:
        return False
    size = int.from_bytes(head[26:28], "little")
    first = head[30 : 30 + size].decode("utf-8", errors="replace").replace("\\", "/")
    return bool(first) and first.split("/", 1)[0].lower() not in _PACKAGE_PARTS


def _name(info: zipfile.ZipInfo) -> str:
    """A member's name as its writer meant it: UTF-8 when flagged (zipfile decodes it),
    else the raw bytes (which zipfile read as CP437) as UTF-8 or GBK."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437", errors="replace")
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


def _infos(path: Path) -> list[tuple[str, zipfile.ZipInfo]]:
    """The archive's members with their names (cached while the file is unchanged: each
    member read would otherwise read the whole directory again)."""
    try:
        st = path.stat()
    except OSError as exc:
        raise BrokenFile(f"无法读取 ZIP 压缩包：{path.name}") from exc
    return _infos_of(str(path.resolve()), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=8)
def _infos_of(path: str, size: int, mtime: int) -> list[tuple[str, zipfile.ZipInfo]]:
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, NotImplementedError) as exc:
        raise BrokenFile(f"ZIP 压缩包已损坏，无法读取其中的文件：{Path(path).name}") from exc
    out: list[tuple[str, zipfile.ZipInfo]] = []
    seen: dict[str, int] = {}
    for info in infos:
        if info.is_dir():
            continue
        name = _name(info)
        n = seen[name] = seen.get(name, 0) + 1
        # a name written twice: the later entries are named apart (name#2 …) so each is read
        out.append((name if n == 1 else f"{name}#{n}", info))
    return out


def zip_members(path: Path, skip: frozenset[str] = frozenset()) -> list[str]:
    """The names ``<archive>::<member>`` of the report files in the archive, in the
    archive's order: hidden entries and files with a suffix in ``skip`` passed over.
    Raises InputTooLarge when the archive would inflate past the bounds."""
    return [f"{path}{SEP}{name}" for name, _size in zip_listing(path, skip)]


def zip_listing(path: Path, skip: frozenset[str] = frozenset()) -> list[tuple[str, int]]:
    """The members :func:`zip_members` names, as ``(member, uncompressed size)`` (the size
    the archive's directory states; reading a member never yields more). Raises
    InputTooLarge when the archive would inflate past the bounds, BrokenFile when it
    cannot be opened."""
    infos = _infos(path)
    total = sum(i.file_size for _, i in infos)
    packed = sum(i.compress_size for _, i in infos) or 1
    if total > MAX_UNZIPPED_BYTES or (total > 64 * 1024 * 1024 and total / packed > MAX_RATIO):
        raise InputTooLarge(
            f"ZIP 压缩包 {path.name} 解压后过大（{total / 1048576:.0f} MB），不予读取。"
        )
    out: list[tuple[str, int]] = []
    for name, info in infos[:MAX_MEMBERS]:
        parts = Path(name).parts
        if any(p.startswith((".", "__MACOSX")) for p in parts):
            continue
        suffix = Path(name).suffix.lower()
        if suffix in skip and suffix != ".zip":
            continue
        # (an archive inside, or a member over the size limit, is named too: reading it
        # says why it is not read, rather than nothing at all)
        out.append((name, info.file_size))
    return out


def zip_entry_count(path: Path) -> int:
    """How many files the archive holds, reports or not (hidden entries, pictures… too)."""
    return len(_infos(path))


def split_member(name: str) -> tuple[Path, str] | None:
    """``(archive, member)`` of a name ``<archive>::<member>`` whose archive is a ZIP file,
    or None (a plain path)."""
    at = name.find(SEP)
    while at >= 0:
        archive = Path(name[:at])
        if is_zip_path(archive):
            return archive, name[at + len(SEP) :]
        at = name.find(SEP, at + 1)
    return None


def read_path_bytes(name: str | os.PathLike[str]) -> bytes:
    """The bytes of a file, or of an archive's member named ``<archive>::<member>``.
    Raises OSError for a file that cannot be read, NotAReport for a member not there."""
    text = os.fspath(name)
    split = split_member(text) if SEP in text else None
    if split is None:
        return Path(text).read_bytes()
    archive, member = split
    if not member:  # the archive itself, when it yields no report file: say why
        if zip_members(archive, _skipped()):
            raise NotAReport(f"{archive.name} 是 ZIP 压缩包，请读取其中的报告文件。")
        raise NotAReport(f"ZIP 压缩包 {archive.name} 中没有报告文件（PDF、DOCX、网页或文本）。")
    return read_member(archive, member)


def read_member(archive: Path, member: str) -> bytes:
    """The bytes of the member named ``member`` (as :func:`zip_listing` names it) of a
    ZIP archive. Raises BrokenFile for a damaged or encrypted member, InputTooLarge for
    one over the reader's size limit, NotAReport for a member not there."""
    for decoded, info in _infos(archive):
        if decoded == member:
            from .dispatch import MAX_BYTES

            try:
                with zipfile.ZipFile(archive) as z, z.open(info) as f:
                    data = f.read(MAX_BYTES + 1)
            except (
                zipfile.BadZipFile,
                zlib.error,
                RuntimeError,
                NotImplementedError,
                ValueError,
                EOFError,
            ) as exc:
                raise BrokenFile(
                    f"压缩包 {archive.name} 中的文件 {member} 已损坏、已加密或压缩方式不受支持，无法读取。"
                ) from exc
            if len(data) > MAX_BYTES:
                raise InputTooLarge(f"压缩包中的文件 {member} 过大，不予读取。")
            return data
    raise NotAReport(f"压缩包 {archive.name} 中没有文件 {member}。")


def _skipped() -> frozenset[str]:
    from .dispatch import SKIP_SUFFIXES

    return SKIP_SUFFIXES
