"""A report's cells in one row: ``report_cells`` (report id, the JSON text of
``compact.pack_cells``) replaces ``report_values`` (one row per cell). Writing a report
inserted some two hundred rows, and SQLite's insertion of them was about half of the
time a writer held the store's write lock; every read of cells reads a whole report's
cells anyway (a report's tables, its export row, its indicators, a cell's source).

The rows stored before are packed by the database itself (SQLite's ``json_group_array``,
PostgreSQL's ``json_agg``), in the same array form; the reader (``compact.unpack_cells``)
takes the nulls this form keeps and PostgreSQL's padded decimals.

Revision ID: 0010_report_cells
Revises: 0009_name_search
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nianbao.store.models import ExactDecimal

revision = "0010_report_cells"
down_revision = "0009_name_search"
branch_labels = None
depends_on = None


def _create_cells() -> None:
    op.create_table(
        "report_cells",
        sa.Column("report_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("cells", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name="fk_report_cells_report_id_reports",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", name="pk_report_cells"),
    )


def upgrade() -> None:
    _create_cells()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "INSERT INTO report_cells (report_id, cells) "
            "SELECT report_id, json_agg(json_build_array(field_id, value_int, "
            "value_dec::text, raw, provenance) ORDER BY field_id)::text "
            "FROM report_values GROUP BY report_id"
        )
    else:
        op.execute(
            "INSERT INTO report_cells (report_id, cells) "
            "SELECT report_id, json_group_array(json_array(field_id, value_int, value_dec, "
            "raw, json(provenance))) FROM "
            "(SELECT * FROM report_values ORDER BY report_id, field_id) GROUP BY report_id"
        )
    op.drop_table("report_values")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    op.create_table(
        "report_values",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.String(length=80), nullable=False),
        sa.Column("value_int", sa.BigInteger(), nullable=True),
        sa.Column("value_dec", ExactDecimal(), nullable=True),
        sa.Column("blank", sa.Boolean(), nullable=False),
        sa.Column("raw", sa.Text(), nullable=True),
        sa.Column("provenance", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("report_id", "field_id", name="pk_report_values"),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name="fk_report_values_report_id_reports",
            ondelete="CASCADE",
        ),
        sqlite_with_rowid=False,
    )
    if sqlite:
        op.execute(
            "INSERT INTO report_values (report_id, field_id, value_int, value_dec, blank, raw, "
            "provenance) SELECT c.report_id, json_extract(e.value, '$[0]'), "
            "json_extract(e.value, '$[1]'), json_extract(e.value, '$[2]'), "
            "json_extract(e.value, '$[1]') IS NULL AND json_extract(e.value, '$[2]') IS NULL, "
            "json_extract(e.value, '$[3]'), json_extract(e.value, '$[4]') "
            "FROM report_cells c, json_each(c.cells) e"
        )
    else:
        op.execute(
            "INSERT INTO report_values (report_id, field_id, value_int, value_dec, blank, raw, "
            "provenance) SELECT c.report_id, e->>0, (e->>1)::bigint, (e->>2)::numeric, "
            "(e->>1) IS NULL AND (e->>2) IS NULL, e->>3, e->4 "
            "FROM report_cells c, json_array_elements(c.cells::json) e"
        )
    op.drop_table("report_cells")
