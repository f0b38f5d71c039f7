"""API routes: parse JSON, call one service, answer JSON."""

from __future__ import annotations

import itertools
from typing import Any

from flask import Response, jsonify, request, stream_with_context, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.api.blueprint import api_login_required, bp
from app.jobs import enqueue_export, enqueue_ingestion, enqueue_quality_refresh
from app.models import Corpus, Project
from app.services import (
    answers,
    corpora,
    exports,
    gold,
    labeling,
    media,
    projects,
    review,
    task_list,
    uploads,
)
from app.services.errors import Invalid, Unavailable
from app.services.expert_quality import expert_reliability
from app.services.quality_items import parse_item_query
from app.services.quality_report import item_table, latest_report, project_quality
from app.services.rule_messages import line_error_message
from app.services.scoping import get_managed, get_owned
from app.services.skip_reasons import skip_reason
from app.storage import StorageUnavailable, object_store


def _json_object() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Invalid(_("The request body must be a JSON object."), code="bad_json")
    return body


def _field(body: dict[str, Any], name: str, kind: type, default: Any = ...) -> Any:
    value = body.get(name, default)
    if value is ... or not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
        raise Invalid(_("Field “%(name)s” is missing or has the wrong type.", name=name),
                      code="bad_field")
    return value


def corpus_json(corpus: Corpus) -> dict[str, Any]:
    """A corpus as the API shows it, with translated per-line errors."""
    errors = [dict(e, message=line_error_message(e["code"])) for e in corpus.errors]
    progress = corpus.bytes_processed / corpus.size_bytes if corpus.size_bytes else 1.0
    return {"id": corpus.id, "name": corpus.name, "status": corpus.status,
            "item_count": corpus.item_count, "duplicate_count": corpus.duplicate_count,
            "size_bytes": corpus.size_bytes, "progress": round(min(progress, 1.0), 3),
            "errors": errors}


@bp.post("/corpora")
@api_login_required
def create_corpus() -> ResponseReturnValue:
    """Upload a corpus (multipart ``file`` and ``name``)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid(_("Choose a file to upload."), code="no_file")
    corpus = corpora.upload_corpus(current_user, request.form.get("name", ""), upload.filename,
                                   upload.stream, object_store(), enqueue_ingestion)
    return jsonify(id=corpus.id, status=corpus.status), 201


PROJECT_OPTIONS = ("multi", "allow_overlap", "domains", "gold_ratio", "gold_pass_mark",
                   "gold_feedback", "qualification_size", "lease_seconds", "daily_cap", "prompt",
                   "contributions")


@bp.get("/corpora/<int:corpus_id>")
@api_login_required
def show_corpus(corpus_id: int) -> ResponseReturnValue:
    """Status and counts of one corpus."""
    return jsonify(corpus_json(get_owned(Corpus, corpus_id, current_user)))


@bp.post("/projects")
@api_login_required
def create_project() -> ResponseReturnValue:
    """Create a project over a ready corpus."""
    body = _json_object()
    labels = _field(body, "labels", list, [])
    if not all(isinstance(label, str) for label in labels):
        raise Invalid(_("Labels must be strings."), code="bad_field")
    spec = projects.ProjectSpec(
        name=_field(body, "name", str), corpus_id=_field(body, "corpus_id", int),
        task_type=_field(body, "type", str), labels=tuple(labels),
        overlap=_field(body, "overlap", int), instructions=_field(body, "instructions", str, ""),
        options={name: body[name] for name in PROJECT_OPTIONS if name in body},
    )
    project = projects.create_project(current_user, spec)
    return jsonify(id=project.id), 201


@bp.get("/projects/<int:project_id>")
@api_login_required
def show_project(project_id: int) -> ResponseReturnValue:
    """A project's settings and progress."""
    project = get_owned(Project, project_id, current_user)
    progress = projects.project_progress(project)
    return jsonify(id=project.id, name=project.name, type=project.task_type,
                   corpus_id=project.corpus_id, labels=project.labels, overlap=project.overlap,
                   options=project.options, instructions=project.instructions,
                   items_total=progress.items_total, items_complete=progress.items_complete)


