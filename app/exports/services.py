"""Exports: every item of a project with its final answer and each expert's answer, written
as JSON Lines to object storage by a background job, with progress, then downloaded through
the app (streamed from storage, authorization checked): the storage server's own address is
internal and never reaches a user."""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, select

from app.audit import record_event
from app.corpora.annotations_in import for_task_type
from app.database import begin_write
from app.exceptions import NotFound
from app.exports.formats import DEFAULT, FORMATS, choose_format
from app.exports.formats.base import item_metadata
from app.exports.records import JOB, ExpertNames, task_batches, write_format
from app.extensions import db
from app.job_runs import end_run, start_run
from app.models import Annotation, Export, Item, Project, Role, Task, User
from app.models.base import utcnow
from app.scoping import get_owned, reads_everything
from app.storage import ObjectStore

SPOOL_BYTES = 8 * 1024 * 1024
#: What the user reads about a failed export; the exception itself goes to the log only.
FAILED = _l(
    "The export failed because of an error on our side; it was logged. Try again, "
    "and tell the platform operator if it fails again."
)
#: Why an export failed when its job kept being interrupted (``Export.error`` holds the code).
REASONS = {
    "interrupted": _l(
        "The export was interrupted again and again (its worker stopped). Ask for it again, "
        "and tell the platform operator if it fails again."
    ),
    "storage_unavailable": _l(
        "The export could not be stored: the object store did not answer. Ask for it again later."
    ),
}
OWED = ("pending", "running")
logger = logging.getLogger(__name__)


def request_export(
    user: User, project_id: int, enqueue: Callable[[int], None], fmt: str = DEFAULT
) -> Export:
    """Queue an export of a project the user may read in format ``fmt``
    (:mod:`app.exports.formats`); NotFound otherwise, Invalid for a format that does not
    suit the project's task type."""
    begin_write()
    project = get_owned(Project, project_id, user)
    chosen = choose_format(fmt, project.task_type)
    export = Export(
        project_id=project.id,
        organization_id=project.organization_id,
        requested_by_id=user.id,
        format=chosen.name,
    )
    db.session.add(export)
    db.session.flush()
    record_event(
        "export_requested",
        user,
        object_type="project",
        object_id=project.id,
        export=export.id,
        format=export.format,
    )
    db.session.commit()
    enqueue(export.id)
    return export


def get_export(user: User, export_id: int) -> Export:
    """An export of the user's organization (or any, for auditors and admins)."""
    stmt = select(Export).where(Export.id == export_id)
    if not reads_everything(user):
        stmt = (
            stmt.where(Export.organization_id == user.organization_id)
            if user.role == Role.VENDOR
            else stmt.where(false())
        )
    export = db.session.scalar(stmt)
    if export is None:
        raise NotFound(_l("Not found."))
    return export


def _lines(
    project: Project, final: dict[int, dict[str, Any]], task_ids: list[int], names: ExpertNames
) -> list[str]:
    rows = db.session.execute(
        select(Task.item_id, Item.text, Item.object_key, Item.meta, Item.preannotation)
        .join(Item, Item.id == Task.item_id)
        .where(Task.id.in_(task_ids))
        .order_by(Task.id)
    ).all()
    answers: dict[int, list[dict[str, Any]]] = {}
    for item, annotator, result in db.session.execute(
        select(Annotation.item_id, Annotation.annotator_id, Annotation.result).where(
            Annotation.project_id == project.id,
            Annotation.gold_score.is_(None),
            Annotation.item_id.in_([r[0] for r in rows]),
        )
    ):
        answers.setdefault(item, []).append({"annotator": annotator, "result": result})
    names.load({a["annotator"] for given in answers.values() for a in given})
    for given in answers.values():
        for a in given:
            a["expert"] = names[a["annotator"]]
    # An image item (a collected picture, or one of an image corpus) names its original;
    # an item of a table or of another tool's export keeps the vendor's id and its metadata
    # fields (``meta``); an item imported with another tool's answer carries it as
    # "preannotation".
    kind = project.task_type
    return [
        json.dumps(
            {
                "item_id": item,
                **_source(meta),
                "text": text,
                **({"object_key": key} if key else {}),
                "final": final.get(item),
                "answers": answers.get(item, []),
                **({"preannotation": shown} if (shown := for_task_type(pre, kind)) else {}),
            },
            ensure_ascii=False,
        )
        + "\n"
        for item, text, key, meta, pre in rows
    ]


