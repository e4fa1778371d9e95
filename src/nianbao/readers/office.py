"""Legacy Word files (.doc, and WPS files in the same binary format) and RTF, read through
LibreOffice when it is installed: the file is converted to DOCX in a private temporary
directory (its own user profile, so that conversions may run side by side) and the DOCX
is read as any other. Without LibreOffice the file is refused with a message that says how
to read it.

LibreOffice is found as ``$NIANBAO_SOFFICE``, else ``soffice`` or ``libreoffice`` on the
path. It runs without a network where the system lets a process have a network namespace
of its own (``unshare -n``): a document may name pictures on any address. A conversion takes one to a few seconds (LibreOffice starts each time); it is
stopped after ``NIANBAO_OFFICE_SECONDS`` (default 120) and by the file budget.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from functools import lru_cache
from pathlib import Path

from ..budget import slow_work
from ..errors import BrokenFile, UnsupportedFormat
from .document import Document

__all__ = [
    "office_binary",
    "run_office",
    "read_via_office",
    "missing_message",
    "OFFICE_NOTE",
    "MEDIA_TYPES",
]

ENV_BINARY = "NIANBAO_SOFFICE"
ENV_SECONDS = "NIANBAO_OFFICE_SECONDS"
DEFAULT_SECONDS = 120.0

MEDIA_TYPES = {"doc": "application/msword", "rtf": "application/rtf"}
_NAMES = {"doc": "旧版 Word（.doc）文件", "rtf": " RTF 文件"}  # after 这是 / 此
OFFICE_NOTE = "{name}已由 LibreOffice 转换为 DOCX 后读取，数值的位置指转换后文档中的位置。"


def office_binary() -> str | None:
    """The LibreOffice program to convert with, or None when there is none."""
    given = os.environ.get(ENV_BINARY, "").strip()
    if given:
        return given if Path(given).is_file() or shutil.which(given) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def missing_message(kind: str) -> str:
    return (
        f"这是{_NAMES[kind]}：读取它需要 LibreOffice，本机未找到（soffice）。"
        "请安装 LibreOffice（或用环境变量 NIANBAO_SOFFICE 指明其程序），"
        "或在 Word / WPS 中另存为 .docx 或 PDF 后再读取。"
    )


def _seconds() -> float:
    try:
        value = float(os.environ.get(ENV_SECONDS, "") or DEFAULT_SECONDS)
    except ValueError:
        value = DEFAULT_SECONDS
    return value if value > 0 else DEFAULT_SECONDS


def run_office(
    program: str, data: bytes, src_suffix: str, target: str, out_suffix: str, seconds: float
) -> bytes | None:
    """What LibreOffice makes of ``data`` (``target``: its --convert-to filter), or None
    when it makes nothing. Runs in a private temporary directory with its own profile, and
    is killed with its helpers on a timeout (raised as subprocess.TimeoutExpired), on the
    file budget's alarm or on an interrupt."""
    with tempfile.TemporaryDirectory(prefix="nianbao-office-") as tmp:
        src = Path(tmp) / f"report{src_suffix}"
        src.write_bytes(data)
        out = Path(tmp) / "out"
        cmd = [
            *_offline(),
            program,
            f"-env:UserInstallation={(Path(tmp) / 'profile').as_uri()}",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            target,
            "--outdir",
            str(out),
            str(src),
        ]
        env = dict(os.environ, HOME=tmp)  # LibreOffice writes under $HOME otherwise
        proc = subprocess.Popen(
            cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,  # its helpers die with it (killpg below)
        )
        try:
            proc.wait(timeout=seconds)
        except BaseException:  # a timeout, the file budget's alarm, an interrupt
            _kill(proc)
            raise
        made = out / f"report{out_suffix}"
        if not made.is_file() or made.stat().st_size == 0:
            return None
        return made.read_bytes()


def _convert(program: str, data: bytes, kind: str) -> bytes:
    """The DOCX LibreOffice makes of ``data``. Raises BrokenFile when it makes none."""
    seconds = _seconds()
    try:
        made = run_office(program, data, f".{kind}", "docx:MS Word 2007 XML", ".docx", seconds)
    except subprocess.TimeoutExpired:
        raise BrokenFile(
            f"用 LibreOffice 转换此{_NAMES[kind]}超过了 {seconds:g} 秒，已停止；"
            f"机器繁忙时可用环境变量 {ENV_SECONDS} 调高上限，或先另存为 .docx 或 PDF。"
        ) from None
    if made is None:
        raise BrokenFile(
            f"LibreOffice 未能转换此{_NAMES[kind]}，无法读取；"
            "可在 Word 或 WPS 中另存为 .docx 或 PDF 后再读取。"
        )
    return made


@lru_cache(maxsize=1)
def _offline() -> tuple[str, ...]:
    """The prefix that runs LibreOffice without a network (a network namespace of its own:
    a document can name pictures and links on any address, which LibreOffice would fetch
    while converting it), or nothing where such a namespace cannot be made."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    for prefix in ((unshare, "-n"), (unshare, "-rn")):
        try:
            ok = subprocess.run(
                [*prefix, "true"], capture_output=True, timeout=10, check=False
            ).returncode
        except (OSError, subprocess.SubprocessError):
            continue
        if ok == 0:
            return prefix
    return ()


def _kill(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        proc.wait(timeout=10)


def read_via_office(data: bytes, source: str, kind: str) -> Document:
    """Read a legacy Word (``kind`` "doc") or RTF ("rtf") file through LibreOffice."""
    program = office_binary()
    if program is None:
        raise UnsupportedFormat(missing_message(kind))
    from .docx import read_docx

    with slow_work("office"):
        converted = _convert(program, data, kind)
    doc = read_docx(converted, source)
    doc.media_type = MEDIA_TYPES[kind]
    doc.artifacts.append(OFFICE_NOTE.format(name=_NAMES[kind].strip()))
    return doc
