"""Adding an expert named by e-mail (``app.rosters``) to a project's invitations, a pool or a
project's reviewers: one lookup for all three, each with its own refusals. An address in any
case and with spaces finds the expert; an unknown address or another role's account is
refused with the caller's message; a repeat is a 409 for invitations and pools, and changes
nothing for reviewers; another organization's project or pool is a 404 and adds no one."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from tests.app.builders import World


def _rows(app: Any, model: Any) -> int:
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def _events(app: Any, action: str) -> int:
    from app.extensions import db
    from app.models import AuditEvent

    with app.app_context():
        query = select(func.count()).where(AuditEvent.action == action)
        return db.session.scalar(query) or 0


def test_invitations_pools_and_reviewers_name_experts_alike(world: World) -> None:
    from app.models import ExpertPoolMember, ProjectInvitation, ProjectReviewer

    app, vendor = world.app, world.vendor_api()
    project = world.project(vendor, ["第一段。", "第二段。"], overlap=1)
    pool = vendor.post("/api/v1/pools", {"name": "名册"}).json["id"]
    expert, auditor = world.user("expert"), world.user("auditor")
    rosters = [
        (f"/api/v1/projects/{project}/invitations", ProjectInvitation, "expert_invited"),
        (f"/api/v1/pools/{pool}/members", ExpertPoolMember, "pool_member_added"),
        (f"/api/v1/projects/{project}/reviewers", ProjectReviewer, "reviewer_added"),
    ]
    for url, model, action in rosters:
        added = vendor.post(f"{url}?lang=en", {"email": f"  {expert.upper()} "})
        assert added.status_code == 201, added.json
        assert (_rows(app, model), _events(app, action)) == (1, 1)

    invite, member, reviewer = (
        vendor.post(f"{url}?lang=en", {"email": expert}) for url, *_ in rosters
    )
    assert invite.status_code == 409 and invite.json["error"] == {
        "code": "already_invited",
        "message": "This expert is already invited.",
    }
    assert member.status_code == 409 and member.json["error"] == {
        "code": "already_member",
        "message": "This expert is already in the pool.",
    }
    assert reviewer.status_code == 201  # naming a reviewer again changes nothing
    for _url, model, action in rosters:
        assert (_rows(app, model), _events(app, action)) == (1, 1)

    for email in ("nobody@example.cn", auditor):
        for url, _model, _action in rosters[:2]:
            refused = vendor.post(f"{url}?lang=en", {"email": email})
            assert refused.status_code == 422 and refused.json["error"] == {
                "code": "no_such_expert",
                "message": "No expert has this email address.",
            }
        refused = vendor.post(f"{rosters[2][0]}?lang=en", {"email": email})
        assert refused.status_code == 404
        assert refused.json["error"]["message"] == "No expert with this email."
    chinese = vendor.post(rosters[0][0], {"email": "nobody@example.cn"})
    assert chinese.json["error"]["message"] == "没有使用此邮箱的专家。"

    stranger = world.vendor_api()
    for url, model, _action in rosters:
        assert stranger.post(url, {"email": world.user("expert")}).status_code == 404
        assert _rows(app, model) == 1
