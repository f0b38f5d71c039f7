"""Label Studio JSON: an array of tasks ``{"id", "data": {"text", …}, "annotations": [{
"result": […]}], "predictions": [{"result": […]}]}``, read task by task.

Which answer becomes the pre-annotation: an annotation marked ``ground_truth``, else the
first annotation not cancelled, else the first prediction (people before models). Regions
of type ``labels`` become spans (``value.start``/``end``, the first of ``value.labels``;
when ``value.text`` is given it must be the text at those offsets), ``choices`` become
labels (``flags`` when the region's ``from_name`` is "flags", beside a text area),
``textarea`` the edited or collected text (``value.text``, its lines joined by newlines;
with ``flags``, [] when none, as a cleaning answer has them);
other regions (ratings …) are not pre-annotations. Every field of ``data`` but ``text`` is
kept as metadata, the task's ``id`` as ``source_id``.

Tasks of pictures (``data.image``) come in a ZIP with the pictures (:func:`label_studio_boxes`,
ingested by :mod:`.pictures`): ``rectanglelabels`` regions are boxes in percent of the
picture (``value.x``, ``y``, ``width``, ``height``, no rotation), placed in pixels once the
picture's size is known, exactly as Wanbiao's export wrote them. A task names its picture
by ``data.file_name`` or the last part of ``data.image``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import unquote, urlparse

from app.corpora.annotations_in.boxes import BoxFile, finite
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


def _strings(value: object) -> list[str]:
    """A list of strings; RecordError ``bad_region`` otherwise."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordError("bad_region")
    return value


def _add_region(found: dict[str, Any], text: str, region: object) -> None:
    if not isinstance(region, dict) or not isinstance(region.get("value"), dict):
        raise RecordError("bad_region")
    value = region["value"]
    if region.get("type") == "labels":
        found.setdefault("spans", []).append(_span(text, value))
    elif region.get("type") == "choices":
        kind = "flags" if region.get("from_name") == "flags" else "labels"
        found.setdefault(kind, []).extend(_strings(value.get("choices")))
    elif region.get("type") == "textarea":
        found["text"] = "\n".join(_strings(value.get("text")))


def preannotation(text: str, result: list[Any]) -> dict[str, Any] | None:
    """Spans, labels and an edited text of a Label Studio result list; None when it holds
    none of them."""
    found: dict[str, Any] = {}
    for region in result:
        _add_region(found, text, region)
    if "spans" in found:
        found["spans"].sort(key=lambda s: (s[0], s[1], s[2]))
    if "flags" in found and "text" not in found:  # flags without a text: plain choices
        found.setdefault("labels", []).extend(found.pop("flags"))
    elif "text" in found:  # a cleaning answer's shape, which the workbench restores
        found.setdefault("flags", [])
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


#: Label Studio's own uploads are served as ``/data/upload/<project>/<8 hex>-<file name>``.
_UPLOADED = re.compile(r"^[0-9a-f]{8}-(.+)$")


def _picture_name(data: dict[str, Any]) -> str:
    if isinstance(data.get("file_name"), str) and data["file_name"].strip():
        return str(data["file_name"]).strip()
    image = data.get("image")
    if not isinstance(image, str) or not image.strip():
        raise RecordError("ls_no_image")
    path = unquote(urlparse(image).path)
    name = posixpath.basename(path)
    uploaded = _UPLOADED.match(name) if "/data/upload/" in path else None
    return uploaded.group(1) if uploaded else name


def _box(region: dict[str, Any]) -> list[Any]:
    value = region["value"]
    names = value.get("rectanglelabels")
    if (
        not isinstance(names, list)
        or not names
        or not isinstance(names[0], str)
        or not names[0].strip()
        or value.get("rotation", 0) not in (0, 0.0, None)
    ):
        raise RecordError("ls_box")
    try:
        numbers = finite(*(value.get(k) for k in ("x", "y", "width", "height")))
    except RecordError:
        raise RecordError("ls_box") from None
    return [*numbers, names[0].strip()]


def _box_file(task: object, where: str) -> BoxFile:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        raise RecordError("ls_task")
    data = task["data"]
    meta = extra_fields(data, ["image", "file_name"]) or {}
    if "id" in task and "source_id" not in meta:
        meta["source_id"] = task["id"]
    found = BoxFile(where, _picture_name(data), percent=True, meta=meta or None)
    result = _chosen(task)
    found.preannotated = result is not None
    for region in result or []:
        if not isinstance(region, dict) or not isinstance(region.get("value"), dict):
            raise RecordError("bad_region")
        if region.get("type") == "rectanglelabels":
            found.boxes.append(_box(region))
    return found


def label_studio_boxes(data: bytes, source: str) -> list[BoxFile]:
    """The pictures a Label Studio JSON of picture tasks names, each with its boxes (in
    percent until the picture's size is known) and metadata; a task without an answer gives
    its picture no pre-annotation. An error names the task as ``<file>[<number>]``."""
    files = []
    for number, task in enumerate(json_array([data]), start=1):
        where = f"{source}[{number}]"
        if isinstance(task, RecordError):
            raise RecordError(task.code, where)
        try:
            files.append(_box_file(task, where))
        except RecordError as error:
            raise RecordError(error.code, where) from None
    return files
