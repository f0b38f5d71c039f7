"""What the engine reports as people in a text, for the judgment tests."""

from __future__ import annotations

import re

import deid
from deid.findings import Finding


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


def missed_mentions(
    text: str, people: list[str], found: list[Finding] | None = None
) -> list[tuple[str, str]]:
    """Each occurrence in ``text`` of a name of ``people`` that no ``PERSON`` finding covers
    whole, with a little context (``found``: the findings, when the caller has them)."""
    if found is None:
        found = [f for f in deid.analyze(text) if f.entity_type == "PERSON"]
    covered = {i for f in found for i in range(f.start, f.end)}
    return [
        (person, text[max(0, m.start() - 8) : m.end() + 4])
        for person in people
        for m in re.finditer(re.escape(person), text)
        if not set(range(m.start(), m.end())) <= covered
    ]
