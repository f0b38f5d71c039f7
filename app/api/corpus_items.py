"""Corpus curation routes: items (keyset pages, search), statistics, dropping and restoring,
the minimum length, near-duplicate searches, deleting and retrying a corpus."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from app.api.blueprint import api_login_required, bp, field, json_object
from app.api.schema import ERRORS, INT_ID, json_content, path_id, ref
from app.corpora import browse, curation, near_duplicate_runs
from app.exceptions import NotFound
from app.jobs import enqueue_ingestion, enqueue_near_duplicates
from app.models import Corpus, NearDuplicateRun
from app.scoping import get_owned
from app.storage import object_store

_ITEM = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "seq": {"type": "integer", "description": "Place in the corpus (1, 2, …)"},
        "length": {"type": "integer", "description": "Characters"},
        "text": {"type": "string", "description": "The first 300 characters"},
        "truncated": {"type": "boolean"},
        "kind": {"type": "string", "enum": ["text", "image"]},
        "dropped": {
            "type": ["string", "null"],
            "enum": ["manual", "length", "duplicate", "pending", "rejected", None],
            "description": "Why the item is not in the corpus: dropped by hand, too short, a "
            "near-duplicate; a collected item waiting for review or rejected",
        },
        "meta": {"type": "object"},
    },
}
SCHEMAS: dict[str, Any] = {
    "ItemPage": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ITEM},
            "next_after": {"type": ["integer", "null"]},
            "prev_before": {"type": ["integer", "null"]},
        },
    },
    "CorpusStatistics": {
        "type": "object",
        "properties": {
            "kept": {"type": "integer"},
            "dropped": {"type": "object", "additionalProperties": {"type": "integer"}},
            "exact_duplicates": {"type": "integer"},
            "exact_duplicate_rate": {"type": "number"},
            "near_duplicate_rate": {"type": ["number", "null"]},
            "min_length": {"type": "integer"},
            "length": {"type": "object"},
            "histogram": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"label": {"type": "string"}, "count": {"type": "integer"}},
                },
            },
        },
    },
    "NearDuplicateSearch": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "status": {"type": "string", "enum": ["running", "done", "failed"]},
            "threshold": {"type": "number"},
            "progress": {"type": "number"},
            "items_compared": {"type": "integer"},
            "group_count": {"type": "integer"},
            "items_in_groups": {"type": "integer"},
            "page": {"type": "integer"},
            "groups": {
                "type": "array",
                "items": {"type": "array", "items": {"type": "integer"}},
                "description": "20 groups a page; item ids, the first kept when dropping",
            },
        },
    },
}
_IDS_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["item_ids"],
                "properties": {
                    "item_ids": {"type": "array", "items": {"type": "integer"}, "maxItems": 1000}
                },
            }
        }
    },
}
_COUNTS = json_content({"type": "object", "additionalProperties": {"type": "integer"}})


def _query(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "schema": schema}


def _json_body(schema: dict[str, Any]) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def openapi_paths() -> dict[str, Any]:
    """This module's part of the OpenAPI document."""
    corpus = [path_id("corpus_id")]
    return {
        "/corpora/{corpus_id}/items": {
            "get": {
                "summary": "A corpus's items in corpus order, 50 a page (keyset: after/before "
                "a seq), optionally a substring search",
                "parameters": corpus
                + [
                    _query("view", {"enum": list(browse.VIEWS)}),
                    _query("q", {"type": "string", "maxLength": browse.MAX_SEARCH}),
                    _query("after", {"type": "integer"}),
                    _query("before", {"type": "integer"}),
                ],
                "responses": {"200": json_content(ref("ItemPage")), **ERRORS},
            }
        },
        "/corpora/{corpus_id}/statistics": {
            "get": {
                "summary": "Counts, duplicate rates and the length histogram",
                "parameters": corpus,
                "responses": {"200": json_content(ref("CorpusStatistics")), **ERRORS},
            }
        },
        **_curation_paths(corpus),
    }


def _curation_paths(corpus: list[dict[str, Any]]) -> dict[str, Any]:
    run = [*corpus, path_id("run_id")]
    return {
        "/corpora/{corpus_id}/items/drop": {
            "post": {
                "summary": "Drop items: no new tasks; running projects' tasks close (answers "
                "stay in reports); check items are kept",
                "parameters": corpus,
                "requestBody": _IDS_BODY,
                "responses": {"200": _COUNTS, **ERRORS},
            }
        },
        "/corpora/{corpus_id}/items/restore": {
            "post": {
                "summary": "Restore dropped items and reopen their tasks",
                "parameters": corpus,
                "requestBody": _IDS_BODY,
                "responses": {"200": _COUNTS, **ERRORS},
            }
        },
        "/corpora/{corpus_id}/min-length": {
            "post": {
                "summary": "Set the minimum length in characters (drops shorter text items, "
                "restores the ones it dropped that now reach it)",
                "parameters": corpus,
                "requestBody": _json_body(
                    {
                        "type": "object",
                        "required": ["min_length"],
                        "properties": {"min_length": {"type": "integer", "minimum": 0}},
                    }
                ),
                "responses": {"200": _COUNTS, **ERRORS},
            }
        },
        "/corpora/{corpus_id}/near-duplicates": {
            "post": {
                "summary": "Start a background search for near-duplicates (MinHash)",
                "parameters": corpus,
                "requestBody": _json_body(
                    {
                        "type": "object",
                        "required": ["threshold"],
                        "properties": {"threshold": {"enum": list(near_duplicate_runs.THRESHOLDS)}},
                    }
                ),
                "responses": {"202": json_content(INT_ID, "Queued"), **ERRORS},
            }
        },
        "/corpora/{corpus_id}/near-duplicates/{run_id}": {
            "get": {
                "summary": "A search's progress and, when done, its groups",
                "parameters": [*run, _query("page", {"type": "integer", "minimum": 1})],
                "responses": {"200": json_content(ref("NearDuplicateSearch")), **ERRORS},
            }
        },
        "/corpora/{corpus_id}/near-duplicates/{run_id}/drop": {
            "post": {
                "summary": "Keep the first item of every group and drop the others",
                "parameters": run,
                "responses": {"200": _COUNTS, **ERRORS},
            }
        },
        "/corpora/{corpus_id}/retry": {
            "post": {
                "summary": "Split a failed corpus into items again from its stored file",
                "parameters": corpus,
                "responses": {"202": json_content(INT_ID, "Queued"), **ERRORS},
            }
        },
    }


