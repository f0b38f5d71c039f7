"""CSV that spreadsheets cannot execute: cells starting with = + - @ TAB or CR are quoted
with a leading apostrophe (OWASP CSV injection guidance)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> str:
    """The cell as text, neutralised if a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS) else text


def csv_lines(rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Rows as formula-safe CSV, one line at a time, for streamed downloads; a BOM first so
    spreadsheet programs read the UTF-8 Chinese correctly."""
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
