"""The web app of nianbao (``nianbao serve``): review, compare and chart stored reports.

``create_app(db_url=None, users_file=None, ...)`` in :mod:`nianbao.web.app` builds the FastAPI
application: server-rendered pages (Jinja2, htmx, ECharts vendored under ``static/vendor``)
and a REST API under ``/api/v1``. This package is a front end: the queries, indicators and
exports are in ``nianbao.store``; :mod:`nianbao.web.services` holds what only the web app
does (uploads and their jobs, re-checks, the review log, source snippets).
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def create_app(*args: Any, **kwargs: Any) -> Any:
    from .app import create_app as _create

    return _create(*args, **kwargs)
