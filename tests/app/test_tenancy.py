"""Another organization's ids answer 404, in the API and on pages alike."""

from __future__ import annotations

from typing import Any

from tests.app.builders import World, login


def test_vendor_cannot_see_or_use_another_organizations_objects(app: Any, world: World) -> None:
    mine, theirs = world.vendor_api(), world.vendor_api()
    their_project = world.project(theirs, ["甲", "乙"])
    their_corpus = world.ready_corpus(theirs, ["丙"])
    for url in (
        f"/api/v1/corpora/{their_corpus}",
        f"/api/v1/projects/{their_project}",
        f"/api/v1/projects/{their_project}/quality",
    ):
        response = mine.get(url)
        assert response.status_code == 404, url
        assert response.json["error"]["code"] == "not_found"
    response = mine.post(
        "/api/v1/projects",
        {
            "name": "偷",
            "corpus_id": their_corpus,
            "type": "classify",
            "labels": ["a", "b"],
            "overlap": 1,
        },
    )
    assert response.status_code == 404
    client = app.test_client()
    login(client, _email_of(app, mine))
    assert client.get(f"/projects/{their_project}").status_code == 404
    assert client.get(f"/corpora/{their_corpus}").status_code == 404


def _email_of(app: Any, api: Any) -> str:
    from app.accounts.services import user_for_token

    with app.app_context():
        user = user_for_token(api.token)
        assert user is not None
        return user.email


def test_auditor_reads_every_organization(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, ["一", "二"])
    auditor = world.api(world.user("auditor"))
    assert auditor.get(f"/api/v1/projects/{project}/quality").status_code == 200


def test_expert_cannot_read_vendor_objects_or_claim_foreign_domains(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, ["一", "二"])
    expert = world.api(world.user("expert"))
    assert expert.get(f"/api/v1/projects/{project}/quality").status_code == 404
    assert expert.post("/api/v1/projects/999999/claim").status_code == 404
    assert vendor.post(f"/api/v1/projects/{project}/claim").status_code == 404


def test_unknown_token_is_401(app: Any) -> None:
    response = app.test_client().get(
        "/api/v1/projects/1/quality", headers={"Authorization": "Bearer wb_forged"}
    )
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorized"
