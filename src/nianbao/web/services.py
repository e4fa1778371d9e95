"""What the web app needs from the store beyond ``nianbao.store``'s public functions:
uploaded bytes kept in the database, upload checks and background jobs, report pages with
their findings per cell, source snippets, re-checks, agency search, coverage grid, charts'
series, rankings and list exports. Built on the store's models and functions; candidates to
move into the store are named in the module docstrings of the functions.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime as SADateTime
from sqlalchemy import Engine, LargeBinary, String, Text, func, or_, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from ..errors import BinaryInput, InputTooLarge, NianbaoError, UnsupportedFormat
from ..schema import COLUMNS, label_of
from ..sniff import sniff
from ..store.db import session_scope, write_engine
from ..store.ingest import parse_file, store_outcome
from ..store.models import Agency, SourceFile, StoredFinding, StoredReport, StoredValue
from ..store.queries import CompareRow, field_order, report_findings, report_query, report_values

__all__ = [
    "WebBase",
    "SourceBlob",
    "WebUser",
    "ReviewLog",
    "ensure_web_tables",
    "UploadLimits",
    "check_upload",
    "safe_name",
    "UploadJob",
    "JobFile",
    "JobRegistry",
    "run_upload_job",
    "save_blob",
    "source_bytes",
    "recheck_report",
    "review_finding",
    "report_header",
    "report_page_data",
    "source_snippet",
    "pdf_region_png",
    "list_report_page",
    "problem_files",
    "search_agencies",
    "agency_series",
    "INDICATORS",
    "MIN_DENOMINATOR",
    "indicator_of",
    "indicators_of",
    "coverage_grid",
    "compare_by_ids",
    "ranking",
    "export_store",
    "table_bytes",
    "SEVERITY_ZH",
    "STATUS_ZH",
    "LAYOUT_ZH",
]

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_ZH = {"open": "待审核", "confirmed": "已确认", "dismissed": "已排除"}
LAYOUT_ZH = {
    "2021": "2021版",
    "2019": "2019版",
    "mixed": "新旧混用",
    "legacy": "旧式",
    "unknown": "未识别",
}
UPLOAD_PREFIX = "upload/"  # SourceFile.path of an upload: a label, never a file on disk


# ------------------------------------------------------------------ web tables
class WebBase(DeclarativeBase):
    """Tables of the web app, beside the store's (created with ``create_all``; to move
    into the store's migrations)."""


class SourceBlob(WebBase):
    """The bytes of an uploaded file, by SHA-256 (the store's SourceFile.sha256)."""

    __tablename__ = "web_source_blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(512))
    size: Mapped[int] = mapped_column()
    data: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime] = mapped_column(SADateTime(timezone=True))


class WebUser(WebBase):
    __tablename__ = "web_users"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(SADateTime(timezone=True))


class ReviewLog(WebBase):
    """Audit trail of review decisions made in the web app (who, when, what)."""

    __tablename__ = "web_review_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column()
    report_id: Mapped[int] = mapped_column()
    fingerprint: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(12))
    note: Mapped[str | None] = mapped_column(Text)
    user: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(SADateTime(timezone=True))


def ensure_web_tables(engine: Engine) -> None:
    WebBase.metadata.create_all(engine)


# ------------------------------------------------------------------ upload checks
@dataclass(frozen=True)
class UploadLimits:
    max_file_bytes: int = 50 * 1024 * 1024
    max_files: int = 200
    max_total_bytes: int = 500 * 1024 * 1024

    def describe(self) -> str:
        return (
            f"每次最多 {self.max_files} 个文件、合计不超过 {size_text(self.max_total_bytes)}，"
            f"每个文件不超过 {size_text(self.max_file_bytes)}"
        )


def size_text(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.0f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} 字节"


