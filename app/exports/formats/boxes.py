"""Boxes: COCO JSON, Pascal VOC and YOLO, the formats detection training code reads.

Boxes are stored as ``[x, y, w, h, label]`` in pixels of the original image, (x, y) its
top-left corner. These are training files: they hold the images with a final answer
(an image whose final answer has no boxes is a negative example and is kept); images still
waiting for review are left out. The label files name each image by its original name, so
they sit beside the vendor's own copies of the pictures; the pictures are not copied in.
An image imported with another tool's boxes and no final answer yet is written with those
(``ExportRecord.decided``); COCO images carry the vendor's ``source_id`` and the item's
metadata fields (``meta``), which the COCO reader takes back as metadata."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from typing import IO, Any
from xml.sax.saxutils import escape

from app.exports.formats.base import Batches, ExportRecord, MemberNames, ProjectShape, number
from app.exports.formats.zip_members import MemberZipFile

SPOOL_BYTES = 8 * 1024 * 1024


def _decided_batches(batches: Batches) -> Iterator[list[ExportRecord]]:
    for batch in batches:
        yield [record for record in batch if record.decided() is not None]


def _decided(batches: Batches) -> Iterator[ExportRecord]:
    for records in _decided_batches(batches):
        yield from records


def _boxes(record: ExportRecord) -> list[tuple[float, float, float, float, str]]:
    return [(x, y, w, h, str(label)) for x, y, w, h, label in (record.decided() or {})["boxes"]]


def _coco_image(record: ExportRecord) -> dict[str, Any]:
    image: dict[str, Any] = {
        "id": record.item_id,
        "file_name": record.text,
        "width": record.width,
        "height": record.height,
    }
    if record.source_id is not None:
        image["source_id"] = record.source_id
    if record.meta:
        image["meta"] = record.meta
    return image


def _coco_box(next_id: int, record: ExportRecord, box: tuple[Any, ...], category: int) -> str:
    x, y, w, h, _ = box
    return json.dumps(
        {
            "id": next_id,
            "image_id": record.item_id,
            "category_id": category,
            "bbox": [number(x), number(y), number(w), number(h)],
            "area": number(w * h),
            "iscrowd": 0,
            "segmentation": [],
        }
    )


def write_coco(project: ProjectShape, batches: Batches, out: IO[bytes]) -> None:
    """COCO object detection JSON: ``images`` (id = item id, original file name, size, and
    the vendor's ``source_id`` and ``meta`` fields where the image has them),
    ``annotations`` (``bbox`` = [x, y, width, height] in pixels, ``area``, ``iscrowd`` 0)
    and ``categories`` (ids 1… in project label order). The annotations wait in a spooled
    file while the images are written, so neither list sits in memory."""
    category = {label: n for n, label in enumerate(project.labels, start=1)}
    categories = [{"id": n, "name": label, "supercategory": ""} for label, n in category.items()]
    head = {"info": {"description": "Wanbiao export"}, "licenses": [], "categories": categories}
    out.write(json.dumps(head, ensure_ascii=False)[:-1].encode("utf-8") + b', "images": [')
    images = boxes = 0
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as annotations:
        for record in _decided(batches):
            image = json.dumps(_coco_image(record), ensure_ascii=False)
            out.write(("," if images else "").encode() + image.encode("utf-8"))
            images += 1
            for box in _boxes(record):
                boxes += 1
                line = _coco_box(boxes, record, box, category[box[4]])
                annotations.write((("," if boxes > 1 else "") + line).encode("utf-8"))
        out.write(b'], "annotations": [')
        annotations.seek(0)
        shutil.copyfileobj(annotations, out)
    out.write(b"]}")


_VOC_HEAD = (
    "<?xml version='1.0' encoding='utf-8'?>\n<annotation><folder>JPEGImages</folder>"
    "<filename>{name}</filename><size><width>{width}</width><height>{height}</height>"
    "<depth>3</depth></size><segmented>0</segmented>"
)
_VOC_OBJECT = (
    "<object><name>{label}</name><pose>Unspecified</pose><truncated>0</truncated>"
    "<difficult>0</difficult><bndbox><xmin>{xmin}</xmin><ymin>{ymin}</ymin>"
    "<xmax>{xmax}</xmax><ymax>{ymax}</ymax></bndbox></object>"
)


def voc_xml(record: ExportRecord) -> bytes:
    """One Pascal VOC annotation: file name, size (depth 3), one ``object`` per box with
    ``bndbox`` xmin/ymin/xmax/ymax in pixels. Written from a template, text escaped as
    ElementTree would (the same bytes at several times the speed)."""
    name = record.text.replace("\\", "/").rsplit("/", 1)[-1]
    parts = [
        _VOC_HEAD.format(name=escape(name), width=record.width or 0, height=record.height or 0)
    ]
    for x, y, w, h, label in _boxes(record):
        corners = (number(x), number(y), number(x + w), number(y + h))
        parts.append(
            _VOC_OBJECT.format(
                label=escape(label),
                xmin=corners[0],
                ymin=corners[1],
                xmax=corners[2],
                ymax=corners[3],
            )
        )
    parts.append("</annotation>")
    return "".join(parts).encode("utf-8")


def write_voc(project: ProjectShape, batches: Batches, out: IO[bytes]) -> None:
    """A ZIP: ``Annotations/<image name>.xml`` per image and ``labels.txt`` (one label a
    line, in project order)."""
    with MemberNames() as names, MemberZipFile(out) as archive:
        archive.writestr("labels.txt", "".join(f"{label}\n" for label in project.labels))
        for records in _decided_batches(batches):
            for record, stem in zip(records, names.stems(records), strict=True):
                archive.writestr(f"Annotations/{stem}.xml", voc_xml(record))


def yolo_lines(record: ExportRecord, classes: dict[str, int]) -> str:
    """``class cx cy w h`` per box, the centre and size as fractions of the image size."""
    width, height = record.width or 1, record.height or 1
    return "".join(
        f"{classes[label]} {(x + w / 2) / width:.6f} {(y + h / 2) / height:.6f} "
        f"{w / width:.6f} {h / height:.6f}\n"
        for x, y, w, h, label in _boxes(record)
    )


def data_yaml(labels: tuple[str, ...]) -> str:
    """Ultralytics' dataset file; each name JSON-quoted, which YAML reads as a string."""
    names = "".join(
        f"  {n}: {json.dumps(label, ensure_ascii=False)}\n" for n, label in enumerate(labels)
    )
    return (
        "# Put each picture in images/ under the name of its label file in labels/.\n"
        f"path: .\ntrain: images\nval: images\nnc: {len(labels)}\nnames:\n{names}"
    )


def write_yolo(project: ProjectShape, batches: Batches, out: IO[bytes]) -> None:
    """A ZIP: ``labels/<image name>.txt`` per image (empty for an image without boxes),
    ``classes.txt`` (class n on line n + 1) and ``data.yaml``."""
    classes = {label: n for n, label in enumerate(project.labels)}
    with MemberNames() as names, MemberZipFile(out) as archive:
        archive.writestr("classes.txt", "".join(f"{label}\n" for label in project.labels))
        archive.writestr("data.yaml", data_yaml(project.labels))
        for records in _decided_batches(batches):
            for record, stem in zip(records, names.stems(records), strict=True):
                archive.writestr(f"labels/{stem}.txt", yolo_lines(record, classes))
