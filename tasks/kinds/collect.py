"""Collection: the expert writes a text or uploads a picture in answer to the project prompt."""

from __future__ import annotations

import re
from typing import Any

from tasks.config import ProjectConfig, check_overlap, prompt, refuse_labels, validate_options
from tasks.errors import InvalidAnswer, InvalidConfig
from tasks.kinds.answers import answer_fields, bounded_text

MAX_CONTRIBUTIONS = 100_000


def contributions(name: str, value: object) -> int:
    """How many contributions the project asks for: an int in 1..100,000."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidConfig("option_invalid", name=name)
    if not 1 <= value <= MAX_CONTRIBUTIONS:
        raise InvalidConfig("option_range", name=name, low=1, high=MAX_CONTRIBUTIONS)
    return value


OPTIONS = {"prompt": prompt, "contributions": contributions}
REQUIRED = frozenset({"prompt"})
CONTENT_TYPES = frozenset({"image/png", "image/jpeg"})
MAX_KEY_CHARS = 1024
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class CollectTask:
    """Answers ``{"text": str}`` or ``{"object": {"key", "sha256", "content_type"}}`` for an
    upload already stored by the web layer."""

    name = "collect"

    def validate_config(self, config: ProjectConfig) -> ProjectConfig:
        """Input: raw config. Output: config without labels and with normalised options.

        Rules: no labels; overlap 1–5; ``options["prompt"]`` required (non-blank, at most
        20,000 characters, stored stripped); ``gold_ratio`` must be 0 since a collected
        answer has no right answer to compare with. Raises InvalidConfig (labels_not_used,
        overlap_range, option_required, gold_not_supported (type), option errors).
        """
        overlap = check_overlap(config.overlap)
        labels = refuse_labels(config.labels, self.name)
        options = validate_options(config.options, OPTIONS, REQUIRED)
        if options.get("gold_ratio", 0.0) > 0:
            raise InvalidConfig("gold_not_supported", type=self.name)
        return ProjectConfig(labels, overlap, options)

    def validate_result(
        self,
        result: object,
        config: ProjectConfig,
        *,
        item_text: str | None = None,
        image_size: tuple[int, int] | None = None,
    ) -> dict[str, Any]:
        """Input: the answer and config (item text and image ignored).

        Output: ``{"text": <stripped text>}`` or ``{"object": {"key", "sha256" (lower-case),
        "content_type"}}``. Rules: text non-blank, at most 1,000,000 characters; key 1–1024
        characters without control characters, a leading "/" or a ".." segment; sha256 64
        hex digits; content type image/png or image/jpeg. The web layer must still check
        that the key names an upload of this expert whose bytes hash to ``sha256``.
        Raises InvalidAnswer: collect_shape, collect_empty_text, text_too_long (limit),
        object_key, object_sha256, object_content_type (content_type).
        """
        if isinstance(result, dict) and "object" in result:
            fields = answer_fields(result, frozenset({"object"}), frozenset(), "collect_shape")
            return {"object": _object(fields["object"])}
        fields = answer_fields(result, frozenset({"text"}), frozenset(), "collect_shape")
        text = bounded_text(fields["text"], "collect_shape").strip()
        if not text:
            raise InvalidAnswer("collect_empty_text")
        return {"text": text}


def _object(value: object) -> dict[str, str]:
    fields = answer_fields(
        value, frozenset({"key", "sha256", "content_type"}), frozenset(), "collect_shape"
    )
    key, digest, content_type = fields["key"], fields["sha256"], fields["content_type"]
    if not isinstance(key, str) or not _safe_key(key):
        raise InvalidAnswer("object_key")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest.lower()):
        raise InvalidAnswer("object_sha256")
    if content_type not in CONTENT_TYPES:
        raise InvalidAnswer("object_content_type", content_type=str(content_type)[:100])
    return {"key": key, "sha256": digest.lower(), "content_type": str(content_type)}


def _safe_key(key: str) -> bool:
    return (
        0 < len(key) <= MAX_KEY_CHARS
        and not key.startswith("/")
        and not _CONTROL.search(key)
        and ".." not in key.split("/")
    )
