"""The quality report of a collection project: the acceptance rate (accepted / decided)
overall and per expert, with the contributions still waiting, as the vendor sees it on the
report page, in the API and in the CSV — instead of "no answers"."""

from __future__ import annotations

import csv
import io
from typing import Any

from tests.app.builders import World, login
from tests.app.review.collected import collect_project, contribute, contribution_ids, decide


def decided_project(world: World) -> tuple[str, int, dict[str, int]]:
    """Two experts, six contributions: 3 accepted, 1 rejected, 2 pending. Returns the vendor's
    email, the project and the experts' user ids by name."""
    from app.accounts.tokens import user_for_token
    from app.extensions import db

    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project, _corpus = collect_project(world, vendor)
    ids = {}
    for name, texts in (
        ("王医生", ["在合肥看了骨科。", "带孩子打疫苗。", "夜里去了急诊。", "去药房买药。"]),
        ("李护士", ["陪老人体检。", "去医院拔牙。"]),
    ):
        api = world.api(world.user("expert"))
        with world.app.app_context():
            user = user_for_token(api.token)
            assert user is not None
            user.name, ids[name] = name, user.id
            db.session.commit()
        for text in texts:
            contribute(api, project, text)
    first, second, third, fourth, fifth, _sixth = contribution_ids(vendor, project)
    for accepted in (first, second, fifth):
        assert decide(vendor, project, accepted, "accept").status_code == 200
    assert decide(vendor, project, third, "reject", "与主题无关").status_code == 200
    del fourth  # 王医生's fourth and 李护士's second stay pending
    return email, project, ids


def test_the_report_page_shows_the_acceptance_rate(world: World) -> None:
    email, project, _ids = decided_project(world)
    client = world.app.test_client()
    login(client, email)
    page = client.get(f"/projects/{project}/quality").get_data(as_text=True)
    assert "还没有答案" not in page and "No answers yet" not in page
    assert 'id="acceptance-rate">75.0 %<' in page
    assert 'id="acceptance-accepted">3 / 4<' in page
    assert 'id="acceptance-pending">2<' in page
    assert "采纳率" in page and "待审核的贡献" in page
    rows = page.split('id="acceptance-table"')[1].split("</tbody>")[0]
    wang, li = rows.split("<tr data-user=")[1:]
    assert "王医生" in wang and "<td>2</td><td>1</td><td>1</td><td>66.7 %</td>" in wang
    assert "李护士" in li and "<td>1</td><td>0</td><td>1</td><td>100.0 %</td>" in li


def test_the_api_and_the_csv_carry_the_same_figures(world: World) -> None:
    email, project, ids = decided_project(world)
    vendor = world.api(email)
    figures = vendor.get(f"/api/v1/projects/{project}/quality").json["acceptance"]
    assert figures["overall"] == {
        "accepted": 3,
        "rejected": 1,
        "pending": 2,
        "decided": 4,
        "acceptance_rate": 0.75,
        "wanted": 6,
    }
    by_user = {e["user_id"]: e for e in figures["experts"]}
    assert (by_user[ids["王医生"]]["acceptance_rate"], by_user[ids["王医生"]]["pending"]) == (
        0.6667,
        1,
    )
    assert by_user[ids["李护士"]]["acceptance_rate"] == 1.0
    client = world.app.test_client()
    login(client, email)
    body = client.get(f"/projects/{project}/quality.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert ["acceptance_rate", "0.75"] in rows and ["pending", "2"] in rows
    assert ["王医生", "2", "1", "1", "0.6667"] in rows


def test_a_classification_report_has_no_acceptance_figures(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, ["一条。"], overlap=1)
    assert vendor.get(f"/api/v1/projects/{project}/quality").json["acceptance"] is None


def test_before_any_decision_the_rate_is_a_dash(world: World) -> None:
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project, _corpus = collect_project(world, vendor)
    contribute(world.api(world.user("expert")), project, "在合肥看了骨科。")
    client = world.app.test_client()
    login(client, email)
    page = client.get(f"/projects/{project}/quality").get_data(as_text=True)
    assert 'id="acceptance-rate">—<' in page and 'id="acceptance-pending">1<' in page
    overall = vendor.get(f"/api/v1/projects/{project}/quality").json["acceptance"]["overall"]
    assert overall["acceptance_rate"] is None and overall["decided"] == 0


def other_readers_see_nothing(world: World, project: int) -> Any:
    return world.vendor_api().get(f"/api/v1/projects/{project}/quality")


def test_another_organization_gets_404(world: World) -> None:
    _email, project, _ids = decided_project(world)
    assert other_readers_see_nothing(world, project).status_code == 404