def safe_name(filename: str | None) -> str:
    """A display name from a client's file name: the last path part, no control
    characters, at most 200 characters. Never used as a path."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:200] or "未命名文件"


def check_upload(data: bytes, limits: UploadLimits) -> NianbaoError | None:
    """The reason a file is refused before parsing (the CLI's checks: empty, binary,
    unsupported container, too large), or None."""
    if len(data) > limits.max_file_bytes:
        return InputTooLarge(
            f"文件过大（{size_text(len(data))}），上限为 {size_text(limits.max_file_bytes)}。"
        )
    try:
        kind = sniff(data)
    except NianbaoError as exc:
        return exc
    if kind == "binary":
        return BinaryInput("文件不是文本：看起来是二进制数据，无法作为年度报告读取。")
    if kind == "zip":
        return UnsupportedFormat("文件是 ZIP 压缩包而不是 Word 文档：请解压后分别上传其中的报告。")
    if kind == "ole":
        return UnsupportedFormat(
            "文件是旧版 Word（.doc/.wps）格式，暂不支持：请另存为 .docx 或 PDF 后再上传。"
        )
    return None


# ------------------------------------------------------------------ jobs
JOB_STATUS_ZH = {
    "queued": "等待处理",
    "working": "正在处理",
    "stored": "已入库",
    "updated": "已重新解析",
    "unchanged": "内容未变（已在库中）",
    "unusable": "无法使用",
    "failed": "解析出错",
    "rejected": "已拒收",
}


@dataclass
class JobFile:
    name: str
    size: int
    status: str = "queued"
    message: str | None = None
    report_id: int | None = None
    sha256: str | None = None

    @property
    def status_zh(self) -> str:
        return JOB_STATUS_ZH.get(self.status, self.status)

    @property
    def done(self) -> bool:
        return self.status not in ("queued", "working")

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "size": self.size,
            "status": self.status,
            "status_zh": self.status_zh,
            "message": self.message,
            "report_id": self.report_id,
        }


@dataclass
class UploadJob:
    id: str
    created: datetime
    files: list[JobFile] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.files)

    @property
    def finished(self) -> int:
        return sum(1 for f in self.files if f.done)

    @property
    def done(self) -> bool:
        return self.finished == self.total

    @property
    def percent(self) -> int:
        return 100 if not self.files else round(100 * self.finished / self.total)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "total": self.total,
            "finished": self.finished,
            "done": self.done,
            "percent": self.percent,
            "files": [f.to_dict() for f in self.files],
        }


class JobRegistry:
    """Upload jobs of this process (kept in memory; the results themselves are in the
    store). Jobs run one at a time on one background thread."""

    def __init__(self, keep: int = 200) -> None:
        self._jobs: OrderedDict[str, UploadJob] = OrderedDict()
        self._lock = threading.Lock()
        self._keep = keep
        self._queue: list[tuple[UploadJob, list[tuple[JobFile, bytes]], Engine]] = []
        self._cond = threading.Condition(self._lock)
        self._worker: threading.Thread | None = None

    def new(self) -> UploadJob:
        job = UploadJob(id=uuid.uuid4().hex[:16], created=datetime.now(UTC))
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self._keep:
                self._jobs.popitem(last=False)
        return job

    def get(self, job_id: str) -> UploadJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def submit(self, engine: Engine, job: UploadJob, items: list[tuple[JobFile, bytes]]) -> None:
        with self._cond:
            self._queue.append((job, items, engine))
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(
                    target=self._run, name="nianbao-upload", daemon=True
                )
                self._worker.start()
            self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                if not self._queue:
                    self._cond.wait(timeout=30)
                    if not self._queue:
                        self._worker = None
                        return
                job, items, engine = self._queue.pop(0)
            run_upload_job(engine, items)

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """For tests and the CLI: wait until every submitted job is done."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._lock:
                busy = bool(self._queue) or any(not j.done for j in self._jobs.values())
            if not busy:
                return True
            time.sleep(0.05)
        return False


def _parser_version() -> str:
    import nianbao

    return str(nianbao.__version__)


def run_upload_job(engine: Engine, items: Sequence[tuple[JobFile, bytes]]) -> None:
    """Parse and store the accepted files of an upload, one after the other; each file's
    status is updated as it goes (the progress the page shows)."""
    version = _parser_version()
    for jf, data in items:
        jf.status = "working"
        try:
            jf.sha256 = hashlib.sha256(data).hexdigest()
            outcome = parse_file(UPLOAD_PREFIX + jf.name, data)
            status = store_outcome(engine, outcome, version)
            save_blob(engine, jf.sha256, jf.name, data)
            jf.message = outcome.error
            if status == "unchanged":
                with Session(engine) as s:
                    sf = s.scalar(select(SourceFile).where(SourceFile.sha256 == jf.sha256))
                    if sf is not None and sf.status != "stored":
                        status, jf.message = sf.status, sf.error
            jf.report_id = _report_id_of(engine, jf.sha256)
            jf.status = status
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the job
            jf.status = "failed"
            jf.message = f"处理时出错（{type(exc).__name__}）：{exc}"


def _report_id_of(engine: Engine, sha: str) -> int | None:
    with Session(engine) as s:
        return s.scalar(
            select(StoredReport.id)
            .join(SourceFile, SourceFile.id == StoredReport.source_file_id)
            .where(SourceFile.sha256 == sha)
        )


def save_blob(engine: Engine, sha: str, name: str, data: bytes) -> None:
    with session_scope(write_engine(engine)) as s:
        if s.get(SourceBlob, sha) is None:
            s.add(
                SourceBlob(
                    sha256=sha,
                    name=name[:512],
                    size=len(data),
                    data=data,
                    stored_at=datetime.now(UTC),
                )
            )


def source_bytes(session: Session, sf: SourceFile) -> bytes | None:
    """The bytes of a stored file: the uploaded copy, else the file the CLI ingested
    (its absolute path recorded by the operator's ``nianbao ingest``) if it is unchanged."""
    blob = session.get(SourceBlob, sf.sha256)
    if blob is not None:
        return blob.data
    path = sf.path or ""
    if path.startswith(UPLOAD_PREFIX) or not Path(path).is_absolute():
        return None
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sf.sha256 else None


# ------------------------------------------------------------------ re-check / review
class NotFound(LookupError):
    """A report or finding that does not exist (message in Chinese)."""


