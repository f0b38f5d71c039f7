"""Translated messages for the error codes of the pure packages and the ingestion job."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from tasks import TaskRuleError

_RULES: dict[str, Any] = {
    "overlap_range": _l("Overlap must be between %(low)d and %(high)d."),
    "label_count": _l("Give between %(low)d and %(high)d labels."),
    "duplicate_labels": _l("Each label may appear only once."),
    "label_too_long": _l("A label may have at most %(limit)d characters."),
    "unknown_type": _l("Unknown task type."),
    "classify_shape": _l('The answer must be {"label": "…"}.'),
    "unknown_label": _l("“%(label)s” is not a label of this project."),
}

_LINE_ERRORS: dict[str, Any] = {
    "invalid_utf8": _l("not valid UTF-8"),
    "nul_byte": _l("contains a NUL byte"),
    "line_too_long": _l("line longer than 1 MiB"),
    "too_deep": _l("JSON nested too deeply"),
    "invalid_json": _l("not valid JSON"),
    "not_object": _l("not a JSON object"),
    "missing_text": _l("no string field “text”"),
    "empty_text": _l("the field “text” is empty"),
    "no_items": _l("the file holds no text"),
}


def rule_message(error: TaskRuleError) -> str:
    """The translated sentence for a task rule error."""
    template = _RULES.get(error.code)
    return str(template % error.params) if template is not None else error.code


def line_error_message(code: str) -> str:
    """The translated description of an ingestion error code."""
    template = _LINE_ERRORS.get(code)
    return str(template) if template is not None else code
