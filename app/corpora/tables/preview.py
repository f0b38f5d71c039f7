"""What the mapping step shows of a table: each sheet's columns and its first rows.

Read from the uploaded file before ingestion; values are cut to ``PREVIEW_CHARS``
characters. JSON records have no header: their columns are the dotted paths of the first
``SAMPLE_RECORDS`` records (nested objects opened ``PATH_DEPTH`` levels deep).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import IO, Any

from app.corpora.formats import LineError
from app.corpora.tables.json_array import json_array_rows
from app.corpora.tables.mapping import MISSING, lookup
from app.corpora.tables.reading import (
    DELIMITERS,
    Entry,
    TableRefused,
    csv_cells,
    header_names,
    jsonl_rows,
    open_workbook,
    xlsx_cells,
)

PREVIEW_ROWS = 5
PREVIEW_CHARS = 80
SAMPLE_RECORDS = 50
PATH_DEPTH = 3
MAX_SHEETS = 50
CHUNK = 64 * 1024


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def _shown(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def _sheet(name: str | None, cells: Iterable[tuple[int, list[Any]]]) -> dict[str, Any]:
    rows = (c for _, c in cells if any(v not in (None, "") for v in c))
    header = next(rows, None)
    if header is None:
        return {"name": name, "columns": [], "rows": []}
    columns = header_names(header)
    preview = [[_shown(v) for v in row[: len(columns)]] for row in islice(rows, PREVIEW_ROWS)]
    return {"name": name, "columns": columns, "rows": preview}


def _paths(record: dict[str, Any], prefix: str = "", depth: int = 1) -> Iterator[str]:
    for key, value in record.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value and depth < PATH_DEPTH:
            yield from _paths(value, f"{path}.", depth + 1)
        else:
            yield path


def _records(entries: Iterator[Entry]) -> dict[str, Any]:
    records = [e[1] for e in islice(entries, SAMPLE_RECORDS) if not isinstance(e, LineError)]
    columns = list(dict.fromkeys(p for r in records for p in _paths(r)))
    rows = [
        [_shown(None if (v := lookup(r, c)) is MISSING else v) for c in columns]
        for r in records[:PREVIEW_ROWS]
    ]
    return {"name": None, "columns": columns, "rows": rows}


def preview_table(fmt: str, stream: IO[bytes], encoding: str | None) -> list[dict[str, Any]]:
    """``[{"name", "columns", "rows"}]``: one entry per sheet of a workbook (name None for
    other formats). TableRefused when the file has no header or a damaged structure."""
    if fmt == "xlsx":
        book = open_workbook(stream)
        try:
            sheets = [
                _sheet(ws.title, islice(xlsx_cells(ws), 1000))
                for ws in book.worksheets[:MAX_SHEETS]
            ]
        finally:
            book.close()
        return sheets
    if fmt in DELIMITERS:
        decoding = "utf-8-sig" if encoding is None or encoding == "utf-8" else encoding
        sheet = _sheet(None, islice(csv_cells(_chunks(stream), decoding, DELIMITERS[fmt]), 1000))
        if not sheet["columns"]:
            raise TableRefused("no_header")
        return [sheet]
    rows = json_array_rows(_chunks(stream)) if fmt == "json" else jsonl_rows(_chunks(stream))
    return [_records(rows)]
