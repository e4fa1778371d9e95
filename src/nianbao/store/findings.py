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

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from ..report import Finding, Report
from .db import among
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
    _replace_many(session, origin, [(report_id, findings, report, prev, prev_report_id)])


# (report id, its findings of the origin, the report, its year − 1 report and that one's id)
Replacement = tuple[int, Sequence[Finding], Report, Report | None, int | None]
_UPDATE_FOUND_AGAIN = (
    update(T_FIND)
    .where(T_FIND.c.id == bindparam("b_id"))
    .values(
        {
            c: bindparam(f"b_{c}", type_=T_FIND.c[c].type)
            for c in (
                "prev_report_id",
                "rule",
                "severity",
                "cells",
                "message",
                "expected",
                "actual",
                "assumed_zero",
                "evidence",
                "values_digest",
                "status",
                "note",
                "decided_at",
            )
        }
    )
)


def _replace_many(session: Session, origin: str, items: Sequence[Replacement]) -> None:
    """``_replace_findings`` of several reports: their findings read in one statement,
    those found again updated in one executemany, those gone deleted in one, the new
    ones inserted together."""
    conn = session.connection()
    existing: dict[int, dict[str, list[Any]]] = {}
    ids = sorted({item[0] for item in items})
    for start in range(0, len(ids), 500):
        for row in conn.execute(
            select(
                T_FIND.c.id,
                T_FIND.c.report_id,
                T_FIND.c.fingerprint,
                T_FIND.c.values_digest,
                T_FIND.c.status,
                T_FIND.c.note,
                T_FIND.c.decided_at,
            )
            .where(
                among(conn.dialect, T_FIND.c.report_id, ids[start : start + 500]),
                T_FIND.c.origin == origin,
            )
            .order_by(T_FIND.c.id)
        ).all():
            existing.setdefault(row.report_id, {}).setdefault(row.fingerprint, []).append(row)
    updates: list[dict[str, Any]] = []
    gone: list[int] = []
    rows: list[dict[str, Any]] = []
    now = datetime.now(UTC)
    for report_id, found, report, prev, prev_report_id in items:
        mine = existing.pop(report_id, {})
        for f in found:
            digest = finding_digest(f, report, prev)
            was = mine.get(f.fingerprint)
            if not was:
                rows.append(_row(report_id, origin, prev_report_id, f, digest, now))
                continue
            row = was.pop(0)
            same = row.values_digest == digest
            columns = finding_columns(f, digest)
            updates.append(
                {
                    "b_id": row.id,
                    "b_prev_report_id": prev_report_id,
                    **{f"b_{k}": v for k, v in columns.items() if k != "fingerprint"},
                    "b_status": row.status if same else "open",
                    "b_note": row.note if same else None,
                    "b_decided_at": row.decided_at if same else None,
                }
            )
        gone.extend(r.id for was in mine.values() for r in was)
    if updates:
        conn.execute(_UPDATE_FOUND_AGAIN, updates)
    for start in range(0, len(gone), 500):
        conn.execute(
            delete(T_FIND).where(among(conn.dialect, T_FIND.c.id, gone[start : start + 500]))
        )
    if rows:
        conn.execute(_INSERT_FINDINGS, rows)


def _row(
    report_id: int,
    origin: str,
    prev_report_id: int | None,
    f: Finding,
    digest: str,
    now: datetime,
    decision: tuple[Any, Any, Any] = ("open", None, None),
) -> dict[str, Any]:
    """A finding's row (``decision``: its status, note and when it was decided)."""
    status, note, decided_at = decision
    return {
        "report_id": report_id,
        "origin": origin,
        "prev_report_id": prev_report_id,
        **finding_columns(f, digest),
        "status": status,
        "note": note,
        "decided_at": decided_at,
        "created_at": now,
    }


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
            _row(report_id, origin, prev_report_id, f, digest, now, (status, note, decided_at))
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
    _recount_many(session, [report_id])


def _recount_many(session: Session, report_ids: Sequence[int]) -> None:
    """Set the reports' counts of findings by severity from their stored findings."""
    conn = session.connection()
    ids = sorted(set(report_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        counts: dict[int, dict[str, int]] = {rid: {} for rid in chunk}
        for rid, severity, n in conn.execute(
            select(T_FIND.c.report_id, T_FIND.c.severity, func.count())
            .where(among(conn.dialect, T_FIND.c.report_id, chunk))
            .group_by(T_FIND.c.report_id, T_FIND.c.severity)
        ).all():
            counts[rid][severity] = n
        conn.execute(
            _SET_COUNTS,
            [
                {
                    "b_id": rid,
                    "b_errors": c.get("error", 0),
                    "b_warnings": c.get("warning", 0),
                    "b_infos": c.get("info", 0),
                }
                for rid, c in counts.items()
            ],
        )


_SET_COUNTS = (
    update(T_REP)
    .where(T_REP.c.id == bindparam("b_id"))
    .values(
        n_errors=bindparam("b_errors"),
        n_warnings=bindparam("b_warnings"),
        n_infos=bindparam("b_infos"),
    )
)
