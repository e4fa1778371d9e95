"""Shared fixtures. The real samples live in ../shared/samples beside the checkout."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

# the CLI's tables and messages are printed by rich at the terminal's width: one width for
# every run (a pytest-xdist worker has no terminal and wrapped 「未收录 2 个」 at 80 columns)
os.environ["COLUMNS"] = "200"

# pytest-xdist runs a worker a core: OCR in one thread each, as the parser pools do (two
# threads a worker on two cores only spin against each other)
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("NIANBAO_OCR_THREADS", "1")

# the generators' and OCR tests take a part of their copies by default (the CI's time);
# NIANBAO_TESTS_FULL=1 takes them all
FULL = os.environ.get("NIANBAO_TESTS_FULL") == "1"

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"
PEER = SAMPLES / "peer"
EXAMPLES = REPO / "examples"


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed ``nianbao`` command run with ``args`` (and ``env`` over the process's
    environment), its output captured as text."""
    return subprocess.run(
        [str(Path(sys.executable).parent / "nianbao"), *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, **env),
    )


def gold_path(doc: Path) -> Path:
    return doc.with_name(doc.stem + ".gold.json")


def documents_with_gold(suffixes: tuple[str, ...]) -> list[Path]:
    out = []
    for folder in (SAMPLES, PEER):
        if not folder.is_dir():
            continue
        for p in sorted(folder.iterdir()):
            if p.suffix.lower() in suffixes and gold_path(p).exists():
                out.append(p)
    return out


def load_gold(doc: Path) -> dict:
    return json.loads(gold_path(doc).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    if not SAMPLES.is_dir():
        pytest.skip("../shared/samples is not beside the checkout")
    return SAMPLES


def pytest_report_header(config):  # noqa: ARG001
    return f"samples: {SAMPLES} ({'present' if SAMPLES.is_dir() else 'MISSING'}); NIANBAO_TEST_PG={os.environ.get('NIANBAO_TEST_PG', '')}"


def artifacts_dir() -> Path:
    """Where browser tests leave their screenshots (``$NIANBAO_ARTIFACTS/web``)."""
    root = Path(os.environ.get("NIANBAO_ARTIFACTS") or REPO / "artifacts")
    out = root / "web"
    out.mkdir(parents=True, exist_ok=True)
    return out


def free_port() -> int:
    """A port on 127.0.0.1 nobody listens on (for a server a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def golds() -> list[tuple[str, dict[str, Any]]]:
    """(stem, flat gold) of every gold of ``../shared/samples`` and the invented reports
    (``shapes.sources``); skips where the samples are not beside the checkout. A module's
    own ``golds`` (another shape) overrides it."""
    from .shapes import sources

    found = sources()
    if len(found) < 3:
        pytest.skip("shared samples not available")
    return found


def pytest_sessionfinish(session, exitstatus):  # noqa: ARG001
    """With ``NIANBAO_TEST_PG``: vacuum the system catalogs the tests' schemas churned. Each
    store test makes and drops a schema; with autovacuum off (as on the machines here) the
    dead rows piled up (727,000 in ``pg_attribute`` after a few runs) and slowed every later
    statement of the database: a benchmark's PostgreSQL rate fell from 0.96x to 0.67x our
    SQLite's. Best effort: a failure here fails no test."""
    url = os.environ.get("NIANBAO_TEST_PG")
    if not url:
        return
    try:
        from sqlalchemy import create_engine, text

        from nianbao.store.db import resolve_url

        engine = create_engine(resolve_url(url), isolation_level="AUTOCOMMIT")
        try:
            with engine.connect() as conn:
                conn.execute(
                    text(
                        "VACUUM pg_catalog.pg_attribute, pg_catalog.pg_class, "
                        "pg_catalog.pg_depend, pg_catalog.pg_type, pg_catalog.pg_constraint, "
                        "pg_catalog.pg_index, pg_catalog.pg_namespace"
                    )
                )
        finally:
            engine.dispose()
    except Exception:  # noqa: BLE001
        pass
