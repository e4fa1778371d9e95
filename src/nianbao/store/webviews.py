"""Small read-only queries the web app's spring-review pages need beyond the roster,
review, versions and letters modules: the choices of the review queue's filters, the
roster as a table with aliases, parents and report counts, and an agency's edit form.

They take an open session and change nothing.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, func, select
from sqlalchemy.orm import Session

from .models import Agency, AgencyAlias, RosterEntry, StoredFinding, StoredReport
from .versions import current_filter

__all__ = ["queue_choices", "roster_table", "agency_form", "has_roster", "report_years"]


def has_roster(session: Session) -> bool:
    return session.scalar(select(RosterEntry.id).limit(1)) is not None


def report_years(session: Session) -> list[int]:
    """The years of the current reports, newest first."""
    years = session.scalars(
        select(StoredReport.year).where(StoredReport.year.is_not(None), current_filter()).distinct()
    )
    return sorted((y for y in years if y is not None), reverse=True)


def queue_choices(session: Session) -> dict[str, Any]:
    """What the review queue's filters offer: the rules with findings on current reports
    (with how many are still open), the years, and the roster's regions."""
    rows = session.execute(
        select(
            StoredFinding.rule,
            func.count(),
            func.sum((StoredFinding.status == "open").cast(Integer)),
        )
        .join(StoredReport, StoredReport.id == StoredFinding.report_id)
        .where(current_filter())
        .group_by(StoredFinding.rule)
        .order_by(StoredFinding.rule)
    )
    rules = [{"rule": r, "total": int(n), "open": int(o or 0)} for r, n, o in rows]
    regions = sorted(r for r in session.scalars(select(RosterEntry.region).distinct()) if r)
    return {"rules": rules, "years": report_years(session), "regions": regions}


def roster_table(session: Session, region: str | None = None) -> list[dict[str, Any]]:
    """The roster's agencies with their parent's name, their aliases (other than the
    name) and the number of their current reports, by region then order of import."""
    q = select(RosterEntry, Agency).join(Agency, Agency.id == RosterEntry.agency_id)
    if region:
        q = q.where(RosterEntry.region.contains(region))
    pairs = list(session.execute(q.order_by(RosterEntry.region, RosterEntry.id)))
    ids = [a.id for _, a in pairs]
    aliases: dict[int, list[str]] = {}
    counts: dict[int, int] = {}
    parents: dict[int, str] = {}
    if ids:
        for aid, name in session.execute(
            select(AgencyAlias.agency_id, AgencyAlias.name)
            .where(AgencyAlias.agency_id.in_(ids), AgencyAlias.source.in_(("user", "name")))
            .order_by(AgencyAlias.id)
        ):
            aliases.setdefault(aid, [])
            if name not in aliases[aid]:
                aliases[aid].append(name)
        counts = {
            int(aid): int(n)
            for aid, n in session.execute(
                select(StoredReport.agency_id, func.count())
                .where(StoredReport.agency_id.in_(ids), current_filter())
                .group_by(StoredReport.agency_id)
            )
            if aid is not None
        }
        pids = {a.parent_id for _, a in pairs if a.parent_id is not None}
        if pids:
            parents = {
                int(pid): str(pname)
                for pid, pname in session.execute(
                    select(Agency.id, Agency.name).where(Agency.id.in_(pids))
                )
            }
    out = []
    for e, a in pairs:
        out.append(
            {
                "entry": e,
                "agency": a,
                "parent": parents.get(a.parent_id) if a.parent_id is not None else None,
                "aliases": [n for n in aliases.get(a.id, []) if n != a.name],
                "reports": counts.get(a.id, 0),
            }
        )
    return out


def agency_form(session: Session, agency_id: int) -> dict[str, Any] | None:
    """An agency with what its edit form shows: roster entry, parent, aliases, the other
    agencies (for the parent choice). None when there is no such agency."""
    ag = session.get(Agency, agency_id)
    if ag is None:
        return None
    entry = session.scalar(select(RosterEntry).where(RosterEntry.agency_id == ag.id))
    parent = None if ag.parent_id is None else session.get(Agency, ag.parent_id)
    aliases = [
        n
        for n in dict.fromkeys(
            session.scalars(
                select(AgencyAlias.name)
                .where(AgencyAlias.agency_id == ag.id, AgencyAlias.source.in_(("user", "name")))
                .order_by(AgencyAlias.id)
            )
        )
        if n != ag.name
    ]
    others = list(
        session.execute(
            select(Agency.id, Agency.name)
            .join(RosterEntry, RosterEntry.agency_id == Agency.id)
            .where(Agency.id != ag.id)
            .order_by(RosterEntry.region, RosterEntry.id)
        )
    )
    return {"agency": ag, "entry": entry, "parent": parent, "aliases": aliases, "others": others}
