"""Release policies: defaults, validation codes and the JSON round trip."""

from __future__ import annotations

import json

import pytest

import deid
from app.releases.errors import PolicyInvalid
from app.releases.policy import (
    ENTITY_TYPES,
    ReleasePolicy,
    default_policy,
    policy_from_dict,
    policy_from_json,
)


def test_default_policy_covers_every_entity_type_with_a_deid_operator() -> None:
    policy = default_policy()
    assert set(policy.operators) == set(ENTITY_TYPES)
    assert set(policy.operators.values()) <= set(deid.OPERATORS)
    assert policy.operators["PERSON"] == "pseudonym"
    assert policy.operators["CN_RESIDENT_ID"] == "replace"


def test_policy_survives_a_json_round_trip() -> None:
    policy = policy_from_dict(
        {
            "operators": {"CN_PHONE": "mask", "URL": "remove"},
            "profile": "recall",
            "allow_list": ["王清宪", " 刘惠 ", "王清宪"],
            "residual_bound": 5,
            "sample_rate": 0.05,
            "residual_threshold": 0.4,
        }
    )
    again = policy_from_json(policy.to_json())
    assert again == policy
    assert again.allow_list == ("王清宪", "刘惠")
    assert again.operators["CN_PHONE"] == "mask" and again.operators["PERSON"] == "pseudonym"
    assert json.loads(policy.to_json())["version"] == 1


def test_policy_drives_the_deid_anonymizer() -> None:
    policy = policy_from_dict({"operators": {"CN_PHONE": "mask"}})
    text = "电话13912345678"
    finding = deid.Finding(2, 13, "CN_PHONE", 0.9)
    assert deid.anonymize(text, [finding], policy.deid_policy(b"k")).text == "电话*******5678"


@pytest.mark.parametrize(
    ("data", "code", "field"),
    [
        ([], "policy.not_object", None),
        ({"operator": {}}, "policy.unknown_field", "operator"),
        ({"version": 2}, "policy.bad_version", "version"),
        ({"operators": {"SSN": "mask"}}, "policy.unknown_entity_type", "operators.SSN"),
        ({"operators": {"PERSON": "shuffle"}}, "policy.unknown_operator", "operators.PERSON"),
        ({"operators": ["PERSON"]}, "policy.unknown_operator", "operators"),
        ({"profile": "fast"}, "policy.unknown_profile", "profile"),
        ({"profile": "residual"}, "policy.unknown_profile", "profile"),  # the scan's own
        ({"allow_list": "王清宪"}, "policy.bad_allow_list", "allow_list"),
        ({"allow_list": ["  "]}, "policy.bad_allow_list", "allow_list"),
        ({"allow_list": ["王\n清宪"]}, "policy.bad_allow_list", "allow_list"),
        ({"allow_list": ["名" * 65]}, "policy.bad_allow_list", "allow_list"),
        ({"allow_list": ["甲"] * 1001}, "policy.bad_allow_list", "allow_list"),
        ({"residual_bound": 0}, "policy.bad_residual_bound", "residual_bound"),
        ({"residual_bound": float("nan")}, "policy.bad_residual_bound", "residual_bound"),
        ({"residual_bound": "10"}, "policy.bad_residual_bound", "residual_bound"),
        ({"sample_rate": True}, "policy.bad_sample_rate", "sample_rate"),
        ({"sample_rate": 1.5}, "policy.bad_sample_rate", "sample_rate"),
        ({"residual_threshold": -0.1}, "policy.bad_residual_threshold", "residual_threshold"),
    ],
)
def test_bad_policies_are_refused_with_a_stable_code(
    data: object, code: str, field: str | None
) -> None:
    with pytest.raises(PolicyInvalid) as refused:
        policy_from_dict(data)
    assert refused.value.code == code
    assert refused.value.field == field


@pytest.mark.parametrize("text", ["{", "[1, 2", '"unterminated', "[" * 100_000])
def test_policy_json_that_does_not_parse_is_refused(text: str) -> None:
    with pytest.raises(PolicyInvalid) as refused:
        policy_from_json(text)
    assert refused.value.code in {"policy.bad_json", "policy.not_object"}


def test_empty_object_is_the_default_policy() -> None:
    assert policy_from_dict({}) == ReleasePolicy() == default_policy()
