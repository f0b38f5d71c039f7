"""The release state machine and the second-person rule."""

from __future__ import annotations

import pytest

from app.releases.errors import SelfApproval, TransitionRefused
from app.releases.states import TRANSITIONS, ReleaseState, allowed, check_approver, check_transition

S = ReleaseState


@pytest.mark.parametrize(
    "path",
    [
        [S.DRAFT, S.ANALYSING, S.IN_REVIEW, S.APPROVED, S.PUBLISHED, S.WITHDRAWN],
        [S.DRAFT, S.ANALYSING, S.FAILED, S.ANALYSING, S.IN_REVIEW],
        [S.IN_REVIEW, S.APPROVED, S.IN_REVIEW, S.WITHDRAWN],
    ],
)
def test_the_release_paths_are_allowed(path: list[ReleaseState]) -> None:
    for current, target in zip(path, path[1:], strict=False):
        assert check_transition(current, target) is target


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.DRAFT, S.PUBLISHED),
        (S.DRAFT, S.APPROVED),
        (S.ANALYSING, S.APPROVED),
        (S.IN_REVIEW, S.PUBLISHED),
        (S.FAILED, S.APPROVED),
        (S.PUBLISHED, S.IN_REVIEW),
        (S.PUBLISHED, S.PUBLISHED),
        (S.WITHDRAWN, S.DRAFT),
        (S.WITHDRAWN, S.PUBLISHED),
    ],
)
def test_skipping_review_or_reopening_a_published_release_is_refused(
    current: ReleaseState, target: ReleaseState
) -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_transition(current, target)
    assert refused.value.code == "release.bad_transition"
    assert not allowed(current, target)


def test_only_approved_releases_publish_and_withdrawn_is_final() -> None:
    assert [s for s in S if S.PUBLISHED in TRANSITIONS[s]] == [S.APPROVED]
    assert TRANSITIONS[S.WITHDRAWN] == frozenset()
    assert set(TRANSITIONS) == set(S)


def test_unknown_state_names_are_refused() -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_transition("draft", "shipped")
    assert refused.value.code == "release.unknown_state"


def test_the_builder_cannot_approve_their_own_release() -> None:
    with pytest.raises(SelfApproval) as refused:
        check_approver(builder_id=7, approver_id=7)
    assert refused.value.code == "release.self_approval"
    check_approver(builder_id=7, approver_id=8)
