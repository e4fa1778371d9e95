"""Batched writes of an ingest: many reports per transaction.

Over 500 lines because the batch and its fast path's driver-level writer (``_Writer``) share
one transaction and one agency cache; cutting them apart would pass both through every call.

``store_outcome`` writes one report per transaction through SQLAlchemy; at a few hundred
reports a second its statement layer, the ORM agency lookups and one commit per report
are the whole cost of an ingest. ``BatchWriter`` collects the outcomes the workers send
back and writes them together, in one transaction per batch (at most ``size`` reports or
``seconds`` of waiting): a batch is committed whole or not at all, so each report stays
all-or-nothing and a kill loses at most the batch in flight, which the next run (keyed by
the content hash) does again.

The common case — a file never seen, a report whose agency has no report of that year
yet — goes through a fast path: direct driver statements (COPY for the cells on
PostgreSQL), agencies resolved once per name per run, canonical agency names refreshed
once per batch; a report whose year − 1 report is earlier in the same batch (files in the
order of their agency and year) is checked against it as the batch made it, without the
batch's rows written out and read back. On PostgreSQL a batch commits without waiting for
the WAL flush (``db.ingest_engine``); the ingest ends with a commit that waits
(``db.make_durable``). New versions of an agency's year take the fast path too (a second
one in the same batch follows the first). Everything else (a re-parse, a version of a year
whose reports were all deleted, a file that failed) goes through ``ingest._store``, in the
same transaction. When a batch cannot be
written (a concurrent ingest stored the same content first, a lock timed out, a value
the database refuses), it is rolled back and each of its reports is written alone by the
caller's ``fallback`` (``store_outcome`` with its retries and its failure record).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, Literal, cast

from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    Table,
    and_,
    bindparam,
    case,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from ..report import Report
from .agencies import guess_kind, name_keys, normalize_name, resolve_agency
from .compact import pack_cells
from .crossyear import check_cross_year
from .db import _json_dumps, among, copy_rows, ingest_engine, session_scope
from .display import canon_level
from .findings import _counts, finding_columns, finding_digest
from .models import T_EVENTS, T_FIND, T_REP, T_SF, Agency, AgencyAlias
from .outcome import ParseOutcome
from .write import (
    _FILE_BY_HASH,
    AGENCY_LOCK,
    _abs_path,
    _clip,
    _insert_cells,
    _json_columns,
    _meta_year,
    _remember,
    _report_of,
    _store,
    load_report,
    load_reports,
    recheck_cross_years,
)

__all__ = ["BatchWriter"]

Settle = Callable[[ParseOutcome, str], None]
NAME_LOCK = 73_181  # pg_advisory_xact_lock(NAME_LOCK, hashtext(key)): one name key's agency


class BatchWriter:
    """Buffer parsed outcomes and write them in batches. ``settle(outcome, status)`` is
    called for each outcome once its batch is committed; ``fallback(outcome)`` writes one
    outcome alone (and settles it) when its batch could not be written."""

    def __init__(
        self,
        engine: Engine,
        version: str,
        settle: Settle,
        fallback: Callable[[ParseOutcome], None],
        *,
        size: int = 200,
        seconds: float = 0.5,
    ) -> None:
        self.engine = ingest_engine(engine)
        self.version = version
        self.settle = settle
        self.fallback = fallback
        self.size = size
        self.seconds = seconds
        self.pending: list[ParseOutcome] = []
        self.since = 0.0
        # (name, kind, level) -> agency id; a name resolves to the same agency every time
        # (its full key is claimed by it), so one lookup per name and run is enough
        self.agencies: dict[tuple[str | None, str | None, str | None], int | None] = {}
        self.batches = 0
        self.fallbacks = 0
        self.seconds_writing = 0.0  # wall time of committed batches (the benchmarks' figure)
        self.reports_written = 0
        self.seconds_locked = 0.0  # of which holding the store's write lock
        self._locked_at = 0.0

    def add(self, outcome: ParseOutcome) -> None:
        if not self.pending:
            self.since = time.perf_counter()
        self.pending.append(outcome)
        if len(self.pending) >= self.size or time.perf_counter() - self.since >= self.seconds:
            self.flush()

    def flush(self) -> None:
        batch, self.pending = self.pending, []
        if not batch:
            return
        # the cells' stored form and the JSON columns before the store's write lock (the
        # lock is for writing only)
        ready: dict[int, Ready] = {}
        for outcome in batch:
            if outcome.report is None or outcome.status != "parsed":
                continue
            if outcome.cells is None:
                outcome.cells = pack_cells(outcome.report)
            ready[id(outcome)] = _ready(outcome.report, outcome.cells)
        start = time.perf_counter()
        try:
            with _file_lock(self.engine), session_scope(self.engine) as session:
                statuses = self._write(session, batch, ready)
        except Exception:
            # nothing of the batch was written: each report alone, with the retries and
            # the failure record of the one-report path
            self.agencies.clear()
            self.fallbacks += 1
            for outcome in batch:
                self.fallback(outcome)
            return
        self.batches += 1
        self.seconds_writing += time.perf_counter() - start
        self.seconds_locked += time.perf_counter() - self._locked_at
        self.reports_written += len(batch)
        for outcome, status in zip(batch, statuses):
            self.settle(outcome, status)

    # ------------------------------------------------------------------ one batch
    def _write(
        self, session: Session, batch: list[ParseOutcome], ready: dict[int, Ready]
    ) -> list[str]:
        conn = session.connection()
        self._locked_at = time.perf_counter()
        shas = list({o.sha256 for o in batch})
        known = {
            sha: (sfid, parsed_with)
            for sfid, sha, parsed_with in conn.execute(
                select(T_SF.c.id, T_SF.c.sha256, T_SF.c.parsed_with).where(
                    among(conn.dialect, T_SF.c.sha256, shas)
                )
            ).all()
        }
        w = _Writer(session, self.version)
        statuses: list[str] = []
        touched: set[int] = set()

        def fast(outcome: ParseOutcome) -> bool:
            return (
                outcome.sha256 not in known
                and not outcome.retry
                and outcome.status == "parsed"
                and outcome.report is not None
            )

        # the agencies first (those the store knows by their names in two queries), then
        # their latest report of each year in one query
        reports = [cast(Report, o.report) for o in batch if fast(o)]
        if conn.dialect.name == "postgresql":
            self._lock_names(conn, reports)
        self._known_agencies(session, reports)
        agencies = {
            i: self._agency(session, cast(Report, o.report)) for i, o in enumerate(batch) if fast(o)
        }
        ids = {a for a in agencies.values() if a is not None}
        if conn.dialect.name == "postgresql":
            # Batches of several writers (Dask workers, two ingests) that touch one agency
            # run one after another, as SQLite's write lock makes every batch do: a
            # report's group J must see its year − 1 report whichever writer stored it
            # (READ COMMITTED would hide a concurrent batch). Locks are taken in id order.
            conn.exec_driver_sql(
                f"SELECT pg_advisory_xact_lock({AGENCY_LOCK}, x) FROM "
                "(SELECT unnest(%(ids)s::int[]) AS x ORDER BY 1) AS locked",
                {"ids": sorted(ids)},
            )
            self._locked_at = time.perf_counter()
        w.prefetch(ids)
        w.block = max(1, len(agencies))  # ids to draw at once: the batch's new reports
        # the year − 1 reports the batch's cross-year checks read, in two statements
        prev_ids = {
            p
            for i, a in agencies.items()
            if a is not None
            and (p := w.latest(a, _prev_year(cast(Report, batch[i].report)))) is not None
        }
        w.prev = load_reports(session, prev_ids) if prev_ids else {}
        # the decisions on the findings of the reports the batch's new versions follow
        w.load_decisions(
            {
                b
                for i, a in agencies.items()
                if (b := w.follows(a, _meta_year(cast(Report, batch[i].report))))
            }
        )
        for i, outcome in enumerate(batch):
            version = None if outcome.retry else self.version
            seen = known.get(outcome.sha256)
            if seen is not None and seen[1] == version and version is not None:
                statuses.append("unchanged")
                continue
            rep = outcome.report
            if i in agencies and seen is None and rep is not None:
                agency_id = agencies[i]
                year = _meta_year(rep)
                # a year the agency has no report of, or a new version of its current one
                follows = w.follows(agency_id, year)
                if follows is not False:
                    if follows is not None:
                        w.catch_up(follows, agency_id, year)
                    sfid = w.report(
                        outcome, rep, agency_id, year, ready.get(id(outcome)), follows or None
                    )
                    known[outcome.sha256] = (sfid, version)
                    if agency_id is not None:
                        touched.add(agency_id)
                    statuses.append("stored")
                    continue
            # anything else: the one-report path, in this transaction (after the next
            # years' re-checks this batch owes: one report at a time did them already)
            w.write_pending()
            w.recheck()
            w.forget()
            status = _store(session, outcome, version)
            statuses.append(status)
            sf = conn.execute(_FILE_BY_HASH, {"sha": outcome.sha256}).first()
            if sf is not None:
                known[outcome.sha256] = (sf.id, sf.parsed_with)
        w.write_pending()
        w.recheck()  # next years, against what the batch made
        _refresh_names(session, touched)
        return statuses

    def _lock_names(self, conn: Any, reports: list[Report]) -> None:
        """PostgreSQL: lock the keys of the batch's names this writer has not resolved
        yet (an advisory lock per key, in one order for every writer), so that batches of
        several writers that would make or change the same agency run one after another:
        the second then finds the agency the first made (READ COMMITTED reads what was
        committed before each statement) instead of making it again, which broke its
        unique key and sent the whole batch to the one-report path."""
        keys = sorted(
            {
                k
                for rep in reports
                if (key := self._agency_key(rep)) not in self.agencies and key[0]
                for k in name_keys(key[0])
            }
        )
        if keys:
            conn.exec_driver_sql(
                f"SELECT pg_advisory_xact_lock({NAME_LOCK}, h) FROM "
                "(SELECT DISTINCT hashtext(x) AS h FROM unnest(%(keys)s::text[]) AS x "
                "ORDER BY 1) AS locked",
                {"keys": keys},
            )

    @staticmethod
    def _agency_key(rep: Report) -> tuple[str | None, str | None, str | None]:
        meta = rep.meta
        return (
            _clip(meta.get("agency"), 120),
            _clip(meta.get("agency_kind"), 16),
            _clip(meta.get("admin_level"), 16),
        )

    def _known_agencies(self, session: Session, reports: list[Report]) -> None:
        """Cache the agencies of names ``resolve_agency`` would only look up: every key of
        the name already claimed (its full key by this agency's name or a user's alias, no
        key left to claim or to make ambiguous) and no kind or level to fill in. Two queries
        for a batch instead of a lookup per name. A name none of whose keys is taken is a
        new agency, created here (``_new_agency``); any other name goes through
        ``resolve_agency``."""
        wanted: dict[tuple[str | None, str | None, str | None], tuple[str, ...]] = {}
        for rep in reports:
            key = self._agency_key(rep)
            if key not in self.agencies and key[0] and key not in wanted:
                keys = name_keys(key[0])
                if keys:
                    wanted[key] = keys
        if not wanted:
            return
        conn = session.connection()
        al = cast(Table, AgencyAlias.__table__)
        ag = cast(Table, Agency.__table__)
        all_keys = sorted({k for keys in wanted.values() for k in keys})
        aliases: dict[str, tuple[int, str, bool]] = {}
        for start in range(0, len(all_keys), 500):
            for alias_key, agency_id, source, ambiguous in conn.execute(
                select(al.c.alias_key, al.c.agency_id, al.c.source, al.c.ambiguous).where(
                    among(conn.dialect, al.c.alias_key, all_keys[start : start + 500])
                )
            ).all():
                aliases[alias_key] = (agency_id, source, bool(ambiguous))
        found: dict[tuple[str | None, str | None, str | None], int] = {}
        # names none of whose keys the store knows: new agencies, created together after
        # the loop (``_new_agencies``) under ids standing in for theirs until then
        new: list[tuple[tuple[str | None, str | None, str | None], tuple[str, ...]]] = []
        named: list[str] = []
        # keys of names left to resolve_agency, which runs in the batch's order after this:
        # a later name sharing one of them (or whose parent's key is one) is left to it too,
        # so that it sees what the earlier one made (a short key made ambiguous, a parent)
        touched: set[str] = set()
        for key, keys in wanted.items():
            if touched and (not touched.isdisjoint(keys) or _parent_key(keys) in touched):
                touched.update(keys)
                continue
            if not any(k in aliases for k in keys):
                aid = -1 - len(new)
                new.append((key, keys))
                for i, k in enumerate(keys):
                    aliases[k] = (aid, "name" if i == 0 else "short", False)
                self.agencies[key] = aid
                continue
            full = aliases.get(keys[0])
            if full is None or full[2] or full[1] not in ("name", "user", "short"):
                touched.update(keys)
                continue
            if all(
                k in aliases
                and (aliases[k][0] == full[0] or aliases[k][1] in ("name", "user") or aliases[k][2])
                for k in keys[1:]
            ):
                if full[1] == "short":
                    # an agency's short name now used as a report's full name: resolve_agency
                    # would only mark that key as a name (a new agency's, once it is made)
                    named.append(keys[0])
                    aliases[keys[0]] = (full[0], "name", False)
                found[key] = full[0]
            else:
                touched.update(keys)
        if new:
            real = self._new_agencies(conn, new)
            for key, held in list(self.agencies.items()):
                if held is not None and held < 0:
                    self.agencies[key] = real[-1 - held]
            found = {key: real[-1 - a] if a < 0 else a for key, a in found.items()}
        for start in range(0, len(named), 500):
            conn.execute(
                update(al)
                .where(among(conn.dialect, al.c.alias_key, named[start : start + 500]))
                .values(source="name")
            )
        ids = sorted(set(found.values()))
        kinds: dict[int, tuple[str, str]] = {}
        for start in range(0, len(ids), 500):
            for aid, kind, level in conn.execute(
                select(ag.c.id, ag.c.kind, ag.c.level).where(
                    among(conn.dialect, ag.c.id, ids[start : start + 500])
                )
            ).all():
                kinds[aid] = (kind, level)
        for key, aid in found.items():
            kind, level = kinds.get(aid, ("unknown", "unknown"))
            new_kind, new_level = key[1], canon_level(key[2])
            if (kind == "unknown" and new_kind and new_kind != "unknown") or (
                level == "unknown" and new_level != "unknown"
            ):
                continue  # resolve_agency fills it in
            self.agencies[key] = aid

    @staticmethod
    def _new_agencies(
        conn: Any, new: list[tuple[tuple[str | None, str | None, str | None], tuple[str, ...]]]
    ) -> list[int]:
        """``resolve_agency`` of names none of whose keys is taken, in their order: each
        agency and its keys (the full one as its name, the shorter ones as short names),
        its parent by its key as it stood when the agency was made (a parent made before
        it in this list counts, one made after does not), in four Core statements for
        all. Returns their ids."""
        ag = cast(Table, Agency.__table__)
        al = cast(Table, AgencyAlias.__table__)
        now = datetime.now(UTC)
        parent_keys = [_parent_key(keys) for _, keys in new]
        wanted = sorted({k for k in parent_keys if k})
        stored: dict[str, int] = {}
        for start in range(0, len(wanted), 500):
            for aid, k in conn.execute(
                select(ag.c.id, ag.c.key).where(
                    among(conn.dialect, ag.c.key, wanted[start : start + 500])
                )
            ).all():
                stored[k] = aid
        position = {keys[0]: i for i, (_, keys) in enumerate(new)}
        _insert_rows(
            conn,
            ag,
            [
                {
                    "key": keys[0],
                    "name": cast(str, key[0]).strip()[:200],
                    "kind": key[1] if key[1] and key[1] != "unknown" else guess_kind(keys[0]),
                    "level": canon_level(key[2]) or "unknown",
                    "parent_id": stored.get(pk) if pk else None,
                    "created_at": now,
                }
                for (key, keys), pk in zip(new, parent_keys)
            ],
        )
        made: dict[str, int] = {}
        firsts = sorted(position)
        for start in range(0, len(firsts), 500):
            for aid, k in conn.execute(
                select(ag.c.id, ag.c.key).where(
                    among(conn.dialect, ag.c.key, firsts[start : start + 500])
                )
            ).all():
                made[k] = aid
        ids = [made[keys[0]] for _, keys in new]
        # parents made in this list before their child
        later = [
            {"aid": ids[i], "pid": ids[position[pk]]}
            for i, pk in enumerate(parent_keys)
            if pk and pk not in stored and position.get(pk, len(new)) < i
        ]
        if later:
            conn.execute(
                update(ag).where(ag.c.id == bindparam("aid")).values(parent_id=bindparam("pid")),
                later,
            )
        _insert_rows(
            conn,
            al,
            [
                {
                    "alias_key": k,
                    "agency_id": aid,
                    "name": cast(str, key[0])[:200],
                    "source": "name" if j == 0 else "short",
                    "ambiguous": False,
                }
                for (key, keys), aid in zip(new, ids)
                for j, k in enumerate(keys)
            ],
        )
        return ids

    def _agency(self, session: Session, rep: Report) -> int | None:
        key = self._agency_key(rep)
        if key in self.agencies:
            return self.agencies[key]
        agency = resolve_agency(session, *key)
        session.flush()  # the agency and its aliases, before the driver statements
        agency_id = None if agency is None else agency.id
        self.agencies[key] = agency_id
        return agency_id


# what a batch makes of a parsed report before the write lock: its cells' stored form
# (``compact.pack_cells``), its JSON columns (``_json_columns``) and its own findings'
# columns (``_finding_fields``)
Ready = tuple[tuple[str, str | None], dict[str, Any], list[dict[str, Any]]]


def _ready(rep: Report, cells: tuple[str, str | None] | None = None) -> Ready:
    return (
        cells or pack_cells(rep),
        _json_columns(rep),
        [_finding_fields(f, rep, None) for f in rep.findings],
    )


def _finding_fields(f: Any, rep: Report, prev: Report | None) -> dict[str, Any]:
    """A finding's columns that do not depend on where it is stored."""
    return finding_columns(f, finding_digest(f, rep, prev))