@bp.get("/corpora/<int:corpus_id>/items")
@api_login_required
def corpus_items(corpus_id: int) -> ResponseReturnValue:
    """One keyset page of a corpus's items."""
    corpus = get_owned(Corpus, corpus_id, current_user)
    return jsonify(browse.item_page(corpus, browse.parse_item_query(request.args)))


@bp.get("/corpora/<int:corpus_id>/statistics")
@api_login_required
def corpus_statistics(corpus_id: int) -> ResponseReturnValue:
    """Counts, duplicate rates and the length histogram of a corpus."""
    return jsonify(browse.corpus_statistics(get_owned(Corpus, corpus_id, current_user)))


def _ids() -> list[int]:
    return list(field(json_object(), "item_ids", list))


@bp.post("/corpora/<int:corpus_id>/items/drop")
@api_login_required
def drop_items(corpus_id: int) -> ResponseReturnValue:
    """Drop items of a corpus."""
    corpus = get_owned(Corpus, corpus_id, current_user)
    return jsonify(curation.drop_items(current_user, corpus, _ids()))


@bp.post("/corpora/<int:corpus_id>/items/restore")
@api_login_required
def restore_items(corpus_id: int) -> ResponseReturnValue:
    """Restore dropped items of a corpus."""
    corpus = get_owned(Corpus, corpus_id, current_user)
    return jsonify(restored=curation.restore_items(current_user, corpus, _ids()))


@bp.post("/corpora/<int:corpus_id>/min-length")
@api_login_required
def set_min_length(corpus_id: int) -> ResponseReturnValue:
    """Set a corpus's minimum length."""
    corpus = get_owned(Corpus, corpus_id, current_user)
    value = field(json_object(), "min_length", int)
    return jsonify(curation.set_min_length(current_user, corpus, value))


@bp.post("/corpora/<int:corpus_id>/near-duplicates")
@api_login_required
def search_near_duplicates(corpus_id: int) -> ResponseReturnValue:
    """Start a search for near-duplicates."""
    corpus = get_owned(Corpus, corpus_id, current_user)
    threshold = json_object().get("threshold")
    value = threshold if isinstance(threshold, float | int) else -1.0
    run = near_duplicate_runs.start_search(
        current_user, corpus, float(value), enqueue_near_duplicates
    )
    return jsonify(id=run.id), 202


def _run(corpus: Corpus, run_id: int) -> NearDuplicateRun:
    run = browse.near_duplicate_run(corpus, run_id)
    if run is None:
        raise NotFound(_("Not found."))
    return run


@bp.get("/corpora/<int:corpus_id>/near-duplicates/<int:run_id>")
@api_login_required
def near_duplicate_search(corpus_id: int, run_id: int) -> ResponseReturnValue:
    """A search's progress and groups (``?page=``, 20 groups a page)."""
    corpus = get_owned(Corpus, corpus_id, current_user)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    return jsonify(near_duplicate_runs.run_json(_run(corpus, run_id), page))


@bp.post("/corpora/<int:corpus_id>/near-duplicates/<int:run_id>/drop")
@api_login_required
def drop_near_duplicates(corpus_id: int, run_id: int) -> ResponseReturnValue:
    """Keep the first item of every group and drop the others."""
    corpus = get_owned(Corpus, corpus_id, current_user)
    return jsonify(dropped=curation.drop_near_duplicates(current_user, corpus, run_id))


@bp.delete("/corpora/<int:corpus_id>")
@api_login_required
def delete_corpus(corpus_id: int) -> ResponseReturnValue:
    """Delete a corpus no project uses."""
    curation.delete_corpus(current_user, get_owned(Corpus, corpus_id, current_user))
    return "", 204


@bp.post("/corpora/<int:corpus_id>/retry")
@api_login_required
def retry_corpus(corpus_id: int) -> ResponseReturnValue:
    """Split a failed corpus into items again."""
    corpus = get_owned(Corpus, corpus_id, current_user)
    curation.retry_corpus(current_user, corpus, object_store(), enqueue_ingestion)
    return jsonify(id=corpus.id), 202
