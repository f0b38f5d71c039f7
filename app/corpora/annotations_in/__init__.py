"""Other tools' exports read as corpora with pre-annotations.

Formats, each found by its bytes whatever the file is called (:mod:`.detect`):

- ``lsjson``: Label Studio JSON, an array of tasks with ``data`` and ``annotations`` or
  ``predictions`` (:mod:`.labelstudio`);
- ``doccano``: doccano JSONL, ``text`` with ``label`` ([start, end, label] or class names)
  or ``entities`` (:mod:`.doccano`);
- ``conll``: CoNLL-2003 / BIO, ``token TAG`` lines, a blank line between sentences
  (:mod:`.conll`);
- ``spacy``: spaCy ``DocBin`` files (a ``.spacy`` file, or a ZIP of them as Wanbiao exports
  them), found by their bytes (zlib-compressed msgpack) (:mod:`.spacy`);
- ``coco``, ``voc``, ``yolo``, ``lsboxes``: a ZIP of the pictures with COCO JSON, Pascal VOC
  XML, YOLO ``.txt`` labels and ``classes.txt`` or ``data.yaml``, or a Label Studio JSON of
  picture tasks (:mod:`.coco`, :mod:`.voc`, :mod:`.yolo`, :mod:`.labelstudio`; what they
  share in :mod:`.boxes`; ingested by :mod:`.pictures`).

Where they are stored. An item's pre-annotation is the ``item.preannotation`` column, in the
answer shapes of the task types: ``{"spans": [[start, end, label], …]}`` (character offsets,
end exclusive), ``{"boxes": [[x, y, w, h, label], …]}`` (pixels of the original) and
``{"labels": [label, …]}``, and for cleaning and collection ``{"text": "…", "flags": […]}``
(Label Studio text areas). It belongs to the item, not to a project, because a corpus is
uploaded before any project exists; ``corpus.preannotations`` sums up what the file held
(format, items pre-annotated, and per kind the count and the labels used). Every other field
of a record is kept in ``item.meta`` (the record's own id as ``source_id``).

How they are used. A project over the corpus must list every label its kind of
pre-annotation uses (spans for entities, boxes for boxes, labels for classification):
otherwise creating it is refused with the missing labels named, so the vendor adds them
(nothing is silently dropped). The workbench opens an item with its pre-annotation filled in
when the expert has no draft of it; the expert corrects it and submits as usual. Exports
carry it back out: Label Studio as ``predictions`` (model_version ``preannotation``), JSON
Lines as ``preannotation``, and the training formats (CoNLL, doccano, spaCy, COCO, VOC,
YOLO), which have no such field, write an item's pre-annotation where it has no final answer
yet. Each file is all or nothing: one bad record fails the corpus and stores no item.
"""

from __future__ import annotations

from typing import Any

#: Formats with pre-annotations; the text ones are read by ``TEXT_READERS``.
TEXT_FORMATS = ("lsjson", "doccano", "conll", "spacy")
#: Of those, the binary ones (not checked as UTF-8 text while uploaded).
BINARY_TEXT_FORMATS = ("spacy",)
PICTURE_FORMATS = ("coco", "voc", "yolo", "lsboxes")
KINDS = ("spans", "boxes", "labels", "text", "flags")


def is_annotated(file_format: str) -> bool:
    """True for the formats of other tools' exports."""
    return file_format in TEXT_FORMATS or file_format in PICTURE_FORMATS


class Tally:
    """Counts pre-annotations by kind and collects the labels they use, while a file is read."""

    def __init__(self) -> None:
        self.items = 0
        self.counts: dict[str, int] = {}
        self.labels: dict[str, set[str]] = {}

    def add(self, preannotation: dict[str, Any] | None) -> None:
        """Count one item's pre-annotation (None: the item has none)."""
        if preannotation is None:
            return
        self.items += 1
        for kind, values in preannotation.items():
            if kind == "flags" and not values:  # no flag set: nothing to sum up
                continue
            names = self.labels.setdefault(kind, set())
            if kind == "text":  # one edited text, no labels
                self.counts[kind] = self.counts.get(kind, 0) + 1
                continue
            self.counts[kind] = self.counts.get(kind, 0) + len(values)
            names.update(str(v if kind in ("labels", "flags") else v[-1]) for v in values)

    def summary(self, file_format: str) -> dict[str, Any]:
        """``{"format", "items", "kinds": {kind: {"count", "labels"}}}``, labels sorted."""
        return {
            "format": file_format,
            "items": self.items,
            "kinds": {
                kind: {"count": self.counts.get(kind, 0), "labels": sorted(self.labels[kind])}
                for kind in KINDS
                if kind in self.labels
            },
        }


#: The pre-annotation kind a task type uses (whose labels a project must list).
KIND_OF_TASK = {"ner": "spans", "bbox": "boxes", "classify": "labels"}
#: The kinds a task type's answer holds: the first is required, the others come with it.
PARTS_OF_TASK = {
    **{task: (kind,) for task, kind in KIND_OF_TASK.items()},
    "clean": ("text", "flags"),
    "collect": ("text", "flags"),
}


def for_task_type(preannotation: dict[str, Any] | None, task_type: str) -> dict[str, Any] | None:
    """The part of a pre-annotation a task type's workbench and exports use, or None."""
    parts = PARTS_OF_TASK.get(task_type)
    if preannotation is None or parts is None or parts[0] not in preannotation:
        return None
    return {kind: preannotation[kind] for kind in parts if kind in preannotation}


def missing_labels(summary: dict[str, Any] | None, task_type: str, labels: list[str]) -> list[str]:
    """Labels the corpus's pre-annotations of the task type's kind use that ``labels`` lacks."""
    kind = KIND_OF_TASK.get(task_type)
    if not summary or kind is None:
        return []
    used = summary.get("kinds", {}).get(kind, {}).get("labels", [])
    return [label for label in used if label not in labels]
