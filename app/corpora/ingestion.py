"""Ingestion job body: split a stored corpus into items, all or nothing, resumable.

One pass streams the object, parses it and inserts items in batches in file order (``seq``
numbers the records), committing progress as it goes; a re-run after a crash parses the file
again but inserts only the records after the last one stored. The first per-line error stops
the inserts; the pass goes on only to collect the remaining errors, then the items already
inserted are deleted and the corpus fails — no item of a failed corpus survives, and nobody
sees the items of a corpus that is still ``processing``. A last pass sorts the corpus's items
by digest, drops the exact duplicates (the first of each text stays) and writes the digests
(:mod:`app.corpora.item_digests`). For the text formats and tables, reading, parsing and
mapping run one batch ahead in a thread of their own (:mod:`app.corpora.read_ahead`).

Each attempt claims the corpus's ``job_run`` row (:mod:`app.job_runs`) and moves its
heartbeat with every batch, so that the consumer finds an ingestion whose worker died and
resumes it, or fails it (:func:`fail_interrupted`: items deleted, a translated reason).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import closing
from hashlib import sha256
from typing import Any, Protocol, cast

from sqlalchemy import Table, delete, func, insert, select

from app.corpora.annotations_in import PICTURE_FORMATS, TEXT_FORMATS, Tally
from app.corpora.annotations_in.pictures import collect_annotated_pictures
from app.corpora.annotations_in.readers import TEXT_READERS
from app.corpora.document_ingestion import DocumentEntries, corpus_is_documents
from app.corpora.documents.text import sniff_encoding
from app.corpora.formats import (
    MAX_ERRORS_KEPT,
    PARSERS,
    LineError,
    Record,
    dumps_json,
    jsonl_texts,
    parse_txt,
)
from app.corpora.image_ingestion import collect_images, corpus_is_image, discard
from app.corpora.item_digests import finish_items
from app.corpora.read_ahead import read_ahead
from app.corpora.tables.entries import TableEntries, corpus_is_table, table_has_labels
from app.corpora.tables.mapping import Mapped
from app.database import begin_write
from app.extensions import db
from app.job_runs import beat, end_run, pause_run, start_run
from app.models import Corpus, Item, ItemDigest, StorageSweep
from app.models.base import utcnow
from app.storage import ObjectStore, StorageUnavailable

# Rows per committed batch: each SQLite commit costs ~50 ms whatever its size, and a batch
# holds the write lock ~0.1 s (claims wait that long at most while a corpus is ingested).
BATCH = 10_000
JOB = "ingestion"
CHECKPOINT_PAGES = 16_384  # 64 MB of 4 KB pages
DEFAULT_CHECKPOINT_PAGES = 1000  # SQLite's


class _Counted(Protocol):
    """What tells the bytes read so far: a _Progress, or the reader of a table."""

    bytes: int


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
    db.session.connection().execute(insert(cast(Table, Item.__table__)), rows)


# Text items go in as plain tuples (corpus_id, seq, sha256, text, meta and preannotation as
# JSON text or None), straight to the driver: SQLAlchemy's per-row parameter processing cost
# more than SQLite's own insert. PostgreSQL takes them by COPY (``kind`` is its default,
# "text"): three times faster than psycopg's executemany.
_SQLITE_INSERT = (
    "INSERT INTO item (corpus_id, seq, sha256, text, kind, meta, preannotation) "
    "VALUES (?, ?, ?, ?, 'text', ?, ?)"
)
TextRow = tuple[int, int, str, str, str | None, str | None]
_COPY = "COPY item (corpus_id, seq, sha256, text, meta, preannotation) FROM STDIN"


def _json_or_none(value: Any) -> str | None:
    return dumps_json(value) if value else None


def _insert_text_items(rows: list[TextRow]) -> None:
    connection = db.session.connection()
    driver = connection.connection.driver_connection
    assert driver is not None
    if connection.dialect.name != "postgresql":
        driver.executemany(_SQLITE_INSERT, rows)
        return
    with driver.cursor() as cursor, cursor.copy(_COPY) as copy:
        for row in rows:
            copy.write_row(row)


def corpus_prefix(corpus: Corpus) -> str:
    """The object-store folder of a corpus: its original, and its pictures' files."""
    return corpus.object_key.rsplit("/raw/", 1)[0] + "/"


