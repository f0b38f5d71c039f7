"""Readers for the project's NER data sets (the ``../shared/data/ner`` JSONL format).

Each line is ``{"text": ..., "spans": [[start, end, label], ...], "source": ...}`` with Python
``str`` offsets, ``end`` exclusive.  The data directory sits beside the repository clone
(``../shared/data/ner`` from the repository root), in CI as on the workstations.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[2]
NER_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "ner"

# Source labels that name the same thing as the engine's entity types.
LABEL_TO_ENTITY = {"PER": "PERSON", "ADDRESS": "CN_ADDRESS", "ORG": "ORG", "LOC": "LOC"}


@dataclass(frozen=True)
class LabelledText:
    """One sentence with its gold spans ``(start, end, label)`` in source labels."""

    text: str
    spans: tuple[tuple[int, int, str], ...]
    source: str


def _json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """``(line number, object)`` of each non-blank line; ``ValueError`` naming the line
    when one is not valid JSON."""
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(f"{path}:{number}: {error}") from error


def _checked(path: Path, number: int, record: LabelledText) -> LabelledText:
    if any(not 0 <= s < e <= len(record.text) for s, e, _ in record.spans):
        raise ValueError(f"{path}:{number}: span outside the text")
    return record


def read_jsonl(path: Path) -> Iterator[LabelledText]:
    """Yield the labelled sentences of one JSONL file in the shared NER format.

    Raises ``ValueError`` naming the line number when a line is not valid JSON or a span
    lies outside its text, and ``OSError`` when the file cannot be read.
    """
    for number, record in _json_lines(path):
        spans = tuple((int(s), int(e), str(label)) for s, e, label in record["spans"])
        yield _checked(
            path, number, LabelledText(str(record["text"]), spans, str(record.get("source", "")))
        )


def split_files(split: str) -> list[Path]:
    """Return the JSONL files of ``train`` or ``dev`` (never ``test``: that is for reporting).

    Raises ``ValueError`` for any other split name.
    """
    if split not in {"train", "dev"}:
        raise ValueError(f"training and tuning read train/ and dev/ only, not {split!r}")
    return sorted((NER_DATA_DIR / split).glob("*.jsonl"))


def read_annotations(
    path: Path,
    person_labels: frozenset[str] = frozenset({"PER"}),
) -> Iterator[LabelledText]:
    """Yield labelled sentences of the platform's own annotation: an NER project's export
    (one ``{"text": ..., "final": {"spans": [[start, end, label], ...]}, ...}`` per line; items
    without a final answer are skipped) or a file in the shared format.  Spans labelled one
    of ``person_labels`` (the project's name label, e.g. ``人名``) become ``PER``; the rest
    keep their label.

    Raises ``ValueError`` naming the line for a malformed line or a span outside its text.
    """
    for number, record in _json_lines(path):
        try:
            final = record if "spans" in record else record.get("final")
            if not record.get("text") or not isinstance(final, dict):
                continue
            spans = tuple(
                (int(s), int(e), "PER" if str(label) in person_labels else str(label))
                for s, e, label in final.get("spans", [])
            )
        except (TypeError, ValueError, AttributeError) as error:
            raise ValueError(f"{path}:{number}: {error}") from error
        yield _checked(
            path, number, LabelledText(str(record["text"]), spans, f"wanbiao:{path.stem}")
        )
