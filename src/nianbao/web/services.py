"""Over 500 lines because uploads, re-checks and source snippets share the budgeted child-process reading (splitting uploads from snippets is the next step).

What only the web app does with the store: uploaded bytes kept in the database, upload
checks and background jobs, re-checks of a stored file, review decisions with their log,
the report page with its findings per cell, source snippets (text and PDF regions), and
exports as bytes. Queries, indicators and writers live in ``nianbao.store``.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from ..errors import BinaryInput, InputTooLarge, NianbaoError, NotAReport, UnsupportedFormat
from ..readers.pdfium_lock import PDFIUM_LOCK
from ..readers.sniff import sniff
from ..schema import COLUMNS, label_of
from ..store.compact import Cell, provenance_dict
from ..store.db import session_scope, write_engine
from ..store.display import SEVERITY_ZH
from ..store.ingest import ParseOutcome, media_type_of, parse_file, store_outcome
from ..store.models import (
    ReviewLog,
    SourceBlob,
    SourceFile,
    StoredFinding,
    StoredReport,
    WebUploadJob,
)
from ..store.queries import (
    NotFound,
    decide_finding,
    report_findings,
    report_header,
    report_values,
    stored_cells,
)
from ..store.versions import current_filter

__all__ = [
    "UPLOAD_PREFIX",
    "UploadLimits",
    "QueueFull",
    "BudgetExceeded",
    "run_with_budget",
    "parse_with_budget",
    "size_text",
    "check_upload",
    "is_archive_upload",
    "archive_spool_name",
    "archive_members",
    "member_label",
    "member_bytes",
    "drop_spooled",
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
    # files waiting for the upload worker (kept on disk) and their bytes
    max_queued_files: int = 1000
    max_queued_bytes: int = 2 * 1024 * 1024 * 1024
    # per uploaded file: seconds and memory (bytes of address space) of its parse
    file_seconds: float = 300.0
    file_memory_bytes: int | None = 3 * 1024 * 1024 * 1024

    def describe(self) -> str:
        return (
            f"每次最多 {self.max_files} 个文件、合计不超过 {size_text(self.max_total_bytes)}，"
            f"每个文件不超过 {size_text(self.max_file_bytes)}"
        )

    # a ZIP archive counts as the files in it: as many members as one upload may have
    # files, as many bytes once unpacked as one upload may send, each member within the
    # file limit (and the archive reader's own bounds: ``readers/archive.py``)
    @property
    def max_archive_members(self) -> int:
        return self.max_files

    @property
    def max_archive_bytes(self) -> int:
        return self.max_total_bytes

    @property
    def max_archive_entries(self) -> int:
        """Entries of any kind (pictures, hidden files… which are passed over)."""
        return 10 * self.max_files

    @property
    def body_bytes(self) -> int:
        """The most bytes one upload request may send: the files' total plus room for
        the multipart framing."""
        return self.max_total_bytes + 64 * 1024 + 2048 * self.max_files


def size_text(n: int) -> str:
    if n >= 1024 * 1024:
        mb = n / (1024 * 1024)
        return f"{mb:.0f} MB" if mb >= 10 or mb.is_integer() else f"{mb:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} 字节"


# ------------------------------------------------------------------ time/memory budget
class BudgetExceeded(Exception):
    """A task ran past its time budget or died (memory budget, crash) and was stopped."""


T = TypeVar("T")
_MP_LOCK = threading.Lock()
_MP_CONTEXT: Any = None


def _mp_context() -> Any:
    global _MP_CONTEXT
    with _MP_LOCK:
        if _MP_CONTEXT is None:
            if "forkserver" in multiprocessing.get_all_start_methods():
                server = multiprocessing.get_context("forkserver")
                server.set_forkserver_preload(["nianbao", "nianbao.store.ingest"])
                _MP_CONTEXT = server
            else:  # pragma: no cover - platforms without forkserver
                _MP_CONTEXT = multiprocessing.get_context("spawn")
        return _MP_CONTEXT


def _watch_owner(fd: int) -> None:
    """End this child when the process waiting for its result is gone: the read end of
    the result pipe closes (the owner died, or stopped waiting), which poll reports as an
    error on the write end. (The direct parent is the forkserver, which outlives the
    server while children of its own are alive, so ``os.getppid`` would not tell.)"""
    import select

    watcher = select.poll()
    watcher.register(fd, select.POLLERR)
    while True:
        for _, events in watcher.poll(1000):
            if events & (select.POLLERR | select.POLLHUP | select.POLLNVAL):
                os._exit(3)


def _budget_child(
    conn: Any, fn: Callable[..., Any], args: tuple[Any, ...], memory: int | None
) -> None:
    threading.Thread(target=_watch_owner, args=(conn.fileno(),), daemon=True).start()
    from ..budget import report_more_to

    report_more_to(conn)  # the time OCR pages are given reaches the parent's deadline
    if memory:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        except (ImportError, ValueError, OSError):  # pragma: no cover - not on this platform
            pass
    try:
        result: tuple[str, Any] = ("ok", fn(*args))
    except MemoryError:
        result = ("memory", None)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        result = ("error", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(result)
    except (OSError, EOFError):  # the parent is gone (it stopped waiting, or died)
        os._exit(1)
    except Exception as exc:  # noqa: BLE001 - a result that does not pickle
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def run_with_budget(
    fn: Callable[..., T], args: tuple[Any, ...], seconds: float, memory_bytes: int | None = None
) -> T:
    """Run ``fn(*args)`` (a module-level function; arguments and result picklable) in a
    child process limited to ``seconds`` of wall time and ``memory_bytes`` of address
    space; the child is killed when it runs over, and ends by itself if this process
    dies. Raises :class:`BudgetExceeded` with a Chinese message when stopped."""
    ctx = _mp_context()
    parent_conn, child_conn = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_budget_child, args=(child_conn, fn, args, memory_bytes), daemon=True)
    proc.start()
    child_conn.close()
    deadline = time.monotonic() + seconds
    try:
        while True:
            if not parent_conn.poll(max(deadline - time.monotonic(), 0.0)):
                raise BudgetExceeded(
                    f"处理此文件超过了时间上限（{seconds:g} 秒），已停止处理：文件可能异常。"
                )
            try:
                kind, value = parent_conn.recv()
            except (EOFError, OSError) as exc:
                raise BudgetExceeded(
                    "处理时进程意外退出（可能超出内存上限），已停止处理。"
                ) from exc
            if kind != "more":
                break
            deadline += value  # the child was given more time (OCR of its pages)
            seconds += value
    finally:
        parent_conn.close()
        if proc.is_alive():
            proc.kill()
        proc.join(5)
    if kind == "memory":
        raise BudgetExceeded("处理时超出内存上限，已停止处理。")
    if kind == "error":
        raise BudgetExceeded(f"处理时出错（{value}）。")
    result: T = value
    return result


def _parse_path(label: str, data_path: str, seconds: float) -> ParseOutcome:
    # the readers' own budget (nianbao.budget, read from the environment by parse_file)
    # gets the same time: it stops Python code cleanly; the kill after the grace below is
    # for a reader stuck in native code
    os.environ["NIANBAO_FILE_SECONDS"] = f"{seconds:g}"
    return parse_file(label, Path(data_path).read_bytes())


_GRACE = 5.0


def parse_with_budget(label: str, data: bytes, limits: UploadLimits) -> ParseOutcome:
    """``parse_file`` of one uploaded file within the limits' time and memory budget; a
    file that runs over becomes a failed outcome naming the reason (it is stored as such
    and listed among the unusable files)."""
    fd, tmp = tempfile.mkstemp(prefix="nianbao-parse-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return run_with_budget(
            _parse_path,
            (label, tmp, limits.file_seconds),
            limits.file_seconds + _GRACE,
            limits.file_memory_bytes,
        )
    except BudgetExceeded as exc:
        name = label.rsplit("/", 1)[-1]
        return ParseOutcome(
            path=label,
            name=name,
            sha256=hashlib.sha256(data).hexdigest(),
            size=len(data),
            media_type=media_type_of(name, data[:1024]),
            status="failed",
            error_kind="BudgetExceeded",
            error=str(exc),
        )
    finally:
        Path(tmp).unlink(missing_ok=True)


def safe_name(filename: str | None) -> str:
    """A display name from a client's file name: the last path part, no control
    characters, at most 200 characters. Never used as a path."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().lstrip(".")
    return name[:200] or "未命名文件"


