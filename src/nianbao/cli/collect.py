"""The ``collect`` command: fetch reports from agencies' 年报 columns, then ingest them.

A thin front end over ``nianbao.collect``; ``cli.py`` adds it to the main group.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from .common import _console, _errors, db_option

if TYPE_CHECKING:
    from rich.console import Console

    from ..collect import CollectSummary

__all__ = ["collect_cmd"]


@click.command("collect")
@click.argument("urls", nargs=-1)
@click.option(
    "--from-file",
    "from_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="从文件读取栏目地址（每行一个，# 开头为注释；可重复）。",
)
@click.option(
    "--roster",
    "from_roster",
    is_flag=True,
    help="从数据库中的名单（nianbao roster import 导入，含“年报栏目网址”列）读取各机关的栏目地址。",
)
@click.option("--region", default=None, help="与 --roster 一起用：只收集此地区的机关。")
@click.option(
    "--out",
    "out",
    default="collected",
    show_default=True,
    type=click.Path(file_okay=False),
    help="保存下载文件和收集记录（collect-state.json）的目录；再次运行时只下载新增或变化的内容。",
)
@click.option(
    "--delay",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="对同一网站两次请求之间的间隔（秒）。",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30.0,
    show_default=True,
    help="单次请求的连接/读取超时（秒）。",
)
@click.option(
    "--max-mb",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="单个文件的大小上限（MB）。",
)
@click.option(
    "--max-pages",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="每个栏目最多访问的列表页数。",
)
@click.option(
    "--parallel",
    type=click.IntRange(min=1),
    default=4,
    show_default=True,
    help="同时收集的网站数（同一网站始终逐个请求）。",
)
@click.option(
    "--year",
    "years",
    type=int,
    multiple=True,
    help="只收集这些年度的报告（可重复；默认全部年度）。",
)
@click.option(
    "--ingest/--no-ingest",
    "do_ingest",
    default=True,
    show_default=True,
    help="收集后是否把报告解析入库。",
)
@db_option
@click.option(
    "--workers",
    "-j",
    type=int,
    default=None,
    help="入库时的解析进程数（默认为 CPU 核数；0 表示在本进程内解析）。",
)
def collect_cmd(
    urls: tuple[str, ...],
    from_files: tuple[str, ...],
    from_roster: bool,
    region: str | None,
    out: str,
    delay: float,
    timeout: float,
    max_mb: int,
    max_pages: int,
    parallel: int,
    years: tuple[int, ...],
    do_ingest: bool,
    db: str | None,
    workers: int | None,
) -> None:
    """从机关网站的“政府信息公开年报”栏目收集年度报告，并解析入库。

    逐页浏览栏目列表（含“下一页”和 index_1.html 等分页），按标题识别年度报告，下载报告页面及其 PDF、DOCX 附件，记录网址、下载时间和页面上的发布日期。遵守 robots.txt，同一网站逐个请求并间隔 --delay 秒，遇到 403/429 即停止访问该网站。

    Example:

        nianbao collect https://www.qinglan.gov.cn/zwgk/xxgkml/ndbg/ --out collected

        nianbao collect --from-file 栏目.txt --no-ingest
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..collect import FetchOptions, collect, read_url_file

    columns = list(urls)
    with _errors():
        for f in from_files:
            columns.extend(read_url_file(f))
        if from_roster:
            columns.extend(_roster_urls(db, region))
    if region and not from_roster:
        raise click.UsageError("--region 只能与 --roster 一起使用。")
    bad = [u for u in columns if not u.lower().startswith(("http://", "https://"))]
    if bad:
        raise click.UsageError(f"不是网址（应以 http:// 或 https:// 开头）：{bad[0]}")
    if not columns:
        raise click.UsageError(
            "请给出至少一个栏目网址，或用 --from-file 指定网址文件，或用 --roster 从名单读取"
            "（名单中需有“年报栏目网址”）。"
        )

    console = _console(err=True)
    counts = {"request": 0, "report": 0, "failure": 0}
    options = FetchOptions(delay=delay, timeout=timeout, max_bytes=max_mb * 1024 * 1024)
    with _errors():
        with Progress(
            TextColumn("[bold]收集[/bold]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("栏目"),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("collect", total=len(set(columns)), counts="")

            def on_event(kind: str, _what: str) -> None:
                if kind in counts:
                    counts[kind] += 1
                progress.update(
                    task,
                    advance=1 if kind == "column" else 0,
                    counts=f"请求 {counts['request']} 次 报告 {counts['report']} 份 失败 {counts['failure']} 个",
                )

            from ..collect.fetch import Fetcher

            fetcher = Fetcher(options, on_request=lambda url: on_event("request", url))
            try:
                summary = collect(
                    columns,
                    out,
                    fetch=options,
                    fetcher=fetcher,
                    on_event=on_event,
                    max_list_pages=max_pages,
                    parallel_hosts=parallel,
                    years=years,
                )
            finally:
                fetcher.close()
    echo = _console()
    for line in summary.lines():
        echo.print(line, markup=False, soft_wrap=True)

    ingest_failed = False
    if do_ingest and summary.documents():
        ingest_failed = _ingest(summary, db, workers, console, echo)
    sys.exit(2 if summary.failures or ingest_failed else 0)


def _roster_urls(db: str | None, region: str | None) -> list[str]:
    """The 年报 column addresses of the roster's agencies (of ``region`` when given)."""
    from sqlalchemy.orm import Session

    from ..store import open_store
    from ..store.roster import roster_rows

    engine = open_store(db, create=False)
    with Session(engine) as s:
        rows = roster_rows(s, region)
    return [entry.site_url for entry, _agency in rows if entry.site_url]


def _ingest(
    summary: CollectSummary,
    db: str | None,
    workers: int | None,
    console: Console,
    echo: Console,
) -> bool:
    """Ingest the collected documents with a progress bar; True when some failed."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from ..collect.feed import ingest_collected
    from ..store import open_store

    with _errors():
        engine = open_store(db)
        counts = {"stored": 0, "updated": 0, "unchanged": 0, "unusable": 0, "failed": 0}
        n_files = len({str(d.path) for _, d in summary.documents()})
        with Progress(
            TextColumn("[bold]入库[/bold]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[counts]}"),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("ingest", total=n_files, counts="")

            def on_file(_path: str, status: str) -> None:
                counts[status] = counts.get(status, 0) + 1
                progress.update(
                    task,
                    advance=1,
                    counts=(
                        f"新 {counts['stored']} 更新 {counts['updated']} 未变 {counts['unchanged']} "
                        f"无法使用 {counts['unusable']} 出错 {counts['failed']}"
                    ),
                )

            result = ingest_collected(summary, engine, workers=workers, on_file=on_file)
        engine.dispose()
    for line in result.lines():
        echo.print(line, markup=False, soft_wrap=True)
    return bool(result.failed or result.unusable)
