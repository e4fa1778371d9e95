"""An index for searching agencies by any part of a name: the report list's agency filter,
the agency list's search box, the coverage grid, the rankings and the review queue look
for a typed text *inside* agency names, their normalised keys and the names their reports
used (LIKE '%text%'), which no B-tree index serves. At 10⁵ reports that is a scan of
some 80,000 short rows per search (17–30 ms of SQLite's CPU).

- SQLite: two FTS5 tables with the trigram tokenizer, one over ``agencies`` (key, name)
  and one over ``agency_aliases`` (alias_key, name), each row under the id of the row it
  copies, kept by triggers on every insert, update and delete (the fast ingest path's
  Core statements and the cascades included). A search of three characters or more
  reads candidates from them and tests each against the same LIKE as before, so the
  index only narrows and never decides (``queries._contains``). An SQLite built without
  FTS5 or its trigram tokenizer (older than 3.34) gets no tables, and searches scan.
- PostgreSQL: ``pg_trgm`` GIN indexes on the same four columns, which its planner uses
  for LIKE '%text%' by itself. Where the extension cannot be created (no privilege), the
  migration goes on without them and searches scan.

Revision ID: 0009_name_search
Revises: 0008_report_columns
Create Date: 2026-12-03
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from alembic import op

revision = "0009_name_search"
down_revision = "0008_report_columns"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

# search table -> (table it copies, its columns)
FTS: dict[str, tuple[str, tuple[str, str]]] = {
    "agencies_fts": ("agencies", ("key", "name")),
    "agency_aliases_fts": ("agency_aliases", ("alias_key", "name")),
}
TRGM: dict[str, tuple[str, str]] = {
    "ix_agencies_key_trgm": ("agencies", "key"),
    "ix_agencies_name_trgm": ("agencies", "name"),
    "ix_agency_aliases_key_trgm": ("agency_aliases", "alias_key"),
    "ix_agency_aliases_name_trgm": ("agency_aliases", "name"),
}


def _sqlite_has_trigram(bind: sa.engine.Connection) -> bool:
    try:
        bind.exec_driver_sql(
            "CREATE VIRTUAL TABLE temp.nianbao_trigram_probe USING fts5(x, tokenize='trigram')"
        )
    except sa.exc.DBAPIError:
        return False
    bind.exec_driver_sql("DROP TABLE temp.nianbao_trigram_probe")
    return True


def _sqlite_upgrade(bind: sa.engine.Connection) -> None:
    if not _sqlite_has_trigram(bind):
        log.warning("SQLite without FTS5 trigram: agency names are searched by a scan")
        return
    for fts, (table, (a, b)) in FTS.items():
        bind.exec_driver_sql(f"CREATE VIRTUAL TABLE {fts} USING fts5({a}, {b}, tokenize='trigram')")
        bind.exec_driver_sql(f"INSERT INTO {fts}(rowid, {a}, {b}) SELECT id, {a}, {b} FROM {table}")
        put = f"INSERT INTO {fts}(rowid, {a}, {b}) VALUES (new.id, new.{a}, new.{b});"
        drop = f"DELETE FROM {fts} WHERE rowid = old.id;"
        bind.exec_driver_sql(f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {put} END")
        bind.exec_driver_sql(
            f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {drop} END"
        )
        bind.exec_driver_sql(
            f"CREATE TRIGGER {fts}_update AFTER UPDATE OF id, {a}, {b} ON {table} "
            f"BEGIN {drop} {put} END"
        )


def _postgresql_upgrade(bind: sa.engine.Connection) -> None:
    # The extension is the database's, made in ``public`` (a store kept in a schema of its
    # own must not carry it: dropping that schema would drop every store's indexes); one
    # made elsewhere before is used where it is.
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
            where = bind.exec_driver_sql(
                "SELECT n.nspname FROM pg_extension e "
                "JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
            ).scalar_one()
            ops = bind.dialect.identifier_preparer.quote_schema(where) + ".gin_trgm_ops"
            for name, (table, col) in TRGM.items():
                bind.exec_driver_sql(
                    f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({col} {ops})"
                )
    except sa.exc.DBAPIError as exc:
        log.warning("pg_trgm not available (%s): agency names are searched by a scan", exc)


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        _sqlite_upgrade(bind)
    elif bind.dialect.name == "postgresql":
        _postgresql_upgrade(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for fts in FTS:
            for event in ("insert", "delete", "update"):
                bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS {fts}_{event}")
            bind.exec_driver_sql(f"DROP TABLE IF EXISTS {fts}")
    elif bind.dialect.name == "postgresql":
        for name in TRGM:
            bind.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