@bp.post("/projects/<int:project_id>/gold")
@api_login_required
def set_gold(project_id: int) -> ResponseReturnValue:
    """Mark items as gold (check) items: ``{"items": [{"item_id", "answer"}, ...]}``."""
    project = get_managed(Project, project_id, current_user)
    entries = _field(_json_object(), "items", list)
    if not all(isinstance(e, dict) and isinstance(e.get("item_id"), int) for e in entries):
        raise Invalid(_("Each check item needs an item_id and an answer."), code="bad_field")
    count = gold.set_gold_answers(current_user, project,
                                  [(e["item_id"], e.get("answer")) for e in entries])
    return jsonify(gold_items=count)


@bp.get("/projects/<int:project_id>/tasks")
@api_login_required
def tasks(project_id: int) -> ResponseReturnValue:
    """Managers' task list: ``status``, ``annotator``, ``label``, ``sort``, ``page``."""
    project = get_owned(Project, project_id, current_user)
    return jsonify(task_list.list_tasks(project, task_list.parse_task_query(request.args)))


@bp.post("/projects/<int:project_id>/claim")
@api_login_required
def claim(project_id: int) -> ResponseReturnValue:
    """Lease the next task for the calling expert (204 when none is left)."""
    claimed = labeling.claim_next_task(current_user, project_id)
    if claimed is None:
        return "", 204
    item: dict[str, Any] = {"id": claimed.item_id, "text": claimed.text}
    if claimed.item_id is None:
        item["prompt"] = True  # a collection slot: the text is what to contribute
    if claimed.image_size is not None:
        url = url_for("api.item_image", item_id=claimed.item_id)
        item["image"] = {"url": url, "preview_url": url + "?size=preview",
                         "width": claimed.image_size[0], "height": claimed.image_size[1]}
    return jsonify(task_id=claimed.task_id, item=item,
                   lease_expires_at=claimed.lease_expires_at.isoformat())


@bp.get("/items/<int:item_id>/image")
@api_login_required
def item_image(item_id: int) -> ResponseReturnValue:
    """An image item's original (or ``?size=preview``), streamed from object storage."""
    key, content_type = media.image_of(current_user, item_id,
                                       request.args.get("size") == "preview")
    try:
        chunks = object_store().iter_chunks(key)
        first = next(chunks, b"")
    except StorageUnavailable:
        raise Unavailable(_("Media unavailable: the object store does not answer. Your work "
                            "is kept; try again in a moment.")) from None
    body = itertools.chain([first], chunks)
    return Response(stream_with_context(body), mimetype=content_type, headers={
        "Cache-Control": "private, max-age=3600", "Content-Disposition": "inline"})


@bp.post("/tasks/<int:task_id>/annotations")
@api_login_required
def submit(task_id: int) -> ResponseReturnValue:
    """Submit an answer; a repeated ``client_uuid`` returns the first answer's id."""
    body = _json_object()
    submitted = answers.submit_annotation(current_user, task_id, body.get("result"),
                                          body.get("client_uuid"))
    if submitted.gold is None:
        return jsonify(id=submitted.annotation_id), 201
    return jsonify(id=submitted.annotation_id, gold=submitted.gold), 201


@bp.post("/tasks/<int:task_id>/heartbeat")
@api_login_required
def heartbeat(task_id: int) -> ResponseReturnValue:
    """Keep the caller's lease on a task alive while the workbench is open."""
    expires = labeling.extend_lease(current_user, task_id)
    return jsonify(lease_expires_at=expires.isoformat())


@bp.post("/tasks/<int:task_id>/skip")
@api_login_required
def skip(task_id: int) -> ResponseReturnValue:
    """Give a task back with a reason; it is not offered to the caller again."""
    body = _json_object()
    reason = skip_reason(_field(body, "reason", str), _field(body, "note", str, ""))
    labeling.skip_task(current_user, task_id, reason)
    return "", 204


