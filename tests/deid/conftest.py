"""Shared fixtures for the de-identifier tests.

The repository root goes on ``sys.path`` so ``.venv/bin/pytest`` can import ``deid``
(pyproject.toml sets no ``pythonpath``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import deid  # noqa: E402

Found = Callable[..., list[tuple[str, str]]]


@pytest.fixture(scope="session")
def found() -> Found:
    """``found(text, language="zh")``: ``(entity_type, covered text)`` per finding."""

    def run(text: str, language: str = "zh") -> list[tuple[str, str]]:
        return [(f.entity_type, text[f.start : f.end]) for f in deid.analyze(text, language)]

    return run
