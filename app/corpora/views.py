"""Corpus pages. The upload itself goes through the API (XHR shows byte progress)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from app.corpora.services import corpus_json
from app.corpora.tables.setup import mapping_form
from app.models import Corpus, Role
from app.permissions import roles_required
from app.scoping import get_owned, list_owned

bp = Blueprint("corpora", __name__, url_prefix="/corpora")
READERS = (Role.VENDOR, Role.AUDITOR, Role.ADMIN)


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
    """One corpus: status, counts, per-line errors, ingestion progress; a table waiting for
    its mapping shows the mapping step (``?sheet=`` picks a workbook's sheet)."""
    corpus = get_owned(Corpus, corpus_id, current_user)
    form = mapping_form(corpus.mapping, request.args.get("sheet"))
    return render_template(
        "corpora/show.html", corpus=corpus, info=corpus_json(corpus), mapping=form
    )