def _insert_rows(conn: Any, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (all with the same keys; plain values, no JSON). On PostgreSQL
    through psycopg as one COPY (an executemany is one statement per row for the server
    to run, and a multi-row INSERT costs SQLAlchemy more to compile than the rows to
    write), else as multi-row INSERTs of up to 1,000 rows; on SQLite an executemany (one
    prepared statement, no round trips)."""
    if not rows:
        return
    if conn.dialect.name != "postgresql":
        conn.execute(insert(table), rows)
        return
    if conn.dialect.driver == "psycopg":
        with conn.connection.driver_connection.cursor() as cur:
            copy_rows(cur, table, tuple(rows[0]), (tuple(r.values()) for r in rows))
        return
    for start in range(0, len(rows), 1000):
        conn.execute(insert(table).values(rows[start : start + 1000]))


def _parent_key(keys: tuple[str, ...]) -> str | None:
    """The key of a name's parent agency (its full key less its next key: 淮安市 of
    淮安市洪泽区人民政府), as ``resolve_agency`` looks it up."""
    return normalize_name(keys[0][: len(keys[0]) - len(keys[1])]) if len(keys) > 1 else None


def _prev_year(rep: Report) -> int | None:
    year = _meta_year(rep)
    return None if year is None else year - 1


_LOCK_FDS: dict[str, int] = {}


@contextlib.contextmanager
def _file_lock(engine: Engine) -> Iterator[None]:
    """SQLite: batch writers of several processes queue on an flock of the database file
    (woken at once when it is released) rather than on SQLite's busy handler, which sleeps
    in steps of up to 100 ms. flock and SQLite's own (fcntl) locks do not interact."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    if not database or database == ":memory:":
        yield
        return
    fd = _LOCK_FDS.get(database)
    if fd is None:
        try:
            fd = _LOCK_FDS[database] = os.open(database, os.O_RDONLY)
        except OSError:
            yield
            return
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def _refresh_names(session: Session, agency_ids: Iterable[int]) -> None:
    """``agencies.refresh_name`` for many agencies in two queries: the name most of an
    agency's current reports use (ties: the longer, then the first in code order), unless
    the roster or a rename fixed it."""
    ids = sorted(set(agency_ids))
    if not ids:
        return
    session.flush()
    conn = session.connection()
    rep = T_REP
    ag = cast(Table, Agency.__table__)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        names: dict[int, list[tuple[str, int]]] = {}
        for aid, name, n in conn.execute(
            select(rep.c.agency_id, rep.c.agency_name, func.count())
            .where(
                among(conn.dialect, rep.c.agency_id, chunk),
                rep.c.agency_name.is_not(None),
                rep.c.deleted_at.is_(None),
            )
            .group_by(rep.c.agency_id, rep.c.agency_name)
        ).all():
            if name and name.strip():
                names.setdefault(aid, []).append((name, n))
        changes = []
        for aid, name, fixed in conn.execute(
            select(ag.c.id, ag.c.name, ag.c.name_fixed).where(among(conn.dialect, ag.c.id, chunk))
        ).all():
            named = names.get(aid)
            if fixed or not named:
                continue
            best = min(named, key=lambda nc: (-nc[1], -len(nc[0].strip()), nc[0].strip()))
            best_name = best[0].strip()[:200]
            if name != best_name:
                changes.append({"aid": aid, "n": best_name})
        for ch in changes:
            conn.execute(update(ag).where(ag.c.id == ch["aid"]).values(name=ch["n"]))
    # the ORM's copies of these agencies are stale now
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Agency):
            session.expire(obj, ["name"])


