"""Classification: one label per item, or several when the project sets ``multi``."""

from __future__ import annotations

from typing import Any

from tasks.config import ProjectConfig, check_overlap, flag, normalise_labels, validate_options
from tasks.errors import InvalidAnswer
from tasks.kinds.answers import answer_fields, project_label

MIN_LABELS = 2
OPTIONS = {"multi": flag}


class ClassifyTask:
    """Single-label answers ``{"label": str}``; with ``options["multi"]`` multi-label answers
    ``{"labels": [str, ...]}``. Both may carry ``"unsure": bool``."""

    name = "classify"

    def validate_config(self, config: ProjectConfig) -> ProjectConfig:
        """Input: raw config. Output: config with stripped labels and normalised options.

        Rules: 2–50 unique labels of at most 100 characters; overlap 1–5; options are the
        common ones plus ``multi`` (bool). Raises InvalidConfig.
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
        """Input: an expert's answer and the validated config (item text and image ignored).

        Output: ``{"label": l}`` or ``{"labels": [l, ...]}`` (in project label order), plus
        ``"unsure": True`` only when the expert flagged it.
        Raises InvalidAnswer: classify_shape / classify_multi_shape (wrong keys or types),
        unknown_label (label), no_label_chosen, duplicate_answer_labels, unsure_flag.
        """
        if config.options.get("multi", False):
            fields = answer_fields(
                result, frozenset({"labels"}), frozenset({"unsure"}), "classify_multi_shape"
            )
            answer: dict[str, Any] = {"labels": _chosen_labels(fields["labels"], config)}
        else:
            fields = answer_fields(
                result, frozenset({"label"}), frozenset({"unsure"}), "classify_shape"
            )
            answer = {"label": project_label(fields["label"], config)}
        unsure = fields.get("unsure", False)
        if not isinstance(unsure, bool):
            raise InvalidAnswer("unsure_flag")
        if unsure:
            answer["unsure"] = True
        return answer


def _chosen_labels(value: object, config: ProjectConfig) -> list[str]:
    if not isinstance(value, list):
        raise InvalidAnswer("classify_multi_shape")
    if not value:
        raise InvalidAnswer("no_label_chosen")
    chosen = [project_label(label, config) for label in value]
    if len(set(chosen)) != len(chosen):
        raise InvalidAnswer("duplicate_answer_labels")
    return [label for label in config.labels if label in set(chosen)]
