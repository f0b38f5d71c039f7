"""Export formats by name: what each is called, which task types it suits, its file name
extension and content type, and the writer that streams it (:mod:`.base` says what a writer
takes). JSON Lines, the default, is written by :mod:`app.exports.services` itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from app.exceptions import Invalid
from app.exports.formats import boxes, entities, labelstudio, tables
from app.exports.formats.base import Writer

DEFAULT = "jsonl"
ALL_TYPES = frozenset({"classify", "ner", "bbox", "clean", "collect"})
TEXTS = frozenset({"clean", "collect"})
ZIP = "application/zip"
JSON = "application/json"
PLAIN = "text/plain; charset=utf-8"


@dataclass(frozen=True)
class ExportFormat:
    """One format: its name in the API, its title on the page, the task types it suits,
    the download's extension and content type, and its writer (None: JSON Lines)."""

    name: str
    title: Any
    task_types: frozenset[str]
    extension: str
    content_type: str
    writer: Writer | None


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat(
            "jsonl",
            _l("JSON Lines (every answer)"),
            ALL_TYPES,
            "jsonl",
            "application/x-ndjson",
            None,
        ),
        ExportFormat(
            "csv",
            _l("CSV"),
            frozenset({"classify"}) | TEXTS,
            "csv",
            "text/csv; charset=utf-8",
            tables.write_csv,
        ),
        ExportFormat(
            "xlsx",
            _l("Excel (.xlsx)"),
            frozenset({"classify"}),
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            tables.write_xlsx,
        ),
        ExportFormat("text", _l("Plain text"), TEXTS, "txt", PLAIN, tables.write_text),
        ExportFormat(
            "conll",
            _l("CoNLL-2003 (BIO)"),
            frozenset({"ner"}),
            "conll",
            PLAIN,
            entities.write_conll,
        ),
        ExportFormat(
            "doccano",
            _l("doccano JSONL"),
            frozenset({"ner"}),
            "jsonl",
            "application/x-ndjson",
            entities.write_doccano,
        ),
        ExportFormat(
            "spacy",
            _l("spaCy DocBin (.spacy files in a ZIP)"),
            frozenset({"ner"}),
            "zip",
            ZIP,
            entities.write_spacy,
        ),
        ExportFormat("coco", _l("COCO JSON"), frozenset({"bbox"}), "json", JSON, boxes.write_coco),
        ExportFormat(
            "voc",
            _l("Pascal VOC (XML in a ZIP)"),
            frozenset({"bbox"}),
            "zip",
            ZIP,
            boxes.write_voc,
        ),
        ExportFormat(
            "yolo",
            _l("YOLO (labels in a ZIP)"),
            frozenset({"bbox"}),
            "zip",
            ZIP,
            boxes.write_yolo,
        ),
        ExportFormat(
            "label_studio",
            _l("Label Studio JSON"),
            ALL_TYPES,
            "json",
            JSON,
            labelstudio.write_label_studio,
        ),
    )
}


def formats_for(task_type: str) -> list[ExportFormat]:
    """The formats that suit a task type, JSON Lines first."""
    return [f for f in FORMATS.values() if task_type in f.task_types]


def choose_format(name: str, task_type: str) -> ExportFormat:
    """The format called ``name`` if it suits the task type; Invalid (422, code
    ``export_format``) naming the formats that do otherwise."""
    chosen = FORMATS.get(name)
    if chosen is None or task_type not in chosen.task_types:
        allowed = ", ".join(f.name for f in formats_for(task_type))
        raise Invalid(
            _l(
                "“%(name)s” is not an export format for this project; choose one of: %(allowed)s.",
                name=name[:40],
                allowed=allowed,
            ),
            code="export_format",
            details=[f.name for f in formats_for(task_type)],
        )
    return chosen