def recheck_report(engine: Engine, report_id: int) -> str:
    """Parse a stored report's file again with the current parser and checks; decisions
    on findings whose fingerprint and values are unchanged are kept by the store.
    Returns the store's status (updated / unusable / failed)."""
    with Session(engine) as s:
        row = s.get(StoredReport, report_id)
        if row is None:
            raise NotFound(f"没有编号为 {report_id} 的报告。")
        sf = s.get(SourceFile, row.source_file_id)
        assert sf is not None
        data = source_bytes(s, sf)
        name, sha = sf.name, sf.sha256
    if data is None:
        raise NotFound("库中没有这份报告的原始文件，无法重新检查：请重新上传。")
    outcome = parse_file(UPLOAD_PREFIX + name, data)
    with session_scope(write_engine(engine)) as s:
        sf2 = s.scalar(select(SourceFile).where(SourceFile.sha256 == sha))
        if sf2 is not None:
            sf2.parsed_with = None  # make the store take the new reading
    return store_outcome(engine, outcome, _parser_version())


def review_finding(
    session: Session, finding_id: int, status: str, note: str | None, user: str | None
) -> StoredFinding:
    from ..store.queries import decide_finding

    try:
        row = decide_finding(session, finding_id, status, (note or "").strip() or None)
    except KeyError as exc:
        raise NotFound(f"没有编号为 {finding_id} 的问题。") from exc
    session.add(
        ReviewLog(
            finding_id=row.id,
            report_id=row.report_id,
            fingerprint=row.fingerprint,
            status=status,
            note=row.note,
            user=user,
            at=datetime.now(UTC),
        )
    )
    return row


# ------------------------------------------------------------------ report page
def report_header(session: Session, report_id: int) -> tuple[StoredReport, SourceFile]:
    row = session.execute(
        select(StoredReport, SourceFile)
        .join(SourceFile, SourceFile.id == StoredReport.source_file_id)
        .where(StoredReport.id == report_id)
    ).first()
    if row is None:
        raise NotFound(f"没有编号为 {report_id} 的报告。")
    return row[0], row[1]


_RANK = {"error": 0, "warning": 1, "info": 2}


def report_page_data(session: Session, report_id: int) -> dict[str, Any]:
    """Everything the report page shows: header, values by id, findings grouped by
    severity, and per cell the findings that name it (dismissed ones apart)."""
    rep, sf = report_header(session, report_id)
    values = {v.field_id: v for v in report_values(session, report_id)}
    findings = report_findings(session, report_id)
    by_cell: dict[str, list[StoredFinding]] = {}
    for f in findings:
        for c in f.cells or []:
            by_cell.setdefault(c, []).append(f)
    cell_class: dict[str, str] = {}
    for cid, fs in by_cell.items():
        live = [f for f in fs if f.status != "dismissed"]
        if live:
            worst = min(live, key=lambda f: _RANK.get(f.severity, 3)).severity
            cell_class[cid] = f"sev-{worst}"
        else:
            cell_class[cid] = "sev-dismissed"
    groups = [
        (sev, SEVERITY_ZH[sev], [f for f in findings if f.severity == sev])
        for sev in ("error", "warning", "info")
    ]
    prev = None
    if rep.agency_id is not None and rep.year is not None:
        prev = session.scalar(
            select(func.max(StoredReport.id)).where(
                StoredReport.agency_id == rep.agency_id, StoredReport.year == rep.year - 1
            )
        )
    log = list(
        session.scalars(
            select(ReviewLog)
            .where(ReviewLog.report_id == report_id)
            .order_by(ReviewLog.at.desc(), ReviewLog.id.desc())
            .limit(100)
        )
    )
    return {
        "report": rep,
        "file": sf,
        "review_log": log,
        "values": values,
        "findings": findings,
        "groups": groups,
        "by_cell": by_cell,
        "cell_class": cell_class,
        "prev_id": prev,
        "has_source": session.get(SourceBlob, sf.sha256) is not None
        or (sf.path is not None and Path(sf.path).is_absolute()),
    }


# ------------------------------------------------------------------ source snippets
_DOC_CACHE: OrderedDict[str, Any] = OrderedDict()
_DOC_LOCK = threading.Lock()


def _document(sha: str, name: str, data: bytes) -> Any:
    with _DOC_LOCK:
        doc = _DOC_CACHE.get(sha)
        if doc is not None:
            _DOC_CACHE.move_to_end(sha)
            return doc
    from ..reader import read

    doc = read(data, name=name)
    with _DOC_LOCK:
        _DOC_CACHE[sha] = doc
        while len(_DOC_CACHE) > 16:
            _DOC_CACHE.popitem(last=False)
    return doc


