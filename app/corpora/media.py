"""Who may see an image item: readers of the owning organization, experts who hold a live
lease on a task of it or answered it, and reviewers of a project over its corpus. A skipped or
expired lease grants nothing; anyone else gets 404. Every read that is allowed is written to
the audit trail (``image_read``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.audit import insert_event
from app.corpora.images import IMAGE_CONTENT_TYPES
from app.database import begin_write, utc_now
from app.exceptions import NotFound
from app.extensions import db
from app.models import Assignment, Corpus, Item, Project, ProjectReviewer, Role, Task, User
from app.scoping import reads_everything


def _may_see(user: User, item: Item, corpus: Corpus) -> bool:
    if reads_everything(user):
        return True
    if user.role == Role.VENDOR:
        return corpus.organization_id == user.organization_id
    leased = (
        select(Assignment.id)
        .join(Task, Task.id == Assignment.task_id)
        .where(
            Task.item_id == item.id,
            Assignment.annotator_id == user.id,
            or_(
                Assignment.status == "submitted",
                (Assignment.status == "leased") & (Assignment.lease_expires_at > utc_now()),
            ),
        )
    )
    reviews = (
        select(ProjectReviewer.id)
        .join(Project, Project.id == ProjectReviewer.project_id)
        .where(Project.corpus_id == corpus.id, ProjectReviewer.user_id == user.id)
    )
    return bool(db.session.scalar(leased.limit(1)) or db.session.scalar(reviews.limit(1)))


def image_of(user: User, item_id: int, preview: bool) -> tuple[str, str]:
    """(object key, content type) of an image item the user may see; NotFound otherwise."""
    item = db.session.get(Item, item_id)
    corpus = db.session.get(Corpus, item.corpus_id) if item is not None else None
    if (
        item is None
        or corpus is None
        or item.kind != "image"
        or not item.object_key
        or not _may_see(user, item, corpus)
    ):
        raise NotFound(_l("Not found."))
    with_preview = bool(preview and item.preview_key)
    key = item.preview_key if with_preview and item.preview_key else item.object_key
    content_type = (
        "image/jpeg"
        if with_preview
        else IMAGE_CONTENT_TYPES.get(key.rsplit(".", 1)[-1], "application/octet-stream")
    )
    begin_write()
    insert_event("image_read", user, object_type="item", object_id=item_id, preview=with_preview)
    db.session.commit()
    return key, content_type
