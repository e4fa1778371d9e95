"""Cells stored compactly: field ids as two-character codes (migration 0005), a report's
cells packed in one row (migration 0010), read back as schema ids; rows stored before are
recoded and packed, and the provenance of every cell survives, both ways. SQLite, and
PostgreSQL when NIANBAO_TEST_PG is set."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text
from sqlalchemy.orm import Session

from nianbao.report import Provenance
from nianbao.schema import table_ids
from nianbao.store import open_store
from nianbao.store.compact import FIELD_CODES, decode_field, encode_field
from nianbao.store.db import HEAD_REVISION, MIGRATIONS_DIR, current_revision, migrate
from nianbao.store.ingest import ingest_files, parse_file
from nianbao.store.queries import report_values, stored_cells

from .test_store import db_url  # noqa: F401  (fixture: SQLite, and PostgreSQL if set)

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


def test_every_schema_id_has_a_short_code_and_codes_round_trip() -> None:
    ids = {fid for layout in ("2021", "2019", "mixed") for fid in table_ids(layout)}
    assert ids <= set(FIELD_CODES)
    assert len(set(FIELD_CODES.values())) == len(FIELD_CODES)
    for fid in ids:
        code = encode_field(fid)
        assert len(code) == 2 and "." not in code and decode_field(code) == fid
    # an id outside the frozen list is kept whole, and never taken for a code
    for odd in ("x.custom", "AB", "=", "requests"):
        assert decode_field(encode_field(odd)) == odd


def test_head_revision_is_alembic_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert ScriptDirectory.from_config(cfg).get_heads() == [HEAD_REVISION]


def _downgrade(engine, revision: str) -> None:  # type: ignore[no-untyped-def]
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def _old_rows(engine) -> None:  # type: ignore[no-untyped-def]
    """A report stored at revision 0004: field ids written whole."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO source_files (id, sha256, size, name, first_seen, status) "
                "VALUES (1, 'x', 1, 'a.txt', :now, 'stored')"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO reports (id, source_file_id, layout, parser_version, meta, sections,"
                " fees_info, n_errors, n_warnings, n_infos, ingested_at, updated_at, version) "
                "VALUES (1, 1, '2021', 'old', '{}', '{}', '{}', 0, 0, 0, :now, :now, 1)"
            ),
            {"now": now},
        )
        for fid, vi, blank, raw, prov in (
            ("requests.new.total", 12, False, "12", '["s5","t2",0,6]'),
            ("active.fees", None, True, "", None),
            ("x.custom", 3, False, "3", '{"section":"s2"}'),
            ("requests.new.natural", 5, False, None, None),  # a value without raw text
        ):
            conn.execute(
                text(
                    "INSERT INTO report_values (report_id, field_id, value_int, blank, raw, "
                    "provenance) VALUES (1, :f, :v, :b, :r, :p)"
                ),
                {"f": fid, "v": vi, "b": blank, "r": raw, "p": prov},
            )


def _codes(engine) -> list[str]:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return sorted(r[0] for r in conn.execute(text("SELECT field_id FROM report_values")))


def test_migrations_0005_and_0010_recode_and_pack_stored_cells_and_back(db_url) -> None:  # noqa: F811
    engine = open_store(db_url, migrate_now=False)
    try:
        migrate(engine, "0004_compact_values")
        _old_rows(engine)
        migrate(engine, "0005_field_codes")
        coded = sorted(
            [
                FIELD_CODES["requests.new.total"],
                FIELD_CODES["active.fees"],
                FIELD_CODES["requests.new.natural"],
                "=x.custom",
            ]
        )
        assert _codes(engine) == coded
        migrate(engine)  # 0010: packed in one row
        with engine.connect() as conn:
            tables = set(sa_inspect(conn).get_table_names())
        assert "report_cells" in tables and "report_values" not in tables
        with Session(engine) as s:
            rows = {v.field_id: v for v in report_values(s, 1)}
            assert set(rows) == {
                "requests.new.total",
                "active.fees",
                "x.custom",
                "requests.new.natural",
            }
            assert rows["requests.new.total"].value == 12
            assert rows["requests.new.total"].raw == "12"
            assert rows["requests.new.natural"].value == 5
            assert rows["requests.new.natural"].raw is None
            assert rows["active.fees"].value is None and rows["active.fees"].raw == ""
            assert rows["active.fees"].blank and not rows["x.custom"].blank
            assert rows["requests.new.total"].provenance == {
                "section": "s5",
                "table": "t2",
                "row": 0,
                "col": 6,
            }
            assert rows["x.custom"].provenance == {"section": "s2"}  # the object form
            # in the order of their codes
            assert [encode_field(c[0]) for c in stored_cells(s, 1)] == coded
        _downgrade(engine, "0009_name_search")
        assert _codes(engine) == coded
        with Session(engine) as s:
            back = s.execute(
                text("SELECT field_id, value_int, blank, raw FROM report_values ORDER BY 1")
            ).all()
        assert [tuple(r) for r in back] == sorted(
            [
                (FIELD_CODES["requests.new.total"], 12, False, "12"),
                (FIELD_CODES["active.fees"], None, True, ""),
                (FIELD_CODES["requests.new.natural"], 5, False, None),
                ("=x.custom", 3, False, "3"),
            ]
        )
        _downgrade(engine, "0004_compact_values")
        assert _codes(engine) == [
            "active.fees",
            "requests.new.natural",
            "requests.new.total",
            "x.custom",
        ]
        migrate(engine)
        assert current_revision(engine) == HEAD_REVISION
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", ["000_b0ac92113a5e779e.txt", "003_d51677336c3a457a.txt"])
def test_ingest_keeps_every_cells_provenance(db_url, name: str) -> None:  # noqa: F811
    path = SAMPLES / name
    parsed = parse_file(str(path))
    assert parsed.report is not None
    engine = open_store(db_url)
    try:
        summary = ingest_files([str(path)], engine, workers=0)
        assert summary.stored == 1
        with Session(engine) as s:
            rid = s.execute(text("SELECT id FROM reports")).scalar_one()
            stored = {v.field_id: v for v in report_values(s, rid)}
        assert set(stored) == set(parsed.report.values)
        for fid, v in parsed.report.values.items():
            row = stored[fid]
            assert (row.value, row.raw) == (v.value, v.raw)
            want = v.source.to_dict() if isinstance(v.source, Provenance) else None
            got = row.provenance
            if want is None:
                assert got is None
                continue
            want = {k: x for k, x in want.items() if x is not None}
            if "bbox" in want:
                want["bbox"] = [round(float(x), 2) for x in want["bbox"]]
            assert {k: (list(x) if isinstance(x, tuple) else x) for k, x in got.items()} == want
    finally:
        engine.dispose()