def source_snippet(session: Session, report_id: int, field_id: str) -> dict[str, Any]:
    """Where a value stood: its provenance (section, table, row, column, page, box), the
    raw text, and the line of the original text around it with the value's characters
    marked (``before``/``mark``/``after``), plus neighbouring lines."""
    rep, sf = report_header(session, report_id)
    row = session.execute(
        select(StoredValue).where(
            StoredValue.report_id == report_id, StoredValue.field_id == field_id
        )
    ).scalar_one_or_none()
    out: dict[str, Any] = {
        "report_id": report_id,
        "field_id": field_id,
        "label": label_of(field_id),
        "present": row is not None,
        "raw": None if row is None else row.raw,
        "blank": None if row is None else bool(row.blank),
        "provenance": (row.provenance or {}) if row is not None else {},
        "media_type": sf.media_type,
        "line": None,
        "before": "",
        "mark": "",
        "after": "",
        "context": [],
        "pdf_image": False,
        "note": None,
    }
    if row is None:
        out["note"] = "报告中没有这一项。"
        return out
    prov = out["provenance"]
    data = source_bytes(session, sf)
    if data is None:
        out["note"] = "库中没有原始文件，只能显示记录的位置。"
        return out
    if sf.media_type == "application/pdf" and prov.get("page") and prov.get("bbox"):
        out["pdf_image"] = True
    try:
        doc = _document(sf.sha256, sf.name, data)
    except Exception:  # noqa: BLE001 - the stored reading stays usable
        out["note"] = "原始文件无法重新读取，只能显示记录的位置。"
        return out
    original = doc.original or doc.text
    start, end = prov.get("start"), prov.get("end")
    if isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(original):
        ls = original.rfind("\n", 0, start) + 1
        le = original.find("\n", end)
        le = len(original) if le < 0 else le
        if le - ls > 400:  # an HTML source line can be very long: keep a window
            ls, le = max(ls, start - 160), min(le, end + 160)
        out["before"], out["mark"], out["after"] = (
            original[ls:start],
            original[start:end],
            original[end:le],
        )
        line_no = prov.get("line") or (original.count("\n", 0, start) + 1)
        out["line"] = line_no
        lines = original.splitlines()
        lo = max(0, line_no - 3)
        out["context"] = [(i + 1, lines[i][:300]) for i in range(lo, min(len(lines), line_no + 2))]
    elif prov.get("line"):
        lines = original.splitlines()
        n = int(prov["line"])
        if 0 < n <= len(lines):
            out["line"], out["before"] = n, lines[n - 1][:400]
    return out


def pdf_region_png(session: Session, report_id: int, field_id: str) -> bytes | None:
    """The PDF page band around a value's box, rendered with pypdfium2, the box outlined
    in red; None when the report is not a PDF or the box is unknown."""
    _, sf = report_header(session, report_id)
    prov = session.scalar(
        select(StoredValue.provenance).where(
            StoredValue.report_id == report_id, StoredValue.field_id == field_id
        )
    )
    if not prov or not prov.get("page") or not prov.get("bbox"):
        return None
    data = source_bytes(session, sf)
    if data is None or not data.startswith(b"%PDF"):
        return None
    try:
        import pypdfium2 as pdfium
        from PIL import ImageDraw
    except ImportError:  # pragma: no cover - both come with pdfplumber
        return None

    pdf = pdfium.PdfDocument(data)
    try:
        index = int(prov["page"]) - 1
        if not 0 <= index < len(pdf):
            return None
        page = pdf[index]
        scale = 2.0
        image = page.render(scale=scale).to_pil().convert("RGB")
        x0, top, x1, bottom = (float(v) * scale for v in prov["bbox"])
        draw = ImageDraw.Draw(image)
        draw.rectangle((x0 - 3, top - 3, x1 + 3, bottom + 3), outline=(220, 0, 0), width=4)
        band_top = max(0, int(top - 140 * scale / 2))
        band_bottom = min(image.height, int(bottom + 140 * scale / 2))
        image = image.crop((0, band_top, image.width, band_bottom))
        buf = io.BytesIO()
        image.save(buf, format="PNG", optimize=False)
        return buf.getvalue()
    finally:
        pdf.close()


# ------------------------------------------------------------------ lists
def list_report_page(
    session: Session,
    agency: str | None = None,
    year: int | None = None,
    has_errors: bool = False,
    offset: int = 0,
    limit: int = 100,
) -> tuple[list[tuple[StoredReport, SourceFile]], int]:
    """One page of the report list and the number of matches (``report_query`` + limit;
    to move into the store's queries)."""
    q = report_query(session, agency, year, has_errors)
    total = session.scalar(select(func.count()).select_from(q.order_by(None).subquery())) or 0
    rows = [(r, sf) for r, sf in session.execute(q.offset(offset).limit(limit))]
    return rows, int(total)


def problem_files(session: Session, limit: int = 500) -> list[SourceFile]:
    return list(
        session.scalars(
            select(SourceFile)
            .where(SourceFile.status.in_(("unusable", "failed")))
            .order_by(SourceFile.first_seen.desc())
            .limit(limit)
        )
    )


def agency_where(q: str | None) -> Any:
    """The agencies a search text names: the text in the agency's name, in its normalised
    key, or in a name one of its reports used; None for an empty search."""
    from ..store.agencies import normalize_name
    from ..store.models import AgencyAlias

    text = "".join((q or "").split())
    if not text:
        return None
    keys = {text, normalize_name(text) or text}
    alias_ids = select(AgencyAlias.agency_id).where(
        or_(*[AgencyAlias.alias_key.contains(k) for k in keys])
    )
    return or_(
        Agency.name.contains(text),
        *[Agency.key.contains(k) for k in keys],
        Agency.id.in_(alias_ids),
    )


