"""Stage 3 — checks: Report → findings.

``engine`` runs the rules over a Report; ``rules/`` holds them by group (A–I of rules.md),
each registered by the decorator of ``registry``. The engine's names are re-exported here
(``from nianbao.checks import run_checks``).
"""

from .engine import *  # noqa: F403
from .engine import __all__  # noqa: F401
