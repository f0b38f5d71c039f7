"""Searching a corpus for near-duplicates in a background job, with progress.

The vendor asks for a search (:func:`start_search`); the job (:func:`run_search`) reads the
kept text items in corpus order, signs them with MinHash (:mod:`app.corpora.near_duplicates`)
while it writes its progress, and stores the groups found. The job claims its ``job_run``
row like an ingestion, so a search whose worker died is run again or failed by the
consumer's recovery (:func:`owed_searches`, :func:`fail_search`): nothing stays "running".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.audit import record_event
from app.corpora.near_duplicates import near_duplicate_groups
from app.database import begin_write
from app.exceptions import Conflict, Forbidden, Invalid
from app.extensions import db
from app.job_runs import beat, end_run, pause_run, start_run
from app.models import Corpus, Item, NearDuplicateRun, Role, User
from app.models.base import utcnow

JOB = "near_duplicates"
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
PROGRESS_STEP = 0.05
READ_BATCH = 2000


def start_search(
    user: User, corpus: Corpus, threshold: float, enqueue: Callable[[int], None]
) -> NearDuplicateRun:
    """Queue a search for near-duplicates among the kept text items at a similarity
    ``threshold`` (one of ``THRESHOLDS``). Raises Forbidden, Invalid or Conflict (not ready;
    a search already running)."""
    if user.role != Role.VENDOR or user.organization_id != corpus.organization_id:
        raise Forbidden(_l("Only the corpus's vendor can change it."))
    if isinstance(threshold, bool) or threshold not in THRESHOLDS:
        raise Invalid(_l("Choose a similarity of 0.5, 0.6, 0.7, 0.8 or 0.9."))
    if corpus.status != "ready":
        raise Conflict(_l("Only a ready corpus can be changed."))
    begin_write()
    running = db.session.scalar(
        select(NearDuplicateRun.id).where(
            NearDuplicateRun.corpus_id == corpus.id, NearDuplicateRun.status == "running"
        )
    )
    if running is not None:
        raise Conflict(_l("A search for near-duplicates is already running."))
    run = NearDuplicateRun(corpus_id=corpus.id, threshold=threshold, created_by_id=user.id)
    db.session.add(run)
    db.session.flush()
    record_event("near_duplicates_searched", user, object_type="corpus", object_id=corpus.id)
    db.session.commit()
    enqueue(run.id)
    return run


def _texts(corpus_id: int) -> Iterator[tuple[int, str]]:
    last = 0
    while True:
        rows = db.session.execute(
            select(Item.id, Item.seq, Item.text)
            .where(
                Item.corpus_id == corpus_id,
                Item.dropped.is_(None),
                Item.kind == "text",
                Item.seq > last,
            )
            .order_by(Item.seq)
            .limit(READ_BATCH)
        ).all()
        if not rows:
            return
        for item_id, _, text in rows:
            yield item_id, text
        last = rows[-1].seq


class _Reporter:
    """Writes the run's progress every ``PROGRESS_STEP``, with a heartbeat."""

    def __init__(self, run: NearDuplicateRun) -> None:
        self.run, self.shown = run, 0.0

    def __call__(self, share: float) -> None:
        if share - self.shown < PROGRESS_STEP and share < 1.0:
            return
        begin_write()
        self.run.progress = self.shown = round(share * 0.9, 3)  # grouping takes the rest
        beat(JOB, self.run.id)
        db.session.commit()


def run_search(run_id: int) -> None:
    """The job: sign and group the items of a run still ``running``; a no-op otherwise."""
    run = db.session.get(NearDuplicateRun, run_id)
    if run is None or run.status != "running" or not start_run(JOB, run_id):
        return
    total = (
        db.session.scalar(
            select(func.count()).where(
                Item.corpus_id == run.corpus_id, Item.dropped.is_(None), Item.kind == "text"
            )
        )
        or 0
    )
    try:
        groups = near_duplicate_groups(_texts(run.corpus_id), run.threshold, _Reporter(run), total)
    except Exception:
        pause_run(JOB, run_id, "near_duplicates_error")
        raise
    begin_write()
    run.groups, run.items_compared = groups, total
    run.status, run.progress, run.finished_at = "done", 1.0, utcnow()
    end_run(JOB, run_id)
    db.session.commit()


def owed_searches() -> list[int]:
    """Ids of the searches still running (for the consumer's recovery)."""
    return list(
        db.session.scalars(select(NearDuplicateRun.id).where(NearDuplicateRun.status == "running"))
    )


def fail_search(run_id: int, _reason: str = "") -> None:
    """Give up a search that kept being interrupted."""
    begin_write()
    run = db.session.get(NearDuplicateRun, run_id)
    if run is not None and run.status == "running":
        run.status, run.finished_at = "failed", utcnow()
    end_run(JOB, run_id)
    db.session.commit()


def run_json(run: NearDuplicateRun | None, page: int = 1, per_page: int = 20) -> Any:
    """A search as the API and the page show it: state, progress, counts and one page of
    its groups (item ids)."""
    if run is None:
        return None
    start = (page - 1) * per_page
    return {
        "id": run.id,
        "status": run.status,
        "threshold": run.threshold,
        "progress": run.progress,
        "items_compared": run.items_compared,
        "group_count": len(run.groups),
        "items_in_groups": sum(len(g) for g in run.groups),
        "page": page,
        "groups": run.groups[start : start + per_page],
    }


def group_texts(groups: list[list[int]], corpus_id: int, chars: int = 200) -> dict[int, str]:
    """The first ``chars`` characters of every item named in ``groups`` (for the page)."""
    ids = [item_id for group in groups for item_id in group]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Item.id, func.substr(Item.text, 1, chars)).where(
            Item.corpus_id == corpus_id, Item.id.in_(ids)
        )
    ).all()
    return {item_id: text for item_id, text in rows}
