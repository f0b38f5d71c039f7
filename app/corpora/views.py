"""Corpus pages. The upload itself goes through the API (XHR shows byte progress)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from app.charts import count_bars
from app.corpora import browse, curation, near_duplicate_runs
from app.corpora.corpus_json import corpus_json
from app.corpora.tables.setup import mapping_form
from app.exceptions import ServiceError
from app.jobs import enqueue_ingestion, enqueue_near_duplicates
from app.models import Corpus, Role
from app.permissions import roles_required
from app.scoping import get_owned, list_owned
from app.storage import object_store

bp = Blueprint("corpora", __name__, url_prefix="/corpora")
READERS = (Role.VENDOR, Role.AUDITOR, Role.ADMIN)
OWNERS = (Role.VENDOR, Role.PUBLISHER)
DROP_REASON_NAMES = {
    "manual": _l("Dropped by hand"),
    "length": _l("Dropped: too short"),
    "duplicate": _l("Dropped: near-duplicate"),
    "pending": _l("Collected: waiting for review"),
    "rejected": _l("Collected: rejected in review"),
}


@bp.context_processor
def _corpus_helpers() -> dict[str, Any]:
    return {
        "drop_reason_name": lambda reason: str(DROP_REASON_NAMES.get(reason, reason)),
        "length_chart": lambda rows: count_bars([(r["label"], r["count"]) for r in rows]),
    }


@bp.get("/")
@roles_required(*READERS)
def index() -> ResponseReturnValue:
    """The corpora the user may read."""
    corpora = list_owned(Corpus, current_user)
    return render_template("corpora/index.html", corpora=corpora)


@bp.get("/upload")
@roles_required(Role.VENDOR)
def upload() -> ResponseReturnValue:
    """The upload page."""
    return render_template("corpora/upload.html")


@bp.get("/<int:corpus_id>")
@roles_required(*READERS)
def show(corpus_id: int) -> ResponseReturnValue:
    """One corpus: status, counts, errors, progress; its items, statistics and curation; a
    table waiting for its mapping shows the mapping step (``?sheet=`` picks a sheet)."""
    corpus = get_owned(Corpus, corpus_id, current_user)
    # ``sheet`` (the mapping step) and ``groups`` (near-duplicate pages) are the page's own.
    page_args = {k: v for k, v in request.args.items() if k not in ("sheet", "groups")}
    query = browse.parse_item_query(page_args)
    run = browse.latest_near_duplicate_run(corpus)
    group_page = max(request.args.get("groups", 1, type=int) or 1, 1)
    search = near_duplicate_runs.run_json(run, group_page)
    return render_template(
        "corpora/show.html",
        corpus=corpus,
        info=corpus_json(corpus),
        mapping=mapping_form(corpus.mapping, request.args.get("sheet")),
        query=query,
        page=browse.corpus_page(corpus, query),
        run=search,
        group_texts=near_duplicate_runs.group_texts(search["groups"], corpus.id) if search else {},
        thresholds=near_duplicate_runs.THRESHOLDS,
    )


def _back(corpus_id: int, anchor: str = "") -> ResponseReturnValue:
    return redirect(url_for("corpora.show", corpus_id=corpus_id) + anchor)


def _act(corpus_id: int, action: Callable[[Corpus], str], anchor: str = "") -> ResponseReturnValue:
    corpus = get_owned(Corpus, corpus_id, current_user)
    try:
        flash(action(corpus), "info")
    except ServiceError as exc:
        flash(str(exc.message), "error")
    return _back(corpus_id, anchor)


def _ids() -> list[int]:
    return [int(v) for v in request.form.getlist("item_id") if v.isdigit() and len(v) < 13]


@bp.post("/<int:corpus_id>/items/drop")
@roles_required(Role.VENDOR)
def drop_items(corpus_id: int) -> ResponseReturnValue:
    """Drop the items ticked on the page."""

    def act(corpus: Corpus) -> str:
        counts = curation.drop_items(current_user, corpus, _ids())
        return _dropped_message(counts)

    return _act(corpus_id, act, "#items")


def _dropped_message(counts: dict[str, int]) -> str:
    message = str(ngettext("%(num)d item dropped.", "%(num)d items dropped.", counts["dropped"]))
    if counts.get("kept_gold"):
        message += " " + str(
            ngettext(
                "%(num)d check item was kept: remove it from the project's check items first.",
                "%(num)d check items were kept: remove them from the projects' check items first.",
                counts["kept_gold"],
            )
        )
    return message


@bp.post("/<int:corpus_id>/items/restore")
@roles_required(Role.VENDOR)
def restore_items(corpus_id: int) -> ResponseReturnValue:
    """Restore the dropped items ticked on the page."""

    def act(corpus: Corpus) -> str:
        count = curation.restore_items(current_user, corpus, _ids())
        return str(ngettext("%(num)d item restored.", "%(num)d items restored.", count))

    return _act(corpus_id, act, "#items")


@bp.post("/<int:corpus_id>/min-length")
@roles_required(Role.VENDOR)
def min_length(corpus_id: int) -> ResponseReturnValue:
    """Set the minimum length in characters."""
    raw = request.form.get("min_length", "").strip()

    def act(corpus: Corpus) -> str:
        value = int(raw) if raw.isdigit() and len(raw) < 9 else -1
        counts = curation.set_min_length(current_user, corpus, value)
        return (
            _dropped_message(counts)
            + " "
            + str(ngettext("%(num)d item restored.", "%(num)d items restored.", counts["restored"]))
        )

    return _act(corpus_id, act, "#curation")


@bp.post("/<int:corpus_id>/near-duplicates")
@roles_required(Role.VENDOR)
def search_near_duplicates(corpus_id: int) -> ResponseReturnValue:
    """Start a search for near-duplicates at the similarity chosen."""
    raw = request.form.get("threshold", "")

    def act(corpus: Corpus) -> str:
        threshold = float(raw) if raw in {str(t) for t in near_duplicate_runs.THRESHOLDS} else -1
        near_duplicate_runs.start_search(current_user, corpus, threshold, enqueue_near_duplicates)
        return str(_("The search for near-duplicates has started."))

    return _act(corpus_id, act, "#near-duplicates")


@bp.post("/<int:corpus_id>/near-duplicates/<int:run_id>/drop")
@roles_required(Role.VENDOR)
def drop_near_duplicates(corpus_id: int, run_id: int) -> ResponseReturnValue:
    """Keep the first item of every group found and drop the others."""

    def act(corpus: Corpus) -> str:
        count = curation.drop_near_duplicates(current_user, corpus, run_id)
        return str(ngettext("%(num)d item dropped.", "%(num)d items dropped.", count))

    return _act(corpus_id, act, "#near-duplicates")


@bp.post("/<int:corpus_id>/delete")
@roles_required(*OWNERS)
def delete(corpus_id: int) -> ResponseReturnValue:
    """Delete a corpus no project uses."""
    corpus = get_owned(Corpus, corpus_id, current_user)
    try:
        curation.delete_corpus(current_user, corpus)
    except ServiceError as exc:
        flash(str(exc.message), "error")
        return _back(corpus_id)
    flash(_("The corpus was deleted."), "info")
    return redirect(url_for("corpora.index"))


@bp.post("/<int:corpus_id>/retry")
@roles_required(*OWNERS)
def retry(corpus_id: int) -> ResponseReturnValue:
    """Split a failed corpus into items again."""

    def act(corpus: Corpus) -> str:
        curation.retry_corpus(current_user, corpus, object_store(), enqueue_ingestion)
        return str(_("The corpus is being split into items again."))

    return _act(corpus_id, act)
