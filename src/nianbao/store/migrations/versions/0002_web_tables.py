"""The web app's tables: uploaded bytes, logins, the review log.

Before this revision the web app created them itself (``create_all``) in a store at
0001_initial; such tables are kept as they are (with their rows) and only the review
log's index is added.

Revision ID: 0002_web_tables
Revises: 0001_initial
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_web_tables"
down_revision = "0001_initial"
branch_labels = None
depends_on = None


def _tables() -> set[str]:
    return set(sa.inspect(op.get_bind()).get_table_names())


def upgrade() -> None:
    existing = _tables()
    if "web_source_blobs" not in existing:
        op.create_table(
            "web_source_blobs",
            sa.Column("sha256", sa.String(64), nullable=False),
            sa.Column("name", sa.String(512), nullable=False),
            sa.Column("size", sa.Integer(), nullable=False),
            sa.Column("data", sa.LargeBinary(), nullable=False),
            sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("sha256", name="pk_web_source_blobs"),
        )
    if "web_users" not in existing:
        op.create_table(
            "web_users",
            sa.Column("name", sa.String(100), nullable=False),
            sa.Column("password_hash", sa.String(300), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("name", name="pk_web_users"),
        )
    if "web_review_log" not in existing:
        op.create_table(
            "web_review_log",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("finding_id", sa.Integer(), nullable=False),
            sa.Column("report_id", sa.Integer(), nullable=False),
            sa.Column("fingerprint", sa.String(32), nullable=False),
            sa.Column("status", sa.String(12), nullable=False),
            sa.Column("note", sa.Text(), nullable=True),
            sa.Column("user", sa.String(100), nullable=True),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id", name="pk_web_review_log"),
        )
    indexes = {i["name"] for i in sa.inspect(op.get_bind()).get_indexes("web_review_log")}
    if "ix_web_review_log_report_id" not in indexes:
        op.create_index("ix_web_review_log_report_id", "web_review_log", ["report_id"])


def downgrade() -> None:
    op.drop_index("ix_web_review_log_report_id", table_name="web_review_log")
    for table in ("web_review_log", "web_users", "web_source_blobs"):
        op.drop_table(table)
