"""Checks shared by the task types' answer validators."""

from __future__ import annotations

import math

from tasks.config import ProjectConfig
from tasks.errors import InvalidAnswer

MAX_TEXT_CHARS = 1_000_000


def answer_fields(
    result: object, required: frozenset[str], optional: frozenset[str], code: str
) -> dict[str, object]:
    """Return ``result`` when it is a dict holding every ``required`` key and nothing beyond
    ``required | optional``; raise InvalidAnswer(code) otherwise."""
    if not isinstance(result, dict) or not required <= result.keys() <= required | optional:
        raise InvalidAnswer(code)
    return result


def is_int(value: object) -> bool:
    """True for an int that is not a bool (JSON ``true`` is no offset)."""
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    """True for a finite int or float that is not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def project_label(value: object, config: ProjectConfig) -> str:
    """Return ``value`` when it is one of the project's labels.

    Raises InvalidAnswer("unknown_label", label=<first 100 characters>).
    """
    if not isinstance(value, str) or value not in config.labels:
        raise InvalidAnswer("unknown_label", label=str(value)[:100])
    return value


def bounded_text(value: object, code: str) -> str:
    """Return ``value`` when it is a string of at most 1,000,000 characters.

    Raises InvalidAnswer(code) when it is no string, text_too_long (limit) when too long.
    """
    if not isinstance(value, str):
        raise InvalidAnswer(code)
    if len(value) > MAX_TEXT_CHARS:
        raise InvalidAnswer("text_too_long", limit=MAX_TEXT_CHARS)
    return value
