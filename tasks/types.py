"""Task types: each validates a project's configuration and an expert's answer.

Errors carry a stable ``code`` and ``params``; the web layer translates them for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

MIN_OVERLAP, MAX_OVERLAP = 1, 5
MIN_LABELS, MAX_LABELS = 2, 50
MAX_LABEL_CHARS = 100


class TaskRuleError(ValueError):
    """A configuration or answer that breaks a task type's rules."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


class InvalidConfig(TaskRuleError):
    """A project configuration the task type cannot run."""


class InvalidAnswer(TaskRuleError):
    """An answer that does not fit the project."""


@dataclass(frozen=True)
class ProjectConfig:
    """What a task type needs to know of its project."""

    labels: tuple[str, ...] = ()
    overlap: int = 1
    options: dict[str, Any] = field(default_factory=dict)


class TaskType(Protocol):
    """A kind of annotation work, registered by name in :data:`TASK_TYPES`."""

    name: str

    def validate_config(self, config: ProjectConfig) -> ProjectConfig:
        """Return the normalised configuration; raise InvalidConfig."""
        ...

    def validate_result(self, result: object, config: ProjectConfig) -> dict[str, Any]:
        """Return the normalised answer; raise InvalidAnswer."""
        ...


def _check_overlap(overlap: int) -> None:
    if not MIN_OVERLAP <= overlap <= MAX_OVERLAP:
        raise InvalidConfig("overlap_range", low=MIN_OVERLAP, high=MAX_OVERLAP)


def normalise_labels(labels: tuple[str, ...]) -> tuple[str, ...]:
    """Strip labels, drop blanks; raise InvalidConfig on duplicates, count or length."""
    cleaned = tuple(label.strip() for label in labels if label.strip())
    if not MIN_LABELS <= len(cleaned) <= MAX_LABELS:
        raise InvalidConfig("label_count", low=MIN_LABELS, high=MAX_LABELS)
    if len(set(cleaned)) != len(cleaned):
        raise InvalidConfig("duplicate_labels")
    if any(len(label) > MAX_LABEL_CHARS for label in cleaned):
        raise InvalidConfig("label_too_long", limit=MAX_LABEL_CHARS)
    return cleaned


class ClassifyTask:
    """Single-label classification: the answer is ``{"label": <one of the project's labels>}``."""

    name = "classify"

    def validate_config(self, config: ProjectConfig) -> ProjectConfig:
        """Labels 2–50, unique, at most 100 characters; overlap 1–5."""
        _check_overlap(config.overlap)
        return ProjectConfig(normalise_labels(config.labels), config.overlap, config.options)

    def validate_result(self, result: object, config: ProjectConfig) -> dict[str, Any]:
        """Accept exactly ``{"label": str}`` with a label of the project."""
        if not isinstance(result, dict) or set(result) != {"label"}:
            raise InvalidAnswer("classify_shape")
        label = result["label"]
        if not isinstance(label, str) or label not in config.labels:
            raise InvalidAnswer("unknown_label", label=str(label)[:100])
        return {"label": label}


TASK_TYPES: dict[str, TaskType] = {ClassifyTask.name: ClassifyTask()}


def task_type(name: str) -> TaskType:
    """The registered task type called ``name``; raise InvalidConfig when unknown."""
    try:
        return TASK_TYPES[name]
    except KeyError:
        raise InvalidConfig("unknown_type", name=name[:40]) from None
