"""Anonymization: apply an operator to every finding and keep a map from old to new offsets.

Operators are a registry keyed by name (``replace``, ``mask``, ``pseudonym``, ``remove``),
each built on a presidio-anonymizer operator.  Overlapping findings are merged first: one
region, one operation, labelled with the type of its strongest finding.

The text is one document: a name gets one pseudonym wherever it occurs, written in
traditional or simplified characters, and a back reference (黄某 after 黄某某, 被告人王 after
王某某) the pseudonym of the name it refers to (``deid.consistency.pseudonym_keys``).  Names
on the policy's allow-list stay and are reported in ``Redaction.kept``.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from presidio_anonymizer.operators import Mask, Redact, Replace

from deid.consistency import name_key, pseudonym_keys
from deid.findings import Finding
from deid.recognizers import DEFAULT_ENTITIES

TYPE_TAGS: Mapping[str, str] = {
    "PERSON": "姓名",
    "CN_RESIDENT_ID": "身份证号",
    "CN_PHONE": "电话",
    "CN_BANK_CARD": "银行卡号",
    "CN_USCC": "统一社会信用代码",
    "CN_PASSPORT": "护照号",
    "CN_HK_MACAU_PERMIT": "港澳通行证号",
    "CN_LICENSE_PLATE": "车牌号",
    "CN_VIN": "车架号",
    "CN_ENGINE_NUMBER": "发动机号",
    "CN_SOCIAL_SECURITY": "社保卡号",
    "CN_MEDICAL_RECORD": "病历号",
    "CN_QQ": "QQ号",
    "CN_WECHAT": "微信号",
    "CN_ADDRESS": "地址",
    "EMAIL_ADDRESS": "邮箱",
    "IP_ADDRESS": "IP地址",
    "URL": "网址",
    "ORG": "机构",
    "LOC": "地点",
}
# Numbers keep their last four characters when masked; everything else its first character.
KEEP_LAST_FOUR = frozenset(
    {
        "CN_RESIDENT_ID",
        "CN_PHONE",
        "CN_BANK_CARD",
        "CN_USCC",
        "CN_PASSPORT",
        "CN_HK_MACAU_PERMIT",
        "IP_ADDRESS",
        "CN_VIN",
        "CN_ENGINE_NUMBER",
        "CN_SOCIAL_SECURITY",
        "CN_MEDICAL_RECORD",
        "CN_QQ",
        "CN_WECHAT",
    }
)


@dataclass(frozen=True)
class Policy:
    """How a release anonymizes: an operator per entity type (``default`` for the rest), the
    HMAC key for pseudonyms (from the environment or ``var/``, never a shipped default), the
    lowest score acted upon, the opt-in types (``ORG``, ``LOC``) to look for as well, and
    the ``allow_list`` of names that stay (officials named in their official capacity, the
    authors of a public document), compared as ``deid.consistency.name_key``."""

    default: str = "replace"
    operators: Mapping[str, str] = field(default_factory=dict)
    key: bytes | None = None
    min_score: float = 0.0
    mask_char: str = "*"
    opt_in: tuple[str, ...] = ()
    allow_list: tuple[str, ...] = ()

    @property
    def entities(self) -> tuple[str, ...]:
        """The entity types to pass to ``deid.analyze``: the defaults plus ``opt_in``."""
        return DEFAULT_ENTITIES + tuple(e for e in self.opt_in if e not in DEFAULT_ENTITIES)

    def operator_for(self, entity_type: str) -> str:
        """Name of the operator applied to ``entity_type``."""
        return self.operators.get(entity_type, self.default)


class Operator(Protocol):
    """Turns the original characters of one finding into their replacement."""

    def __call__(self, original: str, entity_type: str, policy: Policy) -> str:
        """Return the replacement text; raise ``ValueError`` if the policy cannot allow it."""
        ...


def tag(entity_type: str) -> str:
    """The type tag written in place of a finding: ``<姓名>``, ``<身份证号>`` …"""
    return f"<{TYPE_TAGS.get(entity_type, entity_type)}>"


def replace_with_tag(original: str, entity_type: str, policy: Policy) -> str:
    """``replace``: the type tag (presidio ``Replace``)."""
    return str(Replace().operate(original, {"new_value": tag(entity_type)}))


def mask(original: str, entity_type: str, policy: Policy) -> str:
    """``mask`` (presidio ``Mask``): numbers keep their last four characters (****5678), other
    types their first character (张**)."""
    if entity_type in KEEP_LAST_FOUR:
        params = {"chars_to_mask": max(len(original) - 4, 0), "from_end": False}
    else:
        params = {"chars_to_mask": max(len(original) - 1, 0), "from_end": True}
    return str(Mask().operate(original, {"masking_char": policy.mask_char, **params}))


def pseudonym(original: str, entity_type: str, policy: Policy) -> str:
    """``pseudonym``: ``<姓名-1a2b3c4d>`` from HMAC-SHA256 (RFC 2104) over type and value with
    the release key, so one person gets one pseudonym throughout a release and no one
    without the key can link it back.  Raises ``ValueError`` when the policy has no key."""
    if not policy.key:
        raise ValueError("a pseudonym policy needs a key (e.g. from the environment)")
    digest = hmac.new(policy.key, f"{entity_type}\x00{original}".encode(), hashlib.sha256)
    return f"<{TYPE_TAGS.get(entity_type, entity_type)}-{digest.hexdigest()[:8]}>"


def remove(original: str, entity_type: str, policy: Policy) -> str:
    """``remove``: nothing (presidio ``Redact``)."""
    return str(Redact().operate(original, {}))


OPERATORS: dict[str, Operator] = {
    "replace": replace_with_tag,
    "mask": mask,
    "pseudonym": pseudonym,
    "remove": remove,
}


@dataclass(frozen=True)
class Operation:
    """One replaced region: old ``[start, end)``, new ``[new_start, new_end)``."""

    start: int
    end: int
    new_start: int
    new_end: int
    entity_type: str
    operator: str


@dataclass(frozen=True)
class Redaction:
    """The anonymized ``text``, the ``operations`` applied (in order) and ``offset_map``:
    ``offset_map[i]`` is where old position ``i`` (0 … len(old text)) lands in the new text;
    a position inside a replaced region maps to the start of its replacement.  ``kept``:
    the ``PERSON`` regions left in place because the policy's allow-list names them."""

    text: str
    operations: tuple[Operation, ...]
    offset_map: tuple[int, ...]
    kept: tuple[Finding, ...] = ()

    def new_span(self, start: int, end: int) -> tuple[int, int]:
        """Map an old ``[start, end)`` span to the new text."""
        return self.offset_map[start], self.offset_map[end]

    def old_position(self, new_position: int) -> int:
        """The first old position mapping to ``new_position`` or beyond."""
        return bisect.bisect_left(self.offset_map, new_position)


