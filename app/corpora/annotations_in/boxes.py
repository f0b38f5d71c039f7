"""The box files of COCO, Pascal VOC and YOLO, parsed from their bytes (no pictures here),
and the rules every box passes once its picture's size is known.

A box is ``[x, y, w, h, label]`` in pixels of the original picture, (x, y) its top-left
corner, numbers rounded to two decimals (as the exports write them). A box may stick out of
its picture by at most one pixel (tools' rounding): it is cut at the edge; further out, or
with no area, it is an error.
"""

from __future__ import annotations

import json
import math
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

import defusedxml.ElementTree as SafeET  # type: ignore[import-untyped]

from app.corpora.annotations_in.shapes import RecordError

EDGE_SLACK = 1.0
#: Leading folders that only say what a file is: ``images/train/a.jpg`` and
#: ``labels/train/a.txt`` both stand for ``train/a``.
ROLE_FOLDERS = frozenset({"images", "labels", "annotations", "jpegimages"})
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def stem_key(path: str) -> str:
    """A file's path without its extension and without leading role folders."""
    parts = path.split("/")
    while len(parts) > 1 and parts[0].lower() in ROLE_FOLDERS:
        parts = parts[1:]
    joined = "/".join(parts)
    return joined.rsplit(".", 1)[0] if "." in parts[-1] else joined


def is_picture(name: str) -> bool:
    """True for a member named like a PNG or JPEG."""
    return name.lower().endswith(IMAGE_SUFFIXES)


@dataclass
class BoxFile:
    """The boxes one annotation file gives one picture, before its size is known.

    ``boxes`` are in pixels, or fractions of the picture for YOLO (``relative``)."""

    source: str
    picture: str
    boxes: list[list[Any]] = field(default_factory=list)
    relative: bool = False
    meta: dict[str, Any] | None = None


def _rounded(value: float) -> int | float:
    rounded = round(value, 2)
    return int(rounded) if rounded.is_integer() else rounded


def placed_boxes(boxes: list[list[Any]], size: tuple[int, int], relative: bool) -> list[list[Any]]:
    """The boxes in pixels of a picture of ``size`` (width, height), checked, in reading
    order; RecordError ``box_outside`` or ``bad_box``."""
    width, height = size
    placed = []
    for x, y, w, h, label in boxes:
        if relative:
            x, y, w, h = (x - w / 2) * width, (y - h / 2) * height, w * width, h * height
        if x < -EDGE_SLACK or y < -EDGE_SLACK or x + w > width + EDGE_SLACK:
            raise RecordError("box_outside")
        if y + h > height + EDGE_SLACK:
            raise RecordError("box_outside")
        left, top = max(x, 0.0), max(y, 0.0)
        right, bottom = min(x + w, float(width)), min(y + h, float(height))
        box = [_rounded(left), _rounded(top), _rounded(right - left), _rounded(bottom - top)]
        if box[2] <= 0 or box[3] <= 0:
            raise RecordError("bad_box")
        placed.append([*box, label])
    return sorted(placed, key=lambda b: (b[1], b[0], b[3], b[2], b[4]))


def _finite(*values: object) -> list[float]:
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        raise RecordError("bad_box")
    numbers = [float(v) for v in values]  # type: ignore[arg-type]
    if not all(math.isfinite(v) for v in numbers):
        raise RecordError("bad_box")
    return numbers


def _coco_images(document: dict[str, Any], source: str) -> dict[Any, BoxFile]:
    images: dict[Any, BoxFile] = {}
    for image in document["images"]:
        if not isinstance(image, dict) or not isinstance(image.get("file_name"), str):
            raise RecordError("coco_image")
        meta = {k: v for k, v in image.items() if k not in ("id", "file_name", "width", "height")}
        if "id" in image:
            meta.setdefault("source_id", image["id"])
        images[image.get("id")] = BoxFile(source, image["file_name"], meta=meta or None)
    return images


