"""Reviewers a release's builders name, beside the bureau's auditors (issue 11: "auditors
of the bureau (or reviewers a publisher names) check findings").

A named reviewer is a person of the release's own organization; they review the release's
sample and may approve it.  The builder is never named: a release needs a second person.
Naming stops once the release is approved.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from app.audit import record_event
from app.database import begin_write
from app.exceptions import Conflict, Invalid, NotFound
from app.extensions import db
from app.models import Membership, Release, ReleaseReviewer, User
from app.releases.services import MAX_ID, get_built
from app.releases.states import ReleaseState

OPEN_STATES = (ReleaseState.DRAFT, ReleaseState.ANALYSING, ReleaseState.IN_REVIEW)


def is_named_reviewer(user: User, release_id: int) -> bool:
    """True when the release's builders named ``user`` to review it."""
    return (
        db.session.scalar(
            select(ReleaseReviewer.id).where(
                ReleaseReviewer.release_id == release_id, ReleaseReviewer.user_id == user.id
            )
        )
        is not None
    )


def named_reviewers(release: Release) -> list[User]:
    """The people named to review ``release``, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(ReleaseReviewer, ReleaseReviewer.user_id == User.id)
            .where(ReleaseReviewer.release_id == release.id)
            .order_by(User.name, User.id)
        )
    )


def reviewer_candidates(release: Release) -> list[User]:
    """Active people of the release's organization who may still be named (not its
    builder, not named already)."""
    named = select(ReleaseReviewer.user_id).where(ReleaseReviewer.release_id == release.id)
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.organization_id == release.organization_id,
                User.active.is_(True),
                User.id != release.created_by_id,
                User.id.not_in(named),
            )
            .order_by(User.name, User.id)
        )
    )


def reviewer_json(user: User) -> dict[str, Any]:
    """A named reviewer as the API lists them."""
    return {"id": user.id, "name": user.name, "email": user.email}


def reviewers_of(user: User, release_id: int) -> dict[str, Any]:
    """For the release's builders: who is named, and who else may be.  Raises NotFound."""
    release = get_built(user, release_id)
    return {
        "reviewers": [reviewer_json(u) for u in named_reviewers(release)],
        "candidates": [reviewer_json(u) for u in reviewer_candidates(release)],
        "open": release.state in OPEN_STATES,
    }


def _person(release: Release, raw: Any) -> User:
    """The person ``raw`` names: an active user of the release's organization (another
    organization's or an unknown id is a 404)."""
    if type(raw) is not int or not 0 < raw <= MAX_ID:
        raise Invalid(_l("Name a reviewer by their user id."), code="bad_field")
    person = db.session.get(User, raw)
    if person is None or person.organization_id != release.organization_id or not person.active:
        raise NotFound(_l("Not found."))
    if person.id == release.created_by_id:
        raise Invalid(
            _l("The builder of a release cannot review it; name a second person."),
            code="release.reviewer_is_builder",
        )
    return person


def _open(user: User, release_id: int) -> Release:
    release = get_built(user, release_id)
    if release.state not in OPEN_STATES:
        raise Conflict(
            _l("Reviewers can be named only until the release is approved."),
            code="release.reviewers_closed",
        )
    return release


def name_reviewer(user: User, release_id: int, raw: Any) -> list[User]:
    """Name the person of id ``raw`` to review a release of the user's organization (once:
    naming them again changes nothing).  Returns the named reviewers.  Raises NotFound,
    Invalid (``release.reviewer_is_builder``, ``bad_field``) or Conflict
    (``release.reviewers_closed``)."""
    begin_write()
    release = _open(user, release_id)
    person = _person(release, raw)
    if not is_named_reviewer(person, release.id):
        db.session.add(
            ReleaseReviewer(release_id=release.id, user_id=person.id, named_by_id=user.id)
        )
        record_event(
            "release_reviewer_named",
            user,
            object_type="release",
            object_id=release.id,
            reviewer=person.id,
        )
    db.session.commit()
    return named_reviewers(release)


def remove_reviewer(user: User, release_id: int, reviewer_id: int) -> list[User]:
    """Take a named reviewer off a release of the user's organization; their decisions
    stay.  Returns the named reviewers.  Raises NotFound (not named) or Conflict."""
    begin_write()
    release = _open(user, release_id)
    removed = db.session.execute(
        delete(ReleaseReviewer).where(
            ReleaseReviewer.release_id == release.id, ReleaseReviewer.user_id == reviewer_id
        )
    )
    if not removed.rowcount:  # type: ignore[attr-defined]
        raise NotFound(_l("Not found."))
    record_event(
        "release_reviewer_removed",
        user,
        object_type="release",
        object_id=release.id,
        reviewer=reviewer_id,
    )
    db.session.commit()
    return named_reviewers(release)
