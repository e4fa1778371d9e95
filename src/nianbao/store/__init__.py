"""The corpus store: many reports over many years in SQLite or PostgreSQL.

This package is the storage adapter; it is the only part of nianbao that imports SQLAlchemy.
``open_store(url)`` gives an engine with the schema migrated to the current revision;
``ingest.ingest_paths`` fills it; ``queries``, ``indicators`` and ``export`` read it.
The package itself loads SQLAlchemy only when one of its names is used, so that a front
end can import ``nianbao.store.display`` (plain labels) without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .db import DEFAULT_DB, open_store, resolve_url

__all__ = ["DEFAULT_DB", "open_store", "resolve_url"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import db

        return getattr(db, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