def coco_files(data: bytes, source: str) -> list[BoxFile]:
    """The pictures a COCO JSON names, each with its boxes (``bbox`` [x, y, w, h] pixels,
    the category's name as label) and its extra fields as metadata (``id`` as source_id)."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError):
        raise RecordError("invalid_json") from None
    keys = ("images", "annotations", "categories")
    if not isinstance(document, dict) or not all(isinstance(document.get(k), list) for k in keys):
        raise RecordError("coco_shape")
    categories = {
        c.get("id"): str(c.get("name", "")).strip()
        for c in document["categories"]
        if isinstance(c, dict)
    }
    images = _coco_images(document, source)
    for annotation in document["annotations"]:
        if not isinstance(annotation, dict) or annotation.get("image_id") not in images:
            raise RecordError("coco_image_id")
        label = categories.get(annotation.get("category_id"))
        bbox = annotation.get("bbox")
        if not label:
            raise RecordError("coco_category")
        if not isinstance(bbox, list) or len(bbox) != 4:
            raise RecordError("bad_box")
        images[annotation["image_id"]].boxes.append([*_finite(*bbox), label])
    return list(images.values())


def voc_file(data: bytes, source: str) -> BoxFile:
    """One Pascal VOC XML: ``filename`` and an ``object`` per box (``name``, ``bndbox``
    xmin/ymin/xmax/ymax in pixels). DTDs and entities are refused (defusedxml)."""
    try:
        root = SafeET.fromstring(data)
    except Exception:  # defusedxml raises ParseError or its own refusals
        raise RecordError("voc_xml") from None
    if root.tag != "annotation":
        raise RecordError("voc_xml")
    found = BoxFile(source, (root.findtext("filename") or "").strip())
    for thing in root.iter("object"):
        label = (thing.findtext("name") or "").strip()
        box = thing.find("bndbox")
        if not label or box is None:
            raise RecordError("bad_box")
        try:
            xmin, ymin, xmax, ymax = (float(box.findtext(t) or "") for t in TAGS)
        except ValueError:
            raise RecordError("bad_box") from None
        found.boxes.append([*_finite(xmin, ymin, xmax - xmin, ymax - ymin), label])
    return found


TAGS = ("xmin", "ymin", "xmax", "ymax")


def yolo_file(text: str, source: str, classes: list[str]) -> BoxFile:
    """One YOLO label file: ``class cx cy w h`` per line, fractions of the picture; errors
    name the line (``source:line``)."""
    found = BoxFile(source, "", relative=True)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        columns = line.split()
        try:
            if len(columns) != 5:
                raise RecordError("yolo_line")
            index = int(columns[0])
            values = _finite(*(float(c) for c in columns[1:]))
            if not 0 <= index < len(classes):
                raise RecordError("yolo_class")
        except (ValueError, RecordError) as error:
            code = error.code if isinstance(error, RecordError) else "yolo_line"
            raise RecordError(code, f"{source}:{number}") from None
        found.boxes.append([*values, classes[index]])
    return found


_YAML_ITEM = re.compile(r"^\s+(?:-\s*|\d+\s*:\s*)(.+?)\s*$")


def _yaml_name(raw: str) -> str:
    raw = raw.strip()
    if raw[:1] in "\"'":
        try:
            return str(json.loads(raw)) if raw[0] == '"' else raw[1:-1]
        except ValueError:
            raise RecordError("yolo_classes") from None
    return raw


def yolo_classes(name: str, text: str) -> list[str]:
    """Class names: ``classes.txt`` (class n on line n + 1) or the ``names`` of a
    ``data.yaml`` (a block list, a block mapping ``0: name``, or an inline ``[a, b]``)."""
    if posixpath.basename(name).lower() == "classes.txt":
        return [line.strip() for line in text.splitlines() if line.strip()]
    lines = text.splitlines()
    for at, line in enumerate(lines):
        if line.startswith("names:"):
            inline = line[len("names:") :].strip()
            if inline.startswith("["):
                return [_yaml_name(n) for n in inline.strip("[]").split(",") if n.strip()]
            names = []
            for item in lines[at + 1 :]:
                match = _YAML_ITEM.match(item)
                if not match:
                    break
                names.append(_yaml_name(match.group(1)))
            return names
    raise RecordError("yolo_classes")
