"""Bounding boxes on an image, in pixels of the original image."""

from __future__ import annotations

from typing import Any

from tasks.config import ProjectConfig, check_overlap, normalise_labels, validate_options
from tasks.errors import InvalidAnswer
from tasks.kinds.answers import answer_fields, is_number, project_label

# One object class is a real detection project (e.g. only 车牌), unlike classification.
MIN_LABELS = 1
MAX_BOXES = 1_000
# Absorbs float rounding when the browser scales a box drawn on a resized image back.
EDGE_TOLERANCE = 1e-6

Box = tuple[float, float, float, float, str]


class BoxTask:
    """Answers ``{"boxes": [[x, y, w, h, label], ...]}``: (x, y) the top-left corner, w and
    h the size, all in original-image pixels; an empty list means nothing to mark."""

    name = "bbox"

    def validate_config(self, config: ProjectConfig) -> ProjectConfig:
        """Input: raw config. Output: config with stripped labels and normalised options.

        Rules: 1–50 unique labels of at most 100 characters; overlap 1–5; only the common
        options. Raises InvalidConfig.
        """
        overlap = check_overlap(config.overlap)
        labels = normalise_labels(config.labels, MIN_LABELS)
        return ProjectConfig(labels, overlap, validate_options(config.options, {}))

    def validate_result(
        self,
        result: object,
        config: ProjectConfig,
        *,
        item_text: str | None = None,
        image_size: tuple[int, int] | None = None,
    ) -> dict[str, Any]:
        """Input: the answer, the config and the image's (width, height) (text ignored).

        Output: ``{"boxes": [[x, y, w, h, label], ...]}`` in reading order (top to bottom,
        then left to right), numbers as given.
        Rules: finite numbers, x, y >= 0, w, h > 0; with ``image_size`` also x + w <= width
        and y + h <= height (to 1e-6 px); label of the project; no box twice; at most 1,000.
        Without ``image_size`` only the lower edges are checked.
        Raises InvalidAnswer: bbox_shape, too_many_boxes (limit), box_shape (number),
        box_size (number), box_negative (number), box_outside (number, width, height),
        unknown_label (label), duplicate_box (number).
        """
        raw = answer_fields(result, frozenset({"boxes"}), frozenset(), "bbox_shape")["boxes"]
        if not isinstance(raw, list):
            raise InvalidAnswer("bbox_shape")
        if len(raw) > MAX_BOXES:
            raise InvalidAnswer("too_many_boxes", limit=MAX_BOXES)
        boxes = [
            _box(number, value, image_size, config) for number, value in enumerate(raw, start=1)
        ]
        seen: set[Box] = set()
        for number, box in enumerate(boxes, start=1):
            if box in seen:
                raise InvalidAnswer("duplicate_box", number=number)
            seen.add(box)
        return {"boxes": [list(box) for box in sorted(boxes, key=_reading_order)]}


def _reading_order(box: Box) -> tuple[float, float, float, float, str]:
    x, y, w, h, label = box
    return y, x, h, w, label


def _box(
    number: int, value: object, image_size: tuple[int, int] | None, config: ProjectConfig
) -> Box:
    if not isinstance(value, list | tuple) or len(value) != 5:
        raise InvalidAnswer("box_shape", number=number)
    x, y, w, h, label = value
    if not all(is_number(n) for n in (x, y, w, h)):
        raise InvalidAnswer("box_shape", number=number)
    if w <= 0 or h <= 0:
        raise InvalidAnswer("box_size", number=number)
    if x < 0 or y < 0:
        raise InvalidAnswer("box_negative", number=number)
    if image_size is not None:
        width, height = image_size
        if x + w > width + EDGE_TOLERANCE or y + h > height + EDGE_TOLERANCE:
            raise InvalidAnswer("box_outside", number=number, width=width, height=height)
    return x, y, w, h, project_label(label, config)
