"""Make the repository root importable when pytest runs as `.venv/bin/pytest`.

pyproject.toml sets no `pythonpath` yet, so without this only `python -m pytest` (which puts
the working directory on sys.path) could import `quality`.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
