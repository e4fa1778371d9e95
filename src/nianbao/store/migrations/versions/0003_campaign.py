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
    # Plain ALTER TABLE … ADD COLUMN on both databases. Never a batch "move and copy" here:
    # on SQLite, dropping the old ``agencies`` table would run its foreign keys' ON DELETE
    # actions (reports lose their agency, aliases are deleted).
    op.add_column("reports", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    op.add_column("reports", sa.Column("superseded_by", sa.Integer(), nullable=True))
    op.add_column("reports", sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_reports_superseded_by", "reports", ["superseded_by"])
    op.add_column(
        "agencies",
        sa.Column("name_fixed", sa.Boolean(), nullable=False, server_default=sa.false()),
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
    _number_existing_versions()


def _number_existing_versions() -> None:
    """Reports of one agency and year stored before this revision become its versions, in
    the order received (the newest current)."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT id, agency_id, year FROM reports "
            "WHERE agency_id IS NOT NULL AND year IS NOT NULL ORDER BY agency_id, year, id"
        )
    ).all()
    groups: dict[tuple[int, int], list[int]] = {}
    for rid, aid, year in rows:
        groups.setdefault((aid, year), []).append(rid)
    for ids in groups.values():
        if len(ids) < 2:
            continue
        for i, rid in enumerate(ids):
            nxt = ids[i + 1] if i + 1 < len(ids) else None
            conn.execute(
                sa.text("UPDATE reports SET version = :v, superseded_by = :n WHERE id = :id"),
                {"v": i + 1, "n": nxt, "id": rid},
            )


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
