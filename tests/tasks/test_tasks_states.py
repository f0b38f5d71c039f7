"""The assignment state machine: every (status, event) pair, legal or not."""

from __future__ import annotations

import itertools

import pytest

from tasks import AssignmentEvent, AssignmentStatus, InvalidTransition, holds_slot, next_status

LEGAL = {
    ("leased", "submit"): "submitted",
    ("leased", "expire"): "expired",
    ("leased", "skip"): "skipped",
    ("expired", "reclaim"): "leased",
}
STATUSES = ["leased", "submitted", "expired", "skipped"]
EVENTS = ["submit", "expire", "skip", "reclaim"]


@pytest.mark.parametrize(("status", "event"), list(itertools.product(STATUSES, EVENTS)))
def test_every_pair(status: str, event: str) -> None:
    if (status, event) in LEGAL:
        assert next_status(status, event) == LEGAL[status, event]
        return
    with pytest.raises(InvalidTransition) as caught:
        next_status(status, event)
    assert (caught.value.code, caught.value.params) == (
        "invalid_transition",
        {"status": status, "event": event},
    )


def test_enums_and_strings_are_interchangeable() -> None:
    status = next_status(AssignmentStatus.LEASED, AssignmentEvent.SUBMIT)
    assert status is AssignmentStatus.SUBMITTED
    assert status == "submitted"
    assert [s.value for s in AssignmentStatus] == STATUSES
    assert [e.value for e in AssignmentEvent] == EVENTS


def test_an_expired_lease_cannot_be_submitted_until_reclaimed() -> None:
    status = next_status("leased", "expire")
    with pytest.raises(InvalidTransition):
        next_status(status, "submit")
    assert next_status(next_status(status, "reclaim"), "submit") == "submitted"


@pytest.mark.parametrize(
    ("status", "event"), [("done", "submit"), ("leased", "finish"), ("Leased", "submit")]
)
def test_unknown_names_are_invalid_transitions(status: str, event: str) -> None:
    with pytest.raises(InvalidTransition) as caught:
        next_status(status, event)
    assert caught.value.params == {"status": status, "event": event}


@pytest.mark.parametrize(
    ("status", "holds"),
    [
        ("leased", True),
        ("submitted", True),
        ("expired", False),
        ("skipped", False),
    ],
)
def test_which_statuses_hold_a_slot(status: str, holds: bool) -> None:
    assert holds_slot(status) is holds


def test_slot_accounting_over_a_life() -> None:
    # slots_taken changes by holds_slot(after) - holds_slot(before) at every step.
    steps = ["expire", "reclaim", "submit"]
    status, slots = "leased", 1
    for event in steps:
        after = next_status(status, event)
        slots += int(holds_slot(after)) - int(holds_slot(status))
        status = after
    assert (status, slots) == ("submitted", 1)
