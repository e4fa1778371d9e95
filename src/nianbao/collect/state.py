"""The collector's memory between runs: ``collect-state.json`` in the output folder.

One record per URL fetched: what it was (list page, report page, attachment, robots.txt),
the validators the server gave (ETag, Last-Modified) for conditional requests next time,
the Content-Type, the SHA-256 and the path (relative to the output folder) of the bytes
kept, when they were fetched (``fetched_at``) and last confirmed current (``checked_at``),
and the last failure (``error``, ``failed_at``; cleared by the next success).
The file is rewritten atomically (at most once a second, and at the end), so an
interrupted run resumes about where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["STATE_NAME", "CollectState", "storage_name"]

STATE_NAME = "collect-state.json"
STATE_VERSION = 1
SAVE_EVERY = 1.0  # seconds; an interrupted run loses at most this much of its records
_UNSAFE = re.compile(r"[\x00-\x1f\\/:*?\"<>|]+")


def storage_name(url: str, name: str, sha256: str, suffix: str) -> str:
    """Where bytes fetched from ``url`` are kept, relative to the output folder:
    ``<host>/<name>-<sha256[:10]><suffix>``. Every version of a document keeps its own
    file (the content hash is in the name); the name is the file's own (percent-decoded
    Chinese kept), made safe for any file system."""
    parts = urlsplit(url)
    host = _UNSAFE.sub("_", parts.netloc.lower()) or "local"
    stem = _UNSAFE.sub("_", name).strip(" ._") or "page"
    if stem.lower().endswith(suffix.lower()):
        stem = stem[: -len(suffix)] or "page"
    stem = stem[:60]  # 60 CJK characters are 180 bytes: the name stays under 255
    return f"{host}/{stem}-{sha256[:10]}{suffix}"


class CollectState:
    """URL records, loaded from and saved to ``<out>/collect-state.json``. Thread-safe."""

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.out = Path(out)
        self.path = self.out / STATE_NAME
        self._lock = threading.Lock()
        self.urls: dict[str, dict[str, Any]] = {}
        self._saved = 0.0
        self._dirty = False
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            if isinstance(data, dict) and isinstance(data.get("urls"), dict):
                self.urls = data["urls"]

    def get(self, url: str) -> dict[str, Any] | None:
        with self._lock:
            rec = self.urls.get(url)
            return dict(rec) if rec is not None else None

    def update(self, url: str, **fields: Any) -> dict[str, Any]:
        with self._lock:
            rec = self.urls.setdefault(url, {})
            rec.update(fields)
            self._dirty = True
            if time.monotonic() - self._saved >= SAVE_EVERY:
                self._save()
            return dict(rec)

    def flush(self) -> None:
        """Write the records now (``update`` writes at most once a second)."""
        with self._lock:
            if self._dirty:
                self._save()

    def read_bytes(self, url: str) -> bytes | None:
        """The bytes kept for ``url`` when they are still there and unaltered."""
        rec = self.get(url)
        if not rec or not rec.get("path"):
            return None
        p = self.out / rec["path"]
        try:
            data = p.read_bytes()
        except OSError:
            return None
        if rec.get("sha256") and hashlib.sha256(data).hexdigest() != rec["sha256"]:
            return None
        return data

    def _save(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{STATE_NAME}.{os.getpid()}.{threading.get_ident()}.tmp")
        body = {"version": STATE_VERSION, "urls": self.urls}
        tmp.write_text(json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True), "utf-8")
        os.replace(tmp, self.path)
        self._saved = time.monotonic()
        self._dirty = False
