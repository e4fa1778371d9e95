"""Click commands of the spring review: ``roster`` (import, list, unknown, rename, set,
alias, unpublished), ``versions`` (history, diff, delete, restore, log of a report),
``letter`` (整改通知 DOCX) and ``summary`` (通报 DOCX/XLSX).

Thin front ends over ``nianbao.store.roster``, ``store.versions`` and ``store.letters``;
the web app calls the same store functions.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import click
from rich.table import Table

from ..store.display import KIND_ZH, LEVEL_ZH
from .common import _console, _errors, _open, db_option

__all__ = ["roster", "versions", "letter", "summary", "CAMPAIGN_COMMANDS"]


def _write_session(db: str | None, create: bool = False) -> Any:
    from ..store.db import session_scope, write_engine

    engine = _open(db, create=create)
    return engine, session_scope(write_engine(engine))


# ------------------------------------------------------------------ roster
@click.group("roster")
def roster() -> None:
    """应报机关名单：导入、查看、修改；列出不在名单中的机关。"""


@roster.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@db_option
def roster_import(file: str, db: str | None) -> None:
    """导入应报机关名单（CSV 或 XLSX）。

    至少要有列：机关名称、上级机关、层级、类别、地区；可选：年报栏目网址、别名（多个用“、”分隔）。
    层级：国家级、省级、市级、县级、乡级；类别：人民政府、部门、乡镇街道。
    再次导入同一名单会更新已有机关。

    Example: nianbao roster import 名单.xlsx --db corpus.db
    """
    from ..store.roster import import_roster, read_roster

    with _errors():
        rows = read_roster(file)
        engine, scope = _write_session(db, create=True)
        with scope as s:
            result = import_roster(s, rows)
        engine.dispose()
    out = _console()
    for line in result.lines():
        out.print(line)


@roster.command("list")
@click.option("--region", "-r", default=None, help="只看此地区。")
@db_option
def roster_list(region: str | None, db: str | None) -> None:
    """列出名单中的机关。"""
    from sqlalchemy.orm import Session

    from ..store.roster import roster_rows

    with _errors():
        engine = _open(db)
        with Session(engine) as s:
            rows = roster_rows(s, region)
            t = Table(title=f"应报机关名单（{len(rows)} 个）")
            for h in ("编号", "机关", "地区", "层级", "类别", "上级机关", "年报栏目网址"):
                t.add_column(h, overflow="fold")
            for e, a in rows:
                t.add_row(
                    str(a.id),
                    a.name,
                    e.region,
                    LEVEL_ZH.get(a.level, a.level),
                    KIND_ZH.get(a.kind, a.kind),
                    e.parent_name or "",
                    e.site_url or "",
                )
    _console().print(t)


@roster.command("unknown")
@click.option("--year", "-y", type=int, default=None, help="只看此年度的报告。")
@db_option
def roster_unknown(year: int | None, db: str | None) -> None:
    """列出库中有报告、但不在名单中的机关（可用 roster alias 归入名单机关）。"""
    from sqlalchemy.orm import Session

    from ..store.roster import unknown_agencies

    with _errors():
        engine = _open(db)
        with Session(engine) as s:
            rows = unknown_agencies(s, year)
            t = Table(title=f"不在名单中的机关（{len(rows)} 个）")
            for h in ("编号", "机关", "报告年度", "报告数", "名单中相近的机关"):
                t.add_column(h, overflow="fold")
            for d in rows:
                t.add_row(
                    str(d["agency"].id),
                    d["agency"].name,
                    "、".join(map(str, d["years"])),
                    str(d["reports"]),
                    "、".join(d["suggestions"]),
                )
    out = _console()
    if not rows:
        out.print("库中的报告都属于名单中的机关。")
        return
    out.print(t)
    out.print("如果是名单中机关的另一种写法：nianbao roster alias 写法 名单中的机关名称")


@roster.command("rename")
@click.argument("agency")
@click.argument("new_name")
@db_option
def roster_rename(agency: str, new_name: str, db: str | None) -> None:
    """把机关 AGENCY（名称、别名或编号）改名为 NEW_NAME（旧名称保留为别名）。"""
    from ..store.roster import rename_agency

    with _errors():
        engine, scope = _write_session(db)
        with scope as s:
            ag = rename_agency(s, agency, new_name)
            name, aid = ag.name, ag.id
        engine.dispose()
    _console().print(f"机关 {aid} 已改名为“{name}”。")


@roster.command("set")
@click.argument("agency")
@click.option("--level", default=None, help="层级：国家级、省级、市级、县级、乡级。")
@click.option("--kind", default=None, help="类别：人民政府、部门、乡镇街道。")
@click.option("--parent", default=None, help="上级机关（名称或编号；空字符串表示清除）。")
@click.option("--region", default=None, help="地区。")
@click.option("--url", "site_url", default=None, help="年报栏目网址。")
@db_option
def roster_set(
    agency: str,
    level: str | None,
    kind: str | None,
    parent: str | None,
    region: str | None,
    site_url: str | None,
    db: str | None,
) -> None:
    """修改机关的层级、类别、上级机关、地区或年报栏目网址。

    Example: nianbao roster set 青岚县财政局 --level 县级 --parent 青岚县人民政府
    """
    from ..store.roster import update_agency

    if all(v is None for v in (level, kind, parent, region, site_url)):
        raise click.UsageError(
            "请至少给出一项要修改的内容（--level、--kind、--parent、--region、--url）。"
        )
    with _errors():
        engine, scope = _write_session(db)
        with scope as s:
            ag = update_agency(
                s, agency, level=level, kind=kind, parent=parent, region=region, site_url=site_url
            )
            text = (
                f"已更新“{ag.name}”：层级 {LEVEL_ZH.get(ag.level, ag.level)}，"
                f"类别 {KIND_ZH.get(ag.kind, ag.kind)}。"
            )
        engine.dispose()
    _console().print(text)


@roster.command("alias")
@click.argument("alias")
@click.argument("agency")
@db_option
def roster_alias(alias: str, agency: str, db: str | None) -> None:
    """把名称 ALIAS 记为已有机关 AGENCY 的别名；AGENCY 必须已在库中（不会新建机关）。

    Example: nianbao roster alias 青岚县财政 青岚县财政局
    """
    from ..store.roster import set_aliases

    with _errors():
        engine, scope = _write_session(db)
        with scope as s:
            ag, moved = set_aliases(s, agency, [alias])
            name = ag.name
        engine.dispose()
    _console().print(f"已将“{alias}”记为“{name}”的别名；归入报告 {moved} 份。")


@roster.command("unpublished")
@click.argument("agency")
@click.argument("year", type=int)
@click.option("--note", default=None, help="说明，如 核实日期、核实方式。")
@click.option("--clear", is_flag=True, help="取消“未发布”标记。")
@db_option
def roster_unpublished(
    agency: str, year: int, note: str | None, clear: bool, db: str | None
) -> None:
    """记录机关某年度经核实未发布年报（覆盖情况中显示为“未发布”，而不是“未收录”）。"""
    from ..store.roster import mark_unpublished

    with _errors():
        engine, scope = _write_session(db)
        with scope as s:
            ag = mark_unpublished(s, agency, year, note, clear)
            name = ag.name
        engine.dispose()
    what = "已取消“未发布”标记" if clear else "已记为未发布"
    _console().print(f"“{name}”{year}年度{what}。")


# ------------------------------------------------------------------ versions
@click.group("versions")
def versions() -> None:
    """报告的版本：历史、版本间数值差异、删除和恢复、操作记录。"""


def _report_id(s: Any, agency: str, year: int | None) -> int:
    from sqlalchemy import select

    from ..store.agencies import current_report, require_agency
    from ..store.models import StoredReport

    if year is None:
        if not agency.isdigit():
            raise click.UsageError("请给出报告编号，或机关名称和年度。")
        return int(agency)
    ag = require_agency(s, agency)
    rep = current_report(s, ag.id, year)
    if rep is None:
        rid = s.scalar(
            select(StoredReport.id)
            .where(StoredReport.agency_id == ag.id, StoredReport.year == year)
            .order_by(StoredReport.id.desc())
        )
        if rid is None:
            raise click.ClickException(f"库中没有“{ag.name}”{year}年度的报告。")
        return int(rid)
    return rep.id


@versions.command("list")
@click.argument("agency")
@click.argument("year", type=int, required=False)
@db_option
def versions_list(agency: str, year: int | None, db: str | None) -> None:
    """列出某机关某年度报告的各个版本（或给出一个报告编号）。

    Example: nianbao versions list 青岚县财政局 2024
    """
    from sqlalchemy.orm import Session

    from ..store.versions import EVENT_ZH, report_events, report_versions

    with _errors():
        engine = _open(db)
        with Session(engine) as s:
            rid = _report_id(s, agency, year)
            rows = report_versions(s, rid)
            events = [e for r in rows for e in report_events(s, report_id=r.report_id)]
    t = Table(title="报告版本")
    for h in ("版本", "报告编号", "状态", "文件", "发布日期", "收到时间", "错误", "警告"):
        t.add_column(h, overflow="fold")
    for r in rows:
        state = "当前版本" if r.current else ("已删除" if r.deleted else "已被替代")
        t.add_row(
            f"第{r.version}版",
            str(r.report_id),
            state,
            r.file_name,
            r.published or "—",
            r.ingested_at.strftime("%Y-%m-%d %H:%M"),
            str(r.n_errors),
            str(r.n_warnings),
        )
    out = _console()
    out.print(t)
    for e in sorted(events, key=lambda e: e.id):
        who = f"（{e.user}）" if e.user else ""
        out.print(
            f"  {e.at.strftime('%Y-%m-%d %H:%M')} 报告 {e.report_id}：{EVENT_ZH.get(e.action, e.action)}"
            f"{who}{('：' + e.detail) if e.detail else ''}"
        )


@versions.command("diff")
@click.argument("older", type=int)
@click.argument("newer", type=int)
@db_option
def versions_diff(older: int, newer: int, db: str | None) -> None:
    """两个版本（报告编号）之间有变化的数值。"""
    from sqlalchemy.orm import Session

    from ..store.queries import report_header
    from ..store.versions import version_diff
    from .common import _value_text

    with _errors():
        engine = _open(db)
        with Session(engine) as s:
            report_header(s, older)
            report_header(s, newer)
            rows = version_diff(s, older, newer)
    out = _console()
    if not rows:
        out.print(f"报告 {older} 与 {newer} 的数值完全相同。")
        return
    t = Table(title=f"报告 {older} → {newer}：有变化的数值 {len(rows)} 项")
    for h in ("项目", f"报告 {older}", f"报告 {newer}"):
        t.add_column(h, overflow="fold")
    for r in rows:
        t.add_row(
            r.label,
            _value_text(r.first, None, r.first_present),
            _value_text(r.second, None, r.second_present),
        )
    out.print(t)


def _delete_or_restore(
    report_id: int, note: str | None, user: str | None, db: str | None, delete: bool
) -> None:
    from ..store.versions import delete_report, restore_report

    with _errors():
        engine, scope = _write_session(db)
        with scope as s:
            fn = delete_report if delete else restore_report
            rep = fn(s, report_id, user, note)
            text = (
                f"报告 {report_id}（{rep.agency_name or '未识别机关'} {rep.year or ''}年度，"
                f"第{rep.version}版）已{'删除' if delete else '恢复'}。"
            )
        engine.dispose()
    _console().print(text)


@versions.command("delete")
@click.argument("report_id", type=int)
@click.option("--note", default=None, help="删除原因。")
@click.option("--user", default=None, help="操作人。")
@db_option
def versions_delete(report_id: int, note: str | None, user: str | None, db: str | None) -> None:
    """删除一份报告（保留在库中，可恢复；其上一版本重新成为当前版本）。"""
    _delete_or_restore(report_id, note, user, db, True)


@versions.command("restore")
@click.argument("report_id", type=int)
@click.option("--note", default=None, help="恢复原因。")
@click.option("--user", default=None, help="操作人。")
@db_option
def versions_restore(report_id: int, note: str | None, user: str | None, db: str | None) -> None:
    """恢复一份已删除的报告。"""
    _delete_or_restore(report_id, note, user, db, False)


# ------------------------------------------------------------------ letters
@click.command("letter")
@click.argument("agency")
@click.argument("year", type=int)
@click.option(
    "--output", "-o", type=click.Path(dir_okay=False), required=True, help="输出的 .docx 文件。"
)
@click.option("--issuer", default=None, help="落款单位（默认“政务公开工作主管部门”）。")
@click.option("--days", type=int, default=15, show_default=True, help="整改期限（工作日）。")
@click.option("--include-open", is_flag=True, help="同时列入尚未审核（待审核）的问题。")
@db_option
def letter(
    agency: str,
    year: int,
    output: str,
    issuer: str | None,
    days: int,
    include_open: bool,
    db: str | None,
) -> None:
    """生成某机关某年度报告的整改通知（DOCX），列出经审核确认的问题及其单元格和计算过程。

    Example: nianbao letter 青岚县财政局 2024 -o 整改通知.docx --issuer 青岚县人民政府办公室
    """
    from sqlalchemy.orm import Session

    from ..store.letters import DEFAULT_ISSUER, letter_data, write_letter

    if not output.lower().endswith(".docx"):
        raise click.UsageError("整改通知保存为 .docx 文件，如 -o 整改通知.docx。")
    with _errors():
        engine = _open(db)
        with Session(engine) as s:
            data = letter_data(
                s,
                agency,
                year,
                issuer=issuer or DEFAULT_ISSUER,
                days=days,
                include_open=include_open,
            )
        write_letter(data, output)
        engine.dispose()
    _console().print(f"已生成整改通知（{len(data.items)} 个问题）：{output}")


@click.command("summary")
@click.option("--year", "-y", type=int, required=True, help="年度。")
@click.option("--region", "-r", default=None, help="地区（名单的“地区”列）。")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    required=True,
    help="输出文件：.docx（通报）或 .xlsx（通报的表格）。",
)
@click.option("--issuer", default=None, help="落款单位。")
@click.option(
    "--township-deadline", default=None, metavar="月-日", help="乡镇街道报告的发布时限，如 03-31。"
)
@click.option(
    "--top", "top_n", type=int, default=10, show_default=True, help="列出问题较多的单位数。"
)
@db_option
def summary(
    year: int,
    region: str | None,
    output: str,
    issuer: str | None,
    township_deadline: str | None,
    top_n: int,
    db: str | None,
) -> None:
    """生成年报审核情况通报：按时、逾期、未收录的报告，各单位问题数和主要指标。

    通报列出问题较多的单位，以及各项指标的计算公式。

    Example: nianbao summary --year 2024 --region 青岚县 -o 通报.docx
    """
    from sqlalchemy.orm import Session

    from ..store.letters import DEFAULT_ISSUER, summary_data, write_summary
    from ..store.roster import parse_month_day

    if not output.lower().endswith((".docx", ".xlsx")):
        raise click.UsageError("通报保存为 .docx 或 .xlsx 文件。")
    with _errors():
        township = parse_month_day(township_deadline)
        engine = _open(db)
        with Session(engine) as s:
            data = summary_data(
                s,
                year,
                region,
                township=township,
                issuer=issuer or DEFAULT_ISSUER,
                issued=date.today(),
                top_n=top_n,
            )
        write_summary(data, output)
        engine.dispose()
    cov = data.coverage
    _console().print(
        f"已生成通报：应报 {cov.expected}，已收录 {cov.received}（按时 {cov.count('on_time')}，"
        f"逾期 {cov.count('late')}），未收录 {cov.count('missing')}，未发布 {cov.count('unpublished')}："
        f"{output}"
    )


del (
    roster_import,
    roster_list,
    roster_unknown,
    roster_rename,
    roster_set,
    roster_alias,
    roster_unpublished,
    versions_list,
    versions_diff,
    versions_delete,
    versions_restore,
)

CAMPAIGN_COMMANDS = (roster, versions, letter, summary)