def _fail(corpus: Corpus, errors: list[dict[str, Any]]) -> None:
    begin_write()
    db.session.execute(delete(Item).where(Item.corpus_id == corpus.id))
    db.session.execute(delete(ItemDigest).where(ItemDigest.corpus_id == corpus.id))
    corpus.status = "failed"
    corpus.errors = errors
    corpus.finished_at = utcnow()
    end_run(JOB, corpus.id)
    # Its files are of no more use: the sweep job deletes them (a crash does not forget it).
    if db.session.get(StorageSweep, corpus_prefix(corpus)) is None:
        db.session.add(StorageSweep(prefix=corpus_prefix(corpus)))
    db.session.commit()


def fail_interrupted(corpus_id: int, reason: str) -> None:
    """Fail a corpus whose ingestion kept being interrupted (``reason``: a line error code
    such as ``interrupted`` or ``storage_unavailable``), deleting the items inserted so far."""
    corpus = db.session.get(Corpus, corpus_id)
    if corpus is None or corpus.status != "processing":
        begin_write()
        end_run(JOB, corpus_id)
        db.session.commit()
        return
    _fail(corpus, [{"line": 0, "code": reason}])


def processing_corpora() -> list[int]:
    """Ids of the corpora whose ingestion is owed."""
    return list(db.session.scalars(select(Corpus.id).where(Corpus.status == "processing")))


class _Batches:
    """Rows waiting for the next batch insert, and the errors met so far.

    Only plain values: the text pass builds them in its read-ahead thread
    (:mod:`app.corpora.read_ahead`), so nothing here touches the session or the corpus row.
    A full batch goes to ``flush(rows, bytes read so far)``. The records up to
    ``stored_seq`` are in from an earlier attempt: they are counted, not inserted again.
    """

    def __init__(
        self,
        corpus: Corpus,
        progress: _Counted,
        flush: Callable[[list[TextRow], int], None] | None = None,
    ) -> None:
        self.progress = progress
        self.corpus_id = corpus.id
        self.stored_seq = _stored_seq(corpus)
        self.rows: list[TextRow] = []
        self.errors: list[dict[str, Any]] = []
        self.error_total = self.records = 0
        self.tally = Tally()
        self.annotated = corpus.file_format in TEXT_FORMATS or table_has_labels(corpus)
        self.flush = flush or (lambda rows, done: _write_batch(corpus, rows, done))

    def add(self, entry: Record | LineError | tuple[int, str]) -> None:
        if entry.__class__ is tuple:  # (line, text) of a JSON Lines file: the hot path
            self.records += 1
            if not self.error_total:
                self._row(cast(tuple[int, str], entry)[1], None, None)
            return
        if isinstance(entry, LineError):
            self.error_total += 1
            if len(self.errors) < MAX_ERRORS_KEPT:
                error: dict[str, Any] = {"line": entry.line, "code": entry.code}
                if entry.member is not None:
                    error["member"] = entry.member
                if entry.field is not None:
                    error["field"] = entry.field
                self.errors.append(error)
            return
        assert isinstance(entry, Record)
        self.add_record(entry.text, entry.meta, entry.preannotation)

    def add_record(
        self, text: str, meta: dict[str, Any] | None, preannotation: dict[str, Any] | None
    ) -> None:
        """One record's item (a table's row comes here straight, without a Record)."""
        self.records += 1
        if self.error_total:  # the corpus fails: only the errors still matter
            return
        pre = None
        if self.annotated:
            self.tally.add(preannotation)
            pre = _json_or_none(preannotation)
        self._row(text, _json_or_none(meta), pre)

    def _row(self, text: str, meta: str | None, pre: str | None) -> None:
        if self.records <= self.stored_seq:
            return
        digest = sha256(text.encode()).hexdigest()
        self.rows.append((self.corpus_id, self.records, digest, text, meta, pre))
        if len(self.rows) >= BATCH:
            rows, self.rows = self.rows, []
            self.flush(rows, self.progress.bytes)


