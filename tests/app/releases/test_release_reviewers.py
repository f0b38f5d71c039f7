"""Reviewers a publisher names for a release, beside the bureau's auditors; and the title
and source file name a document keeps on its item, as reviewers and the published files
show them."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEvent
from app.storage import object_store
from tests.app.builders import Api, login
from tests.app.corpora.document_files import docx_bytes
from tests.app.releases.release_world import ReleaseWorld, organization


def _user_id(releases: ReleaseWorld, email: str) -> int:
    from app.models import User

    with releases.world.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        assert user is not None
        return user.id


def _colleague(releases: ReleaseWorld) -> tuple[str, int]:
    """A second person of the publisher's organization."""
    with releases.world.app.app_context():
        from app.models import User

        publisher = db.session.scalar(select(User).where(User.email == releases.publisher_email))
        assert publisher is not None
        org_id = publisher.organization_id
    email = releases.world.user("publisher", org_id)
    return email, _user_id(releases, email)


def test_a_named_colleague_reviews_and_approves_but_never_the_builder(
    releases: ReleaseWorld,
) -> None:
    release_id = releases.analysed()
    email, colleague_id = _colleague(releases)
    colleague = releases.world.api(email)
    path = f"/api/v1/releases/{release_id}"
    refused = colleague.get(f"{path}/sample?page=1")
    assert refused.status_code == 403
    listed = releases.publisher.get(f"{path}/reviewers").json
    assert colleague_id in [c["id"] for c in listed["candidates"]] and listed["reviewers"] == []
    builder_id = _user_id(releases, releases.publisher_email)
    assert builder_id not in [c["id"] for c in listed["candidates"]]
    named = releases.publisher.post(f"{path}/reviewers", {"user_id": colleague_id})
    assert named.status_code == 200 and [r["id"] for r in named.json["reviewers"]] == [colleague_id]
    again = releases.publisher.post(f"{path}/reviewers", {"user_id": colleague_id})
    assert [r["id"] for r in again.json["reviewers"]] == [colleague_id]
    releases.review_all(release_id, reviewer=colleague)
    assert releases.publisher.post(f"{path}/approve").status_code == 403
    approved = colleague.post(f"{path}/approve")
    assert approved.status_code == 200 and approved.json["approved_by"] == colleague_id
    closed = releases.publisher.post(f"{path}/reviewers", {"user_id": colleague_id})
    assert closed.status_code == 409
    assert closed.json["error"]["code"] == "release.reviewers_closed"
    with releases.world.app.app_context():
        kinds = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.object_id == release_id)
        ).all()
    assert "release_reviewer_named" in kinds


def test_who_may_be_named_and_taking_a_reviewer_off(releases: ReleaseWorld) -> None:
    release_id = releases.analysed()
    path = f"/api/v1/releases/{release_id}/reviewers"
    builder = releases.publisher.post(
        path, {"user_id": _user_id(releases, releases.publisher_email)}
    )
    assert builder.status_code == 422
    assert builder.json["error"]["code"] == "release.reviewer_is_builder"
    assert any("\u4e00" <= ch <= "\u9fff" for ch in builder.json["error"]["message"])
    other_org = organization(releases.world, "publisher", "芜湖市档案馆", "档案局")
    stranger = _user_id(releases, releases.world.user("publisher", other_org))
    assert releases.publisher.post(path, {"user_id": stranger}).status_code == 404
    assert releases.publisher.post(path, {"user_id": "7"}).status_code == 422
    email, colleague_id = _colleague(releases)
    assert releases.auditor.post(path, {"user_id": colleague_id}).status_code == 404
    assert releases.publisher.post(path, {"user_id": colleague_id}).status_code == 200
    colleague = releases.world.api(email)
    assert colleague.get(f"/api/v1/releases/{release_id}/sample?page=1").status_code == 200
    removed = _delete(releases.publisher, f"{path}/{colleague_id}")
    assert removed.status_code == 200 and removed.json["reviewers"] == []
    assert colleague.get(f"/api/v1/releases/{release_id}/sample?page=1").status_code == 403
    assert _delete(releases.publisher, f"{path}/{colleague_id}").status_code == 404


def test_the_release_page_names_a_reviewer_who_then_sees_the_review(
    releases: ReleaseWorld,
) -> None:
    release_id = releases.analysed()
    email, colleague_id = _colleague(releases)
    builder = releases.world.app.test_client()
    login(builder, releases.publisher_email)
    page = builder.get(f"/releases/{release_id}").get_data(as_text=True)
    assert 'id="name-reviewer"' in page and f'value="{colleague_id}"' in page
    form = builder.get(f"/releases/{release_id}")
    token = _csrf(form.get_data(as_text=True))
    posted = builder.post(
        f"/releases/{release_id}/reviewers",
        data={"user_id": str(colleague_id), "csrf_token": token},
        follow_redirects=True,
    )
    shown = posted.get_data(as_text=True)
    assert posted.status_code == 200 and email in shown.split('id="release-reviewers"')[1]
    reviewer = releases.world.app.test_client()
    login(reviewer, email)
    own_view = reviewer.get(f"/releases/{release_id}").get_data(as_text=True)
    assert 'id="release-summary"' in own_view and 'id="release-approve"' in own_view
    assert reviewer.get(f"/releases/{release_id}/review").status_code == 200
    assert 'id="release-approve"' not in builder.get(f"/releases/{release_id}").get_data(
        as_text=True
    )


def _delete(api: Api, url: str) -> Any:
    return api.client.delete(url, headers={"Authorization": f"Bearer {api.token}"})


def _csrf(page: str) -> str:
    return page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def test_a_document_keeps_its_title_and_source_name_into_the_release(
    releases: ReleaseWorld,
) -> None:
    heading = "关于王小明同志来信的答复"
    body = ["王小明同志：你反映的问题已转有关部门办理。", "电话13912345678已登记。"]
    uploaded = releases.publisher.upload(docx_bytes(body, heading=heading), filename="答复.docx")
    assert uploaded.status_code == 201, uploaded.json
    created = releases.publisher.post(
        "/api/v1/releases", {"corpus_id": uploaded.json["id"], "title": "答复件"}
    )
    release_id = created.json["id"]
    assert releases.publisher.post(f"/api/v1/releases/{release_id}/analyse").status_code == 202
    sample = releases.auditor.get(f"/api/v1/releases/{release_id}/sample?page=1").json
    [entry] = sample["documents"]
    assert entry["title"] == heading
    document = releases.document(release_id, entry["id"])
    assert (document["title"], document["source_name"]) == (heading, "答复.docx")
    page = releases.world.app.test_client()
    login(page, releases.world.user("auditor"))
    shown = page.get(f"/releases/{release_id}/review").get_data(as_text=True)
    assert heading in shown and "答复.docx" in shown
    releases.review_all(release_id)
    assert releases.second_auditor.post(f"/api/v1/releases/{release_id}/approve").status_code == 200
    assert releases.publisher.post(f"/api/v1/releases/{release_id}/publish").status_code == 202
    with releases.world.app.app_context():
        data = b"".join(object_store().iter_chunks(f"releases/{release_id}/documents.jsonl"))
    [line] = [json.loads(x) for x in data.decode().splitlines()]
    assert line["title"].startswith("关于") and line["title"].endswith("同志来信的答复")
    assert "王小明" not in line["title"] and "答复.docx" not in data.decode()
    assert line["text"].startswith(line["title"] + "\n")
