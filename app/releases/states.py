"""The life of a release: draft → analysing → in review → approved → published, or failed
or withdrawn on the way.  Pure rules; the services record every transition as an audit
event."""

from __future__ import annotations

import enum

from app.releases.errors import SelfApproval, TransitionRefused


class ReleaseState(enum.StrEnum):
    """Where a release stands."""

    DRAFT = "draft"
    ANALYSING = "analysing"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    PUBLISHED = "published"
    FAILED = "failed"
    WITHDRAWN = "withdrawn"


S = ReleaseState
# failed → analysing: a document the analyser failed on was fixed or removed, run again.
# in_review → analysing: the policy's profile changed, findings are recomputed.
# approved → in_review: the approval was taken back before publishing.
# A published release never changes; withdrawing it only takes it out of the catalog.
TRANSITIONS: dict[ReleaseState, frozenset[ReleaseState]] = {
    S.DRAFT: frozenset({S.ANALYSING, S.WITHDRAWN}),
    S.ANALYSING: frozenset({S.IN_REVIEW, S.FAILED, S.WITHDRAWN}),
    S.FAILED: frozenset({S.ANALYSING, S.WITHDRAWN}),
    S.IN_REVIEW: frozenset({S.APPROVED, S.ANALYSING, S.WITHDRAWN}),
    S.APPROVED: frozenset({S.PUBLISHED, S.IN_REVIEW, S.WITHDRAWN}),
    S.PUBLISHED: frozenset({S.WITHDRAWN}),
    S.WITHDRAWN: frozenset(),
}
# States in which the release's findings and review decisions may still change.
EDITABLE = frozenset({S.DRAFT, S.IN_REVIEW})


def allowed(current: ReleaseState | str, target: ReleaseState | str) -> bool:
    """True when a release in ``current`` may move to ``target``."""
    return ReleaseState(target) in TRANSITIONS[ReleaseState(current)]


def check_transition(current: ReleaseState | str, target: ReleaseState | str) -> ReleaseState:
    """Return ``target`` as a state when the move is allowed.  Raises ``TransitionRefused``
    with code ``release.bad_transition`` (``release.unknown_state`` for a name that is no
    state)."""
    try:
        now, then = ReleaseState(current), ReleaseState(target)
    except ValueError:
        raise TransitionRefused(
            "release.unknown_state", f"unknown release state {current!r} or {target!r}"
        ) from None
    if then not in TRANSITIONS[now]:
        raise TransitionRefused(
            "release.bad_transition", f"a release that is {now.value} cannot become {then.value}"
        )
    return then


def check_approver(builder_id: int, approver_id: int) -> None:
    """The second-person rule: whoever built a release never approves it.  Raises
    ``SelfApproval`` with code ``release.self_approval``."""
    if builder_id == approver_id:
        raise SelfApproval(
            "release.self_approval",
            "the builder of a release cannot approve it; a second person must",
        )
