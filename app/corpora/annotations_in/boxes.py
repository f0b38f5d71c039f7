"""What the box formats share (COCO: :mod:`.coco`, Pascal VOC: :mod:`.voc`, YOLO:
:mod:`.yolo`): a box file before its picture is known, and the rules every box passes once
its picture's size is.

A box is ``[x, y, w, h, label]`` in pixels of the original picture, (x, y) its top-left
corner, numbers rounded to two decimals (as the exports write them). A box may stick out of
its picture by at most one pixel (tools' rounding): it is cut at the edge; further out, or
with no area, it is an error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

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

    ``boxes`` are in pixels, or fractions of the picture for YOLO (``relative``: centre,
    width and height), or percent of it for Label Studio (``percent``: top-left corner,
    width and height). ``preannotated`` False: the file says nothing of this picture's
    boxes (a Label Studio task without an answer), only its metadata."""

    source: str
    picture: str
    boxes: list[list[Any]] = field(default_factory=list)
    relative: bool = False
    meta: dict[str, Any] | None = None
    percent: bool = False
    preannotated: bool = True


def _rounded(value: float) -> int | float:
    rounded = round(value, 2)
    return int(rounded) if rounded.is_integer() else rounded


def placed_boxes(
    boxes: list[list[Any]], size: tuple[int, int], relative: bool, percent: bool = False
) -> list[list[Any]]:
    """The boxes in pixels of a picture of ``size`` (width, height), checked, in reading
    order; RecordError ``box_outside`` or ``bad_box``."""
    width, height = size
    placed = []
    for x, y, w, h, label in boxes:
        if percent:
            x, y, w, h = x * width / 100, y * height / 100, w * width / 100, h * height / 100
        elif relative:
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


def finite(*values: object) -> list[float]:
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        raise RecordError("bad_box")
    """The values as floats when all are finite numbers; RecordError ``bad_box``."""
    numbers = [float(v) for v in values]  # type: ignore[arg-type]
    if not all(math.isfinite(v) for v in numbers):
        raise RecordError("bad_box")
    return numbers
