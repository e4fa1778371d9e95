"""Cells stored compactly: on SQLite ``report_values`` becomes a WITHOUT ROWID table (the
primary key is the table; the field id is no longer written twice, once in the rows and
once in the key's index). Provenance is written as a compact array from now on (readers
take both forms), so nothing else changes. PostgreSQL keeps its layout.

Revision ID: 0004_compact_values
Revises: 0003_campaign
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nianbao.store.models import ExactDecimal

revision = "0004_compact_values"
down_revision = "0003_campaign"
branch_labels = None
depends_on = None

COLUMNS = "report_id, field_id, value_int, value_dec, blank, raw, provenance"


def _create(name: str, with_rowid: bool) -> None:
    op.create_table(
        name,
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.String(80), nullable=False),
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
        sqlite_with_rowid=with_rowid,
    )


def _rebuild(with_rowid: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    _create("report_values_new", with_rowid)
    op.execute(
        f"INSERT INTO report_values_new ({COLUMNS}) SELECT {COLUMNS} FROM report_values "
        "ORDER BY report_id, field_id"
    )
    op.drop_table("report_values")
    op.rename_table("report_values_new", "report_values")


def upgrade() -> None:
    _rebuild(with_rowid=False)


def downgrade() -> None:
    _rebuild(with_rowid=True)
