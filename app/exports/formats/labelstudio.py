"""Label Studio JSON: a list of tasks, each with ``data`` and one annotation per expert plus
the final answer (``ground_truth: true``, ``created_username`` "final"), every type.

Results use Label Studio's shapes; the names to use in the project's labeling config are
``text`` or ``image`` for the object and ``label`` for the control, e.g.
``<Text name="text" value="$text"/><Labels name="label" toName="text">…`` (entities),
``<Choices name="label" toName="text">`` (classification), ``<Image name="image"
value="$image"/><RectangleLabels name="label" toName="image">`` (boxes, in percent of the
image), ``<TextArea name="answer" toName="text"/>`` and ``<Choices name="flags"
toName="text" choice="multiple">`` (cleaning and collection).

An item imported with another tool's answer carries it as Label Studio's ``predictions``
(``model_version`` "preannotation"), whether or not it has a final answer; its metadata
goes back into ``data`` beside the text."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import IO, Any

from app.exports.formats.base import Batches, ExportRecord, ProjectShape, merged_fields

#: Where the app serves an image item's original (an address on this app, read with the
#: same login as the export).
IMAGE_URL = "/api/v1/items/{item_id}/image"
FINAL = "final"
PREANNOTATION = "preannotation"

Regions = list[dict[str, Any]]


def _choices(answer: dict[str, Any], record: ExportRecord) -> Regions:
    chosen = answer["labels"] if "labels" in answer else [answer["label"]]
    return [{"type": "choices", "value": {"choices": chosen}}]


def _labels(answer: dict[str, Any], record: ExportRecord) -> Regions:
    return [
        {
            "type": "labels",
            "value": {"start": s, "end": e, "text": record.text[s:e], "labels": [label]},
        }
        for s, e, label in answer.get("spans", [])
    ]


def _rectangles(answer: dict[str, Any], record: ExportRecord) -> Regions:
    width, height = record.width or 1, record.height or 1
    return [
        {
            "type": "rectanglelabels",
            "original_width": record.width,
            "original_height": record.height,
            "image_rotation": 0,
            "value": {
                "x": 100 * x / width,
                "y": 100 * y / height,
                "width": 100 * w / width,
                "height": 100 * h / height,
                "rotation": 0,
                "rectanglelabels": [label],
            },
        }
        for x, y, w, h, label in answer.get("boxes", [])
    ]


def _textarea(answer: dict[str, Any], record: ExportRecord) -> Regions:
    picture = answer.get("object")
    text = picture["key"] if isinstance(picture, dict) else answer.get("text", "")
    regions: Regions = [{"type": "textarea", "from_name": "answer", "value": {"text": [text]}}]
    if answer.get("flags"):
        regions.append(
            {"type": "choices", "from_name": "flags", "value": {"choices": answer["flags"]}}
        )
    return regions


RESULTS: dict[str, Callable[[dict[str, Any], ExportRecord], Regions]] = {
    "classify": _choices,
    "ner": _labels,
    "bbox": _rectangles,
    "clean": _textarea,
    "collect": _textarea,
}


def _result(number: int | str, answer: dict[str, Any], record: ExportRecord, kind: str) -> Regions:
    target = "image" if record.object_key else "text"
    return [
        {"id": f"{record.item_id}-{number}-{n}", "from_name": "label", "to_name": target, **region}
        for n, region in enumerate(RESULTS[kind](answer, record), start=1)
    ]


def _annotation(
    number: int, who: str, answer: dict[str, Any], record: ExportRecord, kind: str
) -> dict[str, Any]:
    return {
        "id": number,
        "created_username": who,
        "ground_truth": number == 1 and record.final is not None,
        "was_cancelled": False,
        "result": _result(number, answer, record, kind),
    }


def task(project: ProjectShape, record: ExportRecord) -> dict[str, Any]:
    """One Label Studio task: ``data`` (``text``, or ``image`` and ``file_name``, and
    ``item_id``, the vendor's ``source_id`` and every metadata field beside them, as Label
    Studio keeps a task's extra columns), ``annotations``: the final answer first
    (``ground_truth``) when there is one, then each expert's under their name
    (``created_username``), and ``predictions``: the imported pre-annotation, if any."""
    data: dict[str, Any] = {"item_id": record.item_id}
    if record.object_key:
        data |= {"image": IMAGE_URL.format(item_id=record.item_id), "file_name": record.text}
    else:
        data["text"] = record.text
    data = merged_fields(data, record)
    final = [(FINAL, record.final)] if record.final is not None else []
    annotations = [
        _annotation(n, who, answer, record, project.task_type)
        for n, (who, answer) in enumerate([*final, *record.answers], start=1)
    ]
    predictions = (
        [
            {
                "model_version": PREANNOTATION,
                "result": _result("p", record.preannotation, record, project.task_type),
            }
        ]
        if record.preannotation is not None
        else []
    )
    return {
        "id": record.item_id,
        "data": data,
        "annotations": annotations,
        "predictions": predictions,
    }


def write_label_studio(project: ProjectShape, batches: Batches, out: IO[bytes]) -> None:
    """A JSON array of tasks, written task by task."""
    out.write(b"[")
    first = True
    for batch in batches:
        for record in batch:
            text = json.dumps(task(project, record), ensure_ascii=False)
            out.write(("\n" if first else ",\n").encode() + text.encode("utf-8"))
            first = False
    out.write(b"\n]\n")