def check_upload(data: bytes, limits: UploadLimits, *, member: bool = False) -> NianbaoError | None:
    """The reason a file is refused before parsing (the CLI's checks: empty, binary,
    unsupported container, too large), or None. A ZIP archive named ``*.zip`` is not a
    file to parse but the files in it (``is_archive_upload``); ``member``: ``data`` is a
    file inside such an archive (archives inside archives are not unpacked, as by the CLI)."""
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
        if member:
            return UnsupportedFormat(
                "这是压缩包中的 ZIP 压缩包：压缩包中的压缩包不展开，请解压后单独上传其中的报告。"
            )
        return UnsupportedFormat(
            "文件是 ZIP 压缩包而不是 Word 文档，但文件名不是 .zip：如果是报告的压缩包，"
            "请把文件名改为 .zip 后上传（其中的报告会分别处理），或解压后分别上传。"
        )
    if kind in ("ole", "rtf"):
        from ..readers.dispatch import office_refusal

        reason = office_refusal(data, kind)
        return UnsupportedFormat(reason) if reason else None
    if kind == "image":
        from ..readers.image import image_problem

        return image_problem(data)
    return None


# ------------------------------------------------------------------ ZIP archives
# An uploaded ``*.zip`` that is a ZIP archive (not a DOCX or XLSX, which are ZIP packages
# too) becomes the files in it, as ``nianbao ingest`` reads it (``readers/archive.py``):
# each member one file of the job, named ``<archive>::<member>``, read from the spooled
# archive when its turn comes and parsed within the same budget as an uploaded file.
ARCHIVE_SEP = "::"
_LIST_SECONDS = 60.0


