"""The life of an assignment (an expert's lease on one task slot).

::

    leased ──submit──► submitted        (final: the answer is stored)
    leased ──expire──► expired ──reclaim──► leased   (the same expert claims it again)
    leased ──skip────► skipped          (final: never offered to that expert again)

A slot counts towards the task's ``slots_taken`` while its assignment is leased or
submitted; expiring or skipping frees it for another expert.
"""

from __future__ import annotations

from enum import StrEnum

from tasks.errors import InvalidTransition


class AssignmentStatus(StrEnum):
    """Where an assignment stands; the values are what the database stores."""

    LEASED = "leased"
    SUBMITTED = "submitted"
    EXPIRED = "expired"
    SKIPPED = "skipped"


class AssignmentEvent(StrEnum):
    """What can happen to an assignment."""

    SUBMIT = "submit"
    EXPIRE = "expire"
    SKIP = "skip"
    RECLAIM = "reclaim"


_S, _E = AssignmentStatus, AssignmentEvent
TRANSITIONS: dict[tuple[AssignmentStatus, AssignmentEvent], AssignmentStatus] = {
    (_S.LEASED, _E.SUBMIT): _S.SUBMITTED,
    (_S.LEASED, _E.EXPIRE): _S.EXPIRED,
    (_S.LEASED, _E.SKIP): _S.SKIPPED,
    (_S.EXPIRED, _E.RECLAIM): _S.LEASED,
}
HOLDS_SLOT = frozenset({_S.LEASED, _S.SUBMITTED})


def next_status(current: str, event: str) -> AssignmentStatus:
    """The status after ``event`` happens to an assignment in status ``current``.

    Input: status and event names (plain strings or the enums). Output: the new status,
    following :data:`TRANSITIONS`. Raises InvalidTransition("invalid_transition", status,
    event) for any other pair, unknown names included — e.g. submitting an expired lease.
    """
    try:
        return TRANSITIONS[AssignmentStatus(current), AssignmentEvent(event)]
    except (KeyError, ValueError):
        raise InvalidTransition(
            "invalid_transition", status=str(current)[:20], event=str(event)[:20]
        ) from None


def holds_slot(status: str) -> bool:
    """True when an assignment in ``status`` occupies one of the task's k slots."""
    return status in HOLDS_SLOT
