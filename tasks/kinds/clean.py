"""Cleaning: the expert rewrites the item text and may flag the item."""

from __future__ import annotations

from typing import Any

from tasks.config import ProjectConfig, check_overlap, refuse_labels, validate_options
from tasks.errors import InvalidAnswer
from tasks.kinds.answers import answer_fields, bounded_text
from tasks.textdiff import text_diff

#: Flags in the order answers list them.
FLAGS: tuple[str, ...] = ("junk", "duplicate", "needs_redaction")
# An item that is junk or a duplicate of another has nothing worth keeping.
EMPTY_ALLOWED_BY = frozenset({"junk", "duplicate"})


class CleanTask:
    """Answers ``{"text": str, "flags": [flag, ...]}``; ``flags`` may be left out."""

    name = "clean"

    def validate_config(self, config: ProjectConfig) -> ProjectConfig:
        """Input: raw config. Output: config without labels and with normalised options.

        Rules: no labels; overlap 1–5; only the common options. Raises InvalidConfig
        (labels_not_used, overlap_range, option errors).
        """
        overlap = check_overlap(config.overlap)
        labels = refuse_labels(config.labels, self.name)
        return ProjectConfig(labels, overlap, validate_options(config.options, {}))

    def validate_result(
        self,
        result: object,
        config: ProjectConfig,
        *,
        item_text: str | None = None,
        image_size: tuple[int, int] | None = None,
    ) -> dict[str, Any]:
        """Input: the answer, the config and, to record the edit, the original item text.

        Output: ``{"text", "flags"}`` (flags unique, in FLAGS order), plus ``"diff"`` =
        ``[[op, text], ...]`` from :func:`tasks.textdiff.text_diff` when ``item_text`` is
        given. Rules: text at most 1,000,000 characters; blank only when flagged "junk"
        or "duplicate". Raises InvalidAnswer: clean_shape, text_too_long (limit),
        unknown_flag (flag), empty_text_unflagged.
        """
        fields = answer_fields(result, frozenset({"text"}), frozenset({"flags"}), "clean_shape")
        text = bounded_text(fields["text"], "clean_shape")
        flags = _flags(fields.get("flags", []))
        if not text.strip() and not EMPTY_ALLOWED_BY & set(flags):
            raise InvalidAnswer("empty_text_unflagged")
        answer: dict[str, Any] = {"text": text, "flags": flags}
        if item_text is not None:
            answer["diff"] = [[op, piece] for op, piece in text_diff(item_text, text)]
        return answer


def _flags(value: object) -> list[str]:
    if not isinstance(value, list):
        raise InvalidAnswer("clean_shape")
    for flag in value:
        if flag not in FLAGS:
            raise InvalidAnswer("unknown_flag", flag=str(flag)[:40])
    return [flag for flag in FLAGS if flag in value]
