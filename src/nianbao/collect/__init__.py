"""``nianbao collect``: fetch annual reports from the 年报 columns of agencies' websites,
keep the original bytes with where and when they came from, and hand them to the normal
ingest with their URL and the page's publication date.

Modules: ``pages`` (what a page says: entries, pagination, dates, attachments — pure),
``fetch`` (the polite HTTP client: robots.txt, one request at a time per host, conditional
requests, retries, limits; httpx imported lazily), ``state`` (``collect-state.json``, what
was fetched when), ``run`` (the walk and its summary), ``feed`` (into the store's ingest).
"""

from __future__ import annotations

from .fetch import Fetcher, FetchFailed, FetchOptions, HostStopped, user_agent
from .run import (
    CollectedFile,
    CollectOptions,
    Collector,
    CollectSummary,
    FoundReport,
    HostSummary,
    collect,
    read_url_file,
)

__all__ = [
    "collect",
    "Collector",
    "CollectOptions",
    "CollectSummary",
    "CollectedFile",
    "FoundReport",
    "HostSummary",
    "Fetcher",
    "FetchOptions",
    "FetchFailed",
    "HostStopped",
    "read_url_file",
    "user_agent",
]
