"""The tree shows the pipeline (docs/architecture.md): a module imports only from its own or an
earlier stage, the core imports no front-end library, a module over about 500 lines says why
at its top, and the architecture page names every module that exists and no module that
does not."""

from __future__ import annotations

import ast
import contextlib
import io
import logging
import re
from pathlib import Path

from importlinter.cli import lint_imports

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src" / "nianbao"
DOC = REPO / "docs" / "architecture.md"
LIMIT = 500
REASON = re.compile(r"\bOver (about )?\d[\d,]* lines\b")


def _modules() -> list[Path]:
    return sorted(
        p
        for p in SRC.rglob("*.py")
        if "migrations" not in p.relative_to(SRC).parts and p.name != "__init__.py"
    )


def test_stages_import_only_earlier_stages() -> None:
    out = io.StringIO()
    # import-linter's dictConfig disables every logger that exists (later tests read them)
    loggers = logging.root.manager.loggerDict.values()
    disabled = {lg: lg.disabled for lg in loggers if isinstance(lg, logging.Logger)}
    try:
        with contextlib.redirect_stdout(out):
            code = lint_imports(config_filename=str(REPO / "pyproject.toml"), no_cache=True)
    finally:
        for lg, was in disabled.items():
            lg.disabled = was
    assert code == 0, out.getvalue()[-4000:]


def test_long_modules_say_why() -> None:
    silent = []
    for p in _modules():
        n = len(p.read_text(encoding="utf-8").splitlines())
        if n <= LIMIT:
            continue
        doc = ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) or ""
        if not REASON.search(doc):
            silent.append(f"{p.relative_to(SRC)} ({n} lines)")
    assert not silent, "over 500 lines without 'Over N lines because …' at the top: " + ", ".join(
        silent
    )


def _doc_paths() -> set[str]:
    """The paths in the page's "## Modules" part (relative to src/nianbao)."""
    text = DOC.read_text(encoding="utf-8")
    text = text.split("\n## Modules", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`([a-z_]+(?:/[a-z_]+)*(?:\.py|/))`", text))


def test_architecture_page_names_every_module() -> None:
    named = _doc_paths()
    missing = []
    for p in _modules():
        rel = p.relative_to(SRC).as_posix()
        if rel not in named:
            missing.append(rel)
    assert not missing, "docs/architecture.md does not name: " + ", ".join(missing)


def test_architecture_page_names_only_modules_that_exist() -> None:
    gone = [rel for rel in _doc_paths() if not (SRC / rel).exists()]
    assert not gone, "docs/architecture.md names what is not in src/nianbao: " + ", ".join(
        sorted(gone)
    )


def test_every_stage_package_has_its_docstring() -> None:
    for ini in sorted(SRC.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(ini.read_text(encoding="utf-8")))
        assert doc, f"{ini.relative_to(SRC)}: a stage package says what it holds"
