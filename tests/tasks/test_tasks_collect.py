"""collect: a written text or an uploaded picture, and the required prompt."""

from __future__ import annotations

from typing import Any

import pytest

from tasks import InvalidAnswer, InvalidConfig, ProjectConfig, task_type

COLLECT = task_type("collect")
CONFIG = COLLECT.validate_config(ProjectConfig((), 1, {"prompt": "  描述一次就医经历  "}))
DIGEST = "ab" * 32


def upload(**changes: object) -> dict[str, object]:
    return {
        "object": {
            "key": "uploads/7/9/photo.png",
            "sha256": DIGEST,
            "content_type": "image/png",
            **changes,
        }
    }


def test_prompt_is_stored_stripped() -> None:
    assert CONFIG.options == {"prompt": "描述一次就医经历"}
    assert CONFIG.labels == ()


@pytest.mark.parametrize(
    ("options", "code", "params"),
    [
        ({}, "option_required", {"name": "prompt"}),
        ({"prompt": "   "}, "option_required", {"name": "prompt"}),
        ({"prompt": 5}, "option_invalid", {"name": "prompt"}),
        ({"prompt": "写" * 20_001}, "option_too_long", {"name": "prompt", "limit": 20_000}),
        ({"prompt": "写", "gold_ratio": 0.1}, "gold_not_supported", {"type": "collect"}),
        ({"prompt": "写", "allow_overlap": True}, "unknown_option", {"name": "allow_overlap"}),
    ],
)
def test_config_refusals(options: dict[str, Any], code: str, params: dict[str, Any]) -> None:
    with pytest.raises(InvalidConfig) as caught:
        COLLECT.validate_config(ProjectConfig((), 1, options))
    assert (caught.value.code, caught.value.params) == (code, params)


def test_config_refuses_labels_and_allows_zero_gold() -> None:
    config = COLLECT.validate_config(ProjectConfig((), 1, {"prompt": "写", "gold_ratio": 0}))
    assert config.options == {"prompt": "写", "gold_ratio": 0.0}
    with pytest.raises(InvalidConfig) as caught:
        COLLECT.validate_config(ProjectConfig(("a", "b"), 1, {"prompt": "写"}))
    assert caught.value.code == "labels_not_used"


def test_text_answer_is_stripped() -> None:
    assert COLLECT.validate_result({"text": "\n 上周在医院排队两小时。 "}, CONFIG) == {
        "text": "上周在医院排队两小时。"
    }


def test_object_answer_normalises_the_digest_to_lower_case() -> None:
    answer = COLLECT.validate_result(upload(sha256=DIGEST.upper()), CONFIG)
    assert answer == {
        "object": {"key": "uploads/7/9/photo.png", "sha256": DIGEST, "content_type": "image/png"}
    }


def test_jpeg_uploads_are_accepted() -> None:
    answer = COLLECT.validate_result(upload(content_type="image/jpeg"), CONFIG)
    assert answer["object"]["content_type"] == "image/jpeg"


@pytest.mark.parametrize(
    ("result", "code", "params"),
    [
        ({"text": " \t\n"}, "collect_empty_text", {}),
        ({"text": "字" * 1_000_001}, "text_too_long", {"limit": 1_000_000}),
        ({"text": 3}, "collect_shape", {}),
        ({"text": "好", "object": upload()["object"]}, "collect_shape", {}),
        ({}, "collect_shape", {}),
        ("好", "collect_shape", {}),
        ({"object": "uploads/a.png"}, "collect_shape", {}),
        ({"object": {"key": "a.png", "sha256": DIGEST}}, "collect_shape", {}),
        (upload(key=""), "object_key", {}),
        (upload(key="/etc/passwd"), "object_key", {}),
        (upload(key="uploads/../corpora/x"), "object_key", {}),
        (upload(key="uploads/a\nb.png"), "object_key", {}),
        (upload(key="k" * 1025), "object_key", {}),
        (upload(key=7), "object_key", {}),
        (upload(sha256="ab" * 31), "object_sha256", {}),
        (upload(sha256="zz" * 32), "object_sha256", {}),
        (upload(sha256=None), "object_sha256", {}),
        (upload(content_type="image/gif"), "object_content_type", {"content_type": "image/gif"}),
        (upload(content_type="text/html"), "object_content_type", {"content_type": "text/html"}),
    ],
)
def test_answer_refusals(result: object, code: str, params: dict[str, Any]) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        COLLECT.validate_result(result, CONFIG)
    assert (caught.value.code, caught.value.params) == (code, params)


def test_key_with_dots_inside_a_name_is_fine() -> None:
    answer = COLLECT.validate_result(upload(key="uploads/a..b/c.d.png"), CONFIG)
    assert answer["object"]["key"] == "uploads/a..b/c.d.png"


@pytest.mark.parametrize(
    ("value", "ok"),
    [(1, True), (100_000, True), (0, False), (100_001, False), (True, False), ("5", False)],
)
def test_contributions_option(value: object, ok: bool) -> None:
    from tasks import option_value

    config = ProjectConfig((), 1, {"prompt": "写", "contributions": value})
    if ok:
        assert option_value(COLLECT.validate_config(config), "contributions") == value
    else:
        with pytest.raises(InvalidConfig):
            COLLECT.validate_config(config)
