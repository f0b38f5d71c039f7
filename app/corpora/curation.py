"""Curating a corpus: dropping and restoring items, the minimum length, deleting or retrying.

What happens to projects already running over the corpus when an item is dropped:

- the item stays stored (answers, reports and exports refer to it) and is only marked
  ``dropped`` with its reason; a project created later leaves it out;
- each of its tasks is *closed*: ``slots_taken`` grows by the project's k + 1, so the claim
  (which looks for ``slots_taken = s`` with ``s < k``) never hands it out again, while an
  expert already holding a lease may still submit within it (an expiring lease gives back
  one slot and the task stays above k). Answers already given stay, and count in the
  project's reports and exports. Progress counts a closed task only when it had its k
  answers, so a project can still reach 100 %. Restoring the item reopens its tasks (the
  same k + 1 is taken back);
- check (gold) items are never dropped: they are kept and counted, so the vendor removes
  them from the check items first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, delete, exists, func, select, update

from app.audit import record_event
from app.corpora.ingestion import corpus_prefix
from app.database import begin_write
from app.exceptions import Conflict, Forbidden, Invalid, Unavailable
from app.extensions import db
from app.models import (
    Corpus,
    Item,
    ItemDigest,
    NearDuplicateRun,
    Project,
    Role,
    StorageSweep,
    Task,
    User,
)
from app.models.contributions import HELD_FOR_REVIEW
from app.storage import ObjectStore, StorageUnavailable

MAX_ITEMS_PER_REQUEST = 1000
MAX_MIN_LENGTH = 100_000


def _check_vendor(user: User, corpus: Corpus) -> None:
    if user.role != Role.VENDOR or user.organization_id != corpus.organization_id:
        raise Forbidden(_l("Only the corpus's vendor can change it."))
    if corpus.status != "ready":
        raise Conflict(_l("Only a ready corpus can be changed."))


def _is_gold() -> ColumnElement[bool]:
    return exists().where(Task.item_id == Item.id, Task.is_gold.is_(True))


def _closing_offset() -> Any:
    return select(Project.overlap + 1).where(Project.id == Task.project_id).scalar_subquery()


def _change(corpus: Corpus, criteria: Sequence[ColumnElement[bool]], reason: str | None) -> int:
    """Drop (``reason``) or restore (None) the corpus's items that meet ``criteria`` and are
    not check items, closing or reopening their tasks; returns how many changed."""
    chosen = (
        select(Item.id)
        .where(Item.corpus_id == corpus.id, ~_is_gold(), *criteria)
        .where(Item.dropped.is_(None) if reason else Item.dropped.is_not(None))
        # A collected item waiting for review, or rejected, only joins by being accepted.
        .where(Item.dropped.is_(None) | Item.dropped.not_in(HELD_FOR_REVIEW))
    )
    step = _closing_offset() if reason else -_closing_offset()
    db.session.execute(
        update(Task)
        .where(Task.item_id.in_(chosen), Task.is_gold.is_(False))
        .values(slots_taken=Task.slots_taken + step)
        .execution_options(synchronize_session=False)
    )
    result = db.session.execute(
        update(Item)
        .where(Item.id.in_(chosen.scalar_subquery()))
        .values(dropped=reason)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _gold_among(corpus: Corpus, criteria: Sequence[ColumnElement[bool]]) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(
                Item.corpus_id == corpus.id, Item.dropped.is_(None), _is_gold(), *criteria
            )
        )
        or 0
    )


def _item_ids(item_ids: list[int]) -> list[int]:
    if not 1 <= len(item_ids) <= MAX_ITEMS_PER_REQUEST:
        raise Invalid(_l("Choose between 1 and %(n)d items.", n=MAX_ITEMS_PER_REQUEST))
    if not all(isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**63 for i in item_ids):
        raise Invalid(_l("Item ids are positive whole numbers."))
    return item_ids


def drop_items(user: User, corpus: Corpus, item_ids: list[int]) -> dict[str, int]:
    """Drop chosen items of a ready corpus (reason ``manual``); returns ``dropped`` and
    ``kept_gold`` (check items left in place). Ids of other corpora are ignored. Raises
    Forbidden, Conflict (corpus not ready) or Invalid (no ids, too many, not ids)."""
    _check_vendor(user, corpus)
    criteria = [Item.id.in_(_item_ids(item_ids))]
    begin_write()
    kept_gold = _gold_among(corpus, criteria)
    dropped = _change(corpus, criteria, "manual")
    record_event("items_dropped", user, object_type="corpus", object_id=corpus.id, count=dropped)
    db.session.commit()
    return {"dropped": dropped, "kept_gold": kept_gold}


def restore_items(user: User, corpus: Corpus, item_ids: list[int]) -> int:
    """Restore dropped items (whatever their reason; not collected items held for review)
    and reopen their tasks; returns how many. Raises as :func:`drop_items`."""
    _check_vendor(user, corpus)
    criteria = [Item.id.in_(_item_ids(item_ids))]
    begin_write()
    restored = _change(corpus, criteria, None)
    record_event("items_restored", user, object_type="corpus", object_id=corpus.id, count=restored)
    db.session.commit()
    return restored


def set_min_length(user: User, corpus: Corpus, min_length: int) -> dict[str, int]:
    """Set the corpus's minimum length in characters: kept text items shorter are dropped
    (reason ``length``), items dropped for length that now reach it come back. Returns
    ``dropped``, ``restored`` and ``kept_gold``. Raises Forbidden, Conflict or Invalid."""
    _check_vendor(user, corpus)
    if isinstance(min_length, bool) or not 0 <= min_length <= MAX_MIN_LENGTH:
        raise Invalid(_l("The minimum length is a whole number from 0 to %(n)d.", n=MAX_MIN_LENGTH))
    length = func.length(Item.text)
    short = [Item.kind == "text", length < min_length]
    begin_write()
    kept_gold = _gold_among(corpus, short)
    dropped = _change(corpus, short, "length")
    restored = _change(corpus, [Item.dropped == "length", length >= min_length], None)
    corpus.min_length = min_length
    record_event(
        "min_length_set",
        user,
        object_type="corpus",
        object_id=corpus.id,
        min_length=min_length,
        dropped=dropped,
        restored=restored,
    )
    db.session.commit()
    return {"dropped": dropped, "restored": restored, "kept_gold": kept_gold}


def drop_near_duplicates(user: User, corpus: Corpus, run_id: int) -> int:
    """Keep the first item (in corpus order) of every group of a finished search and drop
    the others (reason ``duplicate``; check items stay); returns how many were dropped.
    Raises Forbidden or Conflict (no such finished search of this corpus)."""
    _check_vendor(user, corpus)
    run = db.session.get(NearDuplicateRun, run_id)
    if run is None or run.corpus_id != corpus.id or run.status != "done":
        raise Conflict(_l("The search for near-duplicates has not finished."))
    extra = [item_id for group in run.groups for item_id in group[1:]]
    begin_write()
    dropped = 0
    for start in range(0, len(extra), MAX_ITEMS_PER_REQUEST):
        chunk = extra[start : start + MAX_ITEMS_PER_REQUEST]
        dropped += _change(corpus, [Item.id.in_(chunk)], "duplicate")
    record_event("items_dropped", user, object_type="corpus", object_id=corpus.id, count=dropped)
    db.session.commit()
    return dropped


def _check_owner(user: User, corpus: Corpus) -> None:
    if user.role not in (Role.VENDOR, Role.PUBLISHER) or (
        user.organization_id != corpus.organization_id
    ):
        raise Forbidden(_l("Only the corpus's vendor can change it."))


def delete_corpus(user: User, corpus: Corpus) -> None:
    """Delete a failed or ready corpus that no project uses, with its items; its files are
    queued for the storage sweep. Raises Forbidden or Conflict (still processing, or a
    project labels it)."""
    _check_owner(user, corpus)
    if corpus.status == "processing":
        raise Conflict(_l("The corpus is still being split into items; wait until it ends."))
    begin_write()
    if db.session.scalar(select(exists().where(Project.corpus_id == corpus.id))):
        raise Conflict(_l("A project uses this corpus; it cannot be deleted."))
    db.session.execute(delete(NearDuplicateRun).where(NearDuplicateRun.corpus_id == corpus.id))
    db.session.execute(delete(Item).where(Item.corpus_id == corpus.id))
    db.session.execute(delete(ItemDigest).where(ItemDigest.corpus_id == corpus.id))
    if db.session.get(StorageSweep, corpus_prefix(corpus)) is None:
        db.session.add(StorageSweep(prefix=corpus_prefix(corpus)))
    record_event("corpus_deleted", user, object_type="corpus", object_id=corpus.id)
    db.session.delete(corpus)
    db.session.commit()


def retry_corpus(
    user: User, corpus: Corpus, store: ObjectStore, enqueue: Callable[[int], None]
) -> None:
    """Split a failed corpus into items again from its stored file (after an interruption
    or a storage outage). Raises Forbidden, Conflict (not failed; the file is gone: upload
    it again) or Unavailable (storage down)."""
    _check_owner(user, corpus)
    if corpus.status != "failed":
        raise Conflict(_l("Only a failed corpus can be retried."))
    try:
        stored = store.exists(corpus.object_key)
    except StorageUnavailable as exc:
        raise Unavailable(_l("Storage is unavailable; try again in a moment.")) from exc
    if not stored:
        raise Conflict(_l("The uploaded file is no longer stored; upload it again."))
    begin_write()
    db.session.execute(delete(StorageSweep).where(StorageSweep.prefix == corpus_prefix(corpus)))
    corpus.status, corpus.errors, corpus.bytes_processed = "processing", [], 0
    corpus.finished_at = None
    record_event("corpus_retried", user, object_type="corpus", object_id=corpus.id)
    db.session.commit()
    enqueue(corpus.id)
