"""``nianbao parse`` on a folder in worker processes: the same output, in the same order, with
the same messages and exit codes as one process; a runaway file or a dead worker fails that
file only. And the per-file budget's one watcher per process (issue 12)."""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import nianbao.api
from nianbao.budget import Budget, file_budget
from nianbao.cli.app import cli
from nianbao.cli.parallel import WORKER_DIED
from nianbao.errors import FileBudgetExceeded

from .conftest import EXAMPLES

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="worker processes by fork")


def _folder(tmp_path: Path, n: int = 20) -> Path:
    """``n`` reports (copies of the examples), an empty file and a text that is no report."""
    folder = tmp_path / "reports"
    folder.mkdir()
    examples = sorted((EXAMPLES / "reports").glob("*.txt")) + sorted(
        (EXAMPLES / "reports").glob("*.html")
    )
    for i in range(n):
        src = examples[i % len(examples)]
        shutil.copy(src, folder / f"r{i:03d}{src.suffix}")
    (folder / "r005a.txt").write_bytes(b"")
    (folder / "r011a.txt").write_text("这是一段与年报无关的文字。\n" * 3, encoding="utf-8")
    return folder


def _run(*args: str) -> tuple[int, str, str]:
    res = CliRunner().invoke(cli, list(args))
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    return res.exit_code, res.stdout, res.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_workers_print_what_one_process_prints(tmp_path: Path, fmt: str) -> None:
    folder = _folder(tmp_path)
    one = _run("parse", "--format", fmt, "-j", "1", str(folder))
    two = _run("parse", "--format", fmt, "-j", "2", str(folder))
    assert one == two
    code, out, err = two
    assert code == 2  # the two unusable files
    assert "r005a.txt" in err and "r011a.txt" in err and err.count("错误：") == 2
    if fmt == "jsonl":
        sources = [line.split('"source": "', 1)[1].split('"', 1)[0] for line in out.splitlines()]
        assert [Path(s).name for s in sources] == sorted(
            p.name for p in folder.iterdir() if p.name not in ("r005a.txt", "r011a.txt")
        )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_json_lines_in_the_output_encoding(tmp_path: Path, jobs: str) -> None:
    """A JSON line comes from its worker as UTF-8 bytes and goes out as they are; to an
    output in another encoding it goes as text, the same text."""
    folder = _folder(tmp_path)
    args = ["parse", "--format", "jsonl", "-j", jobs, str(folder)]
    utf8 = CliRunner().invoke(cli, args)
    gb = CliRunner(charset="gb18030").invoke(cli, args)
    assert utf8.exit_code == gb.exit_code == 2
    assert utf8.stdout_bytes.decode("utf-8") == gb.stdout_bytes.decode("gb18030") == utf8.stdout
    first = sorted(p for p in folder.iterdir() if p.name != "r005a.txt")[0]
    rep = nianbao.api.parse(str(first), name=str(first))
    rep.source = str(first)
    assert utf8.stdout.splitlines()[0] == rep.to_json()


@pytest.mark.parametrize("fmt", ["text", "jsonl"])
def test_check_in_workers_prints_what_one_process_prints(tmp_path: Path, fmt: str) -> None:
    folder = _folder(tmp_path)
    one = _run("check", "--format", fmt, "-j", "1", str(folder))
    two = _run("check", "--format", fmt, "-j", "2", str(folder))
    assert one == two
    assert two[0] == 2 and two[2].count("错误：") == 2
    if fmt == "text":
        assert "共检查 22 个文件：可读取 20 个" in two[1]


