"""A ZIP of pictures with a table that describes them: the vendor's ids and fields per picture.

The table is the archive's one ``.csv``, ``.tsv``, ``.jsonl``, ``.json`` (an array of
records) or ``.xlsx`` member. Its picture column is the first called ``image``, ``picture``,
``file``, ``file_name``, ``filename``, ``path``, ``图片``, ``图像``, ``文件`` or ``文件名``
(any case); it names a picture by its path in the archive, or by its base name when exactly
one picture has it. The vendor's id is the column a table corpus would take
(:data:`app.corpora.tables.mapping.ID_NAMES`) and every other column is kept, so the
picture's item gets the ``meta`` a table row gets (``{"source_id", "fields"}``), shown on the
corpus page and exported back.

All or nothing, like every upload: a row that names no picture of the archive, a picture two
rows name, an empty picture cell or id, two tables, or a table without a picture column fail
the corpus with the row's number. A picture no row names is still an item, without meta.
"""

from __future__ import annotations

import io
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from app.corpora.documents.text import sniff_encoding
from app.corpora.formats import LineError
from app.corpora.tables.json_array import json_array_rows
from app.corpora.tables.mapping import ID_NAMES, Mapping, apply_mapping
from app.corpora.tables.reading import (
    DELIMITERS,
    Entry,
    TableRefused,
    csv_rows,
    jsonl_rows,
    xlsx_rows,
)

TABLE_SUFFIXES = (".csv", ".tsv", ".jsonl", ".json", ".xlsx")
PICTURE_NAMES = (
    "image",
    "picture",
    "file",
    "file_name",
    "filename",
    "path",
    "图片",
    "图像",
    "文件",
    "文件名",
)


def is_picture_table(name: str) -> bool:
    """True for an archive member read as the pictures' table (by its suffix)."""
    return name.lower().endswith(TABLE_SUFFIXES)


@dataclass
class PictureTable:
    """What the table says: item meta by picture path, and the errors met (row numbers)."""

    name: str | None = None
    meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def error(self, line: int, code: str, **extra: Any) -> None:
        """Record a problem of row ``line`` (0: the whole table)."""
        self.errors.append({"line": line, "code": code, "member": self.name, **extra})


def _chunks(data: bytes) -> Iterator[bytes]:
    yield data


def _entries(name: str, data: bytes) -> Iterable[Entry]:
    suffix = posixpath.splitext(name.lower())[1]
    if suffix in (".csv", ".tsv"):
        encoding, _ = sniff_encoding(_chunks(data))
        if encoding is None:
            raise TableRefused("unknown_encoding")
        return csv_rows(_chunks(data), encoding, DELIMITERS[suffix[1:]])
    if suffix == ".json":
        return json_array_rows(_chunks(data))
    if suffix == ".jsonl":
        return jsonl_rows(_chunks(data))
    return xlsx_rows(io.BytesIO(data), None)


def _column(columns: Iterable[str], names: tuple[str, ...]) -> str | None:
    lowered: dict[str, str] = {}
    for column in columns:
        lowered.setdefault(column.strip().lower(), column)
    return next((lowered[name] for name in names if name in lowered), None)


def _mapping(record: dict[str, Any]) -> Mapping | None:
    picture = _column(record, PICTURE_NAMES)
    if picture is None:
        return None
    source_id = _column((c for c in record if c != picture), ID_NAMES)
    return Mapping(picture, source_id)


class _Pictures:
    """Finds the picture a cell names: its exact path, else the one picture of that base name."""

    def __init__(self, paths: list[str]) -> None:
        self.paths = set(paths)
        self.by_base: dict[str, list[str]] = {}
        for path in paths:
            self.by_base.setdefault(posixpath.basename(path), []).append(path)

    def find(self, named: str) -> str | None:
        named = named.strip().replace("\\", "/").removeprefix("./")
        if named in self.paths:
            return named
        found = self.by_base.get(posixpath.basename(named), [])
        return found[0] if len(found) == 1 else None


def read_picture_table(name: str, data: bytes, pictures: list[str]) -> PictureTable:
    """Read the table member ``name`` against the archive's picture paths; never raises."""
    table = PictureTable(name)
    where = _Pictures(pictures)
    named_by: dict[str, int] = {}
    mapping: Mapping | None = None
    try:
        for entry in _entries(name, data):
            if isinstance(entry, LineError):
                table.error(entry.line, entry.code)
                continue
            line, record = entry
            mapping = mapping or _mapping(record)
            if mapping is None:
                table.error(0, "picture_column_missing")
                return table
            _add_row(table, where, named_by, apply_mapping(mapping, line, record))
    except TableRefused as refused:
        table.error(0, refused.code)
    return table


def _add_row(table: PictureTable, where: _Pictures, named_by: dict[str, int], row: Any) -> None:
    if isinstance(row, LineError):
        code = "picture_cell_empty" if row.code in ("missing_text", "empty_text") else row.code
        table.error(row.line, code, **({"field": row.field} if code == row.code else {}))
        return
    path = where.find(row.text)
    if path is None:
        table.error(row.line, "picture_not_in_archive")
    elif path in named_by:
        table.error(row.line, "picture_named_twice")
    else:
        named_by[path] = row.line
        table.meta[path] = row.meta or {}