def _stored_seq(corpus: Corpus) -> int:
    """The last record an earlier attempt stored (0: none): records come in ``seq`` order
    and each batch is committed whole."""
    last = select(func.max(Item.seq)).where(Item.corpus_id == corpus.id)
    return db.session.scalar(last) or 0


def _write_batch(corpus: Corpus, rows: list[TextRow], bytes_done: int) -> None:
    """Insert one batch and commit it with the progress and the run's heartbeat."""
    begin_write()  # the worker writes beside the web app: take the lock first
    if rows:
        _insert_text_items(rows)
    corpus.bytes_processed = bytes_done
    beat(JOB, corpus.id)
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        db.session.commit()
        return
    # Between the batches of one ingestion the WAL may grow to CHECKPOINT_PAGES before it is
    # copied into the database: the last pages of the item table and its indexes, which
    # every batch touches, are then written back once, not once per batch. Each commit is
    # still fsynced (synchronous=FULL); only the checkpoint is less frequent.
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA wal_autocheckpoint={CHECKPOINT_PAGES}")
    try:
        db.session.commit()
    finally:  # the pooled connection goes back to SQLite's default
        driver.execute(f"PRAGMA wal_autocheckpoint={DEFAULT_CHECKPOINT_PAGES}")


def _insert_rest(corpus: Corpus, batches: _Batches) -> int | None:
    if batches.error_total or not batches.records:
        _fail(corpus, batches.errors or [{"line": 0, "code": "no_items"}])
        return None
    _write_batch(corpus, batches.rows, batches.progress.bytes)
    return batches.records


def _text_entries(
    file_format: str, progress: _Progress, text_mode: str = "paragraph"
) -> Iterator[Record | LineError | tuple[int, str]]:
    if file_format == "jsonl":
        return jsonl_texts(progress.chunks())
    if file_format != "txt":
        parser = PARSERS.get(file_format) or TEXT_READERS[file_format]
        return parser(progress.chunks())
    # A first pass finds the encoding (UTF-8, GBK or GB18030), the second splits the text.
    encoding, line = sniff_encoding(progress.store.iter_chunks(progress.key))
    if encoding is None:
        return iter([LineError(line or 0, "unknown_encoding")])
    return parse_txt(progress.chunks(), encoding, text_mode)


def _insert_ahead(corpus: Corpus, batches: _Batches, feed: Callable[[], None]) -> int | None:
    """Run ``feed`` (which reads the stream and adds its entries to ``batches``) in a
    read-ahead thread, plain values only, while this thread inserts and commits each full
    batch; then the rest, or the failure. None when the corpus failed."""

    def produce(emit: Callable[[tuple[list[TextRow], int]], None]) -> None:
        batches.flush = lambda rows, done: emit((rows, done))
        feed()

    # read_ahead returns once the thread has finished: ``batches`` is no longer touched.
    with closing(read_ahead(produce)) as full_batches:  # a failed write stops the reader
        for rows, bytes_done in full_batches:
            _write_batch(corpus, rows, bytes_done)
    return _insert_rest(corpus, batches)


def _ingest_text(corpus: Corpus, store: ObjectStore) -> int | None:
    file_format = corpus.file_format
    text_mode = (corpus.mapping or {}).get("text_mode", "paragraph")  # stored_tables.text_reading
    progress = _Progress(store, corpus.object_key)
    batches = _Batches(corpus, progress)

    def feed() -> None:
        for entry in _text_entries(file_format, progress, text_mode):
            batches.add(entry)

    records = _insert_ahead(corpus, batches, feed)
    if records is not None and batches.tally.items:
        corpus.preannotations = batches.tally.summary(corpus.file_format)
    return records


def _ingest_documents(corpus: Corpus, store: ObjectStore) -> int | None:
    entries = DocumentEntries(corpus, store)
    batches = _Batches(corpus, entries)
    for entry in entries:
        batches.add(entry)
    return _insert_rest(corpus, batches)


