"""Collected contributions: an expert's answer to a ``collect`` task becomes a new item of the
project's target corpus (owned by the project's vendor), held back (``Item.dropped`` =
"pending") until the vendor or a reviewer of the project accepts it
(:mod:`app.review.contributions`); a rejected one stays out with the reason, which the expert
reads on their own list (:func:`own_contributions`), and its slot opens again
(:func:`reopen_slot`), so the project still collects the number it asked for.

The corpus decides what is collected: a text corpus takes texts, an image corpus takes
pictures uploaded first through :mod:`app.labeling.uploads`, so a later project over the
corpus (classification, or image boxes) sees items of one kind.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, insert, select, update

from app.corpora.image_ingestion import corpus_is_image
from app.database import as_utc
from app.exceptions import Conflict, Invalid
from app.extensions import db
from app.labeling.uploads import for_update
from app.models import (
    Contribution,
    ContributionUpload,
    Corpus,
    Item,
    ItemDigest,
    Project,
    Task,
    User,
)
from app.models.contributions import CONTRIBUTION_STATUSES


def collects_pictures(project: Project) -> bool:
    """True when the project's contributions are pictures (its target corpus holds images)."""
    corpus = db.session.get(Corpus, project.corpus_id)
    return project.task_type == "collect" and corpus is not None and corpus_is_image(corpus)


def contribute(
    project: Project, task: Task, answer: dict[str, Any], assignment_id: int, annotator_id: int
) -> None:
    """Turn a validated collect answer into a new item of the project's corpus, pending review.

    Runs inside the submit transaction, after the expert's lease was taken (the caller
    commits). A text needs a text corpus; a picture (``{"object": {key, sha256,
    content_type}}``) an image corpus and an upload made under the submitting lease
    (``assignment_id``) whose recorded SHA-256 and type match. The item is stored with
    ``dropped = "pending"`` and a pending :class:`Contribution` of ``annotator_id``; the
    corpus counts it once accepted. Contributions to one corpus are serialised.
    Raises Invalid (wrong kind, unknown or mismatched upload) or Conflict (the same text or
    picture is already in the corpus, waits for review or was rejected).
    """
    # The corpus row is locked (PostgreSQL; SQLite's write lock is already held) so that two
    # contributions at once get distinct sequence numbers and both are counted.
    corpus = db.session.get(Corpus, project.corpus_id, with_for_update=True, populate_existing=True)
    assert corpus is not None
    pictures = corpus_is_image(corpus)
    if "object" in answer:
        if not pictures:
            raise Invalid(
                _l("This project collects texts, not pictures."), code="collect_text_only"
            )
        item = _picture_item(corpus, task, answer["object"], assignment_id)
    else:
        if pictures:
            raise Invalid(
                _l("This project collects pictures: upload one."), code="collect_picture_only"
            )
        item = _text_item(corpus, answer["text"])
    item.dropped = "pending"
    db.session.add(item)
    db.session.flush()
    db.session.add(ItemDigest(corpus_id=corpus.id, sha256=item.sha256, item_id=item.id))
    task.item_id = item.id
    db.session.add(
        Contribution(
            project_id=project.id, task_id=task.id, item_id=item.id, annotator_id=annotator_id
        )
    )


def reopen_slot(project: Project, task_id: int) -> None:
    """Give back the collection slot of a rejected contribution: a new empty slot of the
    project, open to every expert the claim rules let in (the one rejected included).

    The rejected contribution's task keeps its item, answer and lease (the expert's list, the
    audit trail and the report refer to them) but is *closed* as a dropped item's task is
    (:mod:`app.corpora.curation`): its answer no longer counts toward k and ``slots_taken``
    sits above k, so the claim never hands it out and progress leaves it out. The project's
    slots thus stay at the number asked for: accepted, pending and open ones. Runs in the
    decision's write transaction, once per rejection (a contribution is decided once), so no
    rejection opens two slots; the caller commits.
    """
    db.session.execute(
        update(Task)
        .where(Task.id == task_id, Task.project_id == project.id, Task.is_gold.is_(False))
        .values(answers=Task.answers - 1, slots_taken=Task.slots_taken + project.overlap)
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        insert(Task).values(project_id=project.id, item_id=None, slots_taken=0, answers=0)
    )


def _next_seq(corpus: Corpus) -> int:
    return (
        db.session.scalar(select(func.max(Item.seq)).where(Item.corpus_id == corpus.id)) or 0
    ) + 1


