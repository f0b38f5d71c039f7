"""The last pass of an ingestion: a corpus's digests written in sorted order, its exact
duplicates dropped.

During the pass over the file, items go into ``item`` in file order and nothing looks at
their SHA-256: an index kept on it would take a random page of a B-tree as large as the
corpus for every item (a third of the time of a large SQLite ingestion, more on PostgreSQL).
Afterwards one sort by ``(sha256, seq)`` puts the items of one text side by side, the first
in corpus order ahead: the first of each text gets its :class:`~app.models.ItemDigest` row
(appended at the end of the primary key's B-tree, as an index built by a sort) and the later
ones are deleted.

On PostgreSQL that is one ``INSERT … SELECT DISTINCT ON`` (writers of other tables never
wait for it). On SQLite, whose writers share one lock, the sorted order goes first into a
temporary table of the worker's connection, then a slice of it per committed transaction,
so that the lock is held a moment at a time; the job's heartbeat moves with each. A re-run
after a crash starts over: the corpus's digests are deleted and the items then stored are
sorted again, which keeps the first of each text whatever had been deleted before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, delete, func, select, text

from app.database import IMMEDIATE, begin_write, page_cache_within
from app.extensions import db
from app.models import Item, ItemDigest

SLICE = 200_000  # items of the sorted order per committed transaction
SORT_CACHE_KB = 8192

# PostgreSQL has no write lock to share: one sorted INSERT … SELECT keeps the first item of
# each text, then the items left without a digest are the later ones.
_KEEP_FIRST_AT_ONCE = (
    "INSERT INTO item_digest (corpus_id, sha256, item_id) SELECT DISTINCT ON "
    '(sha256 COLLATE "C") corpus_id, sha256, id FROM item WHERE corpus_id = :corpus '
    'ORDER BY sha256 COLLATE "C", seq'
)
_DROP_UNDIGESTED = (
    "DELETE FROM item WHERE corpus_id = :corpus AND NOT EXISTS (SELECT FROM item_digest "
    "WHERE item_digest.corpus_id = :corpus AND item_digest.item_id = item.id)"
)
# SQLite: the sorted order goes into a temporary table (``position`` numbers its rows as the
# sorted INSERT … SELECT writes them), then into ``item_digest`` a slice per transaction.
_CREATE_ORDER = (
    "CREATE TEMPORARY TABLE item_order (position INTEGER PRIMARY KEY, "
    "sha256 VARCHAR(64) NOT NULL, item_id INTEGER NOT NULL)"
)
_FILL_ORDER = (
    "INSERT INTO item_order (sha256, item_id) SELECT sha256, id FROM item "
    "WHERE corpus_id = :corpus ORDER BY sha256, seq"
)
# In sorted order, so the first of a text takes its digest and the later ones are left out.
_KEEP_FIRST = (
    "INSERT INTO item_digest (corpus_id, sha256, item_id) SELECT :corpus, sha256, item_id "
    "FROM item_order WHERE position > :after AND position <= :upto ORDER BY position "
    "ON CONFLICT DO NOTHING"
)
# A later one: the row before it in the order has the same digest.
_DROP_LATER = (
    "DELETE FROM item WHERE id IN (SELECT later.item_id FROM item_order AS later "
    "JOIN item_order AS earlier ON earlier.position = later.position - 1 "
    "WHERE later.position > :after AND later.position <= :upto "
    "AND later.sha256 = earlier.sha256)"
)


def _count(corpus_id: int) -> int:
    return db.session.scalar(select(func.count()).where(Item.corpus_id == corpus_id)) or 0


def _finish_at_once(corpus_id: int, beat: Callable[[], None]) -> None:
    kept = db.session.execute(text(_KEEP_FIRST_AT_ONCE), {"corpus": corpus_id})
    if cast(CursorResult[Any], kept).rowcount < _count(corpus_id):
        db.session.execute(text(_DROP_UNDIGESTED), {"corpus": corpus_id})
    beat()
    db.session.commit()


def _sort_items(connection: Connection, corpus_id: int) -> int:
    """Fill ``item_order`` for the corpus; returns how many items it numbers. Writes only
    the connection's temporary table: the web app's writers do not wait."""
    connection.execute(text("DROP TABLE IF EXISTS temp.item_order"))
    connection.execute(text(_CREATE_ORDER))
    # SQLite's sorter keeps up to the page cache's size in memory before it spills sorted
    # runs to disk: a smaller cache for the sort keeps the worker's memory flat.
    with page_cache_within(connection, SORT_CACHE_KB):
        connection.execute(text(_FILL_ORDER), {"corpus": corpus_id})
    total = connection.scalar(text("SELECT max(position) FROM item_order")) or 0
    connection.commit()
    return int(total)


def _finish_in_slices(corpus_id: int, beat: Callable[[], None]) -> None:
    # One connection of its own for the whole pass: a temporary table belongs to the
    # connection that made it, and the session may be handed another pooled connection
    # after each commit ("no such table: item_order").  Its write transactions queue for
    # the process's write lock like the session's (``sqlite_immediate``); the heartbeat
    # goes in a transaction of the session's after each slice, never while the pass holds
    # the lock.
    db.session.commit()
    with db.engine.connect() as connection:
        try:
            total = _sort_items(connection, corpus_id)
            for after in range(0, total, SLICE):
                bounds = {"after": after, "upto": after + SLICE}
                with connection.execution_options(**IMMEDIATE).begin():
                    connection.execute(text(_KEEP_FIRST), {"corpus": corpus_id, **bounds})
                    connection.execute(text(_DROP_LATER), bounds)
                connection.execution_options(sqlite_immediate=False)
                begin_write()
                beat()
                db.session.commit()
        finally:
            connection.rollback()
            connection.execute(text("DROP TABLE IF EXISTS temp.item_order"))
            connection.commit()


def finish_items(corpus_id: int, beat: Callable[[], None]) -> int:
    """Write the digests of a corpus's items and delete its exact duplicates (the first item
    of each text, by ``seq``, stays); returns how many items the corpus keeps.

    ``beat()`` runs inside each write transaction (the job's heartbeat). Commits as it goes;
    the caller commits the corpus's final state. Idempotent: a re-run after a crash redoes
    the work from the items stored.
    """
    begin_write()
    db.session.execute(delete(ItemDigest).where(ItemDigest.corpus_id == corpus_id))
    beat()
    db.session.commit()
    if db.session.get_bind().dialect.name == "postgresql":
        _finish_at_once(corpus_id, beat)
    else:
        _finish_in_slices(corpus_id, beat)
    begin_write()
    return _count(corpus_id)
