"""Indexes for the web app at 10⁵ reports and more: partial indexes on the current
versions of reports (neither superseded nor deleted) that carry every column the report
lists filter, sort and count on, so that a page of the list, its count, an agency's years
and the coverage grid are read from an index and never touch the report rows themselves
(which hold the meta and sections and are kilobytes each).

Revision ID: 0006_web_indexes
Revises: 0005_field_codes
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_web_indexes"
down_revision = "0005_field_codes"
branch_labels = None
depends_on = None

CURRENT = sa.text("superseded_by IS NULL AND deleted_at IS NULL")
SUPERSEDED = sa.text("superseded_by IS NOT NULL")
DELETED = sa.text("deleted_at IS NOT NULL")

# name -> columns; every one only over the current versions
INDEXES: dict[str, list[str]] = {
    # the report list in its default order (agency, year), with the errors filter
    "ix_reports_current_list": ["agency_key", "year", "id", "n_errors"],
    # the list of one year; counts per year; the ranking's reports of a year
    "ix_reports_current_year": ["year", "agency_key", "id", "n_errors", "agency_id"],
    # the list sorted by errors (most first)
    "ix_reports_current_errors": ["n_errors", "id"],
    # an agency's years (agency page, coverage grid cells, agency search)
    "ix_reports_current_agency": ["agency_id", "year", "id", "n_errors", "n_warnings"],
}


# Each also ends with the two columns of its condition: without them SQLite does not see
# the index as covering and reads the row of every entry to test the condition again.
KEEP = ["superseded_by", "deleted_at"]


def upgrade() -> None:
    # ``superseded_by`` is NULL for all but the superseded versions; SQLite's statistics
    # count each NULL as a distinct value, so its planner took this index for the most
    # selective one for ``superseded_by IS NULL`` and read every current report's row
    # through it. Over the superseded versions only, it is small and never chosen so.
    op.drop_index("ix_reports_superseded_by", table_name="reports")
    op.create_index(
        "ix_reports_superseded_by",
        "reports",
        ["superseded_by"],
        sqlite_where=SUPERSEDED,
        postgresql_where=SUPERSEDED,
    )
    for name, cols in INDEXES.items():
        op.create_index(
            name, "reports", cols + KEEP, sqlite_where=CURRENT, postgresql_where=CURRENT
        )
    # the deleted versions (few): with the superseded ones, the reports that are not current
    op.create_index(
        "ix_reports_deleted_at",
        "reports",
        ["deleted_at"],
        sqlite_where=DELETED,
        postgresql_where=DELETED,
    )
    # the home page's recently updated reports
    op.create_index("ix_reports_updated_at", "reports", ["updated_at", "id"])
    op.get_bind().exec_driver_sql("ANALYZE reports")  # the planner learns the new indexes


def downgrade() -> None:
    op.drop_index("ix_reports_superseded_by", table_name="reports")
    op.create_index("ix_reports_superseded_by", "reports", ["superseded_by"])
    op.drop_index("ix_reports_updated_at", table_name="reports")
    op.drop_index("ix_reports_deleted_at", table_name="reports")
    for name in INDEXES:
        op.drop_index(name, table_name="reports")
