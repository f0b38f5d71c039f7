"""Collected contributions: an expert's answer to a ``collect`` task becomes a new item of the
project's target corpus (owned by the project's vendor)."""

from __future__ import annotations

import hashlib
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models import Corpus, Item, Project, Task
from app.services.errors import Conflict, Invalid


def contribute(project: Project, task: Task, answer: dict[str, Any]) -> None:
    """Turn a validated collect answer into a new item of the project's corpus.

    Runs inside the submit transaction (the caller commits). Raises Invalid for a picture
    (not supported yet) and Conflict when the same text is already in the corpus.
    """
    if "text" not in answer:
        raise Invalid(_l("Picture contributions are not available yet; please write a text."),
                      code="collect_text_only")
    text = answer["text"]
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if db.session.scalar(select(Item.id).where(Item.corpus_id == project.corpus_id,
                                               Item.sha256 == digest)):
        raise Conflict(_l("This text is already in the corpus. Please contribute something "
                          "new."), code="duplicate_contribution")
    seq = db.session.scalar(select(func.max(Item.seq)).where(
        Item.corpus_id == project.corpus_id)) or 0
    item = Item(corpus_id=project.corpus_id, seq=seq + 1, sha256=digest, text=text)
    db.session.add(item)
    db.session.flush()
    task.item_id = item.id
    corpus = db.session.get(Corpus, project.corpus_id)
    if corpus is not None:
        corpus.item_count += 1


