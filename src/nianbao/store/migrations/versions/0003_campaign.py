"""The spring review: the roster of agencies that must report, years known unpublished,
report versions (superseded / deleted), the log of report events; one vocabulary of
administrative levels.

Revision ID: 0003_campaign
Revises: 0002_web_tables
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_campaign"
down_revision = "0002_web_tables"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("superseded_by", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_reports_superseded_by", "reports", ["superseded_by"])
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(
            sa.Column("name_fixed", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # the parser's words for levels become the store's (the web app's) words
    op.execute("UPDATE agencies SET level = 'national' WHERE level = 'central'")
    op.execute("UPDATE agencies SET level = 'provincial' WHERE level = 'province'")

    op.create_table(
        "roster_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent_name", sa.String(200), nullable=True),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("region", sa.String(100), nullable=False),
        sa.Column("site_url", sa.Text(), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_roster_entries"),
        sa.UniqueConstraint("agency_id", name="uq_roster_entries_agency_id"),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name="fk_roster_entries_agency_id_agencies",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_roster_entries_region", "roster_entries", ["region"])
    op.create_table(
        "agency_year_status",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agency_year_status"),
        sa.UniqueConstraint("agency_id", "year", name="uq_agency_year_status_agency_id"),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name="fk_agency_year_status_agency_id_agencies",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "report_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("user", sa.String(100), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_report_events"),
    )
    op.create_index("ix_report_events_report_id", "report_events", ["report_id"])


def downgrade() -> None:
    op.drop_index("ix_report_events_report_id", table_name="report_events")
    op.drop_table("report_events")
    op.drop_table("agency_year_status")
    op.drop_index("ix_roster_entries_region", table_name="roster_entries")
    op.drop_table("roster_entries")
    with op.batch_alter_table("agencies") as batch:
        batch.drop_column("name_fixed")
    op.drop_index("ix_reports_superseded_by", table_name="reports")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("deleted_at")
        batch.drop_column("superseded_by")
        batch.drop_column("version")
