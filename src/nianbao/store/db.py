"""Engine and session: URL resolution, SQLite pragmas, migrations on first use; the
PostgreSQL driver-level helpers of batched writes (``copy_rows``, ``among``)."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast
from weakref import WeakKeyDictionary

from sqlalchemy import (
    ARRAY,
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Engine,
    Float,
    Integer,
    SmallInteger,
    String,
    Table,
    any_,
    bindparam,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "DEFAULT_DB",
    "ENV_VAR",
    "HEAD_REVISION",
    "resolve_url",
    "open_store",
    "write_engine",
    "ingest_engine",
    "make_durable",
    "session_scope",
    "migrate",
    "copy_rows",
    "among",
]

DEFAULT_DB = "nianbao.db"
ENV_VAR = "NIANBAO_DB"
VERSION_TABLE = "alembic_version"
MIGRATION_LOCK = 7_318_004_211  # pg_advisory_xact_lock key of the store's migrations
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def _head_revision() -> str:
    """The newest revision in migrations/versions, by file name (each revision's id is its
    file's stem, ``NNNN_what``, chained in number order); checked first so that a migrated
    database opens without loading Alembic at all."""
    stems = [p.stem for p in (MIGRATIONS_DIR / "versions").glob("[0-9][0-9][0-9][0-9]_*.py")]
    return max(stems)


HEAD_REVISION = _head_revision()


def resolve_url(db: str | None = None) -> str:
    """The database URL: ``db`` (a URL or a file path), else env NIANBAO_DB, else
    ``./nianbao.db``. ``postgresql://`` and ``postgres://`` use the psycopg 3 driver."""
    value = db or os.environ.get(ENV_VAR) or DEFAULT_DB
    if "://" not in value:
        return "sqlite:///" + str(Path(value).expanduser())
    for plain in ("postgresql://", "postgres://"):
        if value.startswith(plain):
            return "postgresql+psycopg://" + value[len(plain) :]
    return value


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is unreliable).
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.execute("PRAGMA cache_size=-65536")  # 64 MiB of page cache: a corpus outgrows 2 MiB
    cur.execute("PRAGMA temp_store=MEMORY")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    # Writers take the write lock at BEGIN: two writers then queue on busy_timeout instead
    # of failing when a read transaction tries to upgrade.
    if conn.get_execution_options().get("sqlite_immediate"):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def _pg_begin(conn: Any) -> None:
    # The batches of an ingest (``ingest_engine``) commit without waiting for the WAL
    # flush: atomicity and consistency are unchanged, and the ingest ends with a commit
    # that waits (``make_durable``), which flushes the WAL through every batch before it.
    # A server crash during the ingest loses at most the last batches' commits, which the
    # next run (keyed by content hash) writes again; none after the ingest said it is done.
    # Every other write (reviews, accounts, uploads) commits synchronously.
    if conn.get_execution_options().get("nianbao_async_commit"):
        conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")


