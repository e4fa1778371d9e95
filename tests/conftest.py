"""Shared fixtures. The real samples live in ../shared/samples beside the checkout."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "samples"
PEER = SAMPLES / "peer"
EXAMPLES = REPO / "examples"


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
