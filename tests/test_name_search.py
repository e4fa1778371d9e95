# ruff: noqa: F811  (db_url and engine are pytest fixtures imported from test_store)
"""The index behind searching agencies by part of a name (migrations 0009 and 0011): on
SQLite two FTS5 trigram tables kept by triggers, on PostgreSQL pg_trgm indexes over
``lower(column)``. The index may only
narrow a search, never change its answer: generated names (Chinese, ASCII in both cases,
full-width letters, punctuation, wildcards) are searched by random parts of them, and
every answer is compared with the same search by a plain scan, before and after renames,
alias changes and deletions (which the triggers must follow)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from nianbao.store import queries
from nianbao.store.models import Agency, AgencyAlias

from .test_store import db_url, engine  # noqa: F401 - fixtures

ALPHABET = list("市县区局公安教育人民政府青岚石门镇委办") + list("aAbBzZ") + ["Ａ", "ａ", "１"]
ALPHABET += ["（", "）", "·", "-", "%", "_", "/", "\\", " ", "😀"]
READY = {"sqlite": "fts", "postgresql": "trgm"}
COLUMNS = [Agency.name, Agency.key, AgencyAlias.alias_key, AgencyAlias.name]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 14)))


def _fill(session: Session, rng: random.Random, n: int) -> None:
    now = datetime.now(UTC)
    for i in range(n):
        ag = Agency(key=f"{_name(rng)}#{i}", name=_name(rng), created_at=now)
        session.add(ag)
        session.flush()
        for j in range(rng.randint(0, 3)):
            session.add(
                AgencyAlias(
                    alias_key=f"{_name(rng)}#{i}.{j}",
                    agency_id=ag.id,
                    name=_name(rng),
                    source="name",
                )
            )
    session.flush()


def _searches(session: Session, rng: random.Random, n: int) -> list[str]:
    names = list(session.scalars(select(Agency.name))) + list(
        session.scalars(select(AgencyAlias.alias_key))
    )
    out = []
    for _ in range(n):
        if rng.random() < 0.2:
            out.append(_name(rng))
            continue
        s = rng.choice(names)
        a = rng.randint(0, max(0, len(s) - 1))
        part = s[a : a + rng.randint(1, 6)]
        # LIKE ignores the case of ASCII letters: so must the narrowing
        out.append("".join(c.swapcase() if rng.random() < 0.3 else c for c in part))
    return out


def _answers(session: Session, searches: list[str], indexed: bool) -> list[object]:
    out: list[object] = []
    for q in searches:
        for attr in COLUMNS:
            model = attr.class_
            cond = queries._name_contains(indexed, attr, q)
            out.append(sorted(session.scalars(select(model.id).where(cond))))
    return out


def _agency_where(session: Session, searches: list[str]) -> list[list[int]]:
    out = []
    for q in searches:
        where = queries.agency_where(session, q)
        stmt = select(Agency.id) if where is None else select(Agency.id).where(where)
        out.append(sorted(session.scalars(stmt)))
    return out


def _check(session: Session, rng: random.Random, monkeypatch: pytest.MonkeyPatch) -> int:
    searches = _searches(session, rng, 150)
    indexed = queries.name_search_ready(session)
    assert _answers(session, searches, indexed) == _answers(session, searches, False)
    found = _agency_where(session, searches)
    with monkeypatch.context() as m:
        m.setattr(queries, "name_search_ready", lambda s: False)
        assert found == _agency_where(session, searches)
    return sum(1 for ids in found if ids)


def test_the_index_narrows_and_never_decides(engine, monkeypatch):
    rng = random.Random(20261203)
    with Session(engine) as s, s.begin():
        # this machine's SQLite has FTS5 trigram, its PostgreSQL pg_trgm
        assert queries.name_search_ready(s) == READY[engine.dialect.name]
        _fill(s, rng, 300)
        assert _check(s, rng, monkeypatch) > 50  # the searches do find agencies
        # renames, alias changes and deletions (by cascade too) reach the index
        ids = list(s.scalars(select(Agency.id)))
        for aid in rng.sample(ids, 60):
            s.execute(update(Agency).where(Agency.id == aid).values(name=_name(rng)))
        for aid in rng.sample(ids, 30):
            s.execute(update(Agency).where(Agency.id == aid).values(key=f"{_name(rng)}@{aid}"))
        alias_ids = list(s.scalars(select(AgencyAlias.id)))
        for al in rng.sample(alias_ids, min(60, len(alias_ids))):
            s.execute(update(AgencyAlias).where(AgencyAlias.id == al).values(name=_name(rng)))
        gone = rng.sample(ids, 40)
        s.execute(delete(Agency).where(Agency.id.in_(gone)))
        s.flush()
        assert s.scalar(select(func.count()).where(AgencyAlias.agency_id.in_(gone))) == 0
        _fill(s, rng, 50)
        assert _check(s, rng, monkeypatch) > 50
        if engine.dialect.name == "sqlite":  # the search tables hold exactly the rows
            for table, fts in (
                ("agencies", "agencies_fts"),
                ("agency_aliases", "agency_aliases_fts"),
            ):
                rows = s.execute(text(f"SELECT id FROM {table} ORDER BY id")).scalars().all()
                kept = s.execute(text(f"SELECT rowid FROM {fts} ORDER BY rowid")).scalars().all()
                assert rows == kept


def test_a_three_character_search_reads_the_index(engine):
    """The narrowing is in the statement SQLite runs (a search of the FTS table), and a
    search of fewer than three characters, or with a wildcard, scans as before."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's search tables")
    with Session(engine) as s:
        assert queries.name_search_ready(s)
        sql = str(select(Agency.id).where(queries._name_contains(True, Agency.name, "青岚县")))
        assert "agencies_fts" in sql
        for q in ("青岚", "青%县", "a_b"):
            sql = str(select(Agency.id).where(queries._name_contains(True, Agency.name, q)))
            assert "agencies_fts" not in sql


