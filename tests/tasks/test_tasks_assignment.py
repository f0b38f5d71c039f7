"""Assignment policy: gold injection, daily caps and the claim order."""

from __future__ import annotations

import pytest

from tasks import claim_order_key, daily_cap_reached, expert_qualifies, should_serve_gold


def serve(ratio: float, count: int) -> list[bool]:
    served: list[bool] = []
    for total in range(count):
        served.append(should_serve_gold(total, sum(served), ratio))
    return served


@pytest.mark.parametrize(
    ("ratio", "gold_positions"),
    [
        (0.2, [0, 5, 10, 15]),
        (0.5, [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]),
        (0.25, [0, 4, 8, 12, 16]),
        (0.0, []),
    ],
)
def test_gold_is_served_first_then_evenly(ratio: float, gold_positions: list[int]) -> None:
    served = serve(ratio, 20)
    assert [i for i, gold in enumerate(served) if gold] == gold_positions


@pytest.mark.parametrize("ratio", [0.05, 0.1, 0.15, 0.3, 1 / 3, 0.35, 0.45, 0.5])
def test_gold_share_is_the_ratio_rounded_up_after_every_task(ratio: float) -> None:
    served = serve(ratio, 200)
    for n in range(1, 201):
        # ⌈ratio · n⌉, computed on the decimal the vendor typed.
        expected = -(-round(ratio * 10_000) * n // 10_000)
        assert sum(served[:n]) == expected, n


def test_float_rounding_does_not_add_a_gold_item() -> None:
    # 0.28 · 25 is 7.000000000000001 in floats; after 7 gold in 24 tasks the 25th is normal.
    assert should_serve_gold(24, 7, 0.28) is False
    assert should_serve_gold(25, 7, 0.28) is True


def test_decision_depends_only_on_the_counts() -> None:
    assert should_serve_gold(3, 1, 0.2) is should_serve_gold(3, 1, 0.2) is False
    assert should_serve_gold(3, 0, 0.2) is True  # behind on gold (none yet): catch up now


@pytest.mark.parametrize(
    ("total", "gold", "ratio"),
    [
        (-1, 0, 0.1),
        (3, 4, 0.1),
        (3, -1, 0.1),
        (3, 1, 1.5),
        (3, 1, -0.1),
    ],
)
def test_should_serve_gold_refuses_impossible_counts(total: int, gold: int, ratio: float) -> None:
    with pytest.raises(ValueError):
        should_serve_gold(total, gold, ratio)


@pytest.mark.parametrize(
    ("done", "cap", "reached"),
    [
        (0, None, False),
        (10_000, None, False),
        (0, 1, False),
        (1, 1, True),
        (49, 50, False),
        (50, 50, True),
        (51, 50, True),
    ],
)
def test_daily_cap(done: int, cap: int | None, reached: bool) -> None:
    assert daily_cap_reached(done, cap) is reached


@pytest.mark.parametrize(("done", "cap"), [(-1, 5), (0, 0), (3, -2)])
def test_daily_cap_refuses_impossible_values(done: int, cap: int) -> None:
    with pytest.raises(ValueError):
        daily_cap_reached(done, cap)


def test_items_holding_k_minus_one_answers_are_claimed_first() -> None:
    overlap = 3
    tasks = [(1, 0), (2, 2), (3, 1), (4, 2), (5, 0), (6, 1)]  # (task id, slots taken)
    order = sorted(tasks, key=lambda t: claim_order_key(t[1], overlap, t[0]))
    assert [task_id for task_id, _ in order] == [2, 4, 3, 6, 1, 5]


def test_claim_order_key_values() -> None:
    assert claim_order_key(0, 1, 9) == (1, 9)
    assert claim_order_key(4, 5, 2) == (1, 2)
    assert claim_order_key(0, 5, 2) == (5, 2)


@pytest.mark.parametrize(("slots", "overlap"), [(3, 3), (4, 3), (-1, 3)])
def test_full_tasks_have_no_claim_order(slots: int, overlap: int) -> None:
    with pytest.raises(ValueError):
        claim_order_key(slots, overlap, 1)


@pytest.mark.parametrize(
    ("required", "held", "qualifies"),
    [
        ([], [], True),
        ([], ["医疗"], True),
        (["医疗"], [], False),
        (["医疗"], ["法律"], False),
        (["医疗", "法律"], ["法律"], True),
        (["医疗"], ["医疗", "教育"], True),
    ],
)
def test_expert_qualifies_with_any_required_domain(
    required: list[str], held: list[str], qualifies: bool
) -> None:
    assert expert_qualifies(required, held) is qualifies


@pytest.mark.parametrize(
    ("answered", "size", "qualifying"),
    [(0, 0, False), (0, 5, True), (4, 5, True), (5, 5, False), (9, 5, False)],
)
def test_in_qualification(answered: int, size: int, qualifying: bool) -> None:
    from tasks import in_qualification

    assert in_qualification(answered, size) is qualifying


def test_in_qualification_refuses_negative_counts() -> None:
    from tasks import in_qualification

    with pytest.raises(ValueError):
        in_qualification(-1, 5)
