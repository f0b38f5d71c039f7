"""Tables left waiting for their column mapping: after ``MAPPING_EXPIRY_HOURS`` (a week by
default) the corpus fails with the reason ``mapping_expired`` and its stored file is queued
for the storage sweep (:mod:`app.storage.sweep`), which the hourly job runs next."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from app.corpora.ingestion import corpus_prefix
from app.database import begin_write, database_now
from app.extensions import db
from app.models import Corpus, StorageSweep
from app.models.base import utcnow

EXPIRED = [{"line": 0, "code": "mapping_expired"}]


def expire_waiting_mappings(older_than: timedelta) -> int:
    """Fail the corpora still waiting for a mapping that were uploaded more than
    ``older_than`` ago, and queue their files for deletion; returns how many.  A corpus
    whose mapping is chosen meanwhile is left alone (the status is checked as it changes)."""
    limit = database_now() - older_than
    stale = list(
        db.session.scalars(
            select(Corpus).where(Corpus.status == "mapping", Corpus.created_at < limit)
        )
    )
    expired = 0
    for corpus in stale:
        begin_write()
        changed = db.session.execute(
            update(Corpus)
            .where(Corpus.id == corpus.id, Corpus.status == "mapping")
            .values(status="failed", errors=EXPIRED, finished_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount == 1:  # type: ignore[attr-defined]
            prefix = corpus_prefix(corpus)
            if db.session.get(StorageSweep, prefix) is None:
                db.session.add(StorageSweep(prefix=prefix))
            expired += 1
        db.session.commit()
    return expired
