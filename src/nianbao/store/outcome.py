"""What a worker makes of one file: read, hash, parse and check it (within the file's
budget), and prepare its cells' stored form, so that the writer only writes. Also the JSON
form of what the store keeps."""

from __future__ import annotations

import copy
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..budget import file_budget
from ..errors import UnusableInput
from ..report import Report, Value
from .compact import pack_cells, split_value, unpack_cells, value_of
from .files import media_type_of

log = logging.getLogger("nianbao.store.ingest")

__all__ = ["ParseFn", "ParseOutcome", "parse_file", "value_of"]

ParseFn = Callable[..., Report]


@dataclass
class ParseOutcome:
    """What a worker sends back: the file's identity and a report or the reason it failed."""

    path: str
    name: str
    sha256: str
    size: int
    media_type: str
    status: str  # parsed / unusable / failed
    report: Report | None = None
    error_kind: str | None = None
    error: str | None = None
    # the cells' stored form (``compact.pack_cells``: cells, sources), prepared where the
    # file was parsed so that the writer only writes
    cells: tuple[str, str | None] | None = None
    # a failure that says nothing about the file (its worker died): try again next run
    retry: bool = False

    def __getstate__(self) -> dict[str, Any]:
        # with its cells packed, a report travels without its Value objects (the packed
        # text holds the same cells and is cheaper to pickle); they are rebuilt on arrival
        state = dict(self.__dict__)
        rep = self.report
        if rep is not None and self.cells is not None and rep.values:
            light = copy.copy(rep)
            light.values = {}
            state["report"] = light
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        rep = self.report
        if rep is not None and self.cells is not None and not rep.values:
            rep.values = {
                fid: Value(value_of(vi, vd), raw)
                for fid, vi, vd, _, raw, _ in unpack_cells(self.cells[0])
            }


def _default_parse(data: bytes, source: str = "") -> Report:
    import nianbao

    return nianbao.parse(data, name=source or None)  # runs the checks too


def _default_check(report: Report) -> Report:
    from ..checks import engine as checks

    return checks.check(report)


def parse_file(
    path: str,
    data: bytes | None = None,
    parse: ParseFn | None = None,
    check: Callable[[Report], Report] | None | bool = None,
    lean: bool = False,
) -> ParseOutcome:
    """Read, hash and parse one file; never raises for a bad file. ``lean``: also pack
    its cells, then drop the provenance from the report (less to send back from a worker
    process; the packed cells carry it)."""
    p = Path(path)
    if data is None:
        data = p.read_bytes()
    outcome = ParseOutcome(
        path=str(path),
        name=p.name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        media_type=media_type_of(p.name, data[:1024]),
        status="parsed",
    )
    try:
        with file_budget():  # time (main thread) and memory; a runaway file is stopped
            if parse is None and outcome.media_type == "text/html" and p.is_file():
                # read by its path, as ``nianbao parse`` reads it: a page saved with its
                # pictures beside it has them read (tables published as pictures)
                import nianbao

                report = nianbao.parse(p, name=p.name)
            else:
                report = (parse or _default_parse)(data, source=p.name)
        if not isinstance(report, Report):
            raise TypeError(f"parse returned {type(report).__name__}, not Report")
        if check is True:
            report = _default_check(report)
        elif callable(check):
            report = check(report)
        outcome.report = report
        if lean:
            outcome.cells = pack_cells(report)
            for v in report.values.values():
                v.source = None
    except UnusableInput as exc:
        outcome.status, outcome.error_kind, outcome.error = "unusable", type(exc).__name__, str(exc)
    except Exception as exc:  # a parser bug must not stop the batch; it is recorded
        outcome.status, outcome.error_kind = "failed", type(exc).__name__
        log.debug("internal error on %s", path, exc_info=exc)
        outcome.error = (
            "本工具解析此文件时出错（内部错误，已记录）：这是本工具的局限，不一定是文件的问题。"
        )
    return outcome


# ------------------------------------------------------------------ JSON / values
_LEAVES = frozenset((str, int, bool, type(None)))  # exact types kept as they are


def _jsonable(x: Any) -> Any:
    """``x`` as plain JSON values: Decimal as int or float, NaN and infinities as text,
    sets and tuples as lists, keys as text, objects by their ``to_dict``, else their text.
    Strings, integers, booleans and None inside a dict or a list are taken as they are
    without a call each (what most of a report's meta, sections and findings hold)."""
    t = type(x)
    if t in _LEAVES:
        return x
    leaves = _LEAVES
    if t is dict:
        return {
            (k if type(k) is str else str(k)): (v if type(v) in leaves else _jsonable(v))
            for k, v in x.items()
        }
    if t is list:
        return [v if type(v) in leaves else _jsonable(v) for v in x]
    if x is None or isinstance(x, bool | int | str):
        return x
    if isinstance(x, float):
        return x if x == x and x not in (float("inf"), float("-inf")) else str(x)
    if isinstance(x, Decimal):
        return int(x) if x == x.to_integral() else float(x)
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple | set | frozenset):
        return [_jsonable(v) for v in x]
    if hasattr(x, "to_dict"):
        return _jsonable(x.to_dict())
    return str(x)


# names kept for the modules and scripts that import them from here
_split_value = split_value
