"""Collected contributions: an expert's answer to a ``collect`` task becomes a new item of the
project's target corpus (owned by the project's vendor).

The corpus decides what is collected: a text corpus takes texts, an image corpus takes
pictures uploaded first through :mod:`app.labeling.uploads`, so a later project over the
corpus (classification, or image boxes) sees items of one kind.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.corpora.image_ingestion import corpus_is_image
from app.exceptions import Conflict, Invalid
from app.extensions import db
from app.labeling.uploads import for_update
from app.models import ContributionUpload, Corpus, Item, Project, Task


def collects_pictures(project: Project) -> bool:
    """True when the project's contributions are pictures (its target corpus holds images)."""
    corpus = db.session.get(Corpus, project.corpus_id)
    return project.task_type == "collect" and corpus is not None and corpus_is_image(corpus)


def contribute(project: Project, task: Task, answer: dict[str, Any], assignment_id: int) -> None:
    """Turn a validated collect answer into a new item of the project's corpus.

    Runs inside the submit transaction, after the expert's lease was taken (the caller
    commits). A text needs a text corpus; a picture (``{"object": {key, sha256,
    content_type}}``) an image corpus and an upload made under the submitting lease
    (``assignment_id``) whose recorded SHA-256 and type match. Contributions to one corpus
    are serialised.
    Raises Invalid (wrong kind, unknown or mismatched upload) or Conflict (the same text or
    picture is already in the corpus).
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
    db.session.add(item)
    db.session.flush()
    task.item_id = item.id
    corpus.item_count += 1


def _next_seq(corpus: Corpus) -> int:
    return (
        db.session.scalar(select(func.max(Item.seq)).where(Item.corpus_id == corpus.id)) or 0
    ) + 1


def _already_in(corpus: Corpus, digest: str) -> bool:
    return (
        db.session.scalar(select(Item.id).where(Item.corpus_id == corpus.id, Item.sha256 == digest))
        is not None
    )


def _text_item(corpus: Corpus, text: str) -> Item:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if _already_in(corpus, digest):
        raise Conflict(
            _l("This text is already in the corpus. Please contribute something new."),
            code="duplicate_contribution",
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
    if _already_in(corpus, upload.sha256):
        raise Conflict(
            _l("This picture is already in the corpus. Please contribute a new one."),
            code="duplicate_contribution",
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