def _spin_on_seven(src, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
    if str(src).endswith("r007.txt"):
        while True:
            pass
    return _real_parse(src, *args, **kwargs)


def _die_on_seven(src, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
    if str(src).endswith("r007.txt"):
        os.kill(os.getpid(), signal.SIGKILL)  # as the system does to a process out of memory
    return _real_parse(src, *args, **kwargs)


_real_parse = nianbao.api.parse


def _expected(folder: Path) -> list[str]:
    skip = ("r005a.txt", "r011a.txt", "r007.txt")
    return sorted(p.name for p in folder.iterdir() if p.name not in skip)


def test_a_runaway_file_is_stopped_in_its_worker(monkeypatch, tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    monkeypatch.setattr(nianbao.api, "parse", _spin_on_seven)
    monkeypatch.setenv("NIANBAO_FILE_SECONDS", "0.5")
    code, out, err = _run("parse", "--format", "jsonl", "-j", "2", str(folder))
    assert code == 2
    assert "r007.txt：读取此文件超过了时间上限" in err and "NIANBAO_FILE_SECONDS" in err
    names = [
        Path(line.split('"source": "', 1)[1].split('"', 1)[0]).name for line in out.splitlines()
    ]
    assert names == _expected(folder)


def test_a_dead_worker_fails_its_file_only(monkeypatch, tmp_path: Path) -> None:
    folder = _folder(tmp_path, 40)
    monkeypatch.setattr(nianbao.api, "parse", _die_on_seven)
    code, out, err = _run("parse", "--format", "jsonl", "-j", "2", str(folder))
    assert code == 2
    assert f"r007.txt：{WORKER_DIED}" in err
    assert err.count("错误：") == 3  # the dead worker's file and the two unusable files
    names = [
        Path(line.split('"source": "', 1)[1].split('"', 1)[0]).name for line in out.splitlines()
    ]
    assert names == _expected(folder)


def test_few_files_are_read_in_this_process(monkeypatch, tmp_path: Path) -> None:
    """Below the threshold no worker is started (a test's patch of the API is seen here)."""
    import nianbao.cli.parallel

    def no_pool(*args, **kwargs):  # noqa: ANN002, ANN003
        raise AssertionError("no pool for a few files")

    monkeypatch.setattr(nianbao.cli.parallel, "_new_pool", no_pool)
    folder = tmp_path / "few"
    folder.mkdir()
    for i, src in enumerate(sorted((EXAMPLES / "reports").glob("*.txt"))):
        shutil.copy(src, folder / f"{i}.txt")
    code, out, _ = _run("parse", "--format", "jsonl", str(folder))
    assert code == 0 and len(out.splitlines()) == len(list(folder.iterdir()))


# ---------------------------------------------------------------------------- budget


def _watchers() -> int:
    return sum(t.name == "nianbao-memory-watch" for t in threading.enumerate())


def test_one_memory_watch_per_process() -> None:
    for _ in range(50):
        with file_budget(Budget(seconds=5, memory_mb=500)):
            pass
    assert _watchers() <= 1
    # still watching after many files: a runaway is stopped
    with pytest.raises(FileBudgetExceeded, match="内存"):
        with file_budget(Budget(seconds=0, memory_mb=150)):
            hoard = []
            while True:
                hoard.append(bytearray(16 << 20))
    del hoard
    time.sleep(0.7)  # no signal left over once disarmed (SIGALRM's default would end us)
    bytearray(200 << 20)


def test_a_forked_child_watches_its_own_memory() -> None:
    with file_budget(Budget(seconds=5, memory_mb=500)):
        pass
    pid = os.fork()
    if pid == 0:  # the child: the parent's watcher thread did not come along
        code = 1
        try:
            with file_budget(Budget(seconds=0, memory_mb=150)):
                hoard = []
                while True:
                    hoard.append(bytearray(16 << 20))
        except FileBudgetExceeded:
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_the_watch_goes_back_to_the_outer_budget() -> None:
    """A budget inside a budget: when the inner one ends, the outer file is watched again."""
    with pytest.raises(FileBudgetExceeded, match="内存"):
        with file_budget(Budget(seconds=0, memory_mb=150)):
            with file_budget(Budget(seconds=0, memory_mb=1000)):
                pass
            hoard = []
            while True:
                hoard.append(bytearray(16 << 20))
    del hoard


def test_an_error_of_ours_in_the_output_is_a_chinese_message(monkeypatch, tmp_path: Path) -> None:
    from nianbao.report import Report

    def broken(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        raise TypeError("not serialisable")

    monkeypatch.setattr(Report, "to_json", broken)
    for jobs in ("1", "2"):
        code, out, err = _run(
            "parse", "--format", "jsonl", "-j", jobs, str(_folder(_mkdir(tmp_path / jobs)))
        )
        assert code == 2 and out == ""
        assert err.count("本工具读取此文件时出错") == 20 and "TypeError" not in err


def _mkdir(path: Path) -> Path:
    path.mkdir()
    return path