def search_agencies(session: Session, q: str | None, limit: int = 200) -> list[dict[str, Any]]:
    """Agencies whose name (or a name a report used) contains ``q``, with their years and
    how many of their reports have errors."""
    stmt = select(Agency).order_by(Agency.key)
    where = agency_where(q)
    if where is not None:
        stmt = stmt.where(where)
    agencies = list(session.scalars(stmt.limit(limit)))
    ids = [a.id for a in agencies]
    years: dict[int, list[int]] = {}
    errors: dict[int, int] = {}
    if ids:
        for aid, y, ne in session.execute(
            select(StoredReport.agency_id, StoredReport.year, StoredReport.n_errors).where(
                StoredReport.agency_id.in_(ids)
            )
        ):
            if aid is None:
                continue
            if y is not None and y not in years.setdefault(aid, []):
                years[aid].append(y)
            errors[aid] = errors.get(aid, 0) + (1 if ne else 0)
    return [
        {
            "agency": a,
            "years": sorted(years.get(a.id, [])),
            "with_errors": errors.get(a.id, 0),
        }
        for a in agencies
    ]


# ------------------------------------------------------------------ indicators
MIN_DENOMINATOR = 10
"""Sample-size guard: a rate whose denominator is below this is shown but not ranked."""


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    formula: str
    numerator: tuple[str, ...]
    denominator: tuple[str, ...] = ()
    percent: bool = True


def _tot(row: str) -> str:
    return f"requests.{row}.total"


_DENIED = tuple(
    _tot(r)
    for r in (
        "denied.state_secret",
        "denied.law_forbidden",
        "denied.safety_stability",
        "denied.third_party",
        "denied.internal_affairs",
        "denied.process_info",
        "denied.enforcement_file",
        "denied.admin_query",
    )
)
_UNABLE = tuple(_tot(r) for r in ("unable.not_held", "unable.needs_creation", "unable.unclear"))
_LIT = ("litigation_direct", "litigation_after")

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "received",
        "收到申请数",
        "收到申请数 = 表三「一、本年新收政府信息公开申请数量」总计",
        (_tot("new"),),
        percent=False,
    ),
    Indicator(
        "open_rate",
        "公开率",
        "公开率 =（「（一）予以公开」+「（二）部分公开」）÷「（七）总计」（均取总计列）",
        (_tot("granted"), _tot("partial")),
        (_tot("processed_total"),),
    ),
    Indicator(
        "denied_rate",
        "不予公开占比",
        "不予公开占比 =「（三）不予公开」1～8 项之和 ÷「（七）总计」",
        _DENIED,
        (_tot("processed_total"),),
    ),
    Indicator(
        "unable_rate",
        "无法提供占比",
        "无法提供占比 =「（四）无法提供」1～3 项之和 ÷「（七）总计」",
        _UNABLE,
        (_tot("processed_total"),),
    ),
    Indicator(
        "not_held_rate",
        "不掌握占比",
        "不掌握占比 =「（四）无法提供 1.本机关不掌握相关政府信息」÷「（七）总计」",
        (_tot("unable.not_held"),),
        (_tot("processed_total"),),
    ),
    Indicator(
        "carry_rate",
        "结转率",
        "结转率 =「四、结转下年度继续办理」÷（「一、本年新收」+「二、上年结转」）",
        (_tot("carried_forward"),),
        (_tot("new"), _tot("carried_over")),
    ),
    Indicator(
        "reconsideration_correction",
        "复议纠错率",
        "复议纠错率 = 表四行政复议「结果纠正」÷（「结果维持」+「结果纠正」+「其他结果」），即已审结复议案件中被纠正的比例",
        ("reviews.reconsideration.corrected",),
        tuple(f"reviews.reconsideration.{f}" for f in ("upheld", "corrected", "other")),
    ),
    Indicator(
        "litigation_correction",
        "诉讼纠错率",
        "诉讼纠错率 = 表四行政诉讼（未经复议直接起诉 + 复议后起诉）「结果纠正」÷（「结果维持」+「结果纠正」+「其他结果」）",
        tuple(f"reviews.{g}.corrected" for g in _LIT),
        tuple(f"reviews.{g}.{f}" for g in _LIT for f in ("upheld", "corrected", "other")),
    ),
)
INDICATOR_BY_KEY = {i.key: i for i in INDICATORS}
BLANK_NOTE = "空白单元格按 0 计；分母为 0 或全部空白时不计算。"
GUARD_NOTE = f"样本量保护：比率的分母少于 {MIN_DENOMINATOR} 件时只显示、不参与排名。"
INDICATOR_FIELDS: tuple[str, ...] = tuple(
    sorted(
        {f for i in INDICATORS for f in (*i.numerator, *i.denominator)}
        | set(_DENIED)
        | set(_UNABLE)
        | {_tot("carried_over"), _tot("processed_total")}
        | {f"reviews.{g}.total" for g in ("reconsideration", *_LIT)}
    )
)


