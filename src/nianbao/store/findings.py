"""A stored report's findings: written with the decisions that still apply (same
fingerprint and values), carried to a new version, counted. Core statements on the
session's connection (same transaction): the ORM unit of work costs more than the rest of
an ingest together."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from ..report import Finding, Report
from .models import T_FIND, T_REP
from .outcome import _jsonable

__all__ = ["finding_digest"]

_INSERT_FINDINGS = insert(T_FIND)
Decisions = dict[tuple[str, str], tuple[Any, Any, Any]]


def finding_digest(f: Finding, report: Report, prev: Report | None = None) -> str:
    """What a finding was about: its cells' values and raw text (and the prev report's
    cells it cites), expected, actual. A decision is kept while this does not change."""
    cells: dict[str, Any] = {}
    for cid in f.cells:
        if cid.startswith("prev.") and prev is not None:
            cells[cid] = [prev.get(cid[5:]), prev.raw(cid[5:])]
        else:
            cells[cid] = [report.get(cid), report.raw(cid)]
    basis = json.dumps(
        _jsonable([cells, f.expected, f.actual, f.evidence]), ensure_ascii=False, sort_keys=True
    )
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


def _decisions(session: Session, report_id: int, origin: str) -> Decisions:
    rows = session.connection().execute(
        select(
            T_FIND.c.fingerprint,
            T_FIND.c.values_digest,
            T_FIND.c.status,
            T_FIND.c.note,
            T_FIND.c.decided_at,
        ).where(
            T_FIND.c.report_id == report_id,
            T_FIND.c.origin == origin,
            (T_FIND.c.status != "open") | T_FIND.c.note.is_not(None),
        )
    )
    return {(fp, dg): (st, note, at) for fp, dg, st, note, at in rows}


def _replace_findings(
    session: Session,
    report_id: int,
    origin: str,
    findings: Sequence[Finding],
    report: Report,
    prev: Report | None = None,
    prev_report_id: int | None = None,
) -> None:
    """Replace a report's findings of one origin, keeping decisions that still apply.
    A finding found again (same fingerprint) keeps its row and so its id: review links
    stay valid across re-checks; only findings that are gone are deleted."""
    conn = session.connection()
    existing: dict[str, list[Any]] = {}
    for row in conn.execute(
        select(
            T_FIND.c.id,
            T_FIND.c.fingerprint,
            T_FIND.c.values_digest,
            T_FIND.c.status,
            T_FIND.c.note,
            T_FIND.c.decided_at,
        )
        .where(T_FIND.c.report_id == report_id, T_FIND.c.origin == origin)
        .order_by(T_FIND.c.id)
    ):
        existing.setdefault(row.fingerprint, []).append(row)
    fresh: list[Finding] = []
    for f in findings:
        rows = existing.get(f.fingerprint)
        if not rows:
            fresh.append(f)
            continue
        row = rows.pop(0)
        digest = finding_digest(f, report, prev)
        same = row.values_digest == digest
        conn.execute(
            update(T_FIND)
            .where(T_FIND.c.id == row.id)
            .values(
                prev_report_id=prev_report_id,
                rule=f.rule,
                severity=f.severity,
                cells=list(f.cells),
                message=f.message,
                expected=_jsonable(f.expected),
                actual=_jsonable(f.actual),
                assumed_zero=list(f.assumed_zero),
                evidence=_jsonable(f.evidence),
                values_digest=digest,
                status=row.status if same else "open",
                note=row.note if same else None,
                decided_at=row.decided_at if same else None,
            )
        )
    gone = [r.id for rows in existing.values() for r in rows]
    if gone:
        conn.execute(delete(T_FIND).where(T_FIND.c.id.in_(gone)))
    _insert_findings(session, report_id, origin, fresh, report, prev, prev_report_id, {})


def finding_columns(f: Finding, digest: str) -> dict[str, Any]:
    """A finding's columns that do not depend on where it is stored (``digest``: its
    ``finding_digest``)."""
    return {
        "rule": f.rule,
        "severity": f.severity,
        "cells": list(f.cells),
        "message": f.message,
        "expected": _jsonable(f.expected),
        "actual": _jsonable(f.actual),
        "assumed_zero": list(f.assumed_zero),
        "evidence": _jsonable(f.evidence),
        "fingerprint": f.fingerprint,
        "values_digest": digest,
    }


def _insert_findings(
    session: Session,
    report_id: int,
    origin: str,
    findings: Sequence[Finding],
    report: Report,
    prev: Report | None,
    prev_report_id: int | None,
    kept: Decisions,
    carried: dict[str, tuple[Any, Any, Any]] | None = None,
) -> int:
    """Insert findings; decisions from ``kept`` (same fingerprint and values) or else
    ``carried`` (the previous version's, by fingerprint). Returns how many carried."""
    if not findings:
        return 0
    now = datetime.now(UTC)
    rows = []
    n_carried = 0
    for f in findings:
        digest = finding_digest(f, report, prev)
        status, note, decided_at = kept.get((f.fingerprint, digest), ("open", None, None))
        if status == "open" and note is None and carried and f.fingerprint in carried:
            status, note, decided_at = carried[f.fingerprint]
            n_carried += 1
        rows.append(
            {
                "report_id": report_id,
                "origin": origin,
                "prev_report_id": prev_report_id,
                **finding_columns(f, digest),
                "status": status,
                "note": note,
                "decided_at": decided_at,
                "created_at": now,
            }
        )
    session.connection().execute(_INSERT_FINDINGS, rows)
    return n_carried


def _version_decisions(session: Session, report_id: int) -> dict[str, tuple[Any, Any, Any]]:
    """The decisions on a report's findings by fingerprint (for its next version)."""
    rows = session.connection().execute(
        select(T_FIND.c.fingerprint, T_FIND.c.status, T_FIND.c.note, T_FIND.c.decided_at)
        .where(
            T_FIND.c.report_id == report_id,
            (T_FIND.c.status != "open") | T_FIND.c.note.is_not(None),
        )
        .order_by(T_FIND.c.id)
    )
    return {fp: (st, note, at) for fp, st, note, at in rows}


def _counts(findings: Iterable[Finding]) -> dict[str, int]:
    sev = [f.severity for f in findings]
    return {
        "n_errors": sev.count("error"),
        "n_warnings": sev.count("warning"),
        "n_infos": sev.count("info"),
    }


def _recount(session: Session, report_id: int) -> None:
    conn = session.connection()
    counts: dict[str, int] = dict(
        conn.execute(
            select(T_FIND.c.severity, func.count())
            .where(T_FIND.c.report_id == report_id)
            .group_by(T_FIND.c.severity)
        ).all()
    )
    conn.execute(
        update(T_REP)
        .where(T_REP.c.id == report_id)
        .values(
            n_errors=counts.get("error", 0),
            n_warnings=counts.get("warning", 0),
            n_infos=counts.get("info", 0),
        )
    )
