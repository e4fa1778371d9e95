"""Shrink a crashing or hanging input: ``python -m fuzz.minimize <file> [--out <file>]``.

Delta debugging over lines, then over bytes: a piece is dropped when the input still fails
the same way (the same crash signature, or still a hang), so that a fuzz finding becomes a
small regression fixture. DOCX inputs are shrunk inside ``word/document.xml``.
"""

from __future__ import annotations

import argparse
import io
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from .run import _signature, run_one


def outcome(data: bytes, reader: str, seconds: float) -> str:
    kind, detail = run_one(data, reader, seconds, 2048.0)
    if kind == "crash":
        return "crash:" + _signature(detail)
    return kind


def _ddmin(parts: list[bytes], fails: Callable[[list[bytes]], bool]) -> list[bytes]:
    n = 2
    while len(parts) >= 2:
        size = max(1, len(parts) // n)
        reduced = False
        for i in range(0, len(parts), size):
            rest = parts[:i] + parts[i + size :]
            if rest and fails(rest):
                parts, n, reduced = rest, max(n - 1, 2), True
                break
        if not reduced:
            if size == 1:
                break
            n = min(len(parts), n * 2)
    return parts


def minimize(data: bytes, reader: str, seconds: float = 2.0) -> bytes:
    target = outcome(data, reader, seconds)
    if target in ("report", "named"):
        raise ValueError("the input does not fail")
    if reader == "docx":
        zf = zipfile.ZipFile(io.BytesIO(data))
        parts = {i.filename: zf.read(i) for i in zf.infolist()}

        def pack(xml: bytes) -> bytes:
            buf = io.BytesIO()
            with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
                for name, body in parts.items():
                    out.writestr(name, xml if name == "word/document.xml" else body)
            return buf.getvalue()

        xml = _shrink(parts["word/document.xml"], lambda b: outcome(pack(b), reader, seconds))
        return pack(xml)
    return _shrink(data, lambda b: outcome(b, reader, seconds), target)


def _shrink(data: bytes, judge: Callable[[bytes], str], target: str | None = None) -> bytes:
    target = target or judge(data)
    lines = data.splitlines(keepends=True)
    lines = _ddmin(lines, lambda ps: judge(b"".join(ps)) == target)
    data = b"".join(lines)
    if len(data) <= 4096:  # bytes too, for small inputs
        chars = [data[i : i + 1] for i in range(len(data))]
        data = b"".join(_ddmin(chars, lambda ps: judge(b"".join(ps)) == target))
    return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fuzz.minimize", description=__doc__)
    ap.add_argument("file", type=Path)
    ap.add_argument("--reader", choices=("text", "html", "docx", "pdf"), default=None)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args(argv)
    reader = args.reader or args.file.parent.name
    data = args.file.read_bytes()
    small = minimize(data, reader, args.seconds)
    out = args.out or args.file.with_suffix(".min" + args.file.suffix)
    out.write_bytes(small)
    print(f"{len(data)} -> {len(small)} bytes: {out} ({outcome(small, reader, args.seconds)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
