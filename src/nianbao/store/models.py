"""Tables of the corpus store (SQLAlchemy 2 declarative). The migrations in
``migrations/versions`` create exactly these; change both together."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "Base",
    "ExactDecimal",
    "SourceFile",
    "Agency",
    "AgencyAlias",
    "StoredReport",
    "StoredCells",
    "StoredFinding",
    "SourceBlob",
    "WebUser",
    "ReviewLog",
    "WebSession",
    "WebLoginFailure",
    "WebUploadJob",
    "ReportColumns",
    "RosterEntry",
    "AgencyYearStatus",
    "ReportEvent",
    "REVIEW_STATUSES",
]

REVIEW_STATUSES: tuple[str, ...] = ("open", "confirmed", "dismissed")

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ExactDecimal(TypeDecorator[Decimal]):
    """NUMERIC(24, 8) on PostgreSQL; text on SQLite (whose NUMERIC is a float), so that a
    fee such as 7730.28 comes back exactly."""

    impl = Numeric(24, 8)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(24, 8))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        dec = value if isinstance(value, Decimal) else Decimal(str(value))
        return format(dec, "f") if dialect.name == "sqlite" else dec

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        dec = Decimal(str(value))
        # PostgreSQL pads to the column's scale; drop the padding, never the digits
        return dec.quantize(Decimal(1)) if dec == dec.to_integral() else dec.normalize()


class SourceFile(Base):
    """One distinct content (by SHA-256), with the outcome of its last parse."""

    __tablename__ = "source_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(512))
    path: Mapped[str | None] = mapped_column(Text)
    media_type: Mapped[str | None] = mapped_column(String(100))
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))  # stored / unusable / failed
    error_kind: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    parsed_with: Mapped[str | None] = mapped_column(String(32))
    parsed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_source_files_status", "status"),)


class Agency(Base):
    """A publishing body; its reports line up across years."""

    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="unknown")
    level: Mapped[str] = mapped_column(String(16), default="unknown")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # the name was set by the roster or a rename: reports no longer choose it
    name_fixed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class AgencyAlias(Base):
    """A normalised name that resolves to an agency. ``source``: name (a name a report
    used), short (the name without its leading division), user (set with
    ``nianbao agencies alias``). An ambiguous short key resolves to nobody."""

    __tablename__ = "agency_aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias_key: Mapped[str] = mapped_column(String(200), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(8))
    ambiguous: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_agency_aliases_agency_id", "agency_id"),)


class StoredReport(Base):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_file_id: Mapped[int] = mapped_column(
        ForeignKey("source_files.id", ondelete="CASCADE"), unique=True
    )
    agency_id: Mapped[int | None] = mapped_column(
        ForeignKey("agencies.id", ondelete="SET NULL"), nullable=True
    )
    agency_name: Mapped[str | None] = mapped_column(String(200))
    agency_key: Mapped[str | None] = mapped_column(String(200))
    year: Mapped[int | None] = mapped_column(Integer)
    layout: Mapped[str] = mapped_column(String(16))
    parser_version: Mapped[str] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    sections: Mapped[dict[str, Any]] = mapped_column(JSON)
    fees_info: Mapped[dict[str, Any]] = mapped_column(JSON)
    n_errors: Mapped[int] = mapped_column(Integer, default=0)
    n_warnings: Mapped[int] = mapped_column(Integer, default=0)
    n_infos: Mapped[int] = mapped_column(Integer, default=0)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # versions of one agency's report for one year: 1, 2, … in the order received; the
    # current one has neither ``superseded_by`` nor ``deleted_at``
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    superseded_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (
        # as migration 0006 makes it: over the superseded versions only (the migrations, not
        # these declarations, create the store; 0006 also adds the list's covering indexes)
        Index(
            "ix_reports_superseded_by",
            "superseded_by",
            sqlite_where=text("superseded_by IS NOT NULL"),
            postgresql_where=text("superseded_by IS NOT NULL"),
        ),
        Index("ix_reports_agency_year", "agency_id", "year"),
        Index("ix_reports_year", "year"),
        Index("ix_reports_agency_key", "agency_key"),
        Index("ix_reports_n_errors", "n_errors"),
    )


class StoredCells(Base):
    """A report's cells in one row, as ``compact.pack_cells`` writes them: ``cells`` (each
    cell by its field id's code: an exact integer, or a decimal's exact text for fees and
    any non-integer a count cell holds; blank cells keep their raw text) and ``sources``
    (their provenance, read only where it is shown). ``compact.unpack_cells`` reads them.
    One row per report since migration 0010 (before, one row per cell in
    ``report_values``)."""

    __tablename__ = "report_cells"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    cells: Mapped[str] = mapped_column(Text)
    sources: Mapped[str | None] = mapped_column(Text, nullable=True)


class StoredFinding(Base):
    """A finding with its review state. ``origin`` is ``report`` (the checks of one report)
    or ``cross`` (group J against ``prev_report_id``). A reviewer's decision survives a
    re-check when the fingerprint and ``values_digest`` (the values it was about) match."""

    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    origin: Mapped[str] = mapped_column(String(8))
    prev_report_id: Mapped[int | None] = mapped_column(
        ForeignKey("reports.id", ondelete="SET NULL"), nullable=True
    )
    rule: Mapped[str] = mapped_column(String(64))
    severity: Mapped[str] = mapped_column(String(8))
    cells: Mapped[list[str]] = mapped_column(JSON)
    message: Mapped[str] = mapped_column(Text)
    expected: Mapped[Any] = mapped_column(JSON, nullable=True)
    actual: Mapped[Any] = mapped_column(JSON, nullable=True)
    assumed_zero: Mapped[list[str]] = mapped_column(JSON)
    evidence: Mapped[Any] = mapped_column(JSON, nullable=True)
    fingerprint: Mapped[str] = mapped_column(String(32))
    values_digest: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12), default="open")
    note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_findings_report_id", "report_id"),
        Index("ix_findings_rule", "rule"),
        Index("ix_findings_status", "status"),
        Index("ix_findings_fingerprint", "fingerprint"),
        Index("ix_findings_prev_report_id", "prev_report_id"),
    )


# ------------------------------------------------------------------ the web app's tables
class SourceBlob(Base):
    """The bytes of an uploaded file, by SHA-256 (``SourceFile.sha256``), so that the web
    app can show where a value stood and parse the file again."""

    __tablename__ = "web_source_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(512))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WebUser(Base):
    """A login of the web app (password as a salted scrypt hash)."""

    __tablename__ = "web_users"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ReviewLog(Base):
    """Audit trail of review decisions made in the web app (who, when, what). Kept apart
    from ``findings``: it holds every decision, not only the last, and outlives the finding
    rows a re-check replaces."""

    __tablename__ = "web_review_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finding_id: Mapped[int] = mapped_column(Integer)
    report_id: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    user: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_web_review_log_report_id", "report_id"),)


# What ``nianbao serve --workers N`` keeps in the store so that every worker process sees
# it (migration 0007): sessions, login failures, the progress of upload jobs. Times are
# seconds since the epoch.
class WebSession(Base):
    """A login session (the cookie carries its id; the row keeps the id's SHA-256)."""

    __tablename__ = "web_sessions"

    sid_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[float] = mapped_column(Float)
    tag: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_web_sessions_user", "user"),
        Index("ix_web_sessions_expires_at", "expires_at"),
    )


