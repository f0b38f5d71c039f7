"""Expert pools (issue 14, "a vendor invites named experts or a pool"): a vendor keeps named
pools, invites a whole pool to an invitation-only project, and access follows membership as it
is now: a member added later gets the items, a member removed (or a deleted pool, or a
withdrawn pool invitation) loses them with their lease. Another organization's pool is a 404."""

from __future__ import annotations

import uuid
from typing import Any

from tests.app.builders import Api, World, login


def _delete(api: Api, url: str) -> Any:
    return api.client.delete(url, headers={"Authorization": f"Bearer {api.token}"})


def _patch(api: Api, url: str, body: Any) -> Any:
    return api.client.patch(url, json=body, headers={"Authorization": f"Bearer {api.token}"})


def _invitation_only_project(world: World, vendor: Api, texts: list[str]) -> int:
    corpus = world.ready_corpus(vendor, texts)
    created = vendor.post(
        "/api/v1/projects",
        {
            "name": "池邀请项目",
            "corpus_id": corpus,
            "type": "classify",
            "labels": ["是", "否"],
            "overlap": 1,
            "invitation_only": True,
        },
    )
    assert created.status_code == 201, created.json
    return int(created.json["id"])


def _answer(expert: Api, task_id: int) -> Any:
    body = {"result": {"label": "是"}, "client_uuid": str(uuid.uuid4())}
    return expert.post(f"/api/v1/tasks/{task_id}/annotations", body)


def test_a_vendor_keeps_named_pools(world: World) -> None:
    vendor = world.vendor_api()
    created = vendor.post("/api/v1/pools", {"name": "  医学 专家 "})
    assert created.status_code == 201, created.json
    pool = created.json["id"]
    assert created.json == {"id": pool, "name": "医学 专家", "members": []}
    assert vendor.post("/api/v1/pools", {"name": "医学 专家"}).status_code == 409
    assert vendor.post("/api/v1/pools", {"name": " "}).json["error"]["code"] == "bad_name"
    assert vendor.post("/api/v1/pools", {"name": "长" * 101}).status_code == 422
    assert vendor.post("/api/v1/pools", {"name": 5}).status_code == 422
    expert_email = world.user("expert")
    added = vendor.post(f"/api/v1/pools/{pool}/members", {"email": expert_email.upper()})
    assert added.status_code == 201 and added.json["email"] == expert_email
    assert vendor.post(f"/api/v1/pools/{pool}/members", {"email": expert_email}).status_code == 409
    not_expert = vendor.post(f"/api/v1/pools/{pool}/members", {"email": world.user("auditor")})
    assert not_expert.status_code == 422 and not_expert.json["error"]["code"] == "no_such_expert"
    renamed = _patch(vendor, f"/api/v1/pools/{pool}", {"name": "医学专家组"})
    assert renamed.status_code == 200 and renamed.json["name"] == "医学专家组"
    assert vendor.get("/api/v1/pools").json == [{"id": pool, "name": "医学专家组", "members": 1}]
    user_id = added.json["user_id"]
    assert _delete(vendor, f"/api/v1/pools/{pool}/members/{user_id}").status_code == 204
    assert _delete(vendor, f"/api/v1/pools/{pool}/members/{user_id}").status_code == 404
    assert vendor.get(f"/api/v1/pools/{pool}").json["members"] == []
    assert _delete(vendor, f"/api/v1/pools/{pool}").status_code == 204
    assert vendor.get(f"/api/v1/pools/{pool}").status_code == 404
    assert vendor.get("/api/v1/pools").json == []


def test_another_organizations_pool_is_not_found(world: World) -> None:
    vendor, rival = world.vendor_api(), world.vendor_api()
    pool = vendor.post("/api/v1/pools", {"name": "核心专家"}).json["id"]
    project = _invitation_only_project(world, vendor, ["文本。"])
    rival_project = _invitation_only_project(world, rival, ["对手文本。"])
    expert_email = world.user("expert")
    assert rival.get(f"/api/v1/pools/{pool}").status_code == 404
    assert _patch(rival, f"/api/v1/pools/{pool}", {"name": "夺取"}).status_code == 404
    assert rival.post(f"/api/v1/pools/{pool}/members", {"email": expert_email}).status_code == 404
    assert _delete(rival, f"/api/v1/pools/{pool}").status_code == 404
    foreign = rival.post(f"/api/v1/projects/{rival_project}/pools", {"pool_id": pool})
    assert foreign.status_code == 404
    assert rival.post(f"/api/v1/projects/{project}/pools", {"pool_id": pool}).status_code == 404
    assert rival.get(f"/api/v1/projects/{project}/pools").status_code == 404
    assert vendor.post(f"/api/v1/projects/{project}/pools", {"pool_id": 2**63}).status_code == 404
    assert vendor.get(f"/api/v1/pools/{2**63}").status_code == 404
    assert rival.get("/api/v1/pools").json == []
    expert = world.api(expert_email)
    assert expert.get("/api/v1/pools").status_code == 403
    assert expert.get(f"/api/v1/pools/{pool}").status_code == 404
    assert vendor.get(f"/api/v1/pools/{pool}").json["name"] == "核心专家"