def _sum(values: dict[str, Any], ids: Iterable[str]) -> int | float | None:
    got = [values.get(i) for i in ids]
    if all(v is None for v in got):
        return None
    return sum(v for v in got if v is not None)


def indicator_of(ind: Indicator, values: dict[str, Any]) -> dict[str, Any]:
    """One indicator of one report: value, numerator, denominator, and whether it may be
    ranked (the denominator passes the sample-size guard)."""
    num = _sum(values, ind.numerator)
    if not ind.denominator:
        return {"value": num, "num": num, "den": None, "guarded": num is not None}
    den = _sum(values, ind.denominator)
    value = None if not den else (num or 0) / den
    return {
        "value": value,
        "num": num,
        "den": den,
        "guarded": value is not None and den is not None and den >= MIN_DENOMINATOR,
    }


def indicators_of(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every indicator of one report (see ``indicator_of``)."""
    return {ind.key: indicator_of(ind, values) for ind in INDICATORS}


def _values_for(
    session: Session, report_ids: list[int], fields: Sequence[str]
) -> dict[int, dict[str, Any]]:
    from ..store.ingest import value_of

    out: dict[int, dict[str, Any]] = {rid: {} for rid in report_ids}
    for start in range(0, len(report_ids), 500):
        chunk = report_ids[start : start + 500]
        for rid, fid, vi, vd in session.execute(
            select(
                StoredValue.report_id,
                StoredValue.field_id,
                StoredValue.value_int,
                StoredValue.value_dec,
            ).where(StoredValue.report_id.in_(chunk), StoredValue.field_id.in_(list(fields)))
        ):
            out[rid][fid] = value_of(vi, vd)
    return out


def agency_series(session: Session, agency_id: int) -> dict[str, Any]:
    """An agency's reports by year and the series its charts draw (the latest report of
    each year)."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(f"没有编号为 {agency_id} 的机关。")
    rows = list(
        session.execute(
            select(StoredReport, SourceFile)
            .join(SourceFile, SourceFile.id == StoredReport.source_file_id)
            .where(StoredReport.agency_id == agency_id)
            .order_by(StoredReport.year, StoredReport.id)
        )
    )
    by_year: dict[int, StoredReport] = {}
    for rep, _ in rows:
        if rep.year is not None:
            by_year[rep.year] = rep
    years = sorted(by_year)
    fields = sorted(
        set(INDICATOR_FIELDS)
        | {_tot(r) for r in ("granted", "partial")}
        | {
            f"reviews.{g}.{f}"
            for g in ("reconsideration", *_LIT)
            for f in ("upheld", "corrected", "other", "pending", "total")
        }
    )
    vals = _values_for(session, [by_year[y].id for y in years], fields)
    per_year = [vals[by_year[y].id] for y in years]
    inds = [indicators_of(v) for v in per_year]

    def col(fid: str) -> list[Any]:
        return [v.get(fid) for v in per_year]

    def rate(key: str) -> list[Any]:
        return [None if i[key]["value"] is None else round(100 * i[key]["value"], 1) for i in inds]

    denied_rows = [
        ("denied.state_secret", "国家秘密"),
        ("denied.law_forbidden", "法律法规禁止"),
        ("denied.safety_stability", "三安全一稳定"),
        ("denied.third_party", "第三方权益"),
        ("denied.internal_affairs", "内部事务"),
        ("denied.process_info", "过程性信息"),
        ("denied.enforcement_file", "行政执法案卷"),
        ("denied.admin_query", "行政查询事项"),
    ]
    unable_rows = [
        ("unable.not_held", "本机关不掌握"),
        ("unable.needs_creation", "需另行制作"),
        ("unable.unclear", "补正后仍不明确"),
    ]
    litig = [_sum(v, [f"reviews.{g}.total" for g in _LIT]) for v in per_year]
    return {
        "agency": agency,
        "reports": rows,
        "years": years,
        "report_ids": [by_year[y].id for y in years],
        "charts": {
            "received": {
                "series": [
                    {"name": "本年新收", "data": col(_tot("new"))},
                    {"name": "上年结转", "data": col(_tot("carried_over"))},
                ],
                "formula": INDICATOR_BY_KEY["received"].formula
                + "；上年结转 = 表三「二、上年结转政府信息公开申请数量」总计。",
            },
            "outcomes": {
                "series": [
                    {"name": "予以公开", "data": col(_tot("granted"))},
                    {"name": "部分公开", "data": col(_tot("partial"))},
                    {"name": "不予公开", "data": [_sum(v, _DENIED) for v in per_year]},
                    {"name": "无法提供", "data": [_sum(v, _UNABLE) for v in per_year]},
                ],
                "line": {"name": "公开率（%）", "data": rate("open_rate")},
                "formula": INDICATOR_BY_KEY["open_rate"].formula + "。" + BLANK_NOTE,
            },
            "denied": {
                "series": [{"name": n, "data": col(_tot(r))} for r, n in denied_rows],
                "formula": "各年「（三）不予公开」1～8 项理由的件数（总计列）。",
            },
            "unable": {
                "series": [{"name": n, "data": col(_tot(r))} for r, n in unable_rows],
                "line": {"name": "无法提供占比（%）", "data": rate("unable_rate")},
                "formula": INDICATOR_BY_KEY["unable_rate"].formula + "。",
            },
            "reviews": {
                "series": [
                    {"name": "行政复议", "data": col("reviews.reconsideration.total")},
                    {"name": "行政诉讼", "data": litig},
                ],
                "lines": [
                    {"name": "复议纠错率（%）", "data": rate("reconsideration_correction")},
                    {"name": "诉讼纠错率（%）", "data": rate("litigation_correction")},
                ],
                "formula": INDICATOR_BY_KEY["reconsideration_correction"].formula
                + "；"
                + INDICATOR_BY_KEY["litigation_correction"].formula
                + "。行政诉讼件数 = 未经复议直接起诉总计 + 复议后起诉总计。",
            },
        },
        "indicators": inds,
    }


