"""Sweep what the object store keeps for nothing: multipart uploads whose writer died, resumable
uploads left unfinished for a week, and the files of failed corpora (prefixes listed in
``storage_sweep``)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select

from app.database import begin_write, database_now
from app.extensions import db
from app.models import Corpus, ResumableUpload, StorageSweep
from app.storage import ObjectStore, multipart

# An upload of the largest corpus takes at most the web server's ten-minute timeout: one a
# day old has no writer left.
STALE_UPLOAD = timedelta(hours=24)
# A resumable upload (app.corpora.resumable) may go on days later, after a closed laptop: its
# parts are kept for a week, then dropped with its row.
STALE_RESUMABLE = timedelta(days=7)
logger = logging.getLogger(__name__)


def expire_resumable(store: ObjectStore, older_than: timedelta = STALE_RESUMABLE) -> int:
    """Abort the resumable uploads begun more than ``older_than`` ago and forget them
    (completed ones too: their corpus lives on). Returns how many rows were dropped."""
    limit = database_now() - older_than
    stale = list(
        db.session.scalars(select(ResumableUpload).where(ResumableUpload.created_at < limit))
    )
    for upload in stale:
        done = db.session.scalar(select(Corpus.id).where(Corpus.object_key == upload.object_key))
        if done is None:
            multipart.abort(store, upload.object_key, upload.s3_upload_id)
        begin_write()
        db.session.execute(delete(ResumableUpload).where(ResumableUpload.id == upload.id))
        db.session.commit()
    return len(stale)


def sweep_storage(
    store: ObjectStore,
    stale_upload: timedelta = STALE_UPLOAD,
    stale_resumable: timedelta = STALE_RESUMABLE,
) -> dict[str, int]:
    """Abort stale multipart uploads and delete the listed prefixes; returns the counts.
    A prefix's row goes only once its objects are gone, so an outage only delays it."""
    expired = expire_resumable(store, stale_resumable)
    keep = frozenset(db.session.scalars(select(ResumableUpload.s3_upload_id)))
    counts = {
        "uploads_aborted": store.abort_stale_uploads(stale_upload, keep),
        "resumable_expired": expired,
        "objects_deleted": 0,
    }
    for prefix in list(db.session.scalars(select(StorageSweep.prefix))):
        counts["objects_deleted"] += store.delete_prefix(prefix)
        begin_write()
        db.session.execute(delete(StorageSweep).where(StorageSweep.prefix == prefix))
        db.session.commit()
    if any(counts.values()):
        logger.info("storage sweep: %s", counts)
    return counts