def _source(stored: dict[str, Any] | None) -> dict[str, Any]:
    source_id, fields = item_metadata(stored)
    return {
        **({"source_id": source_id} if source_id is not None else {}),
        **({"meta": fields} if fields else {}),
    }


def _write(export: Export, project: Project, spool: Any) -> None:
    for final, task_ids, names in task_batches(export, project):
        for line in _lines(project, final, task_ids, names):
            spool.write(line.encode("utf-8"))


def _claim(export_id: int) -> Export | None:
    """The export, when it is owed and this process now writes it."""
    export = db.session.get(Export, export_id)
    if export is None or export.status not in OWED or not start_run(JOB, export_id):
        return None
    if export.status not in OWED:  # read again: finished while the run was claimed
        begin_write()
        end_run(JOB, export_id)
        db.session.commit()
        return None
    return export


def run_export(export_id: int, store: ObjectStore) -> None:
    """The job's body: write the JSONL, store it, mark the export ready (or failed)."""
    export = _claim(export_id)
    if export is None:
        return
    project = db.session.get(Project, export.project_id)
    assert project is not None
    begin_write()
    export.status = "running"
    db.session.commit()
    fmt = FORMATS[export.format]
    key = f"exports/{project.organization_id}/{project.id}/export-{export.id}.{fmt.extension}"
    try:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            (_write if fmt.writer is None else write_format)(export, project, spool)
            spool.seek(0)
            store.put_stream(key, spool, fmt.content_type)
    except Exception as exc:  # the user sees "failed", never a stuck job nor the exception
        logger.exception("export %s of project %s failed", export_id, project.id)
        db.session.rollback()
        begin_write()
        export.status, export.error = "failed", type(exc).__name__[:500]
        export.finished_at = utcnow()
        end_run(JOB, export.id)
        db.session.commit()
        raise
    begin_write()
    export.status, export.object_key, export.finished_at = "ready", key, utcnow()
    end_run(JOB, export.id)
    db.session.commit()


def unfinished_exports() -> list[int]:
    """Ids of the exports still owed (pending or running)."""
    return list(db.session.scalars(select(Export.id).where(Export.status.in_(OWED))))


def fail_interrupted(export_id: int, reason: str) -> None:
    """Fail an export whose job kept being interrupted (``reason``: a key of ``REASONS``)."""
    begin_write()
    export = db.session.get(Export, export_id)
    if export is not None and export.status in OWED:
        export.status = "failed"
        export.error = reason if reason in REASONS else "interrupted"
        export.finished_at = utcnow()
    end_run(JOB, export_id)
    db.session.commit()


def failure_message(export: Export) -> str:
    """What the user reads about a failed export."""
    reason = REASONS.get(export.error or "")
    return str(reason if reason is not None else FAILED)


def export_json(export: Export, link: Callable[[int], str]) -> dict[str, Any]:
    """The export as the API and the page show it; once ready, ``download_url`` is
    ``link(export.id)``: the app's own download route, never the storage server's address."""
    url = link(export.id) if export.status == "ready" and export.object_key else None
    return {
        "id": export.id,
        "project_id": export.project_id,
        "format": export.format,
        "status": export.status,
        "items_done": export.items_done,
        "items_total": export.items_total,
        "error": failure_message(export) if export.status == "failed" else None,
        "download_url": url,
    }


def export_download(
    user: User, export_id: int, store: ObjectStore
) -> tuple[str, str, Iterator[bytes]]:
    """(file name, content type, chunks) of a ready export the user may read, streamed from
    object storage; NotFound for another organization's export or one that is not ready."""
    begin_write()
    export = get_export(user, export_id)
    if export.status != "ready" or not export.object_key:
        raise NotFound(_l("This export is not ready yet."))
    record_event(
        "export_downloaded",
        user,
        object_type="project",
        object_id=export.project_id,
        export=export.id,
    )
    db.session.commit()
    fmt = FORMATS[export.format]
    suffix = "" if fmt.name == DEFAULT else f"-{fmt.name}"
    name = f"project-{export.project_id}-export-{export.id}{suffix}.{fmt.extension}"
    return name, fmt.content_type, store.iter_chunks(export.object_key)