# ------------------------------------------------------------------ coverage
def coverage_grid(
    session: Session,
    years: Sequence[int] | None = None,
    q: str | None = None,
    only_missing: bool = False,
    offset: int = 0,
    limit: int = 200,
) -> dict[str, Any]:
    """Agencies × years: for each cell the latest report (id, error and warning counts)
    or None when the agency has not published (no report stored) that year. Counting and
    paging happen in SQL; only the page's agencies have their reports read."""
    if years:
        shown = sorted(set(years))
    else:
        shown = sorted(
            session.scalars(
                select(StoredReport.year).where(StoredReport.year.is_not(None)).distinct()
            )
        )
    if not shown:
        return {"years": [], "rows": [], "total": 0, "missing": {}, "present": {}}
    where = agency_where(q)
    agencies = select(Agency.id)
    if where is not None:
        agencies = agencies.where(where)
    in_scope = (StoredReport.agency_id.in_(agencies),) if where is not None else ()
    n_agencies = session.scalar(select(func.count()).select_from(agencies.subquery())) or 0
    present = {y: 0 for y in shown}
    for y, n in session.execute(
        select(StoredReport.year, func.count(func.distinct(StoredReport.agency_id)))
        .where(StoredReport.agency_id.is_not(None), StoredReport.year.in_(shown), *in_scope)
        .group_by(StoredReport.year)
    ):
        if y is not None:
            present[y] = n
    missing = {y: n_agencies - present[y] for y in shown}
    page = select(Agency.id, Agency.name, Agency.kind, Agency.level).order_by(Agency.key)
    if where is not None:
        page = page.where(where)
    if only_missing:
        complete = (
            select(StoredReport.agency_id)
            .where(StoredReport.agency_id.is_not(None), StoredReport.year.in_(shown))
            .group_by(StoredReport.agency_id)
            .having(func.count(func.distinct(StoredReport.year)) == len(shown))
        )
        page = page.where(Agency.id.not_in(complete))
    total = session.scalar(select(func.count()).select_from(page.order_by(None).subquery())) or 0
    ag_rows = list(session.execute(page.offset(offset).limit(limit)))
    cells: dict[int, dict[int, tuple[int, int, int]]] = {}
    if ag_rows:
        for aid, y, rid, ne, nw in session.execute(
            select(
                StoredReport.agency_id,
                StoredReport.year,
                StoredReport.id,
                StoredReport.n_errors,
                StoredReport.n_warnings,
            )
            .where(
                StoredReport.agency_id.in_([r[0] for r in ag_rows]),
                StoredReport.year.in_(shown),
            )
            .order_by(StoredReport.id)
        ):
            if aid is not None and y is not None:
                cells.setdefault(aid, {})[y] = (rid, ne, nw)
    rows = [
        {
            "agency_id": aid,
            "agency": name,
            "kind": kind,
            "level": level,
            "cells": [cells.get(aid, {}).get(y) for y in shown],
        }
        for aid, name, kind, level in ag_rows
    ]
    return {"years": shown, "rows": rows, "total": total, "missing": missing, "present": present}


# ------------------------------------------------------------------ compare
@dataclass
class IdComparison:
    first: tuple[StoredReport, SourceFile]
    second: tuple[StoredReport, SourceFile]
    rows: list[CompareRow]
    cross_findings: list[StoredFinding]
    same_agency: bool


def compare_by_ids(
    session: Session, first_id: int, second_id: int, changed_only: bool = False
) -> IdComparison:
    """Any two stored reports side by side (the store's ``compare_reports`` takes an
    agency and two years); the cross-year findings of the later one when the two are
    consecutive years of one agency."""
    a, b = report_header(session, first_id), report_header(session, second_id)
    va = {v.field_id: v for v in report_values(session, first_id)}
    vb = {v.field_id: v for v in report_values(session, second_id)}
    rows = []
    for fid in sorted(set(va) | set(vb), key=field_order):
        x, y = va.get(fid), vb.get(fid)
        r = CompareRow(
            fid,
            label_of(fid),
            None if x is None else x.value,
            None if y is None else y.value,
            x is not None,
            y is not None,
        )
        if not changed_only or r.changed:
            rows.append(r)
    same = a[0].agency_id is not None and a[0].agency_id == b[0].agency_id
    cross: list[StoredFinding] = []
    if same and a[0].year is not None and b[0].year is not None and abs(a[0].year - b[0].year) == 1:
        later = a[0] if a[0].year > b[0].year else b[0]
        cross = report_findings(session, later.id, origin="cross")
    return IdComparison(a, b, rows, cross, same)


