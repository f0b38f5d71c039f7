"""Experts see their own reliability (check-item accuracy with its Wilson interval, their
Dawid–Skene diagonal per label) and nobody else's; vendors and auditors see every expert."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.app.builders import World, login
from tests.app.projects.gold import gold_project


def rename(app: Any, email: str, name: str) -> int:
    from app.extensions import db
    from app.models import User

    with app.app_context():
        user = db.session.query(User).filter_by(email=email).one()
        user.name = name
        db.session.commit()
        return int(user.id)


def careful_and_careless(app: Any, world: World) -> tuple[int, dict[str, Any]]:
    """A classify project with check items: 王细心 passes every check item, 李马虎 none."""
    vendor_email = world.user("vendor", world.org())
    vendor = world.api(vendor_email)
    project, gold = gold_project(world, vendor, gold_ratio=0.5, overlap=2)
    people: dict[str, Any] = {"vendor": vendor_email}
    for name, gold_label in (("王细心", "对"), ("李马虎", "错")):
        email = world.user("expert")
        people[name] = (email, rename(app, email, name))
        expert = world.api(email)
        while (claim := expert.post(f"/api/v1/projects/{project}/claim")).status_code == 200:
            item = claim.json["item"]["id"]
            label = gold_label if item in gold else ("对" if item % 2 else "错")
            expert.post(
                f"/api/v1/tasks/{claim.json['task_id']}/annotations",
                {"result": {"label": label}, "client_uuid": str(uuid.uuid4())},
            )
    return project, people


def test_an_expert_reads_only_their_own_reliability(app: Any, world: World) -> None:
    from quality import wilson_interval

    project, people = careful_and_careless(app, world)
    (careful, careful_id), (_, careless_id) = people["王细心"], people["李马虎"]
    api = world.api(careful)
    mine = api.get(f"/api/v1/projects/{project}/quality/experts/{careful_id}")
    assert mine.status_code == 200
    low, high = wilson_interval(5, 5)
    assert (mine.json["gold_correct"], mine.json["gold_total"]) == (5, 5)
    assert mine.json["gold_low"] == pytest.approx(low, abs=1e-4)
    assert mine.json["gold_high"] == pytest.approx(high, abs=1e-4)
    reliability = mine.json["label_reliability"]
    assert [row["label"] for row in reliability] == ["对", "错"]
    assert all(0 <= row["reliability"] <= 1 for row in reliability)
    assert api.get(f"/api/v1/projects/{project}/quality/experts/{careless_id}").status_code == 404
    client = app.test_client()
    login(client, careful)
    page = client.get(f"/projects/{project}/quality/experts/{careful_id}")
    assert page.status_code == 200
    assert 'id="gold-accuracy">5 / 5<' in page.text and 'id="label-reliability"' in page.text
    assert "王细心" in page.text and "李马虎" not in page.text and "0 / 5" not in page.text
    assert client.get(f"/projects/{project}/quality/experts/{careless_id}").status_code == 404
    assert client.get(f"/projects/{project}/quality").status_code in (403, 404)
    listing = client.get("/projects/mine/quality").text
    assert f'/projects/{project}/quality/experts/{careful_id}"' in listing


def test_an_expert_without_answers_in_the_project_gets_404(app: Any, world: World) -> None:
    project, _ = careful_and_careless(app, world)
    newcomer = world.user("expert")
    newcomer_id = rename(app, newcomer, "赵新人")
    api = world.api(newcomer)
    assert api.get(f"/api/v1/projects/{project}/quality/experts/{newcomer_id}").status_code == 404
    assert api.get(f"/api/v1/projects/999999/quality/experts/{newcomer_id}").status_code == 404


def test_vendor_and_auditor_see_every_experts_reliability(app: Any, world: World) -> None:
    project, people = careful_and_careless(app, world)
    auditor = app.test_client()
    login(auditor, world.user("auditor"))
    report = auditor.get(f"/projects/{project}/quality").text
    assert "王细心" in report and "李马虎" in report
    assert "5 / 5" in report and "0 / 5" in report
    careless_id = people["李马虎"][1]
    assert f"/projects/{project}/quality/experts/{careless_id}" in report
    page = auditor.get(f"/projects/{project}/quality/experts/{careless_id}").text
    assert 'id="gold-accuracy">0 / 5<' in page and 'id="label-reliability"' in page
    vendor = world.api(people["vendor"])
    seen = vendor.get(f"/api/v1/projects/{project}/quality/experts/{careless_id}").json
    assert (seen["name"], seen["gold_correct"], seen["gold_total"]) == ("李马虎", 0, 5)
    stranger = world.vendor_api()
    assert (
        stranger.get(f"/api/v1/projects/{project}/quality/experts/{careless_id}").status_code == 404
    )