def is_archive_upload(name: str, head: bytes) -> bool:
    """An upload named ``*.zip`` whose first bytes are a ZIP archive of files, not an
    Office package (the CLI's rule, ``readers.archive.is_zip_path``: a DOCX or XLSX named
    .zip is a document; and an archive of DOCX files stored uncompressed is an archive)."""
    from ..readers.archive import is_archive_head

    return name.lower().endswith(".zip") and is_archive_head(head)


def archive_spool_name(name: str) -> str:
    """The file name the spooled archive gets (its own folder): the upload's name, so
    that the archive reader's messages name it, when the file system takes it."""
    if name.lower().endswith(".zip") and len(name.encode("utf-8")) <= 200:
        return name
    return "压缩包.zip"


def member_label(member: str) -> str:
    """A member's name as shown (no control characters, no ``.``/``..`` parts): the part
    after ``<archive>::`` of its job file and of its stored path."""
    parts = ("".join(ch for ch in p if ch.isprintable()).strip() for p in member.split("/"))
    kept = [p for p in parts if p not in ("", ".", "..")]
    return "/".join(kept)[-300:] or "未命名文件"


def _archive_listing(path: str) -> tuple[list[tuple[str, int]], int, str | None]:
    """(In a budgeted child process: a crafted directory may be large.) The archive's
    report files with their sizes, as the CLI lists them, and its number of entries; or
    the reason it is refused."""
    from ..readers.archive import zip_entry_count, zip_listing
    from ..readers.dispatch import SKIP_SUFFIXES

    try:
        return zip_listing(Path(path), SKIP_SUFFIXES), zip_entry_count(Path(path)), None
    except NianbaoError as exc:
        return [], 0, str(exc)


def archive_members(
    path: Path, limits: UploadLimits
) -> tuple[list[tuple[str, int]], NianbaoError | None]:
    """The members ``(name, size)`` to queue of a spooled archive, or the reason the whole
    archive is refused: unreadable, empty of reports, too many members, or more bytes once
    unpacked than an upload may send (a zip bomb)."""
    try:
        listing, entries, refusal = run_with_budget(
            _archive_listing,
            (str(path),),
            min(limits.file_seconds, _LIST_SECONDS),
            limits.file_memory_bytes,
        )
    except BudgetExceeded as exc:
        return [], UnsupportedFormat(f"无法读取 ZIP 压缩包中的文件列表：{exc}")
    if refusal is not None:
        return [], UnsupportedFormat(refusal)
    if entries > limits.max_archive_entries:  # (read again when its members are)
        return [], InputTooLarge(
            f"ZIP 压缩包中共有 {entries} 个条目，超过上限（{limits.max_archive_entries} 个），"
            "已拒收：请只把报告文件放进压缩包。"
        )
    if not listing:
        return [], NotAReport(
            "ZIP 压缩包中没有报告文件（PDF、DOCX、网页或文本）：请检查压缩包的内容。"
        )
    if len(listing) > limits.max_archive_members:
        return [], InputTooLarge(
            f"ZIP 压缩包中有 {len(listing)} 个文件，超过上限（{limits.max_archive_members} 个）："
            "请分成几个压缩包上传。"
        )
    unpacked = sum(size for _, size in listing)
    if unpacked > limits.max_archive_bytes:
        return [], InputTooLarge(
            f"ZIP 压缩包解压后合计 {size_text(unpacked)}，超过上限"
            f"（{size_text(limits.max_archive_bytes)}），已拒收（可能是“压缩炸弹”）："
            "如确是报告，请分成几个压缩包上传。"
        )
    return listing, None