class WebLoginFailure(Base):
    """Recent failed logins of one key (an account, a client address) and its lock."""

    __tablename__ = "web_login_failures"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[str] = mapped_column(Text)  # JSON list of times
    locked_until: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[float] = mapped_column(Float)

    __table_args__ = (Index("ix_web_login_failures_updated_at", "updated_at"),)


class WebUploadJob(Base):
    """An upload job's progress as its page shows it (JSON), written by the worker that
    parses it."""

    __tablename__ = "web_upload_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[float] = mapped_column(Float)
    state: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_web_upload_jobs_updated_at", "updated_at"),)


class ReportColumns(Base):
    """A kept summary for the wide export (migration 0008): the field ids a report holds
    that are not among every export's columns (the 2019 layout's, ids outside the schema),
    as a sorted JSON list ("[]" for most), as of the report's ``updated_at``. Written by
    the export for the reports it finds without an up-to-date row, so that the columns of
    an export of 10⁵ reports do not need every cell read again."""

    __tablename__ = "report_columns"

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    extra: Mapped[str] = mapped_column(Text)


# ------------------------------------------------------------------ the spring review
class RosterEntry(Base):
    """An agency that must report (imported from the roster file): its region, level,
    kind and the address of its 年报 column."""

    __tablename__ = "roster_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(
        ForeignKey("agencies.id", ondelete="CASCADE"), unique=True
    )
    name: Mapped[str] = mapped_column(String(200))
    parent_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    level: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(16))
    region: Mapped[str] = mapped_column(String(100))
    site_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_roster_entries_region", "region"),)


class AgencyYearStatus(Base):
    """What is known of an agency's year without a report: ``unpublished`` (checked on its
    site: it did not publish), so that coverage can tell 未发布 from 未收录."""

    __tablename__ = "agency_year_status"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("agency_id", "year", name="uq_agency_year_status_agency_id"),
    )


class ReportEvent(Base):
    """The log of what happened to reports: a new version superseding an older one
    (``supersede``), decisions carried over (``carry``), ``delete`` and ``restore``."""

    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(Integer)
    agency_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    action: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    user: Mapped[str | None] = mapped_column(String(100), nullable=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_report_events_report_id", "report_id"),)


# Core tables of the write path (cheaper to build statements on than ORM attributes)
T_SF = cast(Table, SourceFile.__table__)
T_REP = cast(Table, StoredReport.__table__)
T_CELLS = cast(Table, StoredCells.__table__)
T_FIND = cast(Table, StoredFinding.__table__)
T_EVENTS = cast(Table, ReportEvent.__table__)
