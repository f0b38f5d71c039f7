"""Invitation-only projects, skips counted against the daily cap, and the skip ratio that
pauses an expert (issue 14, "Anyone can read everything")."""

from __future__ import annotations

from typing import Any

from tests.app.builders import Api, World, login


def _project(world: World, vendor: Api, texts: list[str], **options: Any) -> int:
    corpus = world.ready_corpus(vendor, texts)
    response = vendor.post(
        "/api/v1/projects",
        {
            "name": "邀请制项目",
            "corpus_id": corpus,
            "type": "classify",
            "labels": ["是", "否"],
            "overlap": 1,
            **options,
        },
    )
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def _claim_and_skip(expert: Api, project: int) -> Any:
    claim = expert.post(f"/api/v1/projects/{project}/claim")
    if claim.status_code != 200:
        return claim
    skipped = expert.post(f"/api/v1/tasks/{claim.json['task_id']}/skip", {"reason": "unclear"})
    assert skipped.status_code == 204
    return claim


def test_only_invited_experts_get_an_invitation_only_project(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    project = _project(world, vendor, ["保密文本一。", "保密文本二。"], invitation_only=True)
    invited_email, outsider_email = world.user("expert"), world.user("expert")
    invited, outsider = world.api(invited_email), world.api(outsider_email)
    assert invited.post(f"/api/v1/projects/{project}/claim").status_code == 404
    response = vendor.post(f"/api/v1/projects/{project}/invitations", {"email": invited_email})
    assert response.status_code == 201 and response.json["email"] == invited_email
    again = vendor.post(f"/api/v1/projects/{project}/invitations", {"email": invited_email})
    assert again.status_code == 409
    unknown = vendor.post(f"/api/v1/projects/{project}/invitations", {"email": "no@example.cn"})
    assert unknown.status_code == 422
    other_vendor = world.vendor_api()
    foreign = other_vendor.post(
        f"/api/v1/projects/{project}/invitations", {"email": outsider_email}
    )
    assert foreign.status_code == 404
    assert invited.post(f"/api/v1/projects/{project}/claim").status_code == 200
    assert outsider.post(f"/api/v1/projects/{project}/claim").status_code == 404
    browser = app.test_client()
    login(browser, outsider_email)
    assert "邀请制项目" not in browser.get("/").text
    listed = vendor.get(f"/api/v1/projects/{project}/invitations").json
    assert [e["email"] for e in listed] == [invited_email]
    user_id = listed[0]["user_id"]
    withdrawn = vendor.client.delete(
        f"/api/v1/projects/{project}/invitations/{user_id}",
        headers={"Authorization": f"Bearer {vendor.token}"},
    )
    assert withdrawn.status_code == 204
    assert vendor.get(f"/api/v1/projects/{project}/invitations").json == []
    assert invited.post(f"/api/v1/projects/{project}/claim").status_code == 404
    # The withdrawn expert's lease ended with the invitation: both items are free again.
    vendor.post(f"/api/v1/projects/{project}/invitations", {"email": outsider_email})
    taken = set()
    for _ in range(2):
        claim = outsider.post(f"/api/v1/projects/{project}/claim")
        assert claim.status_code == 200, claim.status_code
        taken.add(claim.json["task_id"])
        answer = {"result": {"label": "是"}, "client_uuid": _uuid()}
        assert outsider.post(f"/api/v1/tasks/{claim.json['task_id']}/annotations", answer)
    assert len(taken) == 2


def test_a_vendor_invites_on_the_project_page(app: Any, world: World) -> None:
    vendor_email = world.user("vendor", world.org())
    vendor = world.api(vendor_email)
    project = _project(world, vendor, ["文本。"], invitation_only=True)
    expert_email = world.user("expert")
    browser = app.test_client()
    login(browser, vendor_email)
    page = browser.get(f"/projects/{project}")
    assert 'id="invite-form"' in page.text
    done = browser.post(
        f"/projects/{project}/invitations", data={"email": expert_email}, follow_redirects=True
    )
    assert expert_email in done.text
    assert world.api(expert_email).post(f"/api/v1/projects/{project}/claim").status_code == 200


def test_skips_count_against_the_daily_cap(world: World) -> None:
    vendor = world.vendor_api()
    project = _project(world, vendor, [f"第{i}条。" for i in range(10)], daily_cap=3)
    expert = world.api(world.user("expert"))
    for _ in range(3):
        assert _claim_and_skip(expert, project).status_code == 200
    capped = expert.post(f"/api/v1/projects/{project}/claim")
    assert capped.status_code == 403 and capped.json["error"]["code"] == "daily_cap"


def test_an_expert_skipping_above_the_ratio_is_paused(world: World) -> None:
    vendor = world.vendor_api()
    project = _project(world, vendor, [f"第{i}条。" for i in range(30)], skip_ratio=0.5)
    expert = world.api(world.user("expert"))
    for _ in range(10):
        assert _claim_and_skip(expert, project).status_code == 200
    paused = expert.post(f"/api/v1/projects/{project}/claim")
    assert paused.status_code == 403, paused.json
    assert paused.json["error"]["code"] == "paused_skips"
    assert "10" in paused.json["error"]["message"] and "50%" in paused.json["error"]["message"]
    steady = world.api(world.user("expert"))
    for _ in range(11):
        claim = steady.post(f"/api/v1/projects/{project}/claim")
        assert claim.status_code == 200, claim.json
        answered = steady.post(
            f"/api/v1/tasks/{claim.json['task_id']}/annotations",
            {"result": {"label": "是"}, "client_uuid": _uuid()},
        )
        assert answered.status_code == 201
    bad = vendor.post(
        "/api/v1/projects",
        {
            "name": "x",
            "corpus_id": world.ready_corpus(vendor, ["一。"]),
            "type": "classify",
            "labels": ["是", "否"],
            "overlap": 1,
            "skip_ratio": 1.5,
        },
    )
    assert bad.status_code == 422 and "skip_ratio" in bad.json["error"]["message"]


def _uuid() -> str:
    import uuid

    return str(uuid.uuid4())


def test_the_skip_ratio_rule_waits_for_ten_opened_tasks() -> None:
    from tasks import skip_ratio_exceeded

    assert not skip_ratio_exceeded(9, 9, 0.5)  # too few tasks opened to judge
    assert skip_ratio_exceeded(6, 10, 0.5)
    assert not skip_ratio_exceeded(5, 10, 0.5)  # exactly the ratio is allowed
    assert not skip_ratio_exceeded(100, 100, None)
