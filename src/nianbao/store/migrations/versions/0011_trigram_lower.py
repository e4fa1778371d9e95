"""PostgreSQL's trigram indexes of agency names over ``lower(column)``, not the column.

pg_trgm's GIN operator class serves ``=`` too (PostgreSQL 14 and later), and the planner
takes it for an equality or an IN list on the column even where the column's unique B-tree
index is there: it estimates such a probe at a fraction of a page, while a GIN probe for a
Chinese name reads the posting lists of trigrams that thousands of names share. Ingest
resolves a batch's agency names by ``alias_key IN (…)``: 4 ms a name at 4,000 aliases,
growing with the store (one batch's lookup took a second at 10,000 reports), which made
PostgreSQL's ingest slower than SQLite's. An index over ``lower(column)`` cannot serve an
equality on the column, so lookups take the B-tree, and a search of part of a name asks
``lower(column) LIKE lower('%text%')`` besides its own LIKE (``queries._name_contains``):
the index narrows and never decides, as with SQLite's search tables. Lowering a character
at a time keeps a substring a substring, so the narrowing loses no row.

SQLite: nothing changes.

Revision ID: 0011_trigram_lower
Revises: 0010_report_cells
Create Date: 2026-12-04
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0011_trigram_lower"
down_revision = "0010_report_cells"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

# index -> (table, column), as migration 0009 named them
TRGM: dict[str, tuple[str, str]] = {
    "ix_agencies_key_trgm": ("agencies", "key"),
    "ix_agencies_name_trgm": ("agencies", "name"),
    "ix_agency_aliases_key_trgm": ("agency_aliases", "alias_key"),
    "ix_agency_aliases_name_trgm": ("agency_aliases", "name"),
}


def _ops(bind: sa.engine.Connection) -> str | None:
    """The schema-qualified operator class, or None where pg_trgm is not installed (0009
    went on without its indexes: this one does too)."""
    where = bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e "
        "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
    ).scalar()
    if where is None:
        return None
    return bind.dialect.identifier_preparer.quote_schema(where) + ".gin_trgm_ops"


def _rebuild(lowered: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    ops = _ops(bind)
    if ops is None:
        log.warning("pg_trgm not available: agency names are searched by a scan")
        return
    for name, (table, col) in TRGM.items():
        expr = f"lower({col})" if lowered else col
        bind.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
        bind.exec_driver_sql(f"CREATE INDEX {name} ON {table} USING gin (({expr}) {ops})")


def upgrade() -> None:
    _rebuild(lowered=True)


def downgrade() -> None:
    _rebuild(lowered=False)