def _refuse_duplicate(corpus: Corpus, digest: str, in_corpus: Any) -> None:
    """Conflict when an item with these bytes is stored in the corpus: in it (``in_corpus``),
    waiting for review, or rejected."""
    found = db.session.execute(
        select(Item.id, Item.dropped)
        .join(ItemDigest, ItemDigest.item_id == Item.id)
        .where(ItemDigest.corpus_id == corpus.id, ItemDigest.sha256 == digest)
    ).first()
    if found is None:
        return
    if found.dropped == "pending":
        message = _l("The same contribution was already made and waits for review.")
    elif found.dropped == "rejected":
        message = _l("The same contribution was made before and rejected.")
    else:
        message = in_corpus
    raise Conflict(message, code="duplicate_contribution")


def _text_item(corpus: Corpus, text: str) -> Item:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    _refuse_duplicate(
        corpus, digest, _l("This text is already in the corpus. Please contribute something new.")
    )
    return Item(corpus_id=corpus.id, seq=_next_seq(corpus), sha256=digest, text=text)


def _picture_item(
    corpus: Corpus, task: Task, reference: dict[str, str], assignment_id: int
) -> Item:
    # The upload must have been made under the lease this submit took (the same expert on the
    # same task), whoever the client claims.
    upload = db.session.scalar(
        for_update(
            select(ContributionUpload).where(
                ContributionUpload.object_key == reference["key"],
                ContributionUpload.task_id == task.id,
                ContributionUpload.assignment_id == assignment_id,
                ContributionUpload.item_id.is_(None),
            )
        )
    )
    if upload is None:
        raise Invalid(
            _l("This picture was not uploaded by you for this task. Upload it again."),
            code="unknown_upload",
        )
    if (upload.sha256, upload.content_type) != (reference["sha256"], reference["content_type"]):
        raise Invalid(
            _l("The picture's checksum or type does not match the upload. Upload it again."),
            code="upload_mismatch",
        )
    _refuse_duplicate(
        corpus,
        upload.sha256,
        _l("This picture is already in the corpus. Please contribute a new one."),
    )
    item = Item(
        corpus_id=corpus.id,
        seq=_next_seq(corpus),
        sha256=upload.sha256,
        text=upload.original_filename,
        kind="image",
        object_key=upload.object_key,
        preview_key=upload.preview_key,
        width=upload.width,
        height=upload.height,
    )
    db.session.add(item)
    db.session.flush()
    upload.item_id = item.id
    return item


OWN_PAGE_SIZE = 50
OWN_PREVIEW_CHARS = 300


def own_contributions(expert: User, status: str | None = None, page: int = 1) -> dict[str, Any]:
    """The expert's own contributions, newest first, ``OWN_PAGE_SIZE`` a page, with what was
    decided: ``counts`` per status (all pages), ``rows`` (project, the text's first 300
    characters or the picture's file name, status, the reason of a rejection, times),
    ``page`` and ``has_next``. Who decided is not shown.
    Raises Invalid for an unknown status or a page outside 1–100,000.
    """
    if status is not None and status not in CONTRIBUTION_STATUSES:
        raise Invalid(_l("Show pending, accepted or rejected contributions."), code="bad_status")
    if isinstance(page, bool) or not 1 <= page <= 100_000:
        raise Invalid(_l("Pages are numbered from 1."), code="bad_page")
    mine = Contribution.annotator_id == expert.id
    counts = dict.fromkeys(CONTRIBUTION_STATUSES, 0)
    for found, count in db.session.execute(
        select(Contribution.status, func.count()).where(mine).group_by(Contribution.status)
    ):
        counts[found] = int(count)
    stmt = (
        select(
            Contribution.id,
            Contribution.project_id,
            Project.name,
            Item.kind,
            func.substr(Item.text, 1, OWN_PREVIEW_CHARS).label("text"),
            Contribution.status,
            Contribution.reason,
            Contribution.created_at,
            Contribution.decided_at,
        )
        .join(Project, Project.id == Contribution.project_id)
        .join(Item, Item.id == Contribution.item_id)
        .where(mine)
    )
    if status is not None:
        stmt = stmt.where(Contribution.status == status)
    rows = db.session.execute(
        stmt.order_by(Contribution.id.desc())
        .offset((page - 1) * OWN_PAGE_SIZE)
        .limit(OWN_PAGE_SIZE + 1)
    ).all()
    return {
        "counts": counts,
        "rows": [_own_row(row) for row in rows[:OWN_PAGE_SIZE]],
        "page": page,
        "has_next": len(rows) > OWN_PAGE_SIZE,
        "status": status,
    }


def _own_row(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "project_id": row.project_id,
        "project": row.name,
        "kind": row.kind,
        "text": row.text,
        "status": row.status,
        "reason": row.reason,
        "created_at": as_utc(row.created_at).isoformat(),
        "decided_at": as_utc(row.decided_at).isoformat() if row.decided_at else None,
    }
