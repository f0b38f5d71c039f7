"""bbox: boxes in original-image pixels, inside the image, with project labels."""

from __future__ import annotations

from typing import Any

import pytest

from tasks import InvalidAnswer, InvalidConfig, ProjectConfig, task_type

BBOX = task_type("bbox")
CONFIG = BBOX.validate_config(ProjectConfig(("车牌", "人脸"), 3))
SIZE = (640, 480)


def check(boxes: object, size: tuple[int, int] | None = SIZE) -> list[Any]:
    result: list[Any] = BBOX.validate_result({"boxes": boxes}, CONFIG, image_size=size)["boxes"]
    return result


def test_boxes_come_back_in_reading_order() -> None:
    boxes = [[300, 200, 40, 20, "车牌"], [10, 5, 30, 30, "人脸"], (400, 5, 30.5, 30, "人脸")]
    assert check(boxes) == [
        [10, 5, 30, 30, "人脸"],
        [400, 5, 30.5, 30, "人脸"],
        [300, 200, 40, 20, "车牌"],
    ]


@pytest.mark.parametrize(
    "box",
    [
        [0, 0, 640, 480, "车牌"],
        [639.5, 479.5, 0.5, 0.5, "人脸"],
        [600, 400, 40.0000000001, 80, "车牌"],  # float rounding from a scaled drawing
    ],
)
def test_boxes_touching_the_image_edges_are_inside(box: list[Any]) -> None:
    assert check([box]) == [box]


def test_no_box_is_a_valid_answer() -> None:
    assert check([]) == []


@pytest.mark.parametrize(
    ("box", "code", "params"),
    [
        ([0, 0, 641, 480, "车牌"], "box_outside", {"number": 1, "width": 640, "height": 480}),
        ([600, 0, 41, 10, "车牌"], "box_outside", {"number": 1, "width": 640, "height": 480}),
        ([0, 470, 10, 10.5, "车牌"], "box_outside", {"number": 1, "width": 640, "height": 480}),
        ([-1, 0, 10, 10, "车牌"], "box_negative", {"number": 1}),
        ([0, -0.5, 10, 10, "车牌"], "box_negative", {"number": 1}),
        ([0, 0, 0, 10, "车牌"], "box_size", {"number": 1}),
        ([0, 0, 10, -3, "车牌"], "box_size", {"number": 1}),
        ([0, 0, 10, "10", "车牌"], "box_shape", {"number": 1}),
        ([0, 0, True, 10, "车牌"], "box_shape", {"number": 1}),
        ([0, 0, float("nan"), 10, "车牌"], "box_shape", {"number": 1}),
        ([0, 0, float("inf"), 10, "车牌"], "box_shape", {"number": 1}),
        ([0, 0, 10, 10], "box_shape", {"number": 1}),
        ({"x": 0}, "box_shape", {"number": 1}),
        ([0, 0, 10, 10, "车辆"], "unknown_label", {"label": "车辆"}),
    ],
)
def test_bad_boxes(box: object, code: str, params: dict[str, Any]) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        check([[1, 1, 1, 1, "人脸"], box])
    params = {**params, "number": 2} if "number" in params else params
    assert (caught.value.code, caught.value.params) == (code, params)


def test_without_image_size_only_the_origin_side_is_checked() -> None:
    assert check([[5000, 5000, 10, 10, "车牌"]], size=None) == [[5000, 5000, 10, 10, "车牌"]]
    with pytest.raises(InvalidAnswer) as caught:
        check([[-5, 0, 10, 10, "车牌"]], size=None)
    assert caught.value.code == "box_negative"


def test_duplicate_boxes_refused_also_when_written_as_floats() -> None:
    with pytest.raises(InvalidAnswer) as caught:
        check([[1, 2, 3, 4, "车牌"], [5, 5, 5, 5, "人脸"], [1.0, 2.0, 3.0, 4.0, "车牌"]])
    assert (caught.value.code, caught.value.params) == ("duplicate_box", {"number": 3})


def test_same_place_with_another_label_is_no_duplicate() -> None:
    assert len(check([[1, 2, 3, 4, "车牌"], [1, 2, 3, 4, "人脸"]])) == 2


@pytest.mark.parametrize(
    "result",
    [
        [[0, 0, 1, 1, "车牌"]],
        {"boxes": {}},
        {"boxes": [], "image": "a.png"},
        {},
    ],
)
def test_answer_shape(result: object) -> None:
    with pytest.raises(InvalidAnswer) as caught:
        BBOX.validate_result(result, CONFIG, image_size=SIZE)
    assert caught.value.code == "bbox_shape"


def test_box_count_is_capped() -> None:
    boxes = [[i % 600, i // 600, 1, 1, "车牌"] for i in range(1_001)]
    assert len(check(boxes[:1_000])) == 1_000
    with pytest.raises(InvalidAnswer) as caught:
        check(boxes)
    assert (caught.value.code, caught.value.params) == ("too_many_boxes", {"limit": 1_000})


def test_one_label_is_enough_for_bbox_but_not_none() -> None:
    assert BBOX.validate_config(ProjectConfig(("车牌",), 1)).labels == ("车牌",)
    with pytest.raises(InvalidConfig) as caught:
        BBOX.validate_config(ProjectConfig((), 1))
    assert (caught.value.code, caught.value.params) == ("label_count", {"low": 1, "high": 50})