def test_access_follows_the_pools_membership(world: World) -> None:
    vendor = world.vendor_api()
    project = _invitation_only_project(world, vendor, ["保密一。", "保密二。"])
    pool = vendor.post("/api/v1/pools", {"name": "政务专家"}).json["id"]
    early_email, late_email = world.user("expert"), world.user("expert")
    early, late = world.api(early_email), world.api(late_email)
    vendor.post(f"/api/v1/pools/{pool}/members", {"email": early_email})
    assert early.post(f"/api/v1/projects/{project}/claim").status_code == 404
    invited = vendor.post(f"/api/v1/projects/{project}/pools", {"pool_id": pool})
    assert invited.status_code == 201
    assert invited.json == {"id": pool, "name": "政务专家", "members": 1}
    assert vendor.post(f"/api/v1/projects/{project}/pools", {"pool_id": pool}).status_code == 409
    assert vendor.get(f"/api/v1/projects/{project}/pools").json[0]["id"] == pool
    held = early.post(f"/api/v1/projects/{project}/claim")
    assert held.status_code == 200
    # A member added after the invitation gets the project's items too.
    assert late.post(f"/api/v1/projects/{project}/claim").status_code == 404
    late_id = vendor.post(f"/api/v1/pools/{pool}/members", {"email": late_email}).json["user_id"]
    late_claim = late.post(f"/api/v1/projects/{project}/claim")
    assert late_claim.status_code == 200
    assert late_claim.json["task_id"] != held.json["task_id"]
    # Removed from the pool: the lease ends, the answer is refused, the item is free again.
    assert _delete(vendor, f"/api/v1/pools/{pool}/members/{late_id}").status_code == 204
    assert _answer(late, late_claim.json["task_id"]).status_code == 409
    assert late.post(f"/api/v1/projects/{project}/claim").status_code == 404
    assert _answer(early, held.json["task_id"]).status_code == 201
    freed = early.post(f"/api/v1/projects/{project}/claim")
    assert freed.status_code == 200 and freed.json["task_id"] == late_claim.json["task_id"]
    # Withdrawing the pool ends the remaining member's lease too.
    assert _delete(vendor, f"/api/v1/projects/{project}/pools/{pool}").status_code == 204
    assert _delete(vendor, f"/api/v1/projects/{project}/pools/{pool}").status_code == 404
    assert _answer(early, freed.json["task_id"]).status_code == 409
    assert early.post(f"/api/v1/projects/{project}/claim").status_code == 404


def test_a_member_invited_by_name_keeps_access_when_the_pool_goes(world: World) -> None:
    vendor = world.vendor_api()
    project = _invitation_only_project(world, vendor, ["文本一。", "文本二。"])
    pool = vendor.post("/api/v1/pools", {"name": "双重邀请"}).json["id"]
    named_email, pooled_email = world.user("expert"), world.user("expert")
    for email in (named_email, pooled_email):
        vendor.post(f"/api/v1/pools/{pool}/members", {"email": email})
    vendor.post(f"/api/v1/projects/{project}/pools", {"pool_id": pool})
    named_too = vendor.post(f"/api/v1/projects/{project}/invitations", {"email": named_email})
    assert named_too.status_code == 201  # a pool member may be named as well
    named, pooled = world.api(named_email), world.api(pooled_email)
    named_claim = named.post(f"/api/v1/projects/{project}/claim")
    pooled_claim = pooled.post(f"/api/v1/projects/{project}/claim")
    assert named_claim.status_code == pooled_claim.status_code == 200
    assert _delete(vendor, f"/api/v1/pools/{pool}").status_code == 204
    assert vendor.get(f"/api/v1/projects/{project}/pools").json == []
    assert _answer(named, named_claim.json["task_id"]).status_code == 201
    assert _answer(pooled, pooled_claim.json["task_id"]).status_code == 409


def test_pools_on_the_project_and_pools_pages(app: Any, world: World) -> None:
    vendor_email = world.user("vendor", world.org())
    vendor = world.api(vendor_email)
    project = _invitation_only_project(world, vendor, ["文本。"])
    expert_email = world.user("expert")
    browser = app.test_client()
    login(browser, vendor_email)
    refused = browser.post("/projects/pools", data={"name": ""})
    assert refused.status_code == 422 and "1" in refused.text
    made = browser.post("/projects/pools", data={"name": "审校组"}, follow_redirects=True)
    assert "审校组" in made.text
    pool = vendor.get("/api/v1/pools").json[0]["id"]
    browser.post(f"/projects/pools/{pool}/members", data={"email": expert_email})
    page = browser.get(f"/projects/{project}")
    assert 'id="invite-pool-form"' in page.text
    done = browser.post(f"/projects/{project}/pools", data={"pool_id": pool}, follow_redirects=True)
    assert f'data-pool="{pool}"' in done.text
    assert world.api(expert_email).post(f"/api/v1/projects/{project}/claim").status_code == 200
    rival_email = world.user("vendor", world.org())
    rival = app.test_client()
    login(rival, rival_email)
    assert rival.get(f"/projects/pools/{pool}").status_code == 404
    assert rival.post(f"/projects/pools/{pool}/delete").status_code == 302
    assert vendor.get(f"/api/v1/pools/{pool}").status_code == 200
    expert_browser = app.test_client()
    login(expert_browser, expert_email)
    assert expert_browser.get("/projects/pools").status_code == 403
