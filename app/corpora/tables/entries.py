"""Ingestion of table corpora: the stored file's rows through the corpus's mapping.

CSV, TSV, JSON Lines and JSON arrays stream from object storage; a workbook is spooled to
a temporary file first (a ZIP is read from its end). Each row becomes its item's text,
``meta`` and pre-annotation (a plain tuple), or a LineError naming its line; a problem with
the whole file is one error on line 0. The top-level names of the kept fields are
collected, in the order they first appear, as the columns a CSV or ``.xlsx`` export gives
them (``meta_columns``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any, cast

from app.corpora.formats import LineError
from app.corpora.tables.json_array import json_array_rows
from app.corpora.tables.mapping import Mapped, Mapping, compile_mapping
from app.corpora.tables.reading import (
    DELIMITERS,
    Entry,
    TableRefused,
    csv_rows,
    jsonl_rows,
    xlsx_rows,
)
from app.models import Corpus
from app.storage import ObjectStore

#: Corpus formats read as tables of records.
TABLE_FORMATS = ("csv", "tsv", "xlsx", "json", "jsonl")
SPOOL_BYTES = 16 * 1024 * 1024
MAX_META_COLUMNS = 1000


def corpus_is_table(corpus: Corpus) -> bool:
    """True for corpora read row by row through a mapping."""
    return corpus.file_format in TABLE_FORMATS and bool(corpus.mapping)


def stored_mapping(corpus: Corpus) -> Mapping:
    """The mapping chosen for a corpus (stored by the upload or the mapping step)."""
    chosen = (corpus.mapping or {})["chosen"]
    meta = chosen.get("meta")
    return Mapping(
        chosen["text"],
        chosen.get("id"),
        None if meta is None else tuple(meta),
        chosen.get("sheet"),
        chosen.get("label"),
        chosen.get("label_separator"),
    )


def table_has_labels(corpus: Corpus) -> bool:
    """True for a table corpus whose mapping names a label column (pre-annotations)."""
    return corpus_is_table(corpus) and bool((corpus.mapping or {}).get("chosen", {}).get("label"))


class TableEntries:
    """The rows of a stored table as ingestion entries; ``bytes`` read so far.

    The corpus's values are read here, once: the rows are iterated in the ingestion's
    read-ahead thread, which must not touch the corpus row (nor the session) again.
    """

    def __init__(self, corpus: Corpus, store: ObjectStore) -> None:
        self.store, self.key, self.format = store, corpus.object_key, corpus.file_format
        self.table: dict[str, Any] = dict(corpus.mapping or {})
        self.mapping = stored_mapping(corpus)
        self.bytes = 0
        self.meta_columns: dict[str, None] = {}

    def _chunks(self) -> Iterator[bytes]:
        for chunk in self.store.iter_chunks(self.key):
            self.bytes += len(chunk)
            yield chunk

    def _rows(self, mapping: Mapping) -> Iterator[Entry]:
        fmt = self.format
        if fmt in DELIMITERS:
            encoding = self.table.get("encoding") or "utf-8"
            yield from csv_rows(self._chunks(), encoding, DELIMITERS[fmt])
        elif fmt == "json":
            yield from json_array_rows(self._chunks())
        elif fmt == "jsonl":
            yield from jsonl_rows(self._chunks())
        else:
            with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as raw:
                for chunk in self._chunks():
                    raw.write(chunk)
                raw.seek(0)
                yield from xlsx_rows(raw, mapping.sheet)

    def __iter__(self) -> Iterator[Mapped | LineError]:
        """Each row as ``(text, meta, preannotation)``, or its LineError, in file order."""
        mapping = self.mapping
        fields = compile_mapping(mapping).fields
        columns = self.meta_columns
        try:
            for entry in self._rows(mapping):
                if entry.__class__ is LineError:
                    yield cast(LineError, entry)
                    continue
                mapped = fields(*cast(tuple[int, dict[str, Any]], entry))
                if mapped.__class__ is tuple:
                    meta = cast(Mapped, mapped)[1]
                    kept = meta.get("fields") if meta else None
                    if kept and len(columns) < MAX_META_COLUMNS:
                        columns.update(dict.fromkeys(kept))
                yield mapped
        except TableRefused as refused:
            yield LineError(int(refused.params.get("line", 0)), refused.code)

    def described_mapping(self) -> dict[str, Any]:
        """The corpus's mapping with the kept fields' top-level names (``meta_columns``)."""
        return {
            **self.table,
            "meta_columns": list(self.meta_columns)[:MAX_META_COLUMNS],
        }
