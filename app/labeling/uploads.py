"""Picture uploads for collection slots: checked like image corpora, stored under server keys,
recorded against the lease they were made under, and swept when never submitted.

The bytes decide: PNG or JPEG magic first, then Pillow with a format allow-list, decompression
bombs as errors and a full load (a truncated file fails) — :func:`app.corpora.images.check_image`.
Nothing is stored for a refused picture. The submit (:mod:`app.labeling.contributions`) trusts
only the :class:`ContributionUpload` row, never the client's word about whose upload it is.
"""

from __future__ import annotations

import io
import uuid
from datetime import datetime, timedelta
from typing import IO, Any
from urllib.parse import quote

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.corpora.image_ingestion import corpus_is_image
from app.corpora.images import MAX_IMAGE_BYTES, CheckedImage, ImageOverBudget, check_image
from app.corpora.upload_checks import display_filename
from app.database import as_utc, begin_write, database_now
from app.exceptions import Conflict, Invalid, NotFound, TooLarge, Unavailable
from app.extensions import db
from app.models import Assignment, ContributionUpload, Corpus, Project, User
from app.rule_messages import image_over_budget_message
from app.storage import ObjectStore, StorageUnavailable

MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
READ_CHUNK = 1024 * 1024
#: Uploads never submitted are swept after this long (longer than any lease).
ORPHAN_AGE = timedelta(days=2)

_REFUSED = {
    "not_an_image": _l(
        "This file is not a PNG or JPEG picture, or it is damaged or cut off. Nothing was stored."
    ),
    "image_too_many_pixels": _l(
        "This picture has too many pixels (at most 50 million). Nothing was stored."
    ),
}


def _leased_slot(expert: User, task_id: int, now: datetime) -> tuple[Assignment, Project]:
    """The expert's live lease on a collection slot of a picture project, with its project."""
    row = db.session.execute(
        select(Assignment, Project)
        .join(Project, Project.id == Assignment.project_id)
        .where(
            Assignment.task_id == task_id,
            Assignment.annotator_id == expert.id,
            Project.task_type == "collect",
        )
    ).first()
    if row is None:
        raise NotFound(_l("This task is not leased to you."))
    assignment, project = row
    if assignment.status == "submitted":
        raise Conflict(_l("You already answered this task."), code="already_submitted")
    if assignment.status != "leased" or as_utc(assignment.lease_expires_at) <= now:
        raise Conflict(
            _l(
                "Your lease on this task expired. Your draft is kept; claim the "
                "task again to submit it."
            ),
            code="lease_expired",
        )
    corpus = db.session.get(Corpus, project.corpus_id)
    if corpus is None or not corpus_is_image(corpus):
        raise Invalid(_l("This project collects texts, not pictures."), code="collect_text_only")
    return assignment, project


def _read_bounded(stream: IO[bytes]) -> bytes:
    chunks, size = [], 0
    while chunk := stream.read(READ_CHUNK):
        size += len(chunk)
        if size > MAX_IMAGE_BYTES:
            raise TooLarge(_l("A picture may be at most 50 MB. Nothing was stored."))
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise Invalid(_l("The file is empty."), code="empty_file")
    return data


def _checked(filename: str, data: bytes) -> CheckedImage:
    if not data.startswith(MAGIC):  # the bytes decide, not the name or the declared type
        raise Invalid(_REFUSED["not_an_image"], code="not_an_image")
    try:
        return check_image(
            display_filename(filename), data, current_app.config["IMAGE_DECODE_BUDGET"]
        )
    except ImageOverBudget as exc:
        message = image_over_budget_message(exc.width, exc.height, exc.decoded, exc.budget)
        raise Invalid(message, code="image_over_budget") from None
    except ValueError as exc:
        code = str(exc) if str(exc) in _REFUSED else "not_an_image"
        raise Invalid(_REFUSED[code], code=code) from None


def _store(
    store: ObjectStore, project: Project, image: CheckedImage, filename: str
) -> tuple[str, str]:
    corpus = db.session.get(Corpus, project.corpus_id)
    assert corpus is not None
    prefix = corpus.object_key.rsplit("/raw/", 1)[0]
    name = uuid.uuid4().hex
    keys = (
        f"{prefix}/contributions/{name}.{image.extension}",
        f"{prefix}/contributions/{name}-preview.jpg",
    )
    try:
        store.put_stream(
            keys[0],
            io.BytesIO(image.data),
            image.content_type,
            metadata={"original-filename": quote(filename[:1024])},
        )
        store.put_stream(keys[1], io.BytesIO(image.preview), "image/jpeg")
    except StorageUnavailable as exc:
        _discard(store, keys)
        raise Unavailable(_l("Storage is unavailable; nothing was saved. Try again.")) from exc
    return keys


def _discard(store: ObjectStore, keys: tuple[str, ...]) -> None:
    for key in keys:
        try:
            store.delete(key)
        except StorageUnavailable:
            pass  # left for the sweep; no row points at it


def upload_picture(
    expert: User, task_id: int, filename: str, stream: IO[bytes], store: ObjectStore
) -> ContributionUpload:
    """Check and store a picture for the expert's leased collection slot.

    Input: the multipart file's name and stream (at most 50 MB are read). Output: the stored
    upload (key, SHA-256, content type, size in pixels). Raises NotFound (no lease of this
    expert on a collection slot), Conflict (lease expired), Invalid (not a PNG/JPEG, a pixel
    bomb, truncated, empty; or a project collecting texts), TooLarge, Unavailable (storage
    down). In every refused case no object and no row remain.
    """
    _assignment, project = _leased_slot(expert, task_id, database_now())
    db.session.rollback()  # no transaction held open while the bytes are read and stored
    image = _checked(filename, _read_bounded(stream))
    keys = _store(store, project, image, filename)
    try:
        begin_write()
        assignment, project = _leased_slot(expert, task_id, database_now())
        upload = ContributionUpload(
            project_id=project.id,
            task_id=task_id,
            assignment_id=assignment.id,
            annotator_id=expert.id,
            object_key=keys[0],
            preview_key=keys[1],
            sha256=image.sha256,
            content_type=image.content_type,
            size_bytes=len(image.data),
            width=image.width,
            height=image.height,
            original_filename=display_filename(filename),
        )
        db.session.add(upload)
        db.session.commit()
    except Exception:
        db.session.rollback()
        _discard(store, keys)
        raise
    return upload


def for_update(stmt: Any, skip_locked: bool = False) -> Any:
    """Lock the selected rows on PostgreSQL (SQLite's BEGIN IMMEDIATE already serialises):
    a submit using an upload and the sweep removing it never interleave."""
    if db.session.get_bind().dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=skip_locked)
    return stmt


def sweep_orphan_uploads(store: ObjectStore, older_than: timedelta = ORPHAN_AGE) -> int:
    """Delete uploads that never became items, older than ``older_than``, with their objects.

    Objects are removed first; a row whose objects could not be removed stays for the next
    sweep. Returns how many uploads were removed.
    """
    begin_write()
    cutoff = database_now() - older_than
    stale = list(
        db.session.scalars(
            for_update(
                select(ContributionUpload)
                .where(ContributionUpload.item_id.is_(None), ContributionUpload.created_at < cutoff)
                .limit(1000),
                skip_locked=True,
            )
        )
    )
    removed = 0
    for upload in stale:
        try:
            store.delete(upload.object_key)
            store.delete(upload.preview_key)
        except StorageUnavailable:
            continue
        db.session.delete(upload)
        removed += 1
    db.session.commit()
    return removed