@bp.post("/tasks/<int:task_id>/uploads")
@api_login_required
def upload_contribution(task_id: int) -> ResponseReturnValue:
    """Upload a picture (multipart ``file``) for the caller's leased collection slot."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise Invalid(_("Choose a file to upload."), code="no_file")
    stored = uploads.upload_picture(current_user, task_id, upload.filename, upload.stream,
                                    object_store())
    return jsonify(key=stored.object_key, sha256=stored.sha256,
                   content_type=stored.content_type, width=stored.width,
                   height=stored.height), 201


@bp.post("/projects/<int:project_id>/reviewers")
@api_login_required
def add_reviewer(project_id: int) -> ResponseReturnValue:
    """Make an expert (``{"email"}``) a reviewer of the project."""
    expert = review.add_reviewer(current_user, project_id, _field(_json_object(), "email", str))
    return jsonify(user_id=expert.id), 201


@bp.get("/projects/<int:project_id>/review")
@api_login_required
def review_items(project_id: int) -> ResponseReturnValue:
    """The items waiting for adjudication (reviewers, the vendor, auditors)."""
    project = review.reviewable_project(current_user, project_id)
    items, total = review.waiting_items(project, enqueue_quality_refresh)
    return jsonify(items=items, total=total)


@bp.get("/projects/<int:project_id>/items/<int:item_id>")
@api_login_required
def item_detail(project_id: int, item_id: int) -> ResponseReturnValue:
    """One item with every expert's answer side by side."""
    project = review.reviewable_project(current_user, project_id)
    detail = review.item_answers(project, item_id)
    answers = [{"id": a["id"], "expert": a["expert"], "result": a["result"]}
               for a in detail.answers]
    return jsonify(id=detail.item_id, text=detail.text, answers=answers,
                   adjudication=detail.adjudication)


@bp.post("/projects/<int:project_id>/items/<int:item_id>/adjudication")
@api_login_required
def adjudicate(project_id: int, item_id: int) -> ResponseReturnValue:
    """A reviewer's final answer for a disputed item: ``result``, or ``answer_id`` (one of
    the item's answers)."""
    body = _json_object()
    if "answer_id" in body:
        done = review.adopt_answer(current_user, project_id, item_id, body["answer_id"],
                                   enqueue_quality_refresh)
    else:
        done = review.adjudicate(current_user, project_id, item_id, body.get("result"),
                                 enqueue_quality_refresh)
    return jsonify(item_id=done.item_id, result=done.result), 201


@bp.post("/projects/<int:project_id>/exports")
@api_login_required
def create_export(project_id: int) -> ResponseReturnValue:
    """Queue an export of every item with its final and individual answers (JSON Lines)."""
    export = exports.request_export(current_user, project_id, enqueue_export)
    return jsonify(exports.export_json(export, object_store())), 202


@bp.get("/exports/<int:export_id>")
@api_login_required
def show_export(export_id: int) -> ResponseReturnValue:
    """Progress of an export, and its download URL once ready."""
    return jsonify(exports.export_json(exports.get_export(current_user, export_id),
                                       object_store()))


@bp.get("/projects/<int:project_id>/quality")
@api_login_required
def quality(project_id: int) -> ResponseReturnValue:
    """Progress and Krippendorff's α of a project."""
    project = get_owned(Project, project_id, current_user)
    summary = project_quality(project, enqueue_quality_refresh)
    report = latest_report(project.id)
    return jsonify({**summary, "report": report.payload if report else None})


@bp.get("/projects/<int:project_id>/quality/items")
@api_login_required
def quality_items(project_id: int) -> ResponseReturnValue:
    """The per-item table of the newest report: ``sort`` (allow-list) and ``page``."""
    project = get_owned(Project, project_id, current_user)
    query = parse_item_query(request.args.to_dict())
    return jsonify(item_table(project, query, enqueue_quality_refresh))


@bp.get("/projects/<int:project_id>/quality/experts/<int:user_id>")
@api_login_required
def expert_quality(project_id: int, user_id: int) -> ResponseReturnValue:
    """One expert's reliability (an expert may read only their own)."""
    return jsonify(expert_reliability(current_user, project_id, user_id,
                                      enqueue_quality_refresh).as_json())
