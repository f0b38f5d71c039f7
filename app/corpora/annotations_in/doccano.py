"""doccano JSONL: one object per line with ``text`` and its labels.

Sequence labelling comes as ``"label": [[start, end, label], …]`` (doccano's export, and
Wanbiao's) or ``"entities": [{"start_offset", "end_offset", "label"}, …]`` (doccano 1.x);
text classification as ``"label": ["class", …]``. Offsets are characters, end exclusive.
Every other field is kept as metadata (``id`` as ``source_id``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from app.corpora.annotations_in.shapes import RecordError, checked_span, extra_fields
from app.corpora.formats import LineError, Record, _decode, iter_lines

LABEL_FIELDS = ("label", "labels", "entities")


def _entity(text: str, entry: object) -> list[Any]:
    if isinstance(entry, dict):
        return checked_span(
            text, entry.get("start_offset"), entry.get("end_offset"), entry.get("label")
        )
    if isinstance(entry, list) and len(entry) == 3:
        return checked_span(text, *entry)
    raise RecordError("bad_span")


def preannotation(text: str, value: dict[str, Any]) -> dict[str, Any] | None:
    """The spans or class labels of one doccano record; None when it has no label field."""
    field = next((name for name in LABEL_FIELDS if name in value), None)
    if field is None:
        return None
    entries = value[field]
    if not isinstance(entries, list):
        raise RecordError("bad_span")
    if entries and all(isinstance(e, str) for e in entries):
        return {"labels": [e.strip() for e in entries]}
    spans = sorted((_entity(text, entry) for entry in entries), key=lambda s: (s[0], s[1], s[2]))
    return {"spans": spans}


def _record(number: int, line: str) -> Record:
    try:
        value = json.loads(line)
    except RecursionError:
        raise RecordError("too_deep") from None
    except ValueError:
        raise RecordError("invalid_json") from None
    if not isinstance(value, dict):
        raise RecordError("not_object")
    text = value.get("text")
    if not isinstance(text, str):
        raise RecordError("missing_text")
    if not text.strip():
        raise RecordError("empty_text")
    found = preannotation(text, value)
    return Record(number, text, extra_fields(value, ("text", *LABEL_FIELDS)), found)


def parse_doccano(chunks: Iterable[bytes]) -> Iterator[Record | LineError]:
    """One record per non-blank line; errors by line number."""
    for number, raw in iter_lines(chunks):
        if raw is None:
            yield LineError(number, "line_too_long")
            continue
        line = _decode(number, raw)
        if isinstance(line, LineError):
            yield line
        elif line.strip():
            try:
                yield _record(number, line)
            except RecordError as error:
                yield LineError(number, error.code)
