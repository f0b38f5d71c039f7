"""A project's configuration: labels, overlap and the options every task type shares.

Task types add their own options (see :mod:`tasks.kinds`); :func:`validate_options` checks
both sets in one place so every type refuses unknown keys and bad values the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tasks.errors import InvalidConfig
from tasks.leases import MAX_LEASE_SECONDS, MIN_LEASE_SECONDS

MIN_OVERLAP, MAX_OVERLAP = 1, 5
MAX_LABELS = 50
MAX_LABEL_CHARS = 100
MAX_PROMPT_CHARS = 20_000
MAX_GOLD_RATIO = 0.5
MAX_QUALIFICATION = 100

#: The qualification domains a project may require (an expert needs one of them).
DOMAINS: tuple[str, ...] = (
    "医疗",
    "法律",
    "教育",
    "政务",
    "工业",
    "金融",
    "农业",
    "交通",
    "环境",
    "科技",
)

OptionRule = Callable[[str, object], object]
"""Checks one option's value: ``rule(name, value)`` returns the normalised value or raises
InvalidConfig."""


@dataclass(frozen=True)
class ProjectConfig:
    """What a task type needs to know of its project."""

    labels: tuple[str, ...] = ()
    overlap: int = 1
    options: dict[str, Any] = field(default_factory=dict)


def check_overlap(overlap: object) -> int:
    """Return ``overlap`` when it is an int in 1..5; raise InvalidConfig("overlap_range")."""
    if (
        isinstance(overlap, bool)
        or not isinstance(overlap, int)
        or not (MIN_OVERLAP <= overlap <= MAX_OVERLAP)
    ):
        raise InvalidConfig("overlap_range", low=MIN_OVERLAP, high=MAX_OVERLAP)
    return overlap


def normalise_labels(labels: tuple[str, ...], low: int = 2) -> tuple[str, ...]:
    """Strip labels and drop blanks; return the rest in their order.

    Rules: ``low``..50 labels after cleaning, unique, at most 100 characters each.
    Raises InvalidConfig: label_count (low, high), duplicate_labels, label_too_long (limit).
    """
    cleaned = tuple(label.strip() for label in labels if label.strip())
    if not low <= len(cleaned) <= MAX_LABELS:
        raise InvalidConfig("label_count", low=low, high=MAX_LABELS)
    if len(set(cleaned)) != len(cleaned):
        raise InvalidConfig("duplicate_labels")
    if any(len(label) > MAX_LABEL_CHARS for label in cleaned):
        raise InvalidConfig("label_too_long", limit=MAX_LABEL_CHARS)
    return cleaned


def refuse_labels(labels: tuple[str, ...], kind: str) -> tuple[str, ...]:
    """For types without labels: return ``()`` when no non-blank label was given.

    Raises InvalidConfig("labels_not_used", type=kind) otherwise, so a vendor who typed
    labels for a collect or clean project learns they would be ignored.
    """
    if any(label.strip() for label in labels):
        raise InvalidConfig("labels_not_used", type=kind)
    return ()


def _number(name: str, value: object, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidConfig("option_invalid", name=name)
    if not low <= value <= high:
        raise InvalidConfig("option_range", name=name, low=low, high=high)
    return float(value)


def _integer(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidConfig("option_invalid", name=name)
    return value


def gold_ratio(name: str, value: object) -> float:
    """Share of gold items served: a number in 0..0.5, returned as float."""
    return _number(name, value, 0.0, MAX_GOLD_RATIO)


def gold_pass_mark(name: str, value: object) -> float:
    """Gold accuracy below which an expert is paused: a number in 0..1, returned as float."""
    return _number(name, value, 0.0, 1.0)


def gold_item_threshold(name: str, value: object) -> float:
    """Score a check answer needs to count as correct (Jaccard, span F1, box F1 or edit
    similarity, by task type): a number in 0.05..1, returned as float."""
    return _number(name, value, 0.05, 1.0)


def lease_seconds(name: str, value: object) -> int:
    """Lease length: an int in 60..86400 seconds (the clamp of :func:`tasks.lease_expiry`)."""
    seconds = _integer(name, value)
    if not MIN_LEASE_SECONDS <= seconds <= MAX_LEASE_SECONDS:
        raise InvalidConfig(
            "option_range", name=name, low=MIN_LEASE_SECONDS, high=MAX_LEASE_SECONDS
        )
    return seconds


def daily_cap(name: str, value: object) -> int | None:
    """Answers one expert may submit per day: None (no cap) or an int >= 1."""
    if value is None:
        return None
    cap = _integer(name, value)
    if cap < 1:
        raise InvalidConfig("option_minimum", name=name, low=1)
    return cap


def qualification_size(name: str, value: object) -> int:
    """Check items an expert answers before any real task (the qualification test): an int
    in 1..100."""
    size = _integer(name, value)
    if not 1 <= size <= MAX_QUALIFICATION:
        raise InvalidConfig("option_range", name=name, low=1, high=MAX_QUALIFICATION)
    return size


def domains(name: str, value: object) -> list[str]:
    """Required domains: a list of names from :data:`DOMAINS`, returned unique in that order.

    An empty list means the project is open to every expert.
    Raises InvalidConfig: option_invalid (not a list of strings), unknown_domain (domain).
    """
    if not isinstance(value, list | tuple) or not all(isinstance(d, str) for d in value):
        raise InvalidConfig("option_invalid", name=name)
    wanted = {d.strip() for d in value}
    for domain in wanted:
        if domain not in DOMAINS:
            raise InvalidConfig("unknown_domain", domain=domain[:40])
    return [d for d in DOMAINS if d in wanted]


def skip_ratio(name: str, value: object) -> float:
    """Share of opened tasks an expert may skip before the project pauses them: 0..1."""
    return _number(name, value, 0.0, 1.0)


def flag(name: str, value: object) -> bool:
    """A yes/no option: must be a JSON boolean."""
    if not isinstance(value, bool):
        raise InvalidConfig("option_invalid", name=name)
    return value


def prompt(name: str, value: object) -> str:
    """A text shown to the expert: stripped, non-empty, at most 20,000 characters.

    Raises InvalidConfig: option_invalid (not a string), option_required (blank),
    option_too_long (limit).
    """
    if not isinstance(value, str):
        raise InvalidConfig("option_invalid", name=name)
    text = value.strip()
    if not text:
        raise InvalidConfig("option_required", name=name)
    if len(text) > MAX_PROMPT_CHARS:
        raise InvalidConfig("option_too_long", name=name, limit=MAX_PROMPT_CHARS)
    return text


#: Options every task type accepts.
COMMON_OPTIONS: dict[str, OptionRule] = {
    "gold_ratio": gold_ratio,
    "gold_pass_mark": gold_pass_mark,
    "gold_item_threshold": gold_item_threshold,
    "lease_seconds": lease_seconds,
    "daily_cap": daily_cap,
    "domains": domains,
    "gold_feedback": flag,
    "qualification_size": qualification_size,
    "skip_ratio": skip_ratio,
    "invitation_only": flag,
}

#: The value an absent option stands for (``lease_seconds``: None = the platform default).
OPTION_DEFAULTS: dict[str, Any] = {
    "gold_ratio": 0.0,
    "gold_pass_mark": 0.8,
    "gold_item_threshold": 0.8,
    "lease_seconds": None,
    "daily_cap": None,
    "domains": [],
    "gold_feedback": False,
    "qualification_size": 0,
    "skip_ratio": None,
    "invitation_only": False,
    "multi": False,
    "allow_overlap": False,
    "prompt": "",
    "contributions": 100,
}


def validate_options(
    options: Mapping[str, object],
    own: Mapping[str, OptionRule],
    required: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Check a project's options against the common rules plus a task type's ``own``.

    Input: the raw options; ``own`` maps the type's extra option names to their rules;
    ``required`` names options that must be present. Output: a new dict of normalised values
    (only the keys given). Raises InvalidConfig: unknown_option (name), option_required
    (name), and whatever the option's rule raises.
    """
    rules = {**COMMON_OPTIONS, **own}
    checked: dict[str, Any] = {}
    for name, value in options.items():
        rule = rules.get(name) if isinstance(name, str) else None
        if rule is None:
            raise InvalidConfig("unknown_option", name=str(name)[:40])
        checked[name] = rule(name, value)
    missing = sorted(required - checked.keys())
    if missing:
        raise InvalidConfig("option_required", name=missing[0])
    return checked


def option_value(config: ProjectConfig, name: str) -> Any:
    """The option ``name`` of a (validated) config, or its default from OPTION_DEFAULTS.

    Raises KeyError for a name that is no option of any task type.
    """
    if name in config.options:
        return config.options[name]
    return OPTION_DEFAULTS[name]
