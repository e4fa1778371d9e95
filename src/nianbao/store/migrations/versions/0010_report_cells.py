"""A report's cells in one row: ``report_cells`` (report id, the JSON text of
``compact.pack_cells``) replaces ``report_values`` (one row per cell). Writing a report
inserted some two hundred rows, and SQLite's insertion of them was about half of the
time a writer held the store's write lock; every read of cells reads a whole report's
cells anyway (a report's tables, its export row, its indicators, a cell's source).

The rows stored before are packed by the database itself (SQLite's ``json_group_array``,
PostgreSQL's ``json_agg``) in the plain array form, every raw text written out (``false``
for none) and labels in place; the reader (``compact.unpack_cells``) takes the nulls this
form keeps and PostgreSQL's padded decimals. The downgrade unpacks in Python (rows written
since may hold the labelled form).

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
        sa.Column("sources", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name="fk_report_cells_report_id_reports",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", name="pk_report_cells"),
    )


# a value without raw text is written ``false`` (a raw left out means the value's own text)
RAW = (
    "CASE WHEN raw IS NULL AND (value_int IS NOT NULL OR value_dec IS NOT NULL) "
    "THEN {false} ELSE {raw} END"
)


PG_RAW = RAW.format(false="'false'::json", raw="to_json(raw)")
SQLITE_RAW = RAW.format(false="json('false')", raw="raw")


def upgrade() -> None:
    _create_cells()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "INSERT INTO report_cells (report_id, cells, sources) "
            "SELECT report_id, json_agg(json_build_array(field_id, value_int, "
            f"value_dec::text, {PG_RAW}) ORDER BY field_id)::text, "
            "CASE WHEN count(provenance) > 0 THEN json_build_object('p', "
            "json_agg(provenance ORDER BY field_id))::text END "
            "FROM report_values GROUP BY report_id"
        )
    else:
        # (both aggregates read the rows of a report in the subquery's order)
        op.execute(
            "INSERT INTO report_cells (report_id, cells, sources) "
            "SELECT report_id, json_group_array(json_array(field_id, value_int, value_dec, "
            f"{SQLITE_RAW})), CASE WHEN count(provenance) > 0 THEN json_object('p', "
            "json_group_array(json(provenance))) END FROM "
            "(SELECT * FROM report_values ORDER BY report_id, field_id) GROUP BY report_id"
        )
    op.drop_table("report_values")


def downgrade() -> None:
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
    # rows written since: cells in an array or under "c" with their labels under "l"
    # (a label as its index), a raw left out for the value's own text, false for none
    conn = op.get_bind()
    values = sa.table(
        "report_values",
        sa.column("report_id", sa.Integer()),
        sa.column("field_id", sa.String()),
        sa.column("value_int", sa.BigInteger()),
        sa.column("value_dec", ExactDecimal()),
        sa.column("blank", sa.Boolean()),
        sa.column("raw", sa.Text()),
        sa.column("provenance", sa.JSON(none_as_null=True)),
    )
    from nianbao.store.compact import encode_field, unpack_cells

    rows = []
    for report_id, cells, sources in conn.execute(
        sa.text("SELECT report_id, cells, sources FROM report_cells")
    ):
        for fid, vi, vd, blank, raw, prov in unpack_cells(cells, sources):
            rows.append(
                {
                    "report_id": report_id,
                    "field_id": encode_field(fid),
                    "value_int": vi,
                    "value_dec": vd,
                    "blank": blank,
                    "raw": raw,
                    "provenance": prov,
                }
            )
            if len(rows) >= 5000:
                conn.execute(values.insert(), rows)
                rows = []
    if rows:
        conn.execute(values.insert(), rows)
    op.drop_table("report_cells")
