"""Named-entity recognition: labelled character spans over the item text.

Offsets are Python ``str`` indices (Unicode code points, end exclusive), the convention of
:func:`deid.analyze`: in "张三在合肥" the span [0, 2] is "张三".
"""

from __future__ import annotations

from typing import Any

from tasks.config import ProjectConfig, check_overlap, flag, normalise_labels, validate_options
from tasks.errors import InvalidAnswer
from tasks.kinds.answers import answer_fields, is_int, project_label

# One entity type is a real NER project (e.g. only 人名), unlike classification.
MIN_LABELS = 1
MAX_SPANS = 10_000
OPTIONS = {"allow_overlap": flag}

Span = tuple[int, int, str]


class NerTask:
    """Answers ``{"spans": [[start, end, label], ...]}``; an empty list means no entity."""

    name = "ner"

    def validate_config(self, config: ProjectConfig) -> ProjectConfig:
        """Input: raw config. Output: config with stripped labels and normalised options.

        Rules: 1–50 unique labels of at most 100 characters; overlap 1–5; options are the
        common ones plus ``allow_overlap`` (bool). Raises InvalidConfig.
        """
        overlap = check_overlap(config.overlap)
        labels = normalise_labels(config.labels, MIN_LABELS)
        return ProjectConfig(labels, overlap, validate_options(config.options, OPTIONS))

    def validate_result(
        self,
        result: object,
        config: ProjectConfig,
        *,
        item_text: str | None = None,
        image_size: tuple[int, int] | None = None,
    ) -> dict[str, Any]:
        """Input: the answer, the validated config and the item's text (image ignored).

        Output: ``{"spans": [[start, end, label], ...]}`` sorted by (start, end, label).
        Rules: 0 <= start < end <= len(item_text); label of the project; no span twice;
        no two spans sharing a character unless ``options["allow_overlap"]``.
        Raises InvalidAnswer: ner_shape, too_many_spans (limit), span_shape (number),
        span_bounds (number, length), unknown_label (label), duplicate_span (start, end,
        label), overlapping_spans (start, end, other_start, other_end).
        Raises TypeError when ``item_text`` is missing (a caller bug, not the expert's).
        """
        if item_text is None:
            raise TypeError("ner answers are checked against item_text")
        raw = answer_fields(result, frozenset({"spans"}), frozenset(), "ner_shape")["spans"]
        if not isinstance(raw, list):
            raise InvalidAnswer("ner_shape")
        if len(raw) > MAX_SPANS:
            raise InvalidAnswer("too_many_spans", limit=MAX_SPANS)
        spans = sorted(
            _span(number, value, len(item_text), config)
            for number, value in enumerate(raw, start=1)
        )
        _refuse_duplicates(spans)
        if not config.options.get("allow_overlap", False):
            _refuse_overlaps(spans)
        return {"spans": [list(span) for span in spans]}


def _span(number: int, value: object, length: int, config: ProjectConfig) -> Span:
    if not isinstance(value, list | tuple) or len(value) != 3:
        raise InvalidAnswer("span_shape", number=number)
    start, end, label = value
    if not is_int(start) or not is_int(end):
        raise InvalidAnswer("span_shape", number=number)
    if not 0 <= start < end <= length:
        raise InvalidAnswer("span_bounds", number=number, length=length)
    return start, end, project_label(label, config)


def _refuse_duplicates(spans: list[Span]) -> None:
    for previous, span in zip(spans, spans[1:], strict=False):
        if span == previous:
            start, end, label = span
            raise InvalidAnswer("duplicate_span", start=start, end=end, label=label)


def _refuse_overlaps(spans: list[Span]) -> None:
    # Sorted by start, the first span overlapping any earlier one also overlaps its
    # predecessor (the earlier spans are disjoint, so the predecessor ends last).
    for previous, span in zip(spans, spans[1:], strict=False):
        if span[0] < previous[1]:
            raise InvalidAnswer(
                "overlapping_spans",
                start=previous[0],
                end=previous[1],
                other_start=span[0],
                other_end=span[1],
            )
