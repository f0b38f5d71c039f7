"""A corpus as the API and the corpus page show it."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from app.models import Corpus
from app.rule_messages import line_error_message


def _mapping_json(corpus: Corpus) -> dict[str, Any] | None:
    if not corpus.mapping or corpus.file_format == "txt":  # plain text keeps its mode only
        return None
    keys = ("encoding", "sheets", "chosen", "proposed", "meta_columns")
    return {key: corpus.mapping.get(key) for key in keys}


#: Other tools' exports, as the corpus page names them.
PREANNOTATED_TITLES = {
    "lsjson": _l("Label Studio JSON"),
    "doccano": _l("doccano JSONL"),
    "conll": _l("CoNLL-2003 / BIO"),
    "coco": _l("COCO JSON with its pictures"),
    "voc": _l("Pascal VOC with its pictures"),
    "yolo": _l("YOLO with its pictures"),
    "lsboxes": _l("Label Studio JSON with its pictures"),
    "spacy": _l("spaCy DocBin"),
}


def format_title(file_format: str) -> str:
    """The name of a corpus's format shown to people (the format code for plain corpora)."""
    title = PREANNOTATED_TITLES.get(file_format)
    return str(title) if title is not None else file_format


def corpus_json(corpus: Corpus) -> dict[str, Any]:
    """A corpus as the API shows it, with translated per-line errors and, for a table, its
    columns, first rows and mapping."""
    errors = [dict(e, message=line_error_message(e["code"], e.get("field"))) for e in corpus.errors]
    progress = corpus.bytes_processed / corpus.size_bytes if corpus.size_bytes else 1.0
    return {
        "id": corpus.id,
        "name": corpus.name,
        "status": corpus.status,
        "item_count": corpus.item_count,
        "duplicate_count": corpus.duplicate_count,
        "size_bytes": corpus.size_bytes,
        "progress": round(min(progress, 1.0), 3),
        "errors": errors,
        "file_format": corpus.file_format,
        "mapping": _mapping_json(corpus),
        "format": corpus.file_format,
        "format_title": format_title(corpus.file_format),
        "preannotations": corpus.preannotations,
        "text_mode": text_mode_of(corpus),
    }


def text_mode_of(corpus: Corpus) -> str | None:
    """How a plain-text corpus was split into items (None for other formats)."""
    if corpus.file_format != "txt":
        return None
    return str((corpus.mapping or {}).get("text_mode", "paragraph"))
