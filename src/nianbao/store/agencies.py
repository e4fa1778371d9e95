"""Agency identity: normalised names and the alias table.

``name_keys(name)`` gives the keys a name can be matched on, longest first: the full
normalised name, then the name without each leading administrative division for as long as
the rest still names a body of a lower division (江苏省淮安市X区人民政府 -> 淮安市X区人民政府 ->
X区人民政府). A report resolves to the agency of its longest key known in the alias table;
a shorter key only matches an agency whose names are compatible (one ends with the other),
and a short key claimed by two incompatible agencies is ambiguous and matches nobody.
人民政府 and 人民政府办公室 stay different agencies: they publish separate reports.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..errors import UnknownAgency
from .display import canon_level
from .models import Agency, AgencyAlias, StoredReport

__all__ = [
    "normalize_name",
    "name_keys",
    "guess_kind",
    "resolve_agency",
    "find_agency",
    "add_alias",
    "require_agency",
    "suggest_agencies",
    "refresh_name",
    "current_report",
]

_CJK = "\u3400-\u9fff"
# A leading division and what must follow it for the prefix to be dropped.
_UPPER_SUFFIXES = ("特别行政区", "自治区", "自治州", "省", "市", "州", "盟", "地区")
_COUNTY_SUFFIXES = ("自治县", "自治旗", "区", "县", "旗", "市")
_DIVISION_CHARS = "省市州盟县区旗"
# A body of a county-level (or lower prefecture-level) division: a place name, its
# division word, then the body's own words.
_LOWER_PLACE = re.compile(
    rf"^(?P<name>[{_CJK}]{{1,10}}?)(?P<suffix>自治县|自治旗|自治州|新区|林区|特区|区|县|旗|市|州|盟)(?P<body>[{_CJK}].*)$"
)
_TOWNSHIP_PLACE = re.compile(rf"^[{_CJK}]{{1,10}}?(?:街道|镇|乡)[{_CJK}]*$")
_BARE_PLACE = re.compile(
    rf"^[{_CJK}]{{1,10}}(?:特别行政区|自治区|自治州|自治县|自治旗|省|市|州|盟|县|区|旗)$"
)
_SHORT_GOVERNMENT = re.compile(r"(?<=[省市州盟县区旗镇乡])政府")
_KEEP = re.compile(rf"[^{_CJK}0-9A-Za-z]")


@lru_cache(maxsize=1)
def _t2s() -> Callable[[str], str]:
    try:
        import opencc

        return opencc.OpenCC("t2s").convert
    except Exception:  # pragma: no cover - opencc is a core dependency
        return lambda s: s


@lru_cache(maxsize=4096)
def normalize_name(name: str) -> str:
    """Simplified script, NFKC, no spaces or punctuation; 区政府 -> 区人民政府 and a bare
    place name (汉阴县) -> its 人民政府, which is what such a title means."""
    text = _t2s()(unicodedata.normalize("NFKC", name or ""))
    text = _KEEP.sub("", text)
    text = _SHORT_GOVERNMENT.sub("人民政府", text).replace("人民人民政府", "人民政府")
    if _BARE_PLACE.match(text):
        text += "人民政府"
    return text


def _names_lower_body(rest: str, township: bool) -> bool:
    if township:
        return bool(_TOWNSHIP_PLACE.match(rest))
    m = _LOWER_PLACE.match(rest)
    if not m:
        return False
    # one-character place names are counties (泾县); elsewhere a single character before
    # 市/区 is part of a word (城市管理局), not a place
    return len(m.group("name")) >= 2 or m.group("suffix") == "县"


def _strip_division(key: str) -> str | None:
    """``key`` without its leading division, when what is left names a lower body."""
    for end in range(2, min(len(key) - 1, 14)):
        div, rest = key[:end], key[end:]
        if rest[0] in _DIVISION_CHARS:  # 苏州|市…: the division word goes on
            continue
        if div.endswith(_UPPER_SUFFIXES) and _names_lower_body(rest, township=False):
            return rest
        if div.endswith(_COUNTY_SUFFIXES) and _names_lower_body(rest, township=True):
            return rest
    return None


@lru_cache(maxsize=4096)
def name_keys(name: str) -> tuple[str, ...]:
    """The keys of a name, longest (the full normalised name) first."""
    key = normalize_name(name)
    if not key:
        return ()
    keys = [key]
    while (shorter := _strip_division(keys[-1])) is not None and shorter not in keys:
        keys.append(shorter)
    return tuple(keys)


def guess_kind(key: str) -> str:
    """government / department / township / unknown, from a normalised name."""
    if re.search(r"(街道办事处|街道|[镇乡]人民政府)$", key):
        return "township"
    if key.endswith("人民政府"):
        return "government"
    if re.search(r"(办公室|办公厅|局|委员会|委|办|厅|中心|院|署|处)$", key):
        return "department"
    return "unknown"


def _compatible(a: str, b: str) -> bool:
    return a.endswith(b) or b.endswith(a)


def _agency_names(session: Session, agency_id: int) -> list[str]:
    rows = session.scalars(
        select(AgencyAlias.alias_key).where(
            AgencyAlias.agency_id == agency_id, AgencyAlias.source.in_(("name", "user"))
        )
    )
    return list(rows)


def _aliases(session: Session, keys: tuple[str, ...]) -> dict[str, AgencyAlias]:
    return {
        a.alias_key: a
        for a in session.scalars(select(AgencyAlias).where(AgencyAlias.alias_key.in_(keys)))
    }


def _lookup(session: Session, keys: tuple[str, ...], aliases: dict[str, AgencyAlias]) -> int | None:
    for i, key in enumerate(keys):
        alias = aliases.get(key)
        if alias is None or alias.ambiguous:
            continue
        if i == 0 or alias.source in ("name", "user"):
            return alias.agency_id
        # a shorter key: only for an agency whose own names fit this one
        if any(_compatible(keys[0], n) for n in _agency_names(session, alias.agency_id)):
            return alias.agency_id
    return None


def find_agency(session: Session, name: str) -> Agency | None:
    """The agency a name resolves to, without creating anything."""
    keys = name_keys(name)
    if not keys:
        return None
    agency_id = _lookup(session, keys, _aliases(session, keys))
    return None if agency_id is None else session.get(Agency, agency_id)


def _claim(
    session: Session,
    key: str,
    agency: Agency,
    name: str,
    source: str,
    existing: AgencyAlias | None,
) -> None:
    if existing is None:
        session.add(
            AgencyAlias(
                alias_key=key, agency_id=agency.id, name=name[:200], source=source, ambiguous=False
            )
        )
        return
    if existing.agency_id == agency.id:
        if source == "name" and existing.source == "short":
            existing.source = "name"  # a report used it as its full name
        return
    if existing.source in ("name", "user"):
        return
    # a short key now claimed by a second agency: compatible names share it, others make
    # it ambiguous
    names = _agency_names(session, existing.agency_id)
    if not any(_compatible(name_keys(name)[0], n) for n in names):
        existing.ambiguous = True


def resolve_agency(
    session: Session, name: str | None, kind: str | None = None, level: str | None = None
) -> Agency | None:
    """The agency of a report's ``meta.agency``, created (with its keys) when new."""
    if not name or not name_keys(name):
        return None
    keys = name_keys(name)
    aliases = _aliases(session, keys)
    agency_id = _lookup(session, keys, aliases)
    agency = None if agency_id is None else session.get(Agency, agency_id)
    now = datetime.now(UTC)
    level = canon_level(level)
    if agency is None:
        agency = Agency(
            key=keys[0],
            name=name.strip()[:200],
            kind=kind if kind and kind != "unknown" else guess_kind(keys[0]),
            level=level or "unknown",
            created_at=now,
        )
        if len(keys) > 1:
            parent_key = normalize_name(keys[0][: len(keys[0]) - len(keys[1])])
            parent = session.scalar(select(Agency).where(Agency.key == parent_key))
            agency.parent_id = None if parent is None else parent.id
        session.add(agency)
        session.flush()
    else:
        if agency.level == "unknown" and level and level != "unknown":
            agency.level = level
        if agency.kind == "unknown" and kind and kind != "unknown":
            agency.kind = kind
    for i, key in enumerate(keys):
        _claim(session, key, agency, name, "name" if i == 0 else "short", aliases.get(key))
    return agency


