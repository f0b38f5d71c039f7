"""Rows of a table or JSON file, streamed one at a time with the line they start on.

Plain values only (no web stack): CSV and TSV through :mod:`csv` over an incremental
decoder, ``.xlsx`` through openpyxl's read-only mode (rows streamed from the sheet's XML),
JSON Lines line by line, and a JSON array element by element with
:meth:`json.JSONDecoder.raw_decode`, so no file is ever held whole in memory. A problem in
one row is a :class:`~app.corpora.formats.LineError`; a problem with the whole file (no
header, two columns of one name, a damaged workbook) raises :class:`TableRefused`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import IO, Any

from app.corpora.formats import LineError, iter_lines, loads_json

Row = dict[str, Any]
Entry = tuple[int, Row] | LineError
DELIMITERS = {"csv": ",", "tsv": "\t"}
#: More columns than this is a sign of a file that is not a table.
MAX_COLUMNS = 1000


class TableRefused(Exception):
    """The whole file cannot be read as a table: ``code`` and its ``params``."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code, self.params = code, params


class _ChunkReader(io.RawIOBase):
    """A byte stream over an iterator of chunks, for :class:`io.TextIOWrapper`."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks, self._rest = iter(chunks), b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._rest:
            self._rest = next(self._chunks, b"")
            if not self._rest:
                return 0
        size = min(len(buffer), len(self._rest))
        buffer[:size], self._rest = self._rest[:size], self._rest[size:]
        return size


def header_names(cells: Iterable[Any]) -> list[str]:
    """Column names from a header row: an empty cell is named ``column_<n>`` (1-based);
    TableRefused for a name used twice or too many columns."""
    names: list[str] = []
    for number, cell in enumerate(cells, start=1):
        name = "" if cell is None else str(cell).strip()
        name = name or f"column_{number}"
        if name in names:
            raise TableRefused("duplicate_column", column=name)
        names.append(name)
    if len(names) > MAX_COLUMNS:
        raise TableRefused("too_many_columns", limit=MAX_COLUMNS)
    while names and names[-1] == f"column_{len(names)}":  # trailing empty header cells
        names.pop()
    if not names:
        raise TableRefused("no_header")
    return names


def _rows_with_header(rows: Iterator[tuple[int, list[Any]]]) -> Iterator[Entry]:
    columns: list[str] | None = None
    for line, cells in rows:
        if all(cell is None or cell == "" for cell in cells):
            continue  # blank rows are skipped, as spreadsheet users expect
        if columns is None:
            columns = header_names(cells)
            continue
        extra = [c for c in cells[len(columns) :] if c is not None and c != ""]
        if extra:
            yield LineError(line, "extra_cells")
            continue
        yield line, dict(zip(columns, cells, strict=False))
    if columns is None:
        raise TableRefused("no_header")


def csv_cells(
    chunks: Iterable[bytes], encoding: str, delimiter: str
) -> Iterator[tuple[int, list[Any]]]:
    """(first line, cells) per CSV record; quoted fields may span lines."""
    text = io.TextIOWrapper(io.BufferedReader(_ChunkReader(chunks)), encoding=encoding, newline="")
    reader = csv.reader(text, delimiter=delimiter)
    line = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            raise TableRefused("bad_csv", line=reader.line_num) from None
        yield line, list(cells)
        line = reader.line_num + 1


def csv_rows(chunks: Iterable[bytes], encoding: str, delimiter: str) -> Iterator[Entry]:
    """The records of a CSV or TSV file after its header row, as {column: cell}."""
    return _rows_with_header(
        csv_cells(chunks, "utf-8-sig" if encoding == "utf-8" else encoding, delimiter)
    )


def _cell(value: Any) -> Any:
    # Excel keeps a date as a datetime at midnight: it is shown as the date it is.
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def open_workbook(file: IO[bytes]) -> Any:
    """An openpyxl workbook in read-only mode (its XML parsed through defusedxml, which
    openpyxl uses when it is installed); TableRefused when it is damaged."""
    from openpyxl import load_workbook

    try:
        return load_workbook(file, read_only=True, data_only=True)
    except Exception:  # any parser error on hostile bytes is a damaged workbook
        raise TableRefused("bad_workbook") from None


def sheet_of(book: Any, sheet: str | None) -> Any:
    """The named sheet, or the first; TableRefused for a name the workbook does not hold."""
    if sheet is None:
        return book.worksheets[0]
    if sheet not in book.sheetnames:
        raise TableRefused("unknown_sheet", sheet=sheet)
    return book[sheet]


def xlsx_cells(worksheet: Any) -> Iterator[tuple[int, list[Any]]]:
    """(row number as Excel shows it, cells) per row of a read-only worksheet; a sheet whose
    XML breaks off is TableRefused (``bad_workbook``)."""
    rows = worksheet.iter_rows(values_only=True)
    number = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception:  # the sheet's XML is streamed: damage shows only here
            raise TableRefused("bad_workbook") from None
        number += 1
        yield number, [_cell(v) for v in values]


def xlsx_rows(file: IO[bytes], sheet: str | None) -> Iterator[Entry]:
    """The rows of one sheet (the first unless named) after its header row."""
    book = open_workbook(file)
    try:
        yield from _rows_with_header(xlsx_cells(sheet_of(book, sheet)))
    finally:
        book.close()


def _json_object(line: int, text: str) -> Entry:
    try:
        value = loads_json(text)
    except RecursionError:
        return LineError(line, "too_deep")
    except ValueError:
        return LineError(line, "invalid_json")
    if not isinstance(value, dict):
        return LineError(line, "not_object")
    return line, value


def jsonl_rows(chunks: Iterable[bytes]) -> Iterator[Entry]:
    """JSON Lines: one object per non-blank line (a BOM on line 1 is dropped)."""
    for number, raw in iter_lines(chunks):
        if raw is None:
            yield LineError(number, "line_too_long")
            continue
        if number == 1:
            raw = raw.removeprefix(codecs.BOM_UTF8)
        if b"\x00" in raw:
            yield LineError(number, "nul_byte")
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield LineError(number, "invalid_utf8")
            continue
        if text and not text.isspace():  # blank lines are skipped
            yield _json_object(number, text)
