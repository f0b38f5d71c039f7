"""COCO object detection JSON: ``images`` (``file_name``, size), ``annotations`` (``bbox``
[x, y, w, h] in pixels, ``category_id``) and ``categories`` (``id``, ``name``)."""

from __future__ import annotations

import json
from typing import Any

from app.corpora.annotations_in.boxes import BoxFile, finite
from app.corpora.annotations_in.shapes import RecordError

#: An image's own fields; every other one is the vendor's metadata.
_OWN = ("id", "file_name", "width", "height")


def _coco_images(document: dict[str, Any], source: str) -> dict[Any, BoxFile]:
    images: dict[Any, BoxFile] = {}
    for image in document["images"]:
        if not isinstance(image, dict) or not isinstance(image.get("file_name"), str):
            raise RecordError("coco_image")
        meta = {k: v for k, v in image.items() if k not in _OWN}
        if isinstance(image.get("meta"), dict):  # Wanbiao's own COCO export nests them
            meta = {k: v for k, v in meta.items() if k != "meta"} | image["meta"]
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
        images[annotation["image_id"]].boxes.append([*finite(*bbox), label])
    return list(images.values())
