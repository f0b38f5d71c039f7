"""Sweep what the object store keeps for nothing: multipart uploads whose writer died, and the
files of failed corpora (prefixes listed in ``storage_sweep``)."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import delete, select

from app.database import begin_write
from app.extensions import db
from app.models import StorageSweep
from app.storage import ObjectStore

# An upload of the largest corpus takes at most the web server's ten-minute timeout: one a
# day old has no writer left.
STALE_UPLOAD = timedelta(hours=24)
logger = logging.getLogger(__name__)


def sweep_storage(store: ObjectStore, stale_upload: timedelta = STALE_UPLOAD) -> dict[str, int]:
    """Abort stale multipart uploads and delete the listed prefixes; returns the counts.
    A prefix's row goes only once its objects are gone, so an outage only delays it."""
    counts = {"uploads_aborted": store.abort_stale_uploads(stale_upload), "objects_deleted": 0}
    for prefix in list(db.session.scalars(select(StorageSweep.prefix))):
        counts["objects_deleted"] += store.delete_prefix(prefix)
        begin_write()
        db.session.execute(delete(StorageSweep).where(StorageSweep.prefix == prefix))
        db.session.commit()
    if any(counts.values()):
        logger.info("storage sweep: %s", counts)
    return counts
