"""Cells' field ids as two-character codes (``store.compact.encode_field``): the field
id was most of a cell's row (32 bytes on average, written once per cell). Rows stored
before are recoded; on SQLite the table is rebuilt in key order (WITHOUT ROWID, as 0004
made it). Statements on ``StoredValue`` encode and decode the codes (``models.FieldId``),
so queries keep comparing schema ids.

Revision ID: 0005_field_codes
Revises: 0004_compact_values
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from nianbao.store.compact import FIELD_CODES
from nianbao.store.models import ExactDecimal

revision = "0005_field_codes"
down_revision = "0004_compact_values"
branch_labels = None
depends_on = None

REST = "value_int, value_dec, blank, raw, provenance"


def _map_table(encode: bool) -> None:
    """A temporary table ``fieldmap(src, dst)``: field id -> code, or back."""
    op.execute("CREATE TEMPORARY TABLE fieldmap (src VARCHAR(80) PRIMARY KEY, dst VARCHAR(80))")
    pairs = [
        {"src": fid, "dst": code} if encode else {"src": code, "dst": fid}
        for fid, code in FIELD_CODES.items()
    ]
    op.get_bind().execute(sa.text("INSERT INTO fieldmap (src, dst) VALUES (:src, :dst)"), pairs)


def _recode(encode: bool) -> None:
    _map_table(encode)
    # an id without a code is kept after a "="; going back, the "=" is dropped
    if encode:
        other = "'=' || v.field_id"
    else:
        other = "CASE WHEN v.field_id LIKE '=%' THEN substr(v.field_id, 2) ELSE v.field_id END"
    recoded = f"coalesce((SELECT m.dst FROM fieldmap m WHERE m.src = v.field_id), {other})"
    if op.get_bind().dialect.name == "sqlite":
        op.create_table(
            "report_values_new",
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
            sqlite_with_rowid=False,
        )
        op.execute(
            f"INSERT INTO report_values_new (report_id, field_id, {REST}) "
            f"SELECT v.report_id, {recoded}, {REST} FROM report_values v ORDER BY 1, 2"
        )
        op.drop_table("report_values")
        op.rename_table("report_values_new", "report_values")
    else:
        # codes have no dot and never start with "=" as ids do not: no transient clash
        op.execute(f"UPDATE report_values v SET field_id = {recoded}")
    op.execute("DROP TABLE fieldmap")


def upgrade() -> None:
    _recode(encode=True)


def downgrade() -> None:
    _recode(encode=False)