def suggest_agencies(session: Session, name: str, limit: int = 5) -> list[str]:
    """Names of known agencies close to ``name`` (for a "did you mean" line)."""
    import difflib

    key = normalize_name(name)
    names = {a.key: a.name for a in session.scalars(select(Agency))}
    close = difflib.get_close_matches(key, list(names), n=limit, cutoff=0.6)
    return [names[k] for k in close]


def require_agency(session: Session, name: str) -> Agency:
    """The agency ``name`` (or an agency id given as digits) resolves to; never creates
    one: an unknown name raises :class:`UnknownAgency` with the closest known names."""
    text = (name or "").strip()
    if text.isdigit():
        found = session.get(Agency, int(text))
        if found is not None:
            return found
    found = find_agency(session, text)
    if found is not None:
        return found
    near = suggest_agencies(session, text)
    hint = (
        f"是否是：{'、'.join(near)}？"
        if near
        else "请先用 nianbao roster import 导入名单，或检查名称。"
    )
    raise UnknownAgency(f"库中没有机关“{text}”。{hint}")


def refresh_name(session: Session, agency_id: int | None) -> None:
    """The agency's canonical name from its reports, whatever order they came in: the name
    most of its current reports use (ties: the longer, then the first in code order).
    A name set by the roster or a rename stays."""
    if agency_id is None:
        return
    agency = session.get(Agency, agency_id)
    if agency is None or agency.name_fixed:
        return
    counts = session.execute(
        select(StoredReport.agency_name, func.count())
        .where(
            StoredReport.agency_id == agency_id,
            StoredReport.agency_name.is_not(None),
            StoredReport.deleted_at.is_(None),
        )
        .group_by(StoredReport.agency_name)
    ).all()
    named = [(n, c) for n, c in counts if n and n.strip()]
    if not named:
        return
    best = min(named, key=lambda nc: (-nc[1], -len(nc[0].strip()), nc[0].strip()))[0].strip()
    if agency.name != best[:200]:
        agency.name = best[:200]


