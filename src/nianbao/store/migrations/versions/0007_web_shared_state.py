"""What the web app's worker processes share (``nianbao serve --workers N``): login
sessions, failed logins (the throttle) and the progress of upload jobs, kept in the store
instead of one process's memory.

Revision ID: 0007_web_shared_state
Revises: 0006_web_indexes
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_web_shared_state"
down_revision = "0006_web_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("sid_hash", sa.String(64), nullable=False),
        sa.Column("user", sa.String(100), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("tag", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("sid_hash", name="pk_web_sessions"),
    )
    op.create_index("ix_web_sessions_user", "web_sessions", ["user"])
    op.create_index("ix_web_sessions_expires_at", "web_sessions", ["expires_at"])
    op.create_table(
        "web_login_failures",
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("failures", sa.Text(), nullable=False),
        sa.Column("locked_until", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_web_login_failures"),
    )
    op.create_index("ix_web_login_failures_updated_at", "web_login_failures", ["updated_at"])
    op.create_table(
        "web_upload_jobs",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_web_upload_jobs"),
    )
    op.create_index("ix_web_upload_jobs_updated_at", "web_upload_jobs", ["updated_at"])


def downgrade() -> None:
    op.drop_table("web_upload_jobs")
    op.drop_table("web_login_failures")
    op.drop_table("web_sessions")
