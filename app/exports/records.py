"""The items of an export, read from the database batch by batch for the format writers,
with each expert named as the requester may see them, and the progress kept current.

Who sees names: the people who read a project's quality report and review queue today see
the experts' display names there (the vendor organization that owns the project, auditors
and admins), so their exports carry the same names (the e-mail address where a user has no
display name, as the review page shows). Anyone else who may read a project gets a stable
pseudonym, ``专家-`` and 8 hex digits of an HMAC (the app's secret key) of the user's and
the project's ids: the same expert has the same pseudonym in every export of the project,
different ones across projects, and the ids cannot be guessed back from it."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import IO, Any

from flask import current_app
from sqlalchemy import select

from app.corpora.annotations_in import for_task_type
from app.database import begin_write
from app.exports.formats import FORMATS
from app.exports.formats.base import ExportRecord, ProjectShape, item_metadata
from app.extensions import db
from app.job_runs import beat
from app.models import Annotation, Corpus, Export, Item, Project, Role, Task, User
from app.quality.collection import accepted_item_ids
from app.quality.report import final_results

BATCH = 1000
#: The job kind of an export in the job-run table (``app.job_runs``).
JOB = "export"
PSEUDONYM_PREFIX = "专家-"


def sees_names(requester: User | None, project: Project) -> bool:
    """Whether the requester reads experts' names in this project (see the module doc)."""
    if requester is None:
        return False
    if requester.role in (Role.ADMIN, Role.AUDITOR):
        return True
    return requester.role == Role.VENDOR and requester.organization_id == project.organization_id


def pseudonym(user_id: int, project_id: int) -> str:
    """``专家-`` and 8 hex digits of HMAC-SHA256(secret key, "<user id>:<project id>")."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"{user_id}:{project_id}".encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:8]


class ExpertNames:
    """User id → the name an export shows; two experts with one display name are told apart
    by their user id (``张三 #17``)."""

    def __init__(self, project: Project, requester: User | None) -> None:
        self.project, self.named = project, sees_names(requester, project)
        self._names: dict[int, str] = {}
        self._taken: set[str] = set()

    def load(self, user_ids: set[int]) -> None:
        """Look up the users not seen yet."""
        missing = user_ids - self._names.keys()
        if not missing:
            return
        if not self.named:
            self._names |= {user: pseudonym(user, self.project.id) for user in missing}
            return
        rows = db.session.execute(
            select(User.id, User.name, User.email).where(User.id.in_(missing)).order_by(User.id)
        )
        for user, name, email in rows:
            shown = (name or "").strip() or email
            shown = f"{shown} #{user}" if shown in self._taken else shown
            self._taken.add(shown)
            self._names[user] = shown

    def __getitem__(self, user_id: int) -> str:
        return self._names[user_id]


def _records(
    project: Project, final: dict[int, dict[str, Any]], task_ids: list[int], names: ExpertNames
) -> list[ExportRecord]:
    rows = db.session.execute(
        select(
            Item.id,
            Item.text,
            Item.object_key,
            Item.width,
            Item.height,
            Item.meta,
            Item.preannotation,
        )
        .join(Task, Task.item_id == Item.id)
        .where(Task.id.in_(task_ids))
        .order_by(Task.id)
    ).all()
    answers: dict[int, list[tuple[int, dict[str, Any]]]] = {}
    for item, annotator, result in db.session.execute(
        select(Annotation.item_id, Annotation.annotator_id, Annotation.result)
        .where(
            Annotation.project_id == project.id,
            Annotation.gold_score.is_(None),
            Annotation.item_id.in_([r[0] for r in rows]),
        )
        .order_by(Annotation.id)
    ):
        answers.setdefault(item, []).append((annotator, result))
    names.load({user for given in answers.values() for user, _ in given})
    return [
        ExportRecord(
            item,
            text,
            final.get(item),
            [(names[u], r) for u, r in answers.get(item, [])],
            key,
            width,
            height,
            *item_metadata(meta),
            for_task_type(pre, project.task_type),
        )
        for item, text, key, width, height, meta, pre in rows
    ]


def task_batches(
    export: Export, project: Project
) -> Iterator[tuple[dict[int, dict[str, Any]], list[int], ExpertNames]]:
    """(final answers, ``BATCH`` task ids, expert names) for the project's items (check items
    and contributions not accepted left out) in task order; the export's progress and the
    job's heartbeat are committed once the caller has written each batch."""
    final = final_results(project)
    tasks = select(Task.id).where(Task.project_id == project.id, Task.is_gold.is_(False))
    if project.task_type == "collect":  # a contribution joins the dataset once accepted
        tasks = tasks.where(Task.item_id.in_(accepted_item_ids(project.id)))
    task_ids = list(db.session.scalars(tasks.order_by(Task.id)))
    names = ExpertNames(project, db.session.get(User, export.requested_by_id))
    begin_write()
    export.items_total = len(task_ids)
    db.session.commit()
    for start in range(0, len(task_ids), BATCH):
        yield final, task_ids[start : start + BATCH], names
        begin_write()
        export.items_done = min(start + BATCH, len(task_ids))
        beat(JOB, export.id)
        db.session.commit()


def record_batches(export: Export, project: Project) -> Iterator[list[ExportRecord]]:
    """The project's items as export records, ``BATCH`` at a time (see ``task_batches``)."""
    for final, task_ids, names in task_batches(export, project):
        yield _records(project, final, task_ids, names)


def corpus_metadata(project: Project) -> tuple[bool, tuple[str, ...]]:
    """(whether the project's items carry the vendor's ids, their metadata fields' names):
    a table's mapping names both; other corpora's fields are those of their first item."""
    corpus = db.session.get(Corpus, project.corpus_id)
    if corpus is not None and corpus.mapping and "chosen" in corpus.mapping:
        chosen = corpus.mapping["chosen"]
        return chosen.get("id") is not None, tuple(corpus.mapping.get("meta_columns") or ())
    first = db.session.scalar(
        select(Item.meta)
        .where(Item.corpus_id == project.corpus_id, Item.meta.is_not(None))
        .order_by(Item.seq)
        .limit(1)
    )
    source_id, fields = item_metadata(first)
    return source_id is not None, tuple(fields or ())


def write_format(export: Export, project: Project, spool: IO[bytes]) -> None:
    """Stream the export's file in its format into ``spool``."""
    writer = FORMATS[export.format].writer
    assert writer is not None, "JSON Lines is written by the services module"
    shape = ProjectShape(
        project.task_type, tuple(project.labels), project.overlap, *corpus_metadata(project)
    )
    writer(shape, record_batches(export, project), spool)