def test_huge_and_exact_decimals_come_back_from_packed_cells() -> None:
    """A fee of thirty digits or more (a misreading, but stored as read) reads back, and
    exactly; PostgreSQL's padded NUMERIC text loses its padding, never a digit."""
    from nianbao.report import Report, Value
    from nianbao.store.compact import cell_values, pack_cells, unpack_cells, value_of

    rep = Report(source="x")
    rep.values["active.fees"] = Value(10**29, "100000000000000000000000000000")
    rep.values["active.licensing"] = Value(7730.28, "7730.28")
    rep.values["requests.new.total"] = Value(2**70, str(2**70))
    cells, sources = pack_cells(rep)
    back = {c[0]: c for c in unpack_cells(cells, sources)}
    assert value_of(back["active.fees"][1], back["active.fees"][2]) == 10**29
    assert str(back["active.licensing"][2]) == "7730.28"
    assert back["requests.new.total"][1] == 2**70
    assert cell_values(cells) == {k: v.value for k, v in rep.values.items()}
    padded = '[["01",null,"123456789012345678901234567890.12000000","x"]]'
    assert str(unpack_cells(padded)[0][2]) == "123456789012345678901234567890.12"


def test_packed_cells_are_in_code_order_whatever_the_reports_order() -> None:
    """A report's cells are packed in code order however its values are ordered, and every
    kind of cell (a count as written, a count written otherwise, a blank with and without
    its text, a fee, an id outside the schema with characters JSON escapes) reads back."""
    import json

    from nianbao.report import Report, Value
    from nianbao.store.compact import pack_cells, unpack_cells

    cells = {
        "requests.new.total": Value(12, "12", Provenance(section="三", label='本年新收"申请"')),
        "requests.new.natural": Value(7, "七"),
        "requests.new.commercial": Value(None, "—"),
        "requests.new.research": Value(None),
        "requests.new.social": Value(3, None),
        "active.fees": Value(12.5, "12.50"),
        'x.外"\\id': Value(-4, "-4"),
    }
    forward, backward = Report(source="a"), Report(source="b")
    forward.values.update(cells)
    backward.values.update(reversed(list(cells.items())))
    packed = pack_cells(forward)
    assert pack_cells(backward) == packed
    codes = [c[0] for c in json.loads(packed[0])]
    assert codes == sorted(codes)
    back = {fid: (vi, vd, blank, raw) for fid, vi, vd, blank, raw, _ in unpack_cells(*packed)}
    assert back["requests.new.total"][:1] == (12,) and back["requests.new.total"][3] == "12"
    assert back["requests.new.natural"][3] == "七"
    assert back["requests.new.commercial"][2:] == (True, "—")
    assert back["requests.new.research"][2:] == (True, None)
    assert back["requests.new.social"] == (3, None, False, None)
    assert str(back["active.fees"][1]) == "12.5" and back["active.fees"][3] == "12.50"
    assert back['x.外"\\id'][0] == -4
    provs = {fid: p for fid, *_, p in unpack_cells(*packed)}
    assert provs["requests.new.total"][-1] == '本年新收"申请"'