def _json_dumps(value: Any) -> str:
    """JSON columns without escapes of Chinese text and without spaces (a third of the
    bytes of a report's meta and sections went to ``\\uXXXX`` escapes)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60}, json_serializer=_json_dumps)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    engine = create_engine(url, pool_pre_ping=True, json_serializer=_json_dumps)
    event.listen(engine, "begin", _pg_begin)
    return engine


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            row = conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).first()
    except (OperationalError, ProgrammingError):
        return None
    return None if row is None else str(row[0])


def migrate(engine: Engine, revision: str = "head") -> None:
    """Run the Alembic migrations (the same revisions on SQLite and PostgreSQL)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # one migrating process at a time: the write lock on SQLite, an advisory lock on
    # PostgreSQL; the second then finds the schema current
    with write_engine(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for another database or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database or ""
    return None if not database or database == ":memory:" else Path(database)


def open_store(db: str | None = None, *, migrate_now: bool = True, create: bool = True) -> Engine:
    """An engine for ``db`` (see ``resolve_url``), migrated to the current schema. With
    ``create=False`` a SQLite file that does not exist is refused (:class:`StoreNotFound`)
    instead of being created empty: a mistyped ``--db`` must not look like an empty store."""
    url = resolve_url(db)
    if not create:
        path = sqlite_file(url)
        if path is not None and not path.exists():
            from ..errors import StoreNotFound

            raise StoreNotFound(
                f"数据库文件 {path} 不存在（请检查 --db 或环境变量 {ENV_VAR}）。"
                "新建数据库请先用 nianbao ingest 入库报告，或用 nianbao roster import 导入名单。"
            )
    engine = _make_engine(url)
    if migrate_now and current_revision(engine) != HEAD_REVISION:
        for attempt in range(5):
            try:
                migrate(engine)
                break
            except DBAPIError:
                # another process migrating the same new database at the same moment
                time.sleep(0.2 * (attempt + 1))
                if current_revision(engine) == HEAD_REVISION:
                    break
        else:
            migrate(engine)
    return engine


_WRITE_ENGINES: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()
_FACTORIES: WeakKeyDictionary[Engine, sessionmaker[Session]] = WeakKeyDictionary()


def write_engine(engine: Engine) -> Engine:
    """The same engine whose transactions start as writers (BEGIN IMMEDIATE on SQLite)."""
    found = _WRITE_ENGINES.get(engine)
    if found is None:
        found = _WRITE_ENGINES[engine] = engine.execution_options(sqlite_immediate=True)
    return found


_INGEST_ENGINES: WeakKeyDictionary[Engine, Engine] = WeakKeyDictionary()


def ingest_engine(engine: Engine) -> Engine:
    """``write_engine`` for the batches of an ingest: on PostgreSQL their commits do not
    wait for the WAL flush (``synchronous_commit`` off for those transactions only); the
    ingest calls ``make_durable`` when it is done."""
    found = _INGEST_ENGINES.get(engine)
    if found is None:
        found = _INGEST_ENGINES[engine] = engine.execution_options(
            sqlite_immediate=True, nianbao_async_commit=True
        )
    return found


def make_durable(engine: Engine) -> None:
    """Make every transaction committed so far survive a crash of the server or the
    machine. PostgreSQL: a transaction that takes an id and commits synchronously (its
    commit waits for the WAL flush through its commit record, so through the earlier
    batches' too). SQLite (WAL, synchronous=NORMAL: commits are synced at checkpoints): a
    passive checkpoint, which syncs the WAL first."""
    name = engine.dialect.name
    if name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("SELECT txid_current()")
    elif name == "sqlite" and sqlite_file(engine.url.render_as_string()) is not None:
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")


def among(dialect: Any, column: Any, values: Sequence[Any]) -> Any:
    """``column IN (values)``; on PostgreSQL ``column = ANY(:array)``, one parameter for
    all the values: SQLAlchemy renders and psycopg binds an IN list value by value (with a
    cast each on PostgreSQL), 1.3 ms of the ingest's CPU for 256 agency ids against 0.4 ms
    as an array; the server plans both alike. (The array's text form cast to the array
    type would spare psycopg's adapter its look at each element, but once psycopg
    prepares the statement the server evaluates that cast for every row it scans.)"""
    if dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


# PostgreSQL type names of the columns a COPY writes, by (table, columns): None where a
# column's type has no binary form chosen here (that COPY is sent as text)
_COPY_TYPES: dict[tuple[str, tuple[str, ...]], list[str] | None] = {}


def _copy_type(column_type: Any) -> str | None:
    """The PostgreSQL type psycopg sends a column's values as in a binary COPY (the
    server reads them with the column's own receive function: varchar(n) is still checked
    against n)."""
    if isinstance(column_type, JSON):
        return "text"  # the value's JSON text (json's binary form is its text)
    if isinstance(column_type, DateTime):
        return "timestamptz" if column_type.timezone else "timestamp"
    if isinstance(column_type, Boolean):
        return "bool"
    if isinstance(column_type, BigInteger):
        return "int8"
    if isinstance(column_type, SmallInteger):
        return "int2"
    if isinstance(column_type, Integer):
        return "int4"
    if isinstance(column_type, Float):
        return "float8"
    if isinstance(column_type, String):  # Text too
        return "text"
    return None


def copy_rows(cursor: Any, table: Table, cols: tuple[str, ...], rows: Iterable[Any]) -> None:
    """PostgreSQL (psycopg): ``rows`` (sequences of the driver's values of ``cols``, a
    JSON column's value as its JSON text) into ``table`` as one COPY, in binary when every
    column's type has a binary form here:
    psycopg then formats a row in C from the types set once instead of choosing a dumper
    per value, and the server reads numbers and times without parsing text (a batch of
    256 reports' files, reports, cells and findings: 0.039 -> 0.027 ms of the ingest's
    CPU and 0.069 -> 0.064 of the server's a report)."""
    key = (table.name, cols)
    if key not in _COPY_TYPES:
        found = [_copy_type(table.c[c].type) for c in cols]
        _COPY_TYPES[key] = None if None in found else cast(list[str], found)
    types = _COPY_TYPES[key]
    quoted = ", ".join(f'"{c}"' for c in cols)
    binary = " (FORMAT BINARY)" if types is not None else ""
    with cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN{binary}") as copy:
        if types is not None:
            copy.set_types(types)
        for row in rows:
            copy.write_row(row)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error."""
    factory = _FACTORIES.get(engine)
    if factory is None:
        factory = _FACTORIES[engine] = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session