def member_bytes(archive: Path, jf: JobFile, limits: UploadLimits) -> bytes | None:
    """The bytes of the archive member of ``jf`` (read by the archive reader, bounded by
    the size its directory states), or None with ``jf`` marked failed (a damaged,
    encrypted member) or rejected (what the checks of an uploaded file refuse)."""
    from ..readers.archive import read_member

    try:
        data = read_member(archive, jf.member or "")
    except NianbaoError as exc:
        jf.status, jf.message = "failed", f"{exc}这个文件未入库。"
        return None
    except OSError as exc:
        jf.status, jf.message = "failed", f"上传的压缩包已丢失，无法处理（{exc}）。"
        return None
    # (the checks of an uploaded file, on its first bytes as for an upload)
    problem = check_upload(data[: 128 * 1024], limits, member=True)
    if problem is not None:
        jf.status, jf.message = "rejected", str(problem)
        return None
    return data


def drop_spooled(path: Path) -> None:
    """Delete a spooled upload; an archive's own folder too."""
    path.unlink(missing_ok=True)
    if path.suffix.lower() == ".zip" and path.parent.name.startswith("zip-"):
        try:
            path.parent.rmdir()
        except OSError:
            pass


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
    # a member of an uploaded ZIP archive: its name in the archive (``name`` is the shown
    # ``<archive>::<member>``); the spooled file queued with it is the archive
    member: str | None = field(default=None, repr=False)

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


class QueueFull(Exception):
    """The upload queue has no room for these files (the caller answers 503)."""