def merge_regions(findings: Sequence[Finding]) -> list[Finding]:
    """Merge overlapping findings into regions, each typed as its highest-scoring finding."""
    regions: list[Finding] = []
    for finding in sorted(findings):
        last = regions[-1] if regions else None
        if last is not None and finding.start < last.end:
            best = last if last.score >= finding.score else finding
            regions[-1] = Finding(
                last.start, max(last.end, finding.end), best.entity_type, best.score
            )
        else:
            regions.append(finding)
    return regions


def _is_allowed(region: Finding, keys: Mapping[Finding, str], allowed: set[str]) -> bool:
    """True for a ``PERSON`` region whose name (or the name it refers back to) is allowed."""
    return region.entity_type == "PERSON" and keys.get(region) in allowed


def _replacement(text: str, region: Finding, policy: Policy, keys: Mapping[Finding, str]) -> str:
    """What ``region`` becomes: the operator's output for its characters, the pseudonym
    computed over the name it stands for (so 黄某 and 黄某某, 陳 and 陈, get one)."""
    name = policy.operator_for(region.entity_type)
    if name not in OPERATORS:
        raise ValueError(f"unknown operator {name!r}; known: {sorted(OPERATORS)}")
    original = text[region.start : region.end]
    source = keys.get(region, original) if name == "pseudonym" else original
    return OPERATORS[name](source, region.entity_type, policy)


def anonymize(text: str, findings: Sequence[Finding], policy: Policy | None = None) -> Redaction:
    """Replace every finding scoring at least ``policy.min_score`` in ``text`` (one
    document), except names on ``policy.allow_list``, which stay and are listed in
    ``Redaction.kept`` (unless merged with another finding: half a region left is a leak).

    Overlapping findings are merged into one region.  Returns the ``Redaction``.  Raises
    ``ValueError`` for a finding outside ``text``, an unknown operator name, or a pseudonym
    policy without a key.
    """
    policy = policy or Policy()
    chosen = [f for f in findings if f.score >= policy.min_score]
    if any(not 0 <= f.start < f.end <= len(text) for f in chosen):
        raise ValueError("a finding lies outside the text")
    regions = merge_regions(chosen)
    keys = pseudonym_keys(text, regions)
    allowed = {key for key in map(name_key, policy.allow_list) if key}
    kept = tuple(r for r in regions if _is_allowed(r, keys, allowed))
    edits = [
        (region, policy.operator_for(region.entity_type), _replacement(text, region, policy, keys))
        for region in regions
        if region not in kept
    ]
    return _splice(text, edits, kept)


def _splice(
    text: str, edits: list[tuple[Finding, str, str]], kept: tuple[Finding, ...]
) -> Redaction:
    """Write each ``(region, operator, replacement)`` of ``edits`` (sorted, disjoint) into
    ``text``, with the offset map from old to new positions."""
    parts: list[str] = []
    operations: list[Operation] = []
    offset_map: list[int] = []
    cursor = new_length = 0
    for region, operator, replacement in edits:
        parts.append(text[cursor : region.start])
        offset_map.extend(range(new_length, new_length + region.start - cursor))
        new_length += region.start - cursor
        offset_map.extend([new_length] * (region.end - region.start))
        operations.append(
            Operation(
                region.start,
                region.end,
                new_length,
                new_length + len(replacement),
                region.entity_type,
                operator,
            )
        )
        parts.append(replacement)
        new_length += len(replacement)
        cursor = region.end
    parts.append(text[cursor:])
    offset_map.extend(range(new_length, new_length + len(text) - cursor + 1))
    return Redaction("".join(parts), tuple(operations), tuple(offset_map), kept)
