"""Click commands of the web app: ``serve`` and the ``users`` group (``users add NAME``,
``users list``). Standalone; the lead adds them to the main group with ``cli.add_command``.
"""

from __future__ import annotations

import json
import os
import secrets
from typing import Any

import click

from .store import db_option

__all__ = ["serve", "users", "WEB_COMMANDS"]

users_file_option = click.option(
    "--users-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="用户文件（JSON）；不指定时用户保存在数据库中。",
)


def _missing_web(exc: ImportError) -> click.ClickException:
    return click.ClickException(
        f"网页功能需要额外的软件包（{exc.name}）：pip install 'nianbao[web]'"
    )


@click.command("serve")
@db_option
@users_file_option
@click.option(
    "--create",
    is_flag=True,
    help="数据库文件不存在时新建（否则拒绝，以免写错的 --db 变成一个空库）。",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址。")
@click.option("--port", default=8000, show_default=True, type=int, help="端口。")
@click.option(
    "--max-file-mb",
    default=50,
    show_default=True,
    type=click.IntRange(1, 1024),
    help="单个上传文件的大小上限（MB）。",
)
@click.option(
    "--max-total-mb",
    default=500,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="每次上传的文件合计大小上限（MB）。",
)
@click.option(
    "--max-files",
    default=200,
    show_default=True,
    type=click.IntRange(1, 10000),
    help="每次上传的文件数上限。",
)
@click.option(
    "--max-queue",
    default=1000,
    show_default=True,
    type=click.IntRange(1, 1_000_000),
    help="等待解析的上传文件数上限（队列满时拒绝新的上传）。",
)
@click.option(
    "--file-seconds",
    default=300,
    show_default=True,
    type=click.IntRange(5, 86_400),
    help="上传的每个文件解析时间上限（秒），超时的文件停止处理并记为解析出错。",
)
@click.option(
    "--private",
    is_flag=True,
    default=False,
    help="不允许匿名访问：除登录页外，所有页面、接口和导出都要先登录。",
)
@click.option(
    "--trust-proxy",
    is_flag=True,
    default=False,
    help="运行在反向代理之后：采信 X-Forwarded-Proto/Host/For（判断 HTTPS、来源和客户端地址）。",
)
@click.option(
    "--workers",
    default=None,
    type=click.IntRange(1, 64),
    help="服务进程数（默认等于 CPU 核数）。多个进程时登录会话、登录失败计数和上传进度保存在数据库中，"
    "各进程共用；上传队列上限按进程平分。",
)
def serve(
    db: str | None,
    users_file: str | None,
    create: bool,
    host: str,
    port: int,
    max_file_mb: int,
    max_total_mb: int,
    max_files: int,
    max_queue: int,
    file_seconds: int,
    private: bool,
    trust_proxy: bool,
    workers: int | None,
) -> None:
    """启动网页版：浏览、审核、对比和统计库中的报告，上传新报告。

    审核、重新检查和上传需要登录（账号用 nianbao users add 创建）；未登录只能浏览和导出。
    加 --private 后未登录什么都看不到。

    Example: nianbao serve --db corpus.db --port 8000 --private
    """
    try:
        import uvicorn

        from ..web.app import SERVE_ENV, create_app
        from ..web.auth import UserStore
    except ImportError as exc:
        raise _missing_web(exc) from exc
    from ..errors import NianbaoError

    n_workers = workers or _cores()
    args: dict[str, Any] = {
        "db_url": db,
        "users_file": os.path.abspath(users_file) if users_file else None,
        "max_file_bytes": max_file_mb * 1024 * 1024,
        "max_files": max_files,
        "max_total_bytes": max_total_mb * 1024 * 1024,
        "max_queued_files": max_queue,
        "file_seconds": float(file_seconds),
        "private": private,
        "trust_proxy": trust_proxy,
    }
    try:
        if not create:  # a mistyped --db is refused here, not served as an empty store
            from ..errors import StoreNotFound
            from ..store.db import open_store

            try:
                open_store(db, create=False).dispose()
            except StoreNotFound as exc:
                raise click.ClickException(f"{exc}要新建空库并启动网页版，请加 --create。") from exc
        if n_workers == 1:
            app = create_app(**args)
            any_users = app.state.web.users.any_users()
        else:
            from ..store.db import open_store

            engine = open_store(db)  # migrated once here, not by each worker at once
            try:
                any_users = UserStore(engine, users_file).any_users()
            finally:
                engine.dispose()
    except NianbaoError as exc:
        raise click.ClickException(str(exc)) from exc
    if not any_users:
        login = "还没有用户：网页只能浏览，用 nianbao users add 创建账号后才能审核和上传"
    elif private:
        login = "仅限登录用户访问"
    else:
        login = "登录后才能审核和上传，未登录只能浏览"
    procs = f"{n_workers} 个进程" if n_workers > 1 else "1 个进程"
    click.echo(f"年报审核网页：http://{host}:{port}/ （{login}；{procs}；按 Ctrl+C 停止）")
    # uvicorn believes X-Forwarded-* from 127.0.0.1 by default; --trust-proxy: from any peer
    forwarded = "*" if trust_proxy else None
    if n_workers == 1:
        uvicorn.run(app, host=host, port=port, log_level="warning", forwarded_allow_ips=forwarded)
        return
    # Several processes: each builds its app from the environment (uvicorn's app factory)
    # with the sessions, login failures and upload progress in the store, and one HMAC key
    # for all (cookies signed by one worker are read by another). The upload queue's
    # bounds are split between them (one whole upload still fits in each).
    os.environ.setdefault("NIANBAO_SECRET", secrets.token_hex(32))
    args["max_queued_files"] = max(max_files, -(-max_queue // n_workers))
    args["max_queued_bytes"] = max(max_total_mb * 1024 * 1024, -(-QUEUED_BYTES // n_workers))
    os.environ[SERVE_ENV] = json.dumps(args)
    uvicorn.run(
        "nianbao.web.app:app_from_env",
        factory=True,
        workers=n_workers,
        host=host,
        port=port,
        log_level="warning",
        forwarded_allow_ips=forwarded,
    )


QUEUED_BYTES = 2 * 1024 * 1024 * 1024  # create_app's default bound of the upload queue


def _cores() -> int:
    """The CPUs this process may run on (the default number of ``serve`` workers)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@click.group("users")
def users() -> None:
    """管理网页版的用户（审核人员）。"""


@users.command("add")
@click.argument("name")
@click.option("--password", default=None, help="密码（不指定时提示输入；至少 8 个字符）。")
@db_option
@users_file_option
def users_add(name: str, password: str | None, db: str | None, users_file: str | None) -> None:
    """添加用户，或重设已有用户的密码。

    Example: nianbao users add 张三 --db corpus.db
    """
    try:
        from ..store.db import open_store
        from ..web.auth import UserStore
    except ImportError as exc:
        raise _missing_web(exc) from exc
    if password is None:
        password = click.prompt("密码", hide_input=True, confirmation_prompt="再次输入密码")
    engine = None if users_file else open_store(db)
    try:
        UserStore(engine, users_file).add(name, password)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if engine is not None:
            engine.dispose()
    click.echo(f"已保存用户“{name}”。")


@users.command("list")
@db_option
@users_file_option
def users_list(db: str | None, users_file: str | None) -> None:
    """列出用户。"""
    from ..store.db import open_store
    from ..web.auth import UserStore

    engine = None if users_file else open_store(db)
    try:
        names = UserStore(engine, users_file).names()
    finally:
        if engine is not None:
            engine.dispose()
    if not names:
        click.echo("还没有用户（网页版只能浏览，不能审核和上传）。")
    for n in names:
        click.echo(n)


WEB_COMMANDS = (serve, users)