class JobRegistry:
    """Upload jobs of this process (kept in memory; the results themselves are in the
    store). Accepted files wait on disk, in a bounded queue, for the one background
    thread that parses them one at a time, each within its time and memory budget.

    With ``engine`` (``serve --workers N``) each job's progress is also written to the
    store's ``web_upload_jobs`` table as it changes, so that its page, served by any
    worker, shows it; the queue and its bounds stay this process's."""

    def __init__(
        self, limits: UploadLimits | None = None, keep: int = 200, engine: Engine | None = None
    ) -> None:
        self.limits = limits or UploadLimits()
        self.engine = engine
        self._publishing = threading.Lock()
        self._jobs: OrderedDict[str, UploadJob] = OrderedDict()
        self._lock = threading.Lock()
        self._keep = keep
        self._queue: list[tuple[UploadJob, list[tuple[JobFile, Path]], Engine]] = []
        self._cond = threading.Condition(self._lock)
        self._worker: threading.Thread | None = None
        self._dir: Path | None = None
        self.queued_files = 0
        self.queued_bytes = 0

    def new(self) -> UploadJob:
        job = UploadJob(id=uuid.uuid4().hex[:16], created=datetime.now(UTC))
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self._keep:
                self._jobs.popitem(last=False)
        return job

    def get(self, job_id: str) -> UploadJob | None:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is not None or self.engine is None or len(job_id) > 32:
            return job
        with Session(self.engine) as s:
            row = s.get(WebUploadJob, job_id)
            if row is None:
                return None
            state = json.loads(row.state)
            files = [
                JobFile(
                    name=str(f["name"]),
                    size=int(f["size"]),
                    status=str(f["status"]),
                    message=f.get("message"),
                    report_id=f.get("report_id"),
                )
                for f in state.get("files", [])
            ]
            return UploadJob(id=row.id, created=row.created_at, files=files)

    def publish(self, job: UploadJob) -> None:
        """Write the job's progress to the store (when shared; jobs older than a week go)."""
        if self.engine is None:
            return
        with self._publishing:
            state = json.dumps(job.to_dict(), ensure_ascii=False)
            now = time.time()
            with session_scope(write_engine(self.engine)) as s:
                row = s.get(WebUploadJob, job.id)
                if row is None:
                    s.execute(delete(WebUploadJob).where(WebUploadJob.updated_at < now - 7 * 86400))
                    s.add(
                        WebUploadJob(id=job.id, created_at=job.created, updated_at=now, state=state)
                    )
                else:
                    row.state, row.updated_at = state, now

    def full(self) -> bool:
        with self._lock:
            return (
                self.queued_files >= self.limits.max_queued_files
                or self.queued_bytes >= self.limits.max_queued_bytes
            )

    def spool_dir(self) -> Path:
        with self._lock:
            if self._dir is None or not self._dir.is_dir():
                self._dir = Path(tempfile.mkdtemp(prefix="nianbao-uploads-"))
            return self._dir

    def submit(self, engine: Engine, job: UploadJob, items: list[tuple[JobFile, Path]]) -> None:
        """Queue the accepted files (their bytes in files under ``spool_dir()``, which
        the worker deletes); :class:`QueueFull` when they do not fit."""
        size = sum(jf.size for jf, _ in items)
        with self._cond:
            if (
                self.queued_files + len(items) > self.limits.max_queued_files
                or self.queued_bytes + size > self.limits.max_queued_bytes
            ):
                raise QueueFull(
                    f"上传队列已满（{self.queued_files} 个文件、{size_text(self.queued_bytes)}"
                    "正在等待处理），请稍后再上传。"
                )
            self.queued_files += len(items)
            self.queued_bytes += size
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
            # the members of an archive share its spooled file: deleted after the last
            last = {path: i for i, (_, path) in enumerate(items)}
            for i, (jf, path) in enumerate(items):
                try:
                    jf.status = "working"
                    self._publish_quietly(job)
                    if jf.member is None:
                        data: bytes | None = path.read_bytes()
                    else:
                        data = member_bytes(path, jf, self.limits)
                    if data is not None:
                        run_upload_job(engine, [(jf, data)], self.limits)
                except OSError as exc:
                    jf.status, jf.message = "failed", f"上传的文件已丢失，无法处理（{exc}）。"
                finally:
                    if last[path] == i:
                        drop_spooled(path)
                    with self._lock:
                        self.queued_files -= 1
                        self.queued_bytes -= jf.size
                    self._publish_quietly(job)

    def _publish_quietly(self, job: UploadJob) -> None:
        try:
            self.publish(job)
        except Exception:  # noqa: BLE001 - a busy store must not stop the parsing
            pass

    def close(self) -> None:
        """Drop the files still waiting (on shutdown)."""
        with self._lock:
            folder, self._dir = self._dir, None
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)

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


def run_upload_job(
    engine: Engine, items: Sequence[tuple[JobFile, bytes]], limits: UploadLimits | None = None
) -> None:
    """Parse and store the accepted files of an upload, one after the other; each file's
    status is updated as it goes (the progress the page shows). With ``limits`` each
    parse runs in a child process within the limits' time and memory budget."""
    version = _parser_version()
    for jf, data in items:
        jf.status = "working"
        try:
            jf.sha256 = hashlib.sha256(data).hexdigest()
            label = UPLOAD_PREFIX + jf.name
            if limits is not None:
                outcome = parse_with_budget(label, data, limits)
            else:
                outcome = parse_file(label, data)
            status = store_outcome(engine, outcome, version)
            save_blob(engine, jf.sha256, jf.name, data)
            jf.message = outcome.error
            if status == "unchanged":
                with Session(engine) as s:
                    sf = s.scalar(select(SourceFile).where(SourceFile.sha256 == jf.sha256))
                    if sf is not None and sf.status != "stored":
                        status, jf.message = sf.status, sf.error
            jf.report_id = _report_id_of(engine, jf.sha256)
            if status == "stored" and jf.report_id is not None and not jf.message:
                jf.message = _version_note(engine, jf.report_id)
            jf.status = status
        except Exception as exc:  # noqa: BLE001 - one bad file must not stop the job
            jf.status = "failed"
            jf.message = f"处理时出错（{type(exc).__name__}），这个文件未入库。"


