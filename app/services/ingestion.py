"""Ingestion job body: split a stored corpus into items, all or nothing, resumable.

Pass 1 parses the whole object and collects per-line errors; any error fails the corpus with no
item created. Pass 2 inserts items in batches (``ON CONFLICT DO NOTHING`` on
``(corpus_id, sha256)``), committing progress as it goes, so a re-run after a crash resumes and
exact duplicates are dropped.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import Corpus, Item
from app.models.base import utcnow
from app.services.corpus_formats import MAX_ERRORS_KEPT, PARSERS, LineError, Record
from app.services.image_ingestion import collect_images, corpus_is_image, discard
from app.services.transactions import begin_write
from app.storage import ObjectStore, StorageUnavailable

BATCH = 2000


class _Progress:
    """Counts bytes as they stream from storage, for the progress bar."""

    def __init__(self, store: ObjectStore, key: str) -> None:
        self.store, self.key, self.bytes = store, key, 0

    def chunks(self) -> Iterator[bytes]:
        for chunk in self.store.iter_chunks(self.key):
            self.bytes += len(chunk)
            yield chunk


def _insert_items(rows: list[dict[str, Any]]) -> None:
    # executemany of one prepared statement: a fresh multi-row VALUES per batch cost more
    # to compile than to run.
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.connection().execute(insert(Item.__table__).on_conflict_do_nothing(), rows)


def _collect_errors(corpus: Corpus, store: ObjectStore) -> tuple[list[dict[str, Any]], int]:
    errors: list[dict[str, Any]] = []
    error_total = records = 0
    for entry in PARSERS[corpus.file_format](store.iter_chunks(corpus.object_key)):
        if isinstance(entry, LineError):
            error_total += 1
            if len(errors) < MAX_ERRORS_KEPT:
                errors.append({"line": entry.line, "code": entry.code})
        else:
            records += 1
    if records == 0 and error_total == 0:
        errors.append({"line": 0, "code": "no_items"})
        error_total = 1
    return errors, error_total


def _fail(corpus: Corpus, errors: list[dict[str, Any]]) -> None:
    begin_write()
    corpus.status = "failed"
    corpus.errors = errors
    corpus.finished_at = utcnow()
    db.session.commit()


def _store_items(corpus: Corpus, store: ObjectStore) -> int:
    progress = _Progress(store, corpus.object_key)
    batch: list[dict[str, Any]] = []
    records = 0
    for entry in PARSERS[corpus.file_format](progress.chunks()):
        assert isinstance(entry, Record)  # pass 1 found no errors
        records += 1
        digest = hashlib.sha256(entry.text.encode("utf-8")).hexdigest()
        batch.append({"corpus_id": corpus.id, "seq": records, "sha256": digest,
                      "text": entry.text})
        if len(batch) >= BATCH:
            begin_write()  # the worker writes beside the web app: take the lock first
            _insert_items(batch)
            corpus.bytes_processed = progress.bytes
            db.session.commit()
            batch = []
    if batch:
        begin_write()
        _insert_items(batch)
    return records


def _ingest_images(corpus: Corpus, store: ObjectStore) -> int | None:
    rows, errors, keys = collect_images(corpus, store)
    if errors or not rows:
        discard(store, keys)
        _fail(corpus, errors[:MAX_ERRORS_KEPT] or [{"line": 0, "code": "no_items"}])
        return None
    begin_write()
    for start in range(0, len(rows), BATCH):
        _insert_items(rows[start:start + BATCH])
    return len(rows)


def _ingest_text(corpus: Corpus, store: ObjectStore) -> int | None:
    errors, error_total = _collect_errors(corpus, store)
    if error_total:
        _fail(corpus, errors)
        return None
    return _store_items(corpus, store)


def ingest_corpus(corpus_id: int, store: ObjectStore) -> None:
    """Create the items of a corpus still ``processing``; a no-op for any other status."""
    corpus = db.session.get(Corpus, corpus_id)
    if corpus is None or corpus.status != "processing":
        return
    try:
        ingest = _ingest_images if corpus_is_image(corpus) else _ingest_text
        records = ingest(corpus, store)
        if records is None:
            return
    except StorageUnavailable:
        db.session.rollback()
        raise  # the job is retried; nothing half-done is visible as ready
    db.session.flush()
    count = db.session.scalar(select(func.count()).where(Item.corpus_id == corpus.id)) or 0
    corpus.item_count = count
    corpus.duplicate_count = records - count
    corpus.bytes_processed = corpus.size_bytes
    corpus.status = "ready"
    corpus.finished_at = utcnow()
    db.session.commit()
