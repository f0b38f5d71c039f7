"""The registry and the package's public names, which the web layer imports."""

from __future__ import annotations

import inspect

import pytest

import tasks
from tasks import InvalidAnswer, InvalidConfig, TaskRuleError, task_type
from tasks.registry import TASK_TYPES


def test_five_task_types_registered_by_their_names() -> None:
    assert sorted(TASK_TYPES) == ["bbox", "classify", "clean", "collect", "ner"]
    for name, kind in TASK_TYPES.items():
        assert task_type(name) is kind
        assert kind.name == name


def test_unknown_type() -> None:
    with pytest.raises(InvalidConfig) as caught:
        task_type("x" * 60)
    assert (caught.value.code, caught.value.params) == ("unknown_type", {"name": "x" * 40})


def test_names_the_web_layer_imports() -> None:
    for name in (
        "task_type",
        "ProjectConfig",
        "InvalidAnswer",
        "InvalidConfig",
        "TaskRuleError",
        "TaskType",
        "lease_expiry",
        "lease_is_live",
    ):
        assert name in tasks.__all__
        assert hasattr(tasks, name)


def test_errors_share_a_base_with_code_and_params() -> None:
    error = InvalidAnswer("unknown_label", label="好")
    assert isinstance(error, TaskRuleError) and isinstance(error, ValueError)
    assert (error.code, error.params, str(error)) == (
        "unknown_label",
        {"label": "好"},
        "unknown_label",
    )


@pytest.mark.parametrize("name", sorted(TASK_TYPES))
def test_every_type_takes_item_text_and_image_size_as_keywords(name: str) -> None:
    parameters = inspect.signature(TASK_TYPES[name].validate_result).parameters
    for keyword in ("item_text", "image_size"):
        assert parameters[keyword].kind is inspect.Parameter.KEYWORD_ONLY
        assert parameters[keyword].default is None
