"""What only the web app does with the store: uploaded bytes kept in the database, upload
checks and background jobs, re-checks of a stored file, review decisions with their log,
the report page with its findings per cell, source snippets (text and PDF regions), and
exports as bytes. Queries, indicators and writers live in ``nianbao.store``.
"""

from __future__ import annotations

import hashlib
import io
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from ..errors import BinaryInput, InputTooLarge, NianbaoError, UnsupportedFormat
from ..schema import COLUMNS, label_of
from ..sniff import sniff
from ..store.db import session_scope, write_engine
from ..store.display import SEVERITY_ZH
from ..store.ingest import parse_file, store_outcome
from ..store.models import (
    ReviewLog,
    SourceBlob,
    SourceFile,
    StoredFinding,
    StoredReport,
    StoredValue,
)
from ..store.queries import (
    NotFound,
    decide_finding,
    report_findings,
    report_header,
    report_values,
)

__all__ = [
    "UPLOAD_PREFIX",
    "UploadLimits",
    "size_text",
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
    "report_page_data",
    "source_snippet",
    "pdf_region_png",
    "EXPORT_MEDIA",
    "column_labels",
]

UPLOAD_PREFIX = "upload/"  # SourceFile.path of an upload: a label, never a file on disk


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
        name = sf.name
    if data is None:
        raise NotFound("库中没有这份报告的原始文件，无法重新检查：请重新上传。")
    outcome = parse_file(UPLOAD_PREFIX + name, data)
    return store_outcome(engine, outcome, _parser_version(), force=True)


def review_finding(
    session: Session, finding_id: int, status: str, note: str | None, user: str | None
) -> StoredFinding:
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


# ------------------------------------------------------------------ exports
EXPORT_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def column_labels() -> dict[str, str]:
    from ..schema import COLUMN_LABELS

    return {c: COLUMN_LABELS[c] for c in COLUMNS}
