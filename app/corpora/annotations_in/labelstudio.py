"""Label Studio JSON: an array of tasks ``{"id", "data": {"text", …}, "annotations": [{
"result": […]}], "predictions": [{"result": […]}]}``, read task by task.

Which answer becomes the pre-annotation: an annotation marked ``ground_truth``, else the
first annotation not cancelled, else the first prediction (people before models). Regions
of type ``labels`` become spans (``value.start``/``end``, the first of ``value.labels``;
when ``value.text`` is given it must be the text at those offsets), ``choices`` become
labels; other regions (text areas, ratings …) are not pre-annotations. Text tasks only:
a task of pictures has no text to label here, import its boxes as COCO, VOC or YOLO.
Every field of ``data`` but ``text`` is kept as metadata, the task's ``id`` as ``source_id``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from app.corpora.annotations_in.shapes import RecordError, checked_span, extra_fields, json_array
from app.corpora.formats import LineError, Record


def _chosen(task: dict[str, Any]) -> list[Any] | None:
    annotations = [
        a
        for a in task.get("annotations") or []
        if isinstance(a, dict) and not a.get("was_cancelled")
    ]
    truth = [a for a in annotations if a.get("ground_truth")]
    predictions = [p for p in task.get("predictions") or [] if isinstance(p, dict)]
    for answer in (*truth, *annotations, *predictions):
        result = answer.get("result")
        if not isinstance(result, list):
            raise RecordError("bad_region")
        return result
    return None


def _span(text: str, value: dict[str, Any]) -> list[Any]:
    labels = value.get("labels")
    if not isinstance(labels, list) or not labels:
        raise RecordError("bad_region")
    span = checked_span(text, value.get("start"), value.get("end"), labels[0])
    if "text" in value and value["text"] != text[span[0] : span[1]]:
        raise RecordError("span_text_mismatch")
    return span


def preannotation(text: str, result: list[Any]) -> dict[str, Any] | None:
    """Spans and labels of a Label Studio result list; None when it holds neither."""
    found: dict[str, list[Any]] = {}
    for region in result:
        if not isinstance(region, dict) or not isinstance(region.get("value"), dict):
            raise RecordError("bad_region")
        value = region["value"]
        if region.get("type") == "labels":
            found.setdefault("spans", []).append(_span(text, value))
        elif region.get("type") == "choices":
            choices = value.get("choices")
            if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
                raise RecordError("bad_region")
            found.setdefault("labels", []).extend(choices)
    if "spans" in found:
        found["spans"].sort(key=lambda s: (s[0], s[1], s[2]))
    return found or None


def _record(number: int, task: object) -> Record:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise RecordError("ls_task")
    data = task["data"]
    text = data.get("text")
    if not isinstance(text, str):
        raise RecordError("ls_image_task" if "image" in data else "ls_no_text")
    if not text.strip():
        raise RecordError("empty_text")
    result = _chosen(task)
    meta = extra_fields(data, ["text"]) or {}
    if "id" in task and "source_id" not in meta:
        meta["source_id"] = task["id"]
    found = preannotation(text, result) if result is not None else None
    return Record(number, text, meta or None, found)


def parse_label_studio(chunks: Iterable[bytes]) -> Iterator[Record | LineError]:
    """One record per task; an error names the task's position in the array (1-based)."""
    for number, task in enumerate(json_array(chunks), start=1):
        if isinstance(task, RecordError):
            yield LineError(number, task.code)
            return
        try:
            yield _record(number, task)
        except RecordError as error:
            yield LineError(number, error.code)
