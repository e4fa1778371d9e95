"""What the store's click commands share: the ``--db`` option, the console, turning
library and database errors into one Chinese message, opening the store, printing values
and findings."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click
from rich.console import Console
from rich.table import Table

from ..errors import NianbaoError
from ..store.display import SEVERITY_ZH, STATUS_ZH

if TYPE_CHECKING:
    from sqlalchemy import Engine

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}

db_option = click.option(
    "--db",
    "db",
    metavar="URL",
    default=None,
    help="数据库：SQLite 文件路径或 URL（postgresql+psycopg://…）；默认读环境变量 NIANBAO_DB，再默认 ./nianbao.db。",
)


def _console(err: bool = False) -> Console:
    width = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "160"))
    return Console(stderr=err, width=width, highlight=False)


@contextmanager
def _errors() -> Iterator[None]:
    """Turn library and database errors into one Chinese message and exit code."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        yield
    except NianbaoError as exc:
        raise click.ClickException(str(exc)) from exc
    except FileNotFoundError as exc:
        raise click.ClickException(f"找不到文件或目录：{exc}") from exc
    except SQLAlchemyError as exc:
        detail = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise click.ClickException(f"数据库出错：{detail}") from exc
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    except ImportError as exc:
        missing = getattr(exc, "name", None) or str(exc)
        hint = {
            "psycopg": "连接 PostgreSQL 需要安装 psycopg：pip install 'psycopg[binary]'",
            "pyarrow": "导出 Parquet 需要安装 pyarrow：pip install pyarrow",
        }.get(str(missing).split(".")[0], f"缺少依赖包 {missing}，请先安装。")
        raise click.ClickException(hint) from exc


def _open(db: str | None, create: bool = False) -> Engine:
    """The store at ``db``; a SQLite file that does not exist is refused (a mistyped
    ``--db``) unless ``create`` (ingest, roster import)."""
    from ..store.db import open_store

    return open_store(db, create=create)


def _fmt(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:g}" if abs(v) < 1e15 else str(v)
    return str(v)


def _value_text(value: Any, raw: str | None, present: bool = True) -> str:
    if not present:
        return "（无此项）"
    if value is None:
        return f"空白（原文：{raw}）" if raw and raw.strip() else "空白"
    return _fmt(value)


def _findings_table(findings: list[Any], title: str) -> Table:
    t = Table(title=title, show_lines=False)
    for h in ("编号", "级别", "规则", "说明", "审核"):
        t.add_column(h, overflow="fold")
    for f in findings:
        st = STATUS_ZH.get(f.status, f.status) + (f"：{f.note}" if f.note else "")
        t.add_row(
            str(f.id),
            f"[{SEVERITY_STYLE.get(f.severity, '')}]{SEVERITY_ZH.get(f.severity, f.severity)}[/]",
            f.rule,
            f.message,
            st,
        )
    return t