def _version_note(engine: Engine, report_id: int) -> str | None:
    """What an upload that became a new version of an agency's year should say."""
    with Session(engine) as s:
        rep = s.get(StoredReport, report_id)
        if rep is None or (rep.version or 1) < 2:
            return None
        return (
            f"{rep.agency_name or ''}{rep.year or ''}年度报告的第 {rep.version} 版："
            "替代了上一版本（旧版本保留，可在版本记录中查看），审核结论按问题沿用。"
        )


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
    from ..readers.archive import read_path_bytes

    try:
        data = read_path_bytes(path)  # a file, or a member of a ZIP archive
    except (OSError, NianbaoError):
        return None
    return data if hashlib.sha256(data).hexdigest() == sf.sha256 else None


# ------------------------------------------------------------------ re-check / review
def recheck_report(engine: Engine, report_id: int, limits: UploadLimits | None = None) -> str:
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
    if limits is not None:
        outcome = parse_with_budget(UPLOAD_PREFIX + name, data, limits)
    else:
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
    values = {v.field_id: v for v in report_values(session, report_id, provenance=False)}
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
                StoredReport.agency_id == rep.agency_id,
                StoredReport.year == rep.year - 1,
                current_filter(),  # the previous year's current version
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
        # whether the bytes are kept, without reading them (an upload is up to 50 MB)
        "has_source": (sf.path is not None and Path(sf.path).is_absolute())
        or session.scalar(select(SourceBlob.sha256).where(SourceBlob.sha256 == sf.sha256))
        is not None,
    }


# ------------------------------------------------------------------ source snippets
_DOC_CACHE: OrderedDict[str, str] = OrderedDict()
_DOC_LOCK = threading.Lock()


def _read_text(name: str, data_path: str) -> str:
    from ..readers.dispatch import read

    doc = read(Path(data_path).read_bytes(), name=name)
    return str(doc.original or doc.text)