def _ingest_table(corpus: Corpus, store: ObjectStore) -> int | None:
    entries = TableEntries(corpus, store)
    batches = _Batches(corpus, entries)  # the bytes read so far are the reader's

    def feed() -> None:  # a row comes as (text, meta, preannotation), or its LineError
        add, add_record = batches.add, batches.add_record
        for entry in entries:
            if entry.__class__ is tuple:
                add_record(*cast(Mapped, entry))
            else:
                add(cast(LineError, entry))

    records = _insert_ahead(corpus, batches, feed)
    if records is not None:  # the kept fields' names: the columns of a CSV export
        corpus.mapping = entries.described_mapping()
        if batches.tally.items:  # a label column's class labels
            corpus.preannotations = batches.tally.summary(corpus.file_format)
    return records


def _insert_pictures(corpus: Corpus, rows: list[dict[str, Any]]) -> None:
    """Insert the pictures' items an earlier attempt has not stored, in one transaction."""
    stored_seq = _stored_seq(corpus)
    rows = [row for row in rows if row["seq"] > stored_seq]
    begin_write()
    for start in range(0, len(rows), BATCH):
        _insert_items(rows[start : start + BATCH])
    beat(JOB, corpus.id)
    db.session.commit()


def _ingest_images(corpus: Corpus, store: ObjectStore) -> int | None:
    rows, errors, keys = collect_images(corpus, store)
    if errors or not rows:
        discard(store, keys)
        _fail(corpus, errors[:MAX_ERRORS_KEPT] or [{"line": 0, "code": "no_items"}])
        return None
    _insert_pictures(corpus, rows)
    return len(rows)


def _ingest_annotated_pictures(corpus: Corpus, store: ObjectStore) -> int | None:
    found = collect_annotated_pictures(corpus, store)
    if found.errors or not found.rows:
        discard(store, found.keys)
        _fail(corpus, found.errors[:MAX_ERRORS_KEPT] or [{"line": 0, "code": "no_items"}])
        return None
    _insert_pictures(corpus, found.rows)
    corpus.preannotations = found.tally.summary(corpus.file_format)
    return len(found.rows)


def _claim(corpus_id: int) -> Corpus | None:
    """The corpus, when its ingestion is owed and this process now runs it."""
    corpus = db.session.get(Corpus, corpus_id)
    if corpus is None or corpus.status != "processing" or not start_run(JOB, corpus_id):
        return None
    if corpus.status != "processing":  # read again: finished while the run was claimed
        begin_write()
        end_run(JOB, corpus_id)
        db.session.commit()
        return None
    return corpus


def _hash_file(corpus: Corpus, store: ObjectStore) -> None:
    """Fill in the SHA-256 of a file that came in parts (no stream saw it whole before)."""
    digest = hashlib.sha256()
    for chunk in store.iter_chunks(corpus.object_key, 1024 * 1024):
        digest.update(chunk)
    begin_write()
    corpus.sha256 = digest.hexdigest()
    db.session.commit()


def ingest_corpus(corpus_id: int, store: ObjectStore) -> None:
    """Create the items of a corpus still ``processing``; a no-op for any other status."""
    corpus = _claim(corpus_id)
    if corpus is None:
        return
    try:
        if not corpus.sha256:
            _hash_file(corpus, store)
        ingest = (
            _ingest_annotated_pictures
            if corpus.file_format in PICTURE_FORMATS
            else _ingest_images
            if corpus_is_image(corpus)
            else _ingest_documents
            if corpus_is_documents(corpus)
            else _ingest_table
            if corpus_is_table(corpus)
            else _ingest_text
        )
        records = ingest(corpus, store)
        if records is None:
            return
    except StorageUnavailable:
        pause_run(JOB, corpus_id, "storage_unavailable")
        raise  # the job is retried; nothing half-done is visible as ready
    except Exception:
        pause_run(JOB, corpus_id, "ingestion_error")
        raise
    preannotations, mapping = corpus.preannotations, corpus.mapping
    db.session.rollback()  # the summaries are set again once the items are final
    count = finish_items(corpus_id, lambda: beat(JOB, corpus_id))
    corpus.preannotations, corpus.mapping = preannotations, mapping
    corpus.item_count = count
    corpus.duplicate_count = records - count
    corpus.bytes_processed = corpus.size_bytes
    corpus.status = "ready"
    corpus.finished_at = utcnow()
    end_run(JOB, corpus.id)
    db.session.commit()