# ------------------------------------------------------------------ ranking
def ranking(
    session: Session,
    year: int | None,
    indicator: str = "open_rate",
    q: str | None = None,
    level: str | None = None,
    kind: str | None = None,
    descending: bool = True,
) -> dict[str, Any]:
    """Agencies of one year ranked by an indicator; a rate whose denominator is below
    MIN_DENOMINATOR is listed after the ranked ones, unranked (the guard)."""
    ind = INDICATOR_BY_KEY.get(indicator)
    if ind is None:
        raise ValueError(f"没有名为 {indicator} 的指标。")
    if year is None:
        year = session.scalar(select(func.max(StoredReport.year)))
    stmt = (
        select(
            StoredReport.id,
            StoredReport.agency_id,
            Agency.name,
            Agency.level,
            Agency.kind,
            StoredReport.n_errors,
        )
        .join(Agency, Agency.id == StoredReport.agency_id)
        .where(StoredReport.year == year)
        .order_by(StoredReport.id)
    )
    if level:
        stmt = stmt.where(Agency.level == level)
    if kind:
        stmt = stmt.where(Agency.kind == kind)
    where = agency_where(q)
    if where is not None:
        stmt = stmt.where(where)
    latest: dict[int, tuple[int, str, str, str, int]] = {}
    for rid, aid, name, lvl, knd, ne in session.execute(stmt):
        if aid is not None:
            latest[aid] = (rid, name, lvl, knd, ne)
    rids = [v[0] for v in latest.values()]
    vals = _values_for(session, rids, sorted({*ind.numerator, *ind.denominator}))
    ranked: list[dict[str, Any]] = []
    unranked: list[dict[str, Any]] = []
    for aid, (rid, name, lvl, knd, ne) in latest.items():
        inds = {ind.key: indicator_of(ind, vals.get(rid, {}))}
        entry = {
            "agency_id": aid,
            "agency": name,
            "level": lvl,
            "kind": knd,
            "report_id": rid,
            "n_errors": ne,
            "indicators": inds,
            "value": inds[ind.key]["value"],
            "rank": None,
        }
        (ranked if inds[ind.key]["guarded"] else unranked).append(entry)
    ranked.sort(
        key=lambda e: (-(e["value"] or 0) if descending else (e["value"] or 0), e["agency"])
    )
    prev_value, prev_rank = None, 0
    for i, e in enumerate(ranked, start=1):
        if e["value"] != prev_value:
            prev_rank, prev_value = i, e["value"]
        e["rank"] = prev_rank
    unranked.sort(key=lambda e: e["agency"])
    return {
        "year": year,
        "indicator": ind,
        "ranked": ranked,
        "unranked": unranked,
        "guard": GUARD_NOTE if ind.denominator else "",
    }


# ------------------------------------------------------------------ exports
EXPORT_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def export_store(
    engine: Engine,
    what: str,
    fmt: str,
    agency: str | None = None,
    year: int | None = None,
    has_errors: bool = False,
) -> bytes:
    """Reports (wide) or findings through the store's exporters, as bytes."""
    from ..store.export import export_findings, export_reports

    if fmt not in EXPORT_MEDIA:
        raise ValueError(f"不支持的导出格式 {fmt}，可选：csv、xlsx")
    with tempfile.TemporaryDirectory(prefix="nianbao-export-") as tmp:
        target = Path(tmp) / f"export.{fmt}"
        if what == "findings":
            export_findings(engine, target, fmt, "zh", agency, year, has_errors)
        elif what == "reports":
            export_reports(engine, target, fmt, "wide", "zh", agency, year, has_errors)
        elif what == "values":
            export_reports(engine, target, fmt, "long", "zh", agency, year, has_errors)
        else:
            raise ValueError(f"不能导出 {what}，可选：reports、values、findings")
        return target.read_bytes()


def table_bytes(headers: list[str], rows: Iterable[Sequence[Any]], fmt: str, sheet: str) -> bytes:
    """A list page (coverage, ranking, agencies) as CSV (UTF-8 with BOM, for Excel) or
    XLSX; blank stays empty (to move into the store's exporters)."""
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(headers)
        for r in rows:
            w.writerow(["" if v is None else v for v in r])
        return ("\ufeff" + buf.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        ws = wb.active
        ws.title = sheet[:31]
        ws.append(headers)
        for c in ws[1]:
            c.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for r in rows:
            ws.append(list(r))
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()
    raise ValueError(f"不支持的导出格式 {fmt}，可选：csv、xlsx")


def column_labels() -> dict[str, str]:
    from ..schema import COLUMN_LABELS

    return {c: COLUMN_LABELS[c] for c in COLUMNS}
