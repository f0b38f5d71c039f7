"""Ingestion of table corpora: the stored file's rows through the corpus's mapping.

CSV, TSV, JSON Lines and JSON arrays stream from object storage; a workbook is spooled to
a temporary file first (a ZIP is read from its end). Each row becomes a Record (text and
``meta``) or a LineError naming its line; a problem with the whole file is one error on
line 0. The top-level names of the kept fields are collected, in the order they first
appear, as the columns a CSV or ``.xlsx`` export gives them (``meta_columns``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

from app.corpora.formats import LineError, Record
from app.corpora.tables.json_array import json_array_rows
from app.corpora.tables.mapping import Mapping, apply_mapping
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
    """The rows of a stored table as ingestion entries; ``bytes`` read so far."""

    def __init__(self, corpus: Corpus, store: ObjectStore) -> None:
        self.corpus, self.store = corpus, store
        self.bytes = 0
        self.meta_columns: dict[str, None] = {}

    def _chunks(self) -> Iterator[bytes]:
        for chunk in self.store.iter_chunks(self.corpus.object_key):
            self.bytes += len(chunk)
            yield chunk

    def _rows(self, mapping: Mapping) -> Iterator[Entry]:
        fmt = self.corpus.file_format
        if fmt in DELIMITERS:
            encoding = (self.corpus.mapping or {}).get("encoding") or "utf-8"
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

    def __iter__(self) -> Iterator[Record | LineError]:
        mapping = stored_mapping(self.corpus)
        try:
            for entry in self._rows(mapping):
                if isinstance(entry, LineError):
                    yield entry
                    continue
                record = apply_mapping(mapping, *entry)
                if (
                    isinstance(record, Record)
                    and record.meta
                    and len(self.meta_columns) < MAX_META_COLUMNS
                ):
                    self.meta_columns.update(dict.fromkeys(record.meta.get("fields", {})))
                yield record
        except TableRefused as refused:
            yield LineError(int(refused.params.get("line", 0)), refused.code)

    def described_mapping(self) -> dict[str, Any]:
        """The corpus's mapping with the kept fields' top-level names (``meta_columns``)."""
        return {
            **(self.corpus.mapping or {}),
            "meta_columns": list(self.meta_columns)[:MAX_META_COLUMNS],
        }