def test_a_store_from_before_the_index_gets_it_filled(engine, monkeypatch):
    """Migration 0009 on a store that already holds agencies: the search tables are filled
    from them (SQLite) or the indexes built (PostgreSQL), and searches answer the same
    before it, without the index, and after."""
    from nianbao.store.db import HEAD_REVISION, current_revision, migrate

    from .test_ingest_size import _downgrade

    rng = random.Random(7)
    _downgrade(engine, "0008_report_columns")
    with Session(engine) as s, s.begin():
        assert not queries.name_search_ready(s)
        _fill(s, rng, 120)
        searches = _searches(s, rng, 80)
        before = _agency_where(s, searches)
    migrate(engine)
    assert current_revision(engine) == HEAD_REVISION
    with Session(engine) as s:
        assert queries.name_search_ready(s) == READY[engine.dialect.name]
        assert _agency_where(s, searches) == before
        assert _check(s, rng, monkeypatch) > 20


def test_postgresql_looks_names_up_by_btree_and_searches_by_trigram(engine):
    """pg_trgm's GIN class serves ``=`` too, and PostgreSQL's planner took it for a batch's
    ``alias_key IN (…)``: milliseconds a name, growing with the store (ingest on PostgreSQL
    fell behind SQLite). Over ``lower(column)`` (migration 0011) the index cannot serve an
    equality, so a lookup takes the unique B-tree, while a search inside names still reads
    the trigram index. Plans asked with sequential scans off, so that a small table's scan
    does not hide which index the planner would take."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's planner")
    rng = random.Random(11)
    with Session(engine) as s, s.begin():
        _fill(s, rng, 200)
        s.execute(text("ANALYZE agencies"))
        s.execute(text("ANALYZE agency_aliases"))
        s.execute(text("SET LOCAL enable_seqscan = off"))
        keys = list(s.scalars(select(AgencyAlias.alias_key).limit(50)))

        def plan(stmt) -> str:  # type: ignore[no-untyped-def]
            sql = stmt.compile(s.get_bind(), compile_kwargs={"literal_binds": True})
            return "\n".join(r[0] for r in s.execute(text(f"EXPLAIN {sql}".replace("%%", "%"))))

        for stmt in (
            select(AgencyAlias.id).where(AgencyAlias.alias_key.in_(keys)),
            select(AgencyAlias.id).where(AgencyAlias.alias_key == keys[0]),
            select(Agency.id).where(Agency.key.in_(keys)),
        ):
            p = plan(stmt)
            assert "trgm" not in p and "Index" in p, p
        p = plan(select(Agency.id).where(queries._name_contains("trgm", Agency.name, "公安局")))
        assert "ix_agencies_name_trgm" in p, p
