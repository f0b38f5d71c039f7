"""The options every task type shares, checked in one place."""

from __future__ import annotations

from typing import Any

import pytest

from tasks import DOMAINS, InvalidConfig, ProjectConfig, option_value, task_type

LABELS = {"classify": ("a", "b"), "ner": ("人名",), "bbox": ("车牌",), "clean": (), "collect": ()}
OWN = {"collect": {"prompt": "写一段话"}}
KINDS = sorted(LABELS)


def validate(kind: str, options: dict[str, Any]) -> ProjectConfig:
    config = ProjectConfig(LABELS[kind], 2, {**OWN.get(kind, {}), **options})
    return task_type(kind).validate_config(config)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"gold_ratio": 0}, {"gold_ratio": 0.0}),
        ({"gold_pass_mark": 0}, {"gold_pass_mark": 0.0}),
        ({"gold_pass_mark": 1}, {"gold_pass_mark": 1.0}),
        ({"lease_seconds": 60}, {"lease_seconds": 60}),
        ({"lease_seconds": 86_400}, {"lease_seconds": 86_400}),
        ({"daily_cap": 1}, {"daily_cap": 1}),
        ({"daily_cap": None}, {"daily_cap": None}),
        ({"domains": []}, {"domains": []}),
        ({"domains": ["科技", " 医疗", "科技"]}, {"domains": ["医疗", "科技"]}),
    ],
)
def test_common_options_accepted_by_every_type(
    kind: str, options: dict[str, Any], expected: dict[str, Any]
) -> None:
    checked = validate(kind, options).options
    assert {k: v for k, v in checked.items() if k != "prompt"} == expected
    assert type(checked[next(iter(expected))]) is type(next(iter(expected.values())))


@pytest.mark.parametrize("kind", ["classify", "ner", "bbox", "clean"])
def test_gold_ratio_up_to_a_half(kind: str) -> None:
    assert validate(kind, {"gold_ratio": 0.5}).options == {"gold_ratio": 0.5}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    ("options", "code", "params"),
    [
        ({"colour": "red"}, "unknown_option", {"name": "colour"}),
        ({"gold_ratio": 0.51}, "option_range", {"name": "gold_ratio", "low": 0.0, "high": 0.5}),
        ({"gold_ratio": -0.1}, "option_range", {"name": "gold_ratio", "low": 0.0, "high": 0.5}),
        ({"gold_ratio": "0.1"}, "option_invalid", {"name": "gold_ratio"}),
        ({"gold_ratio": True}, "option_invalid", {"name": "gold_ratio"}),
        ({"gold_ratio": float("nan")}, "option_invalid", {"name": "gold_ratio"}),
        (
            {"gold_pass_mark": 1.01},
            "option_range",
            {"name": "gold_pass_mark", "low": 0.0, "high": 1.0},
        ),
        (
            {"lease_seconds": 59},
            "option_range",
            {"name": "lease_seconds", "low": 60, "high": 86400},
        ),
        (
            {"lease_seconds": 86_401},
            "option_range",
            {"name": "lease_seconds", "low": 60, "high": 86400},
        ),
        ({"lease_seconds": 600.0}, "option_invalid", {"name": "lease_seconds"}),
        ({"daily_cap": 0}, "option_minimum", {"name": "daily_cap", "low": 1}),
        ({"daily_cap": 2.5}, "option_invalid", {"name": "daily_cap"}),
        ({"domains": "医疗"}, "option_invalid", {"name": "domains"}),
        ({"domains": ["医疗", 3]}, "option_invalid", {"name": "domains"}),
        ({"domains": ["医疗", "体育"]}, "unknown_domain", {"domain": "体育"}),
    ],
)
def test_common_option_refusals(
    kind: str, options: dict[str, Any], code: str, params: dict[str, Any]
) -> None:
    with pytest.raises(InvalidConfig) as caught:
        validate(kind, options)
    assert (caught.value.code, caught.value.params) == (code, params)


@pytest.mark.parametrize(
    ("kind", "option"),
    [
        ("classify", "allow_overlap"),
        ("classify", "prompt"),
        ("ner", "multi"),
        ("bbox", "multi"),
        ("clean", "prompt"),
        ("clean", "allow_overlap"),
        ("collect", "multi"),
    ],
)
def test_options_of_one_type_are_unknown_to_another(kind: str, option: str) -> None:
    with pytest.raises(InvalidConfig) as caught:
        validate(kind, {option: True})
    assert (caught.value.code, caught.value.params) == ("unknown_option", {"name": option})


def test_the_ten_known_domains() -> None:
    assert DOMAINS == (
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


def test_validation_does_not_change_the_callers_options() -> None:
    options: dict[str, Any] = {"domains": ["科技", "医疗"], "gold_ratio": 0}
    validate("classify", options)
    assert options == {"domains": ["科技", "医疗"], "gold_ratio": 0}


def test_option_value_falls_back_to_defaults() -> None:
    config = validate("classify", {"gold_ratio": 0.2})
    assert option_value(config, "gold_ratio") == 0.2
    assert option_value(config, "multi") is False
    assert option_value(config, "daily_cap") is None
    assert option_value(config, "gold_pass_mark") == 0.8
    with pytest.raises(KeyError):
        option_value(config, "colour")
