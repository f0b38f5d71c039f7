"""A lease is the only key to an item: a skipped or expired lease no longer shows its image
or text, claims far above human speed are throttled (429 with Retry-After) and counted on the
audit page, and deactivating an expert releases their leases at once (issue 14)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import update

from tests.app.builders import Api, World, login
from tests.app.corpora.image_files import archive, png


def _image_project(world: World, vendor: Api, pictures: int, overlap: int = 1) -> int:
    colours = ["red", "green", "blue", "yellow", "white"][:pictures]
    members = [(f"{n}.png", png(120, 80, colour)) for n, colour in enumerate(colours)]
    corpus = vendor.upload(archive(members), "street.zip").json["id"]
    response = vendor.post(
        "/api/v1/projects",
        {"name": "框", "corpus_id": corpus, "type": "bbox", "labels": ["车"], "overlap": overlap},
    )
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def _age_leases(app: Any, task_id: int) -> None:
    """Move a lease's end into the past, as the clock would after the lease time."""
    from app.extensions import db
    from app.models import Assignment
    from app.models.base import utcnow

    with app.app_context():
        db.session.execute(
            update(Assignment)
            .where(Assignment.task_id == task_id)
            .values(lease_expires_at=utcnow() - timedelta(seconds=5))
        )
        db.session.commit()


def test_a_skipped_or_expired_lease_no_longer_shows_the_image(any_db_world: World) -> None:
    world, app = any_db_world, any_db_world.app
    vendor = world.vendor_api()
    project = _image_project(world, vendor, 3)
    expert = world.api(world.user("expert"))
    first = expert.post(f"/api/v1/projects/{project}/claim").json
    image = first["item"]["image"]
    assert expert.get(image["url"]).status_code == 200
    assert expert.get(image["preview_url"]).status_code == 200
    skip = expert.post(f"/api/v1/tasks/{first['task_id']}/skip", {"reason": "unclear"})
    assert skip.status_code == 204
    assert expert.get(image["url"]).status_code == 404
    assert expert.get(image["preview_url"]).status_code == 404
    second = expert.post(f"/api/v1/projects/{project}/claim").json
    assert second["task_id"] != first["task_id"]
    assert expert.get(second["item"]["image"]["url"]).status_code == 200
    _age_leases(app, second["task_id"])
    assert expert.get(second["item"]["image"]["url"]).status_code == 404
    heartbeat = expert.post(f"/api/v1/tasks/{second['task_id']}/heartbeat")
    assert heartbeat.status_code == 409
    third = expert.post(f"/api/v1/projects/{project}/claim").json
    answered = expert.post(
        f"/api/v1/tasks/{third['task_id']}/annotations",
        {"result": {"boxes": []}, "client_uuid": str(uuid.uuid4())},
    )
    assert answered.status_code == 201
    assert expert.get(third["item"]["image"]["url"]).status_code == 200  # one's own answer
    assert vendor.get(first["item"]["image"]["url"]).status_code == 200


def test_a_skipped_text_is_not_served_again(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, ["身份证号340104199001011234。", "普通文本。"], overlap=1)
    expert = world.api(world.user("expert"))
    first = expert.post(f"/api/v1/projects/{project}/claim").json
    expert.post(f"/api/v1/tasks/{first['task_id']}/skip", {"reason": "unclear"})
    texts = []
    while (claim := expert.post(f"/api/v1/projects/{project}/claim")).status_code == 200:
        texts.append(claim.json["item"]["text"])
        expert.post(f"/api/v1/tasks/{claim.json['task_id']}/skip", {"reason": "unclear"})
    assert first["item"]["text"] not in texts


def test_claims_faster_than_a_person_reads_are_throttled_and_reported(
    any_db_world: World,
) -> None:
    world, app = any_db_world, any_db_world.app
    limit = app.config["CLAIMS_PER_MINUTE"]
    vendor = world.vendor_api()
    project = world.project(vendor, [f"第{i}段文字。" for i in range(limit + 10)], overlap=1)
    harvester_email = world.user("expert")
    harvester = world.api(harvester_email)
    for _ in range(limit):
        claim = harvester.post(f"/api/v1/projects/{project}/claim")
        assert claim.status_code == 200, claim.json
        harvester.post(f"/api/v1/tasks/{claim.json['task_id']}/skip", {"reason": "unclear"})
    throttled = harvester.post(f"/api/v1/projects/{project}/claim")
    assert throttled.status_code == 429, throttled.json
    assert throttled.json["error"]["code"] == "claim_rate"
    assert 1 <= int(throttled.headers["Retry-After"]) <= 60
    assert throttled.headers["Retry-After"] in throttled.json["error"]["message"]
    assert harvester.post(f"/api/v1/projects/{project}/claim").status_code == 429
    others = world.api(world.user("expert"))
    assert others.post(f"/api/v1/projects/{project}/claim").status_code == 200
    auditor = app.test_client()
    login(auditor, world.user("auditor"))
    page = auditor.get("/admin/audit").text
    assert 'id="throttled-total">2<' in page
    row = page.split('id="throttled-table"')[1]
    assert harvester_email in row and '<td class="num">2</td>' in row


def test_deactivating_an_expert_releases_their_leases_at_once(any_db_world: World) -> None:
    world, app = any_db_world, any_db_world.app
    vendor = world.vendor_api()
    project = world.project(vendor, ["唯一的一条。"], overlap=1)
    holder_email = world.user("expert")
    holder, waiting = world.api(holder_email), world.api(world.user("expert"))
    held = holder.post(f"/api/v1/projects/{project}/claim").json
    assert waiting.post(f"/api/v1/projects/{project}/claim").status_code == 204
    admin = app.test_client()
    login(admin, world.user("admin"))
    from app.extensions import db
    from app.models import User

    with app.app_context():
        holder_id = db.session.query(User.id).filter_by(email=holder_email).scalar()
    assert admin.post(f"/admin/users/{holder_id}/deactivate").status_code == 302
    taken = waiting.post(f"/api/v1/projects/{project}/claim")
    assert taken.status_code == 200 and taken.json["task_id"] == held["task_id"]
