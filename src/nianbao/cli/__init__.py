"""Interfaces — the command line (click). ``nianbao = nianbao.cli:main``.

``app`` holds the root group and ``parse``/``check``; the other modules add their commands
when their extras import.
"""

from .app import cli, main

__all__ = ["cli", "main"]
