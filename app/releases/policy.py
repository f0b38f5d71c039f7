"""A release policy as data: how each entity type is anonymized, which analyser profile
runs, which names may stay, and the review sample and residual bound a release must meet.

Operators are the de-identifier's own registry (``deid.OPERATORS``): ``replace`` (the type
tag, ``<姓名>``), ``mask``, ``pseudonym`` (consistent within a release, keyed per release)
and ``remove``.  A policy travels as JSON (``to_json`` / ``policy_from_json``); every
refusal is a ``PolicyInvalid`` with a stable code.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import deid
from app.releases.errors import PolicyInvalid

POLICY_VERSION = 1
MAX_ALLOWED_NAMES = 1_000
MAX_NAME_LENGTH = 64

if TYPE_CHECKING:
    ENTITY_TYPES: tuple[str, ...]
    OPERATOR_NAMES: tuple[str, ...]
    PROFILE_NAMES: tuple[str, ...]
    DEFAULT_OPERATORS: Mapping[str, str]


# The registries below live in ``deid.recognizers`` and ``deid.anonymize``, which load
# Presidio, spaCy and jieba: they are read on first use, so a process that never touches a
# release (the web app at start-up, the job consumer) does not carry them.
@functools.cache
def entity_types() -> tuple[str, ...]:
    """The entity types the de-identifier reports, in its order."""
    from deid.recognizers import DEFAULT_ENTITIES

    return tuple(DEFAULT_ENTITIES)


@functools.cache
def operator_names() -> tuple[str, ...]:
    """The anonymization operators (``deid.OPERATORS``), sorted."""
    return tuple(sorted(deid.OPERATORS))


@functools.cache
def profile_names() -> tuple[str, ...]:
    """The analyser profiles a policy may ask for, sorted (not the residual scan's own)."""
    from deid.recognizers import POLICY_PROFILES

    return tuple(sorted(POLICY_PROFILES))


@functools.cache
def default_operators() -> Mapping[str, str]:
    """People keep one pseudonym throughout a release (co-reference survives for training);
    numbers, addresses and links become their type tag."""
    return MappingProxyType(
        {entity: "pseudonym" if entity == "PERSON" else "replace" for entity in entity_types()}
    )


_LAZY_CONSTANTS: dict[str, Callable[[], object]] = {
    "ENTITY_TYPES": entity_types,
    "OPERATOR_NAMES": operator_names,
    "PROFILE_NAMES": profile_names,
    "DEFAULT_OPERATORS": default_operators,
}


def __getattr__(name: str) -> Any:
    """The former module constants (``ENTITY_TYPES`` …), computed on first use."""
    if name in _LAZY_CONSTANTS:
        return _LAZY_CONSTANTS[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


FIELDS = frozenset(
    {
        "version",
        "operators",
        "profile",
        "allow_list",
        "residual_bound",
        "sample_rate",
        "residual_threshold",
    }
)


@dataclass(frozen=True)
class ReleasePolicy:
    """How a release is de-identified and what its review must prove.

    ``operators`` names an operator for every entity type; ``profile`` is the analyser
    profile; ``allow_list`` holds names that may stay (officials in their official
    capacity); ``residual_bound`` is the largest upper 95 % bound on identifiers left per
    1,000 documents a release may have; ``sample_rate`` the share of documents reviewed (at
    least as many as the bound needs); ``residual_threshold`` the score from which a
    finding of the recall scan over the redacted output blocks publishing.
    """

    operators: Mapping[str, str] = field(default_factory=default_operators)
    profile: str = "default"
    allow_list: tuple[str, ...] = ()
    residual_bound: float = 10.0
    sample_rate: float = 0.01
    residual_threshold: float = 0.5

    def deid_policy(self, key: bytes | None) -> deid.Policy:
        """The ``deid.Policy`` that anonymizes with these operators; ``key`` is the
        release's pseudonym key (``None`` is refused by ``deid`` if a pseudonym is used)."""
        return deid.Policy(default="replace", operators=dict(self.operators), key=key)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data, every entity type spelled out."""
        return {
            "version": POLICY_VERSION,
            "operators": {entity: self.operators[entity] for entity in entity_types()},
            "profile": self.profile,
            "allow_list": list(self.allow_list),
            "residual_bound": self.residual_bound,
            "sample_rate": self.sample_rate,
            "residual_threshold": self.residual_threshold,
        }

    def to_json(self) -> str:
        """``to_dict`` as JSON text (keys sorted, Chinese kept readable)."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)


def default_policy() -> ReleasePolicy:
    """The policy a release starts with: names pseudonymized, everything else tagged, the
    default profile, no allowed names, at most 10 identifiers left per 1,000 documents
    (upper 95 %), 1 % of documents reviewed (more when the bound needs it)."""
    return ReleasePolicy()


def policy_from_json(text: str | bytes) -> ReleasePolicy:
    """Parse and validate a policy from JSON text.  Raises ``PolicyInvalid``
    (``policy.bad_json`` or any code of ``policy_from_dict``)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise PolicyInvalid("policy.bad_json", f"the policy is not JSON: {error}") from None
    return policy_from_dict(data)


def policy_from_dict(data: Any) -> ReleasePolicy:
    """Validate plain data into a ``ReleasePolicy``; absent fields and entity types take the
    default.  Raises ``PolicyInvalid`` with the code of the first problem found:
    ``policy.not_object``, ``policy.unknown_field``, ``policy.bad_version``,
    ``policy.unknown_entity_type``, ``policy.unknown_operator``, ``policy.unknown_profile``,
    ``policy.bad_allow_list``, ``policy.bad_residual_bound``, ``policy.bad_sample_rate``,
    ``policy.bad_residual_threshold``."""
    if not isinstance(data, Mapping):
        raise PolicyInvalid("policy.not_object", "the policy must be a JSON object")
    unknown = sorted(set(data) - FIELDS)
    if unknown:
        raise PolicyInvalid(
            "policy.unknown_field", f"unknown policy field {unknown[0]!r}", unknown[0]
        )
    if data.get("version", POLICY_VERSION) != POLICY_VERSION:
        raise PolicyInvalid(
            "policy.bad_version", f"policy version must be {POLICY_VERSION}", "version"
        )
    base = default_policy()
    return ReleasePolicy(
        operators=_operators(data.get("operators", {})),
        profile=_profile(data.get("profile", base.profile)),
        allow_list=_allow_list(data.get("allow_list", [])),
        residual_bound=_number(
            data.get("residual_bound", base.residual_bound), "residual_bound", low=0.0, high=1000.0
        ),
        sample_rate=_number(
            data.get("sample_rate", base.sample_rate), "sample_rate", low=0.0, high=1.0
        ),
        residual_threshold=_number(
            data.get("residual_threshold", base.residual_threshold),
            "residual_threshold",
            low=0.0,
            high=1.0,
        ),
    )


def _operators(value: Any) -> Mapping[str, str]:
    if not isinstance(value, Mapping):
        raise PolicyInvalid(
            "policy.unknown_operator",
            "operators must map entity types to operator names",
            "operators",
        )
    chosen = dict(default_operators())
    for entity, operator in value.items():
        if entity not in entity_types():
            raise PolicyInvalid(
                "policy.unknown_entity_type",
                f"unknown entity type {entity!r}; known: {list(entity_types())}",
                f"operators.{entity}",
            )
        if operator not in operator_names():
            raise PolicyInvalid(
                "policy.unknown_operator",
                f"unknown operator {operator!r}; known: {list(operator_names())}",
                f"operators.{entity}",
            )
        chosen[entity] = operator
    return MappingProxyType(chosen)


def _profile(value: Any) -> str:
    if value not in profile_names():
        raise PolicyInvalid(
            "policy.unknown_profile",
            f"unknown profile {value!r}; known: {list(profile_names())}",
            "profile",
        )
    return str(value)


def _allow_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or len(value) > MAX_ALLOWED_NAMES:
        raise PolicyInvalid(
            "policy.bad_allow_list",
            f"allow_list must be a list of at most {MAX_ALLOWED_NAMES} names",
            "allow_list",
        )
    names: list[str] = []
    for item in value:
        name = item.strip() if isinstance(item, str) else ""
        if not name or len(name) > MAX_NAME_LENGTH or not name.isprintable():
            raise PolicyInvalid(
                "policy.bad_allow_list",
                f"allow_list entry {item!r} must be "
                f"a printable name of 1 to {MAX_NAME_LENGTH} characters",
                "allow_list",
            )
        if name not in names:
            names.append(name)
    return tuple(names)


def _number(value: Any, name: str, *, low: float, high: float) -> float:
    """A finite number in ``(low, high]`` (bools are not numbers here)."""
    ok = (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and low < value <= high
    )
    if not ok:
        raise PolicyInvalid(
            f"policy.bad_{name}",
            f"{name} must be a number above {low:g} and at most {high:g}",
            name,
        )
    return float(value)
