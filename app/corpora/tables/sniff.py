"""Which table or JSON format a text upload is, from its first bytes (and its name only
where the bytes cannot tell: a ``.txt`` stays plain text).

A file whose first character is ``[`` is a JSON array; ``{`` starts JSON Lines (a ``.json``
file holding one object over many lines is refused with a hint). A ``.csv`` or ``.tsv`` is
split by the delimiter its header line holds more of: a tab or a comma, whatever the name
says.
"""

from __future__ import annotations

import codecs
import json

from app.corpora.tables.reading import TableRefused

TABLE_SUFFIXES = ("csv", "tsv")
JSON_SUFFIXES = ("json", "jsonl", "ndjson")
#: Suffixes the bytes may turn into a JSON format when nothing else claims the file.
OPEN_SUFFIXES = ("", "json", "ndjson", "dat")


def _delimiter_format(head: bytes) -> str:
    header = head.split(b"\n", 1)[0]
    return "tsv" if header.count(b"\t") > header.count(b",") else "csv"


def _json_format(head: bytes, suffix: str) -> str | None:
    start = head.removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n")
    if start.startswith(b"["):
        return "json"
    if not start.startswith(b"{"):
        return None
    first = start.split(b"\n", 1)
    if suffix == "json" and len(first) > 1:
        try:
            json.loads(first[0])
        except ValueError:
            raise TableRefused("json_not_records") from None
    return "jsonl"


def table_format(head: bytes, suffix: str) -> str | None:
    """csv, tsv, json (an array) or jsonl for a file that is one, else None; TableRefused
    for a ``.json`` file that is a single object rather than records."""
    if suffix in TABLE_SUFFIXES:
        return _delimiter_format(head)
    if suffix == "jsonl":
        return "jsonl"  # a line that is not an object is that line's error
    if suffix in OPEN_SUFFIXES:
        found = _json_format(head, suffix)
        if found is None and suffix == "json":
            raise TableRefused("json_not_records")
        return found
    return None