class _Writer:
    """The fast path's statements, straight to the driver."""

    def __init__(self, session: Session, version: str) -> None:
        self.session = session
        self.conn = session.connection()
        self.dialect = self.conn.dialect
        self.version = version
        self.now = datetime.now(UTC)
        self.mark = "?" if self.dialect.paramstyle == "qmark" else "%s"
        self._procs: dict[tuple[str, tuple[str, ...]], list[Any]] = {}
        self._sql: dict[tuple[str, tuple[str, ...], bool], str] = {}
        self.values: list[tuple[Any, ...]] = []
        self.findings: list[dict[str, Any]] = []
        self.latest_ids: dict[tuple[int, int], int] = {}  # current reports
        self.taken: set[tuple[int, int]] = set()  # years with any report
        self.counts: dict[tuple[int, int], int] = {}  # reports of a year, deleted ones too
        self.prefetched: set[int] = set()
        # files' and reports' ids assigned here and their rows written together with the
        # cells: on SQLite the next after the largest, as SQLite would (the batch holds the
        # write lock); on PostgreSQL drawn from the table's sequence a block at a time (an
        # id left over is a gap, as after a rollback). Other drivers: one INSERT each.
        self.sqlite = self.dialect.name == "sqlite"
        self.assign = self.sqlite or self.dialect.name == "postgresql"
        self.copy = self.dialect.name == "postgresql" and self.dialect.driver == "psycopg"
        self.next_ids: dict[str, int] = {}
        self.drawn: dict[str, list[int]] = {}  # PostgreSQL: ids drawn, not yet used
        self.block = 64
        self.files: list[dict[str, Any]] = []
        self.reports: list[dict[str, Any]] = []
        self.unwritten: set[int] = set()  # ids of reports whose rows are not written yet
        # stored reports the batch's cross-year checks read (``write.load_reports``)
        self.prev: dict[int, Report] = {}
        # reports this batch stored: their JSON columns as stored and their values (as
        # ``write.load_report`` reads them back: its cache holds the same values)
        self.made: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}
        # new versions: the decisions on the findings of the reports they follow (by
        # report id, then fingerprint), the reports they supersede, the events to log
        self.decided: dict[int, dict[str, tuple[Any, Any, Any]]] = {}
        self.made_decided: dict[int, dict[str, tuple[Any, Any, Any]]] = {}  # (of ``made``)
        self.superseded: list[dict[str, int]] = []
        self.events: list[dict[str, Any]] = []
        # next years' reports to check again against this batch's, once it is written
        self.rechecks: set[int] = set()

    def _bind(self, table: Table, row: dict[str, Any]) -> list[Any]:
        """The driver's parameters of ``row`` (its columns' bind processors: JSON text,
        SQLite's datetime text; a COPY's JSON text, not psycopg's wrapper of the value
        that serialises it later), in the row's order. The batch's own time (``now``, in
        every row) is processed once per column."""
        cols = tuple(row)
        procs = self._procs.get((table.name, cols))
        if procs is None:
            procs = self._procs[(table.name, cols)] = [self._proc(table, c) for c in cols]
        return [v if proc is None or v is None else proc(v) for proc, v in zip(procs, row.values())]

    def _proc(self, table: Table, col: str) -> Any:
        if self.copy and isinstance(table.c[col].type, JSON):
            return _json_dumps  # a COPY's JSON columns take their text (``db.copy_rows``)
        proc = table.c[col].type._cached_bind_processor(self.dialect)
        if proc is None or not isinstance(table.c[col].type, DateTime):
            return proc
        now, done = self.now, proc(self.now)
        return lambda v: done if v is now else proc(v)

    def _insert_sql(self, table: Table, cols: tuple[str, ...], returning: bool) -> str:
        key = (table.name, cols, returning)
        sql = self._sql.get(key)
        if sql is None:
            quoted = ", ".join(f'"{c}"' for c in cols)
            sql = (
                f"INSERT INTO {table.name} ({quoted}) VALUES "
                f"({', '.join([self.mark] * len(cols))})" + (" RETURNING id" if returning else "")
            )
            self._sql[key] = sql
        return sql

    def _cursor(self) -> Any:
        raw = self.conn.connection.driver_connection
        assert raw is not None
        return raw.cursor()

    def prefetch(self, agency_ids: set[int]) -> None:
        """The years these agencies have reports of (deleted or superseded ones too) and the
        current report of each, in one query."""
        self.latest_ids = {}
        self.taken = set()
        self.counts = {}
        self.prefetched = set(agency_ids)
        rep = T_REP
        current = and_(rep.c.superseded_by.is_(None), rep.c.deleted_at.is_(None))
        ids = sorted(agency_ids)
        for start in range(0, len(ids), 500):
            for aid, year, rid, n in self.conn.execute(
                select(
                    rep.c.agency_id, rep.c.year, func.max(case((current, rep.c.id))), func.count()
                )
                .where(among(self.dialect, rep.c.agency_id, ids[start : start + 500]))
                .group_by(rep.c.agency_id, rep.c.year)
            ).all():
                if year is not None:
                    self.taken.add((aid, year))
                    self.counts[(aid, year)] = int(n)
                    if rid is not None:
                        self.latest_ids[(aid, year)] = rid

    def forget(self) -> None:
        """After a write of the one-report path: ask the database again."""
        self.prefetched = set()
        self.latest_ids = {}
        self.taken = set()
        self.counts = {}
        self.next_ids = {}
        # reports' ids in the order received, after those the one-report path just took:
        # versions are numbered in id order (``versions.rechain``: after a merge, a
        # re-parse that moves a report, a delete), so the ids drawn before are dropped
        # (gaps, as after a rollback) and the next drawn a few at a time (files' ids
        # drawn stay ours)
        self.drawn.pop(T_REP.name, None)
        self.block = min(self.block, 16)
        self.prev = {}  # (the one-report path may have re-parsed one of them)
        self.made = {}
        self.made_decided = {}
        self.decided = {}  # (and re-checked their findings: decisions reopened)

    def _add(self, table: Table, row: dict[str, Any], pending: list[dict[str, Any]]) -> int:
        """Insert ``row``: its id assigned here and the row kept for ``write_pending``, or
        (another driver) one INSERT … RETURNING id."""
        if not self.assign:
            return self._insert_one(table, row)
        if self.sqlite:
            nid = self.next_ids.get(table.name)
            if nid is None:
                nid = int(self.conn.scalar(select(func.max(table.c.id))) or 0) + 1
            self.next_ids[table.name] = nid + 1
        else:
            drawn = self.drawn.setdefault(table.name, [])
            if not drawn:
                # (the sequence looked up once, not for every id: 3.6 -> 0.3 µs an id;
                # the ids in one array, not a row each)
                found = self.conn.exec_driver_sql(
                    "SELECT array(SELECT nextval((SELECT pg_get_serial_sequence(%(t)s, 'id')"
                    "::regclass)) FROM generate_series(1, %(n)s))",
                    {"t": table.name, "n": self.block},
                ).scalar_one()
                drawn.extend(sorted((int(x) for x in found), reverse=True))
            nid = drawn.pop()
        pending.append({"id": nid, **row})
        return nid

    def latest(self, agency_id: int | None, year: int | None) -> int | None:
        """``write._latest_report_id`` (the current report: neither superseded nor
        deleted): from the prefetched map, or one driver statement."""
        if agency_id is None or year is None:
            return None
        if agency_id in self.prefetched:
            return self.latest_ids.get((agency_id, year))
        return self._max_id(agency_id, year, " AND superseded_by IS NULL AND deleted_at IS NULL")

    def has_year(self, agency_id: int | None, year: int | None) -> bool:
        """Whether the agency has any report of that year, deleted or superseded ones too
        (a new one is then a version: the one-report path numbers it)."""
        if agency_id is None or year is None:
            return False
        if agency_id in self.prefetched:
            return (agency_id, year) in self.taken
        return self._max_id(agency_id, year, "") is not None

    def follows(self, agency_id: int | None, year: int | None) -> int | None | Literal[False]:
        """What a new report of the agency's year follows: None (the year has no report),
        the id of its current report (the new one is its next version; it may be one this
        batch made), or False (a version the one-report path numbers: the year has only
        deleted reports)."""
        if agency_id is None or year is None or not self.has_year(agency_id, year):
            return None
        before = self.latest(agency_id, year)
        return False if before is None else before

    def catch_up(self, before: int, agency_id: int | None, year: int | None) -> None:
        """Before a new version of ``before`` (the agency's current report of ``year``):
        if the batch still owes a check to ``before`` (against a year − 1 report it made:
        its decisions, which the new version carries, may reopen) or to the next year's
        report (against ``before``, a version this batch made: one report at a time
        checks the next year against each version in turn), write the batch's rows and
        do its re-checks first, as the one-report path does before it stores a report."""
        nxt = self.latest(agency_id, None if year is None else year + 1)
        if before in self.rechecks or (nxt is not None and nxt in self.rechecks):
            self.write_pending()
            self.recheck()

    def recheck(self) -> None:
        """Check the next years again against the reports the batch wrote
        (``write.recheck_cross_years``); their rows must be written."""
        rechecks, self.rechecks = self.rechecks, set()
        recheck_cross_years(self.session, rechecks)
        for rid in rechecks:  # (their decisions may have reopened: read them again)
            self.decided.pop(rid, None)
            self.made_decided.pop(rid, None)

    def _count(self, agency_id: int, year: int) -> int:
        """How many reports the agency's year has, deleted or superseded ones too."""
        if agency_id in self.prefetched:
            return self.counts.get((agency_id, year), 0)
        return int(self._max_id(agency_id, year, "", "count(*)") or 0)

    def load_decisions(self, before: set[int]) -> None:
        """``findings._version_decisions`` of several reports in one statement."""
        ids = sorted(before)
        for start in range(0, len(ids), 500):
            for rid, fp, status, note, at in self.conn.execute(
                select(
                    T_FIND.c.report_id,
                    T_FIND.c.fingerprint,
                    T_FIND.c.status,
                    T_FIND.c.note,
                    T_FIND.c.decided_at,
                )
                .where(
                    among(self.dialect, T_FIND.c.report_id, ids[start : start + 500]),
                    (T_FIND.c.status != "open") | T_FIND.c.note.is_not(None),
                )
                .order_by(T_FIND.c.id)
            ).all():
                self.decided.setdefault(rid, {})[fp] = (status, note, at)
        for rid in ids:
            self.decided.setdefault(rid, {})

    def _decisions(self, before: int) -> dict[str, tuple[Any, Any, Any]]:
        if before in self.made_decided:  # this batch's, as it made them
            return self.made_decided[before]
        if before not in self.decided:
            self.load_decisions({before})
        return self.decided[before]

    def _max_id(self, agency_id: int, year: int, where: str, what: str = "max(id)") -> int | None:
        if self.unwritten:
            self.write_pending()  # the database's answer must count this batch's reports
        cur = self._cursor()
        try:
            cur.execute(
                f"SELECT {what} FROM reports WHERE agency_id = {self.mark} "
                f"AND year = {self.mark}{where}",
                (agency_id, year),
            )
            found = cur.fetchone()
        finally:
            cur.close()
        return None if found is None or found[0] is None else int(found[0])

    def _insert_one(self, table: Table, row: dict[str, Any]) -> int:
        sql = self._insert_sql(table, tuple(row), True)
        cur = self._cursor()
        try:
            cur.execute(sql, self._bind(table, row))
            found = cur.fetchone()
        finally:
            cur.close()
        assert found is not None
        return int(found[0])

    def _insert_many(self, table: Table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        cols = tuple(rows[0])
        cur = self._cursor()
        try:
            if self.copy:
                # PostgreSQL: one COPY (psycopg's executemany costs a protocol round of
                # Python work per row); the batch's ids are assigned, nothing is returned
                copy_rows(cur, table, cols, (self._bind(table, r) for r in rows))
            else:
                sql = self._insert_sql(table, cols, False)
                cur.executemany(sql, [self._bind(table, r) for r in rows])
        finally:
            cur.close()

    def report(
        self,
        outcome: ParseOutcome,
        rep: Report,
        agency_id: int | None,
        year: int | None,
        ready: Ready | None = None,
        before: int | None = None,
    ) -> int:
        """A new file's report whose agency has no report of that year, or (``before``:
        the year's current report, ``follows``) its next version: insert the file, the
        report, its cells and findings (with the decisions on ``before``'s findings, as
        ``write._write_report`` carries them), mark ``before`` superseded and log it.
        ``ready``: what ``BatchWriter.flush`` made of it before the write lock
        (``Ready``). Returns the file's id."""
        if ready is None:
            ready = _ready(rep, outcome.cells)
        cells, json_columns, own_findings = ready
        session, now, meta = self.session, self.now, rep.meta
        sfid = self._add(
            T_SF,
            {
                "sha256": outcome.sha256,
                "size": outcome.size,
                "name": outcome.name[:512],
                "path": _abs_path(outcome.path),
                "media_type": outcome.media_type,
                "first_seen": now,
                "status": "stored",
                "error_kind": None,
                "error": None,
                "parsed_with": self.version,
                "parsed_at": now,
            },
            self.files,
        )
        cross: list[Any] = []
        prev: Report | None = None
        prev_id = self.latest(agency_id, None if year is None else year - 1)
        if prev_id is not None:
            prev = self.prev.get(prev_id)
            if prev is None and prev_id in self.made:
                # stored by this batch (files in the order of their agency and year):
                # what ``load_report`` would read back, without writing the batch's rows
                # out first and reading them again
                made_columns, made_values = self.made[prev_id]
                prev = _report_of(
                    made_columns["meta"], made_columns["sections"], made_columns["fees_info"]
                )
                prev.values = made_values
            if prev is None:
                if prev_id in self.unwritten:
                    self.write_pending()
                prev = load_report(session, prev_id, shared=True)  # only read
            cross = check_cross_year(rep, prev)
        agency_name = _clip(meta.get("agency"), 120)
        number = 1
        if before is not None and agency_id is not None and year is not None:
            number = self._count(agency_id, year) + 1
        report_id = self._add(
            T_REP,
            {
                "source_file_id": sfid,
                "agency_id": agency_id,
                "agency_name": agency_name,
                "agency_key": (name_keys(agency_name) or (None,))[0] if agency_name else None,
                "year": year,
                "layout": _clip(meta.get("format"), 16) or "unknown",
                "parser_version": self.version[:32],
                "title": _clip(meta.get("title"), 2000),
                "published": str(meta["published"])[:10] if meta.get("published") else None,
                **json_columns,
                "ingested_at": now,
                "updated_at": now,
                "version": number,
                **_counts([*rep.findings, *cross]),
            },
            self.reports,
        )
        if self.assign:
            self.unwritten.add(report_id)
        self.made[report_id] = (json_columns, rep.values)
        if agency_id is not None and year is not None and agency_id in self.prefetched:
            self.latest_ids[(agency_id, year)] = report_id
            self.taken.add((agency_id, year))
            self.counts[(agency_id, year)] = number
        # cells and findings (and the file and report rows) are written together
        # at the end of the batch (one COPY or executemany each); whatever reads them
        # earlier calls ``write_pending`` first
        self.values.append((report_id, *cells))
        rows = [self._finding(report_id, "report", fields, None) for fields in own_findings] + [
            self._finding(report_id, "cross", _finding_fields(f, rep, prev), prev_id) for f in cross
        ]
        if before is not None:
            carried = self._decisions(before)
            n_carried = 0
            for row in rows:
                decision = carried.get(row["fingerprint"])
                if decision is not None:
                    row["status"], row["note"], row["decided_at"] = decision
                    n_carried += 1
            self.superseded.append({"old": before, "new": report_id})
            self._event(report_id, agency_id, year, "supersede", f"替代报告 {before}")
            if n_carried:
                detail = f"沿用报告 {before} 的审核意见 {n_carried} 条"
                self._event(report_id, agency_id, year, "carry", detail)
        self.findings.extend(rows)
        # a later version in this batch carries these (as ``load_decisions`` would read
        # them back: by fingerprint, the last in id order)
        self.made_decided[report_id] = {
            row["fingerprint"]: (row["status"], row["note"], row["decided_at"])
            for row in rows
            if row["status"] != "open" or row["note"] is not None
        }
        _remember(report_id, now, rep)
        nxt = self.latest(agency_id, None if year is None else year + 1)
        if nxt is not None:  # the next year arrived first: its group J against this one,
            self.rechecks.add(nxt)  # once the batch is written
        return sfid

    def _event(
        self, report_id: int, agency_id: int | None, year: int | None, action: str, detail: str
    ) -> None:
        """``versions.log_event``, written with the batch's rows."""
        self.events.append(
            {
                "report_id": report_id,
                "agency_id": agency_id,
                "year": year,
                "action": action,
                "detail": detail,
                "user": None,
                "at": self.now,
            }
        )

    def write_pending(self) -> None:
        files, self.files = self.files, []
        reports, self.reports = self.reports, []
        values, self.values = self.values, []
        findings, self.findings = self.findings, []
        superseded, self.superseded = self.superseded, []
        events, self.events = self.events, []
        self.unwritten = set()
        self._insert_many(T_SF, files)
        self._insert_many(T_REP, reports)
        _insert_cells(self.session, values)
        self._insert_many(T_FIND, findings)
        if superseded:
            self.conn.execute(
                update(T_REP)
                .where(T_REP.c.id == bindparam("old"))
                .values(superseded_by=bindparam("new")),
                superseded,
            )
        self._insert_many(T_EVENTS, events)

    def _finding(
        self, report_id: int, origin: str, fields: dict[str, Any], prev_id: int | None
    ) -> dict[str, Any]:
        return {
            "report_id": report_id,
            "origin": origin,
            "prev_report_id": prev_id,
            **fields,
            "status": "open",
            "note": None,
            "decided_at": None,
            "created_at": self.now,
        }
