"""The corpus store: many reports over many years in SQLite or PostgreSQL.

This package is the storage adapter; it is the only part of nianbao that imports SQLAlchemy.
``open_store(url)`` gives an engine with the schema migrated to the current revision;
``ingest.ingest_paths`` fills it; ``queries`` and ``export`` read it.
"""

from __future__ import annotations

from .db import DEFAULT_DB, open_store, resolve_url

__all__ = ["DEFAULT_DB", "open_store", "resolve_url"]
