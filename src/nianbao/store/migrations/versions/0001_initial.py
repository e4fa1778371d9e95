"""The corpus store: source files, agencies, reports, values, findings.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nianbao.store.models import ExactDecimal

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(512), nullable=False),
        sa.Column("path", sa.Text(), nullable=True),
        sa.Column("media_type", sa.String(100), nullable=True),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error_kind", sa.String(64), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("parsed_with", sa.String(32), nullable=True),
        sa.Column("parsed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_source_files"),
        sa.UniqueConstraint("sha256", name="uq_source_files_sha256"),
    )
    op.create_index("ix_source_files_status", "source_files", ["status"])

    op.create_table(
        "agencies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("level", sa.String(16), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agencies"),
        sa.UniqueConstraint("key", name="uq_agencies_key"),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["agencies.id"],
            name="fk_agencies_parent_id_agencies",
            ondelete="SET NULL",
        ),
    )

    op.create_table(
        "agency_aliases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("alias_key", sa.String(200), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("ambiguous", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_agency_aliases"),
        sa.UniqueConstraint("alias_key", name="uq_agency_aliases_alias_key"),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name="fk_agency_aliases_agency_id_agencies",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_agency_aliases_agency_id", "agency_aliases", ["agency_id"])

    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_file_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=True),
        sa.Column("agency_name", sa.String(200), nullable=True),
        sa.Column("agency_key", sa.String(200), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("layout", sa.String(16), nullable=False),
        sa.Column("parser_version", sa.String(32), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("published", sa.String(10), nullable=True),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("sections", sa.JSON(), nullable=False),
        sa.Column("fees_info", sa.JSON(), nullable=False),
        sa.Column("n_errors", sa.Integer(), nullable=False),
        sa.Column("n_warnings", sa.Integer(), nullable=False),
        sa.Column("n_infos", sa.Integer(), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reports"),
        sa.UniqueConstraint("source_file_id", name="uq_reports_source_file_id"),
        sa.ForeignKeyConstraint(
            ["source_file_id"],
            ["source_files.id"],
            name="fk_reports_source_file_id_source_files",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"],
            ["agencies.id"],
            name="fk_reports_agency_id_agencies",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_reports_agency_year", "reports", ["agency_id", "year"])
    op.create_index("ix_reports_year", "reports", ["year"])
    op.create_index("ix_reports_agency_key", "reports", ["agency_key"])
    op.create_index("ix_reports_n_errors", "reports", ["n_errors"])

    op.create_table(
        "report_values",
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
    )

    op.create_table(
        "findings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(8), nullable=False),
        sa.Column("prev_report_id", sa.Integer(), nullable=True),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("cells", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("expected", sa.JSON(), nullable=True),
        sa.Column("actual", sa.JSON(), nullable=True),
        sa.Column("assumed_zero", sa.JSON(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=True),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("values_digest", sa.String(32), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_findings"),
        sa.ForeignKeyConstraint(
            ["report_id"], ["reports.id"], name="fk_findings_report_id_reports", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["prev_report_id"],
            ["reports.id"],
            name="fk_findings_prev_report_id_reports",
            ondelete="SET NULL",
        ),
    )
    op.create_index("ix_findings_report_id", "findings", ["report_id"])
    op.create_index("ix_findings_rule", "findings", ["rule"])
    op.create_index("ix_findings_status", "findings", ["status"])
    op.create_index("ix_findings_fingerprint", "findings", ["fingerprint"])
    op.create_index("ix_findings_prev_report_id", "findings", ["prev_report_id"])


def downgrade() -> None:
    for table in (
        "findings",
        "report_values",
        "reports",
        "agency_aliases",
        "agencies",
        "source_files",
    ):
        op.drop_table(table)
