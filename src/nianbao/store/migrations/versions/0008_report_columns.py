"""A kept summary for the wide export: per report the field ids it holds outside the
columns every export has (``report_columns``), so that an export's column list is read
from one row per report instead of every cell of every report; and a partial index of
the current reports' ``updated_at`` (by id) that tells which rows are out of date without
reading the report rows (whose ``updated_at`` sits after kilobytes of meta and sections).

Revision ID: 0008_report_columns
Revises: 0007_web_shared_state
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_report_columns"
down_revision = "0007_web_shared_state"
branch_labels = None
depends_on = None

CURRENT = sa.text("superseded_by IS NULL AND deleted_at IS NULL")


def upgrade() -> None:
    op.create_table(
        "report_columns",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("extra", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["reports.id"],
            name="fk_report_columns_report_id_reports",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("report_id", name="pk_report_columns"),
    )
    op.create_index(
        "ix_reports_current_updated",
        "reports",
        ["id", "updated_at", "superseded_by", "deleted_at"],
        sqlite_where=CURRENT,
        postgresql_where=CURRENT,
    )


def downgrade() -> None:
    op.drop_index("ix_reports_current_updated", table_name="reports")
    op.drop_table("report_columns")
