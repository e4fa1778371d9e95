"""Click commands that curate the store: ``agencies`` (``list``, ``alias A B``), ``review``
and ``check-store`` (group J on demand; ``run_store_check`` is what ``check --db`` calls).

Re-exported by ``nianbao.cli.store``, where the main group finds them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

import click
from rich.table import Table

from ..store.display import KIND_ZH, STATUS_ZH
from .common import _console, _errors, _findings_table, _open, db_option

__all__ = ["agencies", "review", "check_store", "run_store_check"]


# ------------------------------------------------------------------ agencies
@click.group("agencies")
def agencies() -> None:
    """机关名称与别名：让同一机关各年度的报告对得上。"""


@agencies.command("list")
@db_option
def agencies_list(db: str | None) -> None:
    """列出机关、它的名称和别名、报告数量。"""
    from sqlalchemy.orm import Session

    from ..store.queries import list_agencies

    with _errors():
        engine = _open(db)
        with Session(engine) as s:
            rows = list_agencies(s)
            t = Table(title=f"机关（{len(rows)} 个）")
            for h in ("编号", "名称", "报告中的写法与别名", "类型", "报告数"):
                t.add_column(h, overflow="fold")
            for ag, names, n in rows:
                t.add_row(
                    str(ag.id), ag.name, "、".join(names), KIND_ZH.get(ag.kind, ag.kind), str(n)
                )
    _console().print(t)


@agencies.command("alias")
@click.argument("alias")
@click.argument("target")
@db_option
def agencies_alias(alias: str, target: str, db: str | None) -> None:
    """把名称 ALIAS 记为已有机关 TARGET 的别名（两者的报告合并为同一机关）。

    TARGET 必须是库中已有的机关（名称、别名或编号）：写错的名称会被拒绝并提示相近的机关，
    不会新建机关。

    Example: nianbao agencies alias 青岚县政府办 青岚县人民政府办公室
    """
    from sqlalchemy import select

    from ..store.agencies import add_alias
    from ..store.db import session_scope, write_engine
    from ..store.ingest import recheck_cross_year
    from ..store.models import StoredReport

    with _errors():
        engine = _open(db)
        with session_scope(write_engine(engine)) as s:
            agency, moved = add_alias(s, alias, target)
            ids = list(
                s.scalars(select(StoredReport.id).where(StoredReport.agency_id == agency.id))
            )
            for rid in ids:
                recheck_cross_year(s, rid)
            name = agency.name
    _console().print(
        f"已将“{alias}”记为“{name}”的别名；合并报告 {moved} 份，重新做跨年度检查 {len(ids)} 份。"
    )


# ------------------------------------------------------------------ review / check
@click.command("review")
@click.argument("finding_ids", type=int, nargs=-1, required=True)
@click.option(
    "--status",
    type=click.Choice(["open", "confirmed", "dismissed"]),
    required=True,
    help="open 待审核 / confirmed 已确认 / dismissed 已排除。",
)
@click.option("--note", default=None, help="审核意见。")
@click.option("--user", default=None, help="审核人（记入审核记录；默认为当前系统用户名）。")
@db_option
def review(
    finding_ids: tuple[int, ...], status: str, note: str | None, user: str | None, db: str | None
) -> None:
    """记录审核人员对问题的处理，可一次处理多个问题；每项处理连同审核人记入审核记录。

    重新检查后，问题及其数值未变时保留处理意见；报告的新版本沿用同一问题的处理意见。

    Example: nianbao review 12 13 --status dismissed --note "已与单位核实" --user 张三
    """
    import getpass

    from ..store.db import session_scope, write_engine
    from ..store.queries import NotFound
    from ..store.review import decide_findings

    if user is None:
        try:
            user = getpass.getuser()
        except Exception:  # noqa: BLE001 - no user name in this environment
            user = None
    with _errors():
        engine = _open(db)
        try:
            with session_scope(write_engine(engine)) as s:
                decide_findings(s, list(finding_ids), status, note, user)
        except NotFound as exc:
            raise click.ClickException(str(exc)) from exc
    ids = "、".join(map(str, dict.fromkeys(finding_ids)))
    _console().print(f"问题 {ids} 已标记为“{STATUS_ZH[status]}”。")


def run_store_check(
    db: str | None,
    agency: str | None = None,
    year: tuple[int, ...] | list[int] | int | None = None,
    echo: Callable[[str], None] | None = None,
) -> tuple[int, list[Any]]:
    """Re-run the cross-year checks (group J) on the stored reports matching the filters;
    returns (reports checked, their cross-year findings as stored rows)."""
    from sqlalchemy.orm import Session

    from ..store.db import session_scope, write_engine
    from ..store.ingest import recheck_cross_year
    from ..store.queries import list_reports, report_findings

    engine = _open(db)
    with Session(engine) as s:
        ids = [r.id for r in list_reports(s, agency, year)]
    for rid in ids:
        with session_scope(write_engine(engine)) as s:
            recheck_cross_year(s, rid)
    found: list[Any] = []
    with Session(engine, expire_on_commit=False) as s:
        for rid in ids:
            for f in report_findings(s, rid, origin="cross"):
                s.expunge(f)
                found.append(f)
    engine.dispose()
    if echo:
        echo(f"已对 {len(ids)} 份报告做跨年度检查，发现问题 {len(found)} 个。")
    return len(ids), found


@click.command("check-store")
@click.option("--agency", "-a", default=None)
@click.option("--year", "-y", type=int, multiple=True)
@db_option
def check_store(agency: str | None, year: tuple[int, ...], db: str | None) -> None:
    """对库中的报告重新做跨年度检查（与上一年度报告比较）。

    Example: nianbao check-store --db corpus.db --year 2024
    """
    console = _console()
    with _errors():
        n, found = run_store_check(db, agency, year or None)
    console.print(f"已对 {n} 份报告做跨年度检查，发现问题 {len(found)} 个。")
    if found:
        console.print(_findings_table(found, "跨年度检查发现的问题"))
    if any(f.severity == "error" for f in found):
        sys.exit(1)


# The subcommands live in their group only: a loader that adds every click command found
# in this module must not make ``list``/``alias`` top-level commands.
del agencies_list, agencies_alias
