"""One lock for every use of pypdfium2 in the process.

PDFium is not thread-safe: two threads calling into it at once (even on two different
documents) can corrupt its global state and crash the process. pypdfium2 does not
serialise calls itself, so every code path that opens a document, loads a page or reads a
text page holds :data:`PDFIUM_LOCK` while it does. The lock is re-entrant, so a function
holding it may call another one that takes it again. Processes (ingest workers, the web
upload worker) each have their own PDFium and their own lock.
"""

from __future__ import annotations

import threading

__all__ = ["PDFIUM_LOCK"]

PDFIUM_LOCK = threading.RLock()
