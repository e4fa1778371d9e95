"""The files of an ingest: the report files under the paths named, and a file's media
type from its first bytes."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

__all__ = ["STORE_SUFFIXES", "collect_files", "media_type_of"]

# Besides the files every directory walk passes over (``reader.SKIP_SUFFIXES``), the
# store's own files.
STORE_SUFFIXES = frozenset({".db-wal", ".db-shm", ".db-journal", ".tmp", ".jsonl", ".log"})


def collect_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files named, and the report files under directories named (``iter_report_files``:
    recursive, sorted, hidden entries and non-report files skipped), each once. A path that
    does not exist raises FileNotFoundError."""
    from ..readers.dispatch import iter_report_files

    out: list[Path] = []
    seen: set[Path] = set()
    for p in map(Path, paths):
        if not p.exists():
            raise FileNotFoundError(str(p))
        for name in iter_report_files([p]):
            f = Path(name)
            key = f.resolve()
            if key not in seen and (f == p or f.suffix.lower() not in STORE_SUFFIXES):
                seen.add(key)
                out.append(f)
    return out


_OLE_TYPES = {
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}


def media_type_of(name: str, head: bytes) -> str:
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04"):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # the old Office format holds Word, Excel or PowerPoint: by its streams, else the name
        from ..readers.dispatch import ole_kind

        kind = ole_kind(head) or {".doc": "doc", ".xls": "xls", ".ppt": "ppt"}.get(
            Path(name).suffix.lower()
        )
        return _OLE_TYPES.get(kind or "", "application/x-ole-storage")
    from ..readers.image import IMAGE_MEDIA_TYPES, image_kind

    image = image_kind(head[:32])
    if image is not None:
        return IMAGE_MEDIA_TYPES[image]
    if head.lstrip()[:5] == b"{\\rtf":
        return "application/rtf"
    lowered = head[:8192].lower()
    if b"multipart/related" in lowered:  # (what ``is_mhtml`` looks for, first cheaply)
        from ..readers.mhtml import MHTML_MEDIA_TYPE, is_mhtml

        if is_mhtml(head):
            return MHTML_MEDIA_TYPE
    lowered = lowered[:512]
    if b"<html" in lowered or b"<!doctype html" in lowered or b"<table" in lowered:
        return "text/html"
    if name.lower().endswith(".md"):
        return "text/markdown"
    return "text/plain"
