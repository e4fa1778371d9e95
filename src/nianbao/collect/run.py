"""The collection run: 年报 columns -> list pages -> report entries -> pages and
attachments kept on disk, with what the next run and the ingest need to know.

For each column: its list pages are walked (the column's own links to further pages,
bounded); each entry whose words name an annual report is fetched; a report page holding
the tables is itself the report, otherwise its PDF/DOCX attachments are; DOC/WPS
attachments are kept but not read, images only noted. A rerun asks with the validators of
the last run and does not ask again for the attachments of a page that did not change.

The run's options and what it found (``CollectOptions``, ``CollectSummary``, …) are in
``collect.results``, re-exported here.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .fetch import Cancelled, Fetcher, FetchFailed, FetchOptions, HostStopped, host_of
from .pages import (
    Entry,
    ReportPage,
    TitleInfo,
    attachment_kind,
    filename_of,
    parse_list_page,
    parse_report_page,
)
from .results import CollectedFile, CollectOptions, CollectSummary, FoundReport, HostSummary
from .state import CollectState, storage_name

__all__ = [
    "CollectOptions",
    "CollectedFile",
    "FoundReport",
    "HostSummary",
    "CollectSummary",
    "Collector",
    "collect",
    "read_url_file",
]

READABLE = ("html", "pdf", "docx")  # kinds the ingest reads
SUFFIX = {
    "html": ".html",
    "pdf": ".pdf",
    "docx": ".docx",
    "doc": ".doc",
    "wps": ".wps",
    "image": ".img",
    "unknown": ".bin",
}
MAX_FRAMES = 3  # frames of one report page read in its place
MAX_PICTURES = 8  # pictures of a report page published as pictures, fetched and kept
KIND_ZH = dict(html="网页", pdf="PDF", docx="DOCX", doc="DOC", wps="WPS", mhtml="网页存档")


def read_url_file(path: str | os.PathLike[str]) -> list[str]:
    """Column URLs from a file: one a line; blank lines and ``#`` comments skipped; a
    line may carry words after the URL (a name), separated by white space."""
    from ..readers.sniff import decode_bytes

    text = decode_bytes(Path(path).read_bytes())[0]
    urls = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        urls.append(line.split()[0])
    return urls


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _kind_of(data: bytes, declared: str | None) -> str:
    """A file's kind by its bytes (never by its name alone)."""
    head = data[:8]
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx" if b"word/" in data[:65536] or declared == "docx" else "unknown"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return declared if declared in ("doc", "wps") else "doc"
    if head.startswith((b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")):
        return "image"
    low = data[:2048].lstrip().lower()
    if low.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<meta", b"<body", b"<table")):
        return "html"
    if b"<html" in low or b"<body" in low or b"<div" in low or b"<table" in low:
        return "html"
    return "unknown"


class Collector:
    """One collection run over some columns; ``run`` returns the summary."""

    def __init__(
        self,
        options: CollectOptions,
        *,
        fetcher: Fetcher | None = None,
        on_event: Callable[[str, str], None] | None = None,
    ) -> None:
        self.options = options
        self.out = Path(options.out)
        self.state = CollectState(self.out)
        self.fetcher = fetcher or Fetcher(options.fetch)
        self._own_fetcher = fetcher is None
        if self.fetcher.memory is None:
            self.fetcher.memory = self.state
        self._on_event = on_event
        self._lock = threading.Lock()
        self._seen_entries: set[str] = set()
        self.summary = CollectSummary()

    # ------------------------------------------------------------------ events
    def _event(self, kind: str, what: str) -> None:
        if self._on_event is not None:
            self._on_event(kind, what)

    def _fail(self, url: str, reason: str) -> None:
        with self._lock:
            self.summary.failures.append((url, reason))
        self.state.update(url, error=reason, failed_at=_now())
        self._event("failure", url)

    # ------------------------------------------------------------------ fetching
    def _get(
        self, url: str, declared: str | None, kind_hint: str, name_hint: str = ""
    ) -> tuple[CollectedFile, bytes]:
        """Fetch ``url`` (conditionally when a copy is kept), keep new bytes on disk, and
        return the file and its bytes."""
        prev = self.state.get(url)
        kept = self.state.read_bytes(url) if prev else None
        res = self.fetcher.fetch(url, prev if kept is not None else None)
        if res.not_modified and kept is not None and prev is not None:
            self.state.update(url, checked_at=res.fetched_at, error=None)
            assert prev.get("path")
            return (
                CollectedFile(
                    url, self.out / prev["path"], prev.get("kind", "unknown"), prev["sha256"], False
                ),
                kept,
            )
        if res.not_modified:  # a 304 to a request that was not conditional
            raise FetchFailed(url, "服务器答复“未修改”（HTTP 304），但本地没有保存过该文件")
        data = res.content or b""
        sha = hashlib.sha256(data).hexdigest()
        kind = _kind_of(data, declared)
        if kind == "unknown" and kind_hint == "html" and data.strip():
            kind = "html"
        name = filename_of(res.url, res.headers.get("content-disposition"))
        if name_hint and (not name or not attachment_kind(name)):
            name = name_hint  # downfile.jsp?filename=…: the name the page gave
        name = name or "page"
        rel = storage_name(url, name, sha, SUFFIX.get(kind, ".bin"))
        target = self.out / rel
        if not target.exists():
            from ..writing.writer import write_report

            write_report(data, target)
        changed = prev is None or prev.get("sha256") != sha
        self.state.update(
            url,
            final_url=res.url if res.url != url else None,
            kind=kind,
            path=rel,
            sha256=sha,
            size=len(data),
            etag=res.headers.get("etag"),
            last_modified=res.headers.get("last-modified"),
            content_type=res.headers.get("content-type"),
            content_disposition=res.headers.get("content-disposition"),
            fetched_at=res.fetched_at,
            checked_at=res.fetched_at,
            error=None,
        )
        return CollectedFile(url, target, kind, sha, changed), data

    # ------------------------------------------------------------------ columns
    def _column(self, column: str) -> None:
        queue = [column]
        seen: set[str] = set()
        pages = 0
        while queue and pages < self.options.max_list_pages:
            url = queue.pop(0)
            if url in seen:
                continue
            seen.add(url)
            pages += 1
            try:
                got, data = self._get(url, None, "html")
            except HostStopped as exc:
                self._fail(url, exc.reason)
                return
            except FetchFailed as exc:
                self._fail(url, exc.reason)
                continue
            self.state.update(url, role="list", column=column)
            ctype = (self.state.get(url) or {}).get("content_type")
            listing = parse_list_page(data, url, column, ctype)
            for entry in listing.entries:
                if self.options.years and entry.info.year not in self.options.years:
                    continue
                with self._lock:
                    if entry.url in self._seen_entries:
                        continue
                    self._seen_entries.add(entry.url)
                try:
                    self._entry(column, entry)
                except HostStopped as exc:
                    self._fail(entry.url, exc.reason)
                    if host_of(entry.url) == host_of(column):
                        return
            queue.extend(p for p in listing.pages if p not in seen and p not in queue)
        if queue:
            self._fail(
                column,
                f"列表页超过 {self.options.max_list_pages} 页，其余未访问（可调大上限）",
            )

    def _entry(self, column: str, entry: Entry) -> None:
        info: TitleInfo = entry.info
        found = FoundReport(column, entry.url, info.title, info.agency, info.year)
        if entry.list_date:
            found.published, found.published_from = entry.list_date, "list"
        declared = attachment_kind(filename_of(entry.url))
        try:
            got, data = self._get(entry.url, declared, "html" if declared is None else declared)
        except HostStopped:
            raise
        except FetchFailed as exc:
            self._fail(entry.url, exc.reason)
            return
        self.state.update(entry.url, role="report", column=column, title=info.title)
        found.kept.append(got)
        if got.kind == "html":
            rp = self._report_page(found, got, data)
            if info.shortened:  # the list cut the title: the page's own says what it is
                if rp.info is None and not found.documents:
                    return  # not a report after all (a shortened 工作要点…)
                found.title = rp.info.title if rp.info is not None else found.title
        else:
            self._attachment_found(found, got)
        with self._lock:
            self.summary.reports.append(found)
        self._event("report", entry.url)

    def _report_page(
        self, found: FoundReport, page: CollectedFile, data: bytes, depth: int = 0
    ) -> ReportPage:
        ctype = (self.state.get(page.url) or {}).get("content_type")
        rp = parse_report_page(data, page.url, ctype)
        if rp.published and not (depth and found.published_from in ("text", "meta")):
            found.published, found.published_from = rp.published, rp.published_from
        if rp.info is not None:
            found.agency = found.agency or rp.info.agency
            found.year = found.year or rp.info.year
        self.state.update(page.url, published=rp.published, published_from=rp.published_from)
        if rp.has_tables:
            found.documents.append(page)
        for att in rp.attachments:
            prev = self.state.get(att.url)
            kept = self.state.read_bytes(att.url) if prev else None
            if not page.changed and prev is not None and kept is not None and prev.get("path"):
                # the page did not change: its attachments are the ones kept last time
                got = CollectedFile(
                    att.url,
                    self.out / prev["path"],
                    prev.get("kind", att.kind),
                    prev["sha256"],
                    False,
                )
            else:
                try:
                    got, _ = self._get(att.url, att.kind, att.kind, att.name)
                except HostStopped:
                    raise
                except FetchFailed as exc:
                    self._fail(att.url, f"附件「{att.name}」：{exc.reason}")
                    continue
                self.state.update(att.url, role="attachment", page=page.url, name=att.name)
            found.kept.append(got)
            if not rp.has_tables:
                self._attachment_found(found, got, att.name)
        if depth == 0 and not rp.has_tables and not rp.attachments:
            # the report shown in a frame of the page: read that page instead (one level)
            own = [f for f in rp.frames if host_of(f) == host_of(page.url)]
            for frame in own[:MAX_FRAMES]:
                try:
                    got, fdata = self._get(frame, None, "html")
                except HostStopped:
                    raise
                except FetchFailed as exc:
                    self._fail(frame, f"页面内嵌的网页：{exc.reason}")
                    continue
                self.state.update(frame, role="frame", page=page.url)
                found.kept.append(got)
                if got.kind == "html":
                    self._report_page(found, got, fdata, depth + 1)
                else:
                    self._attachment_found(found, got)
        if rp.images and depth == 0 and not found.documents and self._pictures_readable():
            self._archive_pictures(found, page, data, rp.images)
        elif rp.images:
            found.notes.append(
                f"页面中有 {len(rp.images)} 张图片"
                + ("（报告可能以图片发布），未下载、未识别" if not found.documents else "，未下载")
            )
        if (
            depth == 0
            and not found.documents
            and not any(n.startswith("页面中有") for n in found.notes)
            and not any(f.kind in ("doc", "wps") for f in found.kept)
        ):
            found.notes.append("页面中没有找到报告的表格，也没有 PDF/DOCX 附件")
        return rp

    @staticmethod
    def _pictures_readable() -> bool:
        from ..readers.image import image_refusal

        return image_refusal("png") is None

    def _archive_pictures(
        self, found: FoundReport, page: CollectedFile, data: bytes, images: list[str]
    ) -> None:
        """A report page whose tables are pictures (no table, no attachment): its pictures
        fetched (at most ``MAX_PICTURES``) and kept with the page as one web archive
        (MHTML), which is the report's document: reading it recognises the pictures by OCR
        and puts them where they stood on the page."""
        pictures: list[tuple[str, bytes]] = []
        changed = page.changed
        for url in images[:MAX_PICTURES]:
            try:
                got, body = self._get(url, "image", "image")
            except HostStopped:
                raise
            except FetchFailed as exc:
                self._fail(url, f"页面中的图片：{exc.reason}")
                continue
            self.state.update(url, role="picture", page=page.url)
            found.kept.append(got)
            if got.kind == "image":
                pictures.append((url, body))
                changed = changed or got.changed
        if not pictures:
            found.notes.append(f"页面中有 {len(images)} 张图片（报告可能以图片发布），未能下载")
            return
        from ..readers.mhtml import make_mhtml

        archive = make_mhtml(page.url, data, pictures)
        sha = hashlib.sha256(archive).hexdigest()
        rel = storage_name(page.url, page.path.stem.rsplit("-", 1)[0], sha, ".mhtml")
        target = self.out / rel
        if not target.exists():
            from ..writing.writer import write_report

            write_report(archive, target)
        found.kept.append(CollectedFile(page.url, target, "mhtml", sha, changed))
        found.documents.append(found.kept[-1])
        more = (
            f"（共 {len(images)} 张，只取前 {MAX_PICTURES} 张）"
            if len(images) > MAX_PICTURES
            else ""
        )
        found.notes.append(
            f"报告以图片发布：页面和其中 {len(pictures)} 张图片{more}已存为网页存档"
            f"（{target.name}），读取时用文字识别（OCR）识别图片"
        )

    def _attachment_found(self, found: FoundReport, got: CollectedFile, name: str = "") -> None:
        label = f"附件「{name}」" if name else "文件"
        if got.kind in ("pdf", "docx"):
            found.documents.append(got)
        elif got.kind in ("doc", "wps"):
            from ..readers.dispatch import office_refusal

            reason = office_refusal(got.path.read_bytes(), "ole")
            if reason is None:  # a Word file, and LibreOffice here to convert it
                found.documents.append(got)
            else:
                found.notes.append(
                    f"{label}是 {KIND_ZH[got.kind]} 格式，已保存原文件（{got.path.name}），"
                    f"暂不能读取。{reason.rstrip('。')}"
                )
        elif got.kind == "html" and name:
            self._fail(got.url, f"{label}不是 PDF/DOCX 文件：服务器返回了一个网页")
        elif got.kind == "image":
            found.notes.append(f"{label}是图片，已保存，未识别")
        else:
            found.notes.append(f"{label}的格式无法识别，已保存原文件（{got.path.name}）")

    # ------------------------------------------------------------------ the run
    def run(self, columns: Sequence[str]) -> CollectSummary:
        import time

        start = time.perf_counter()
        columns = list(dict.fromkeys(columns))
        self.summary.columns = columns
        by_host: dict[str, list[str]] = {}
        for c in columns:
            by_host.setdefault(host_of(c), []).append(c)

        def host_job(cols: Iterable[str]) -> None:
            for c in cols:
                try:
                    self._column(c)
                except Cancelled:
                    return
                except Exception as exc:  # a bug on one site must not stop the others
                    self._fail(c, f"收集时发生内部错误（{type(exc).__name__}）：{exc}")
                self._event("column", c)

        try:
            workers = max(1, min(self.options.parallel_hosts, len(by_host)))
            if workers == 1:
                for cols in by_host.values():
                    host_job(cols)
            else:
                pool = ThreadPoolExecutor(max_workers=workers)
                futures = [pool.submit(host_job, cols) for cols in by_host.values()]
                try:
                    for fut in futures:
                        fut.result()
                except BaseException:  # Ctrl-C: the threads stop at their next request
                    self.fetcher.cancel()
                    raise
                finally:
                    pool.shutdown(wait=True, cancel_futures=True)
        finally:
            self.state.flush()
            if self._own_fetcher:
                self.fetcher.close()
        for key, h in sorted(self.fetcher.hosts().items()):
            self.summary.hosts.append(
                HostSummary(key, h.requests, h.downloaded, h.not_modified, h.stopped)
            )
        self.summary.reports.sort(key=lambda r: (r.agency or "", r.year or 0, r.url))
        self.summary.seconds = time.perf_counter() - start
        self._write_sidecars()
        return self.summary

    def _write_sidecars(self) -> None:
        """Beside every document to be read, ``<file>.json``: its URL, the page it came
        from, the page's publication date and the HTTP headers kept (``nianbao ingest``
        passes over .json files)."""
        for rep, doc in self.summary.documents():
            rec = self.state.get(doc.url) or {}
            side = {
                "url": doc.url,
                "page": rep.url,
                "title": rep.title,
                "agency": rep.agency,
                "year": rep.year,
                "published": rep.published,
                "published_from": rep.published_from,
                "fetched_at": rec.get("fetched_at"),
                "checked_at": rec.get("checked_at"),
                "etag": rec.get("etag"),
                "last_modified": rec.get("last_modified"),
                "content_type": rec.get("content_type"),
                "sha256": doc.sha256,
            }
            path = doc.path.with_name(doc.path.name + ".json")
            body = json.dumps(side, ensure_ascii=False, indent=1).encode("utf-8")
            try:
                if not path.exists() or path.read_bytes() != body:
                    from ..writing.writer import write_report

                    write_report(body, path)
            except OSError as exc:
                self._fail(doc.url, f"无法写入说明文件 {path}：{exc.strerror or exc}")


def collect(
    columns: Sequence[str],
    out: str | os.PathLike[str] = "collected",
    *,
    fetch: FetchOptions | None = None,
    fetcher: Fetcher | None = None,
    on_event: Callable[[str, str], None] | None = None,
    **options: Any,
) -> CollectSummary:
    """Collect the reports of the 年报 columns at ``columns`` into ``out``."""
    opts = CollectOptions(out=Path(out), fetch=fetch or FetchOptions(), **options)
    return Collector(opts, fetcher=fetcher, on_event=on_event).run(columns)
