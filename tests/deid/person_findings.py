"""What the engine reports as people in a text, for the judgment tests."""

from __future__ import annotations

import deid


def person_names(text: str) -> set[str]:
    """The texts of ``text``'s ``PERSON`` findings."""
    return {text[f.start : f.end] for f in deid.analyze(text) if f.entity_type == "PERSON"}


def person_mentions(text: str) -> list[str]:
    """The texts of ``text``'s ``PERSON`` findings, one per finding, in order."""
    return [text[f.start : f.end] for f in deid.analyze(text) if f.entity_type == "PERSON"]


def touched(text: str, span: str, entity_type: str | None = None) -> bool:
    """True when a finding (of ``entity_type``, when given) overlaps the first ``span``."""
    start = text.index(span)
    end = start + len(span)
    return any(
        f.start < end and start < f.end and entity_type in (None, f.entity_type)
        for f in deid.analyze(text)
    )
