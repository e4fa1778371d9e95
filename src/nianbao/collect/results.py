"""What a collection run is told (``CollectOptions``) and what it found: the files kept, the
report entries with their documents, per host the requests made, and the Chinese summary.
Re-exported by ``nianbao.collect.run``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .fetch import FetchOptions

__all__ = ["CollectOptions", "CollectedFile", "FoundReport", "HostSummary", "CollectSummary"]


@dataclass
class CollectOptions:
    out: Path = Path("collected")
    fetch: FetchOptions = field(default_factory=FetchOptions)
    max_list_pages: int = 50  # per column
    parallel_hosts: int = 4  # columns of different hosts fetched at the same time
    years: tuple[int, ...] = ()  # only the entries of these years (all when empty)


@dataclass
class CollectedFile:
    url: str
    path: Path
    kind: str  # html / pdf / docx / doc / wps / image, or mhtml (a page kept with its pictures)
    sha256: str
    changed: bool  # new or different bytes in this run


@dataclass
class FoundReport:
    """A report entry of a column, and what was collected for it."""

    column: str
    url: str  # the report page (or the file the list linked to)
    title: str
    agency: str | None
    year: int | None
    published: str | None = None  # YYYY-MM-DD
    published_from: str | None = None  # text / meta (on the page) / list (beside the link)
    documents: list[CollectedFile] = field(default_factory=list)  # what the ingest reads
    kept: list[CollectedFile] = field(default_factory=list)  # every file kept
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return any(f.changed for f in self.kept)

    def overrides(self, doc: CollectedFile) -> dict[str, Any]:
        """What the report read from ``doc`` gets from the web: its URL, and the page's
        publication date when the page gives one."""
        meta: dict[str, Any] = {"source": doc.url}
        if self.published:
            meta["published"] = self.published
            meta["published_source"] = "page"
        return meta


@dataclass
class HostSummary:
    host: str
    requests: int = 0
    downloaded: int = 0
    not_modified: int = 0
    stopped: str | None = None


@dataclass
class CollectSummary:
    columns: list[str] = field(default_factory=list)
    hosts: list[HostSummary] = field(default_factory=list)
    reports: list[FoundReport] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return sum(h.requests for h in self.hosts)

    def documents(self) -> list[tuple[FoundReport, CollectedFile]]:
        return [(r, d) for r in self.reports for d in r.documents]

    def by_agency_year(self) -> list[tuple[str, int | None, int]]:
        counts: dict[tuple[str, int | None], int] = {}
        for r in self.reports:
            key = (r.agency or "（标题未写明机关）", r.year)
            counts[key] = counts.get(key, 0) + 1
        return sorted(((a, y, n) for (a, y), n in counts.items()), key=lambda t: (t[0], t[1] or 0))

    def lines(self) -> list[str]:
        """The summary in Chinese."""
        reached = [h for h in self.hosts if h.requests]
        out = [
            f"收集栏目 {len(self.columns)} 个，访问网站 {len(reached)} 个，共请求 {self.requests} 次"
            f"（下载 {sum(h.downloaded for h in self.hosts)} 个，未变化 "
            f"{sum(h.not_modified for h in self.hosts)} 个），用时 {self.seconds:.1f} 秒。"
        ]
        for h in self.hosts:
            line = f"  {h.host}：请求 {h.requests} 次，下载 {h.downloaded} 个，未变化 {h.not_modified} 个"
            if h.stopped:
                line += f"；已停止：{h.stopped}"
            out.append(line)
        changed = sum(1 for r in self.reports if r.changed)
        docs = len(self.documents())
        out.append(
            f"找到报告 {len(self.reports)} 份（本次新增或有变化 {changed} 份），可入库的文件 {docs} 个。"
        )
        for agency, year, n in self.by_agency_year():
            out.append(f"  {agency}　{year or '年度不明'}年度：{n} 份")
        notes = [(r, n) for r in self.reports for n in r.notes]
        if notes:
            out.append(f"说明 {len(notes)} 条：")
            for r, note in notes[:50]:
                out.append(f"  {r.title}：{note}")
        out.append(f"失败 {len(self.failures)} 个。" if self.failures else "没有失败的请求。")
        for url, why in self.failures[:50]:
            out.append(f"  {url}：{why}")
        if len(self.failures) > 50:
            out.append(f"  ……另有 {len(self.failures) - 50} 个失败")
        return out