def current_report(session: Session, agency_id: int, year: int) -> StoredReport | None:
    """The current version (neither superseded nor deleted) of an agency's year."""
    return session.scalar(
        select(StoredReport)
        .where(
            StoredReport.agency_id == agency_id,
            StoredReport.year == year,
            StoredReport.superseded_by.is_(None),
            StoredReport.deleted_at.is_(None),
        )
        .order_by(StoredReport.id.desc())
        .limit(1)
    )


def add_alias(session: Session, alias: str, target: str) -> tuple[Agency, int]:
    """Make ``alias`` a name of the agency ``target`` resolves to, which must exist (a
    mistyped target raises :class:`UnknownAgency`, it never creates an agency). The agency
    ``alias`` resolved to before is merged into it. Returns the agency and the number of
    reports moved."""
    if not (target or "").strip():
        raise UnknownAgency("目标机关名称为空。")
    target_agency = require_agency(session, target)
    if not name_keys(alias):
        raise UnknownAgency("别名为空。")
    moved = 0
    old = find_agency(session, alias)
    if old is not None and old.id != target_agency.id:
        result: Any = session.execute(
            update(StoredReport)
            .where(StoredReport.agency_id == old.id)
            .values(agency_id=target_agency.id)
        )
        moved = result.rowcount or 0
        session.execute(
            update(AgencyAlias)
            .where(AgencyAlias.agency_id == old.id)
            .values(agency_id=target_agency.id)
        )
        session.execute(
            update(Agency).where(Agency.parent_id == old.id).values(parent_id=target_agency.id)
        )
        session.flush()
        session.delete(old)
        session.flush()
        from .versions import rechain

        years = set(
            session.scalars(
                select(StoredReport.year).where(StoredReport.agency_id == target_agency.id)
            )
        )
        for y in sorted(y for y in years if y is not None):
            rechain(session, target_agency.id, y)
        refresh_name(session, target_agency.id)
    for i, key in enumerate(name_keys(alias)):
        row = session.scalar(select(AgencyAlias).where(AgencyAlias.alias_key == key))
        if row is None:
            session.add(
                AgencyAlias(
                    alias_key=key,
                    agency_id=target_agency.id,
                    name=alias,
                    source="user" if i == 0 else "short",
                    ambiguous=False,
                )
            )
        elif i == 0:
            row.agency_id, row.source, row.ambiguous = target_agency.id, "user", False
    session.flush()
    return target_agency, moved