def _document_text(
    sha: str, name: str, data: bytes, seconds: float | None, memory: int | None = None
) -> str:
    """The original text of a stored file (cached for the last 16 files). With
    ``seconds`` the file is read in a child process within that time and ``memory``
    (:class:`BudgetExceeded` beyond): a hostile stored file cannot hold a page request."""
    with _DOC_LOCK:
        text = _DOC_CACHE.get(sha)
        if text is not None:
            _DOC_CACHE.move_to_end(sha)
            return text
    if seconds is None:
        text = _read_text_bytes(name, data)
    else:
        fd, tmp = tempfile.mkstemp(prefix="nianbao-read-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            text = run_with_budget(_read_text, (name, tmp), seconds, memory)
        finally:
            Path(tmp).unlink(missing_ok=True)
    with _DOC_LOCK:
        _DOC_CACHE[sha] = text
        while len(_DOC_CACHE) > 16:
            _DOC_CACHE.popitem(last=False)
    return text


def _read_text_bytes(name: str, data: bytes) -> str:
    from ..readers.dispatch import read

    doc = read(data, name=name)
    return str(doc.original or doc.text)


# Seconds a page request may spend re-reading a stored file for its source snippet.
SNIPPET_SECONDS = 30.0


def _stored_cell(session: Session, report_id: int, field_id: str) -> Cell | None:
    """One stored cell of a report (None when the report has no such cell)."""
    return next((c for c in stored_cells(session, report_id) if c[0] == field_id), None)


def source_snippet(
    session: Session, report_id: int, field_id: str, limits: UploadLimits | None = None
) -> dict[str, Any]:
    """Where a value stood: its provenance (section, table, row, column, page, box), the
    raw text, and the line of the original text around it with the value's characters
    marked (``before``/``mark``/``after``), plus neighbouring lines."""
    rep, sf = report_header(session, report_id)
    row = _stored_cell(session, report_id, field_id)
    out: dict[str, Any] = {
        "report_id": report_id,
        "field_id": field_id,
        "label": label_of(field_id),
        "present": row is not None,
        "raw": None if row is None else row[4],
        "blank": None if row is None else row[3],
        "provenance": (provenance_dict(row[5]) or {}) if row is not None else {},
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
    seconds = None if limits is None else min(limits.file_seconds, SNIPPET_SECONDS)
    memory = None if limits is None else limits.file_memory_bytes
    try:
        original = _document_text(sf.sha256, sf.name, data, seconds, memory)
    except Exception:  # noqa: BLE001 - the stored reading stays usable
        out["note"] = "原始文件无法重新读取，只能显示记录的位置。"
        return out
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


# A crop is at most this many pixels (about 2000 x 1500) and this many points each way.
CROP_MAX_PIXELS = 3_000_000
CROP_MAX_POINTS = 1200.0
CROP_SCALE = 2.0
CROP_MARGIN = 70.0  # points above and below the value's box


def crop_window(
    page_w: float, page_h: float, bbox: Sequence[Any]
) -> tuple[float, float, float, float, float] | None:
    """The region of a page to render around a value's box (pdfplumber's x0, top, x1,
    bottom in points from the top left) and the scale to render it at: (left, top, right,
    bottom, scale), at most ``CROP_MAX_POINTS`` each way and ``CROP_MAX_PIXELS`` in all.
    None for a box that is not four finite numbers inside the page."""
    try:
        x0, top, x1, bottom = (float(v) for v in bbox)
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in (x0, top, x1, bottom, page_w, page_h)):
        return None
    if page_w <= 0 or page_h <= 0 or x1 < x0 or bottom < top:
        return None
    if x1 < 0 or x0 > page_w or bottom < 0 or top > page_h:
        return None
    half = CROP_MAX_POINTS / 2
    # horizontally: the whole width when it fits, else a window centred on the box
    if page_w <= CROP_MAX_POINTS:
        left, right = 0.0, page_w
    else:
        mid = (max(x0, 0.0) + min(x1, page_w)) / 2
        left = min(max(0.0, mid - half), page_w - CROP_MAX_POINTS)
        right = left + CROP_MAX_POINTS
    upper = max(0.0, top - CROP_MARGIN)
    lower = min(page_h, bottom + CROP_MARGIN, upper + CROP_MAX_POINTS)
    width, height = right - left, lower - upper
    if width <= 0 or height <= 0:
        return None
    scale = min(CROP_SCALE, math.sqrt(CROP_MAX_PIXELS / (width * height)))
    return left, upper, right, lower, scale


def pdf_region_png(session: Session, report_id: int, field_id: str) -> bytes | None:
    """The PDF page band around a value's box, rendered with pypdfium2 (only that band,
    bounded by ``crop_window``), the box outlined in red; None when the report is not a
    PDF or the box is unknown."""
    _, sf = report_header(session, report_id)
    cell = _stored_cell(session, report_id, field_id)
    prov = None if cell is None else provenance_dict(cell[5])
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

    with PDFIUM_LOCK:  # PDFium is not thread-safe, and pages are served by threads
        return _render_band(pdfium, ImageDraw, data, prov)


def _render_band(pdfium: Any, ImageDraw: Any, data: bytes, prov: dict[str, Any]) -> bytes | None:
    """The band of ``pdf_region_png``, rendered (the caller holds PDFIUM_LOCK)."""
    try:
        pdf = pdfium.PdfDocument(data)
    except Exception:  # noqa: BLE001 - a PDF pdfium cannot open has no picture
        return None
    try:
        try:
            index = int(prov["page"]) - 1
        except (TypeError, ValueError):
            return None
        if not 0 <= index < len(pdf):
            return None
        page = pdf[index]
        page_w, page_h = page.get_size()
        window = crop_window(page_w, page_h, prov["bbox"])
        if window is None:
            return None
        left, upper, right, lower, scale = window
        # pdfium's crop: points to cut from the left, bottom, right and top edges
        bitmap = page.render(
            scale=scale, crop=(left, page_h - lower, page_w - right, upper), may_draw_forms=False
        )
        image = bitmap.to_pil().convert("RGB")
        bitmap.close()
        x0, top, x1, bottom = (float(v) for v in prov["bbox"])
        box = (
            (x0 - left) * scale - 3,
            (top - upper) * scale - 3,
            (x1 - left) * scale + 3,
            (bottom - upper) * scale + 3,
        )
        ImageDraw.Draw(image).rectangle(box, outline=(220, 0, 0), width=4)
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
