"""A stand-in for a worker killed part-way through an ingestion, shared by the tests that
resume one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def crash_on_call(real: Callable[..., Any], number: int) -> Callable[..., Any]:
    """``real``, except that its ``number``-th call raises before doing anything, as a
    killed worker leaves it: nothing of that call committed."""
    calls = {"n": 0}

    def crashing(*args: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == number:
            raise RuntimeError("worker killed")  # what a killed worker leaves: no commit
        return real(*args)

    return crashing
