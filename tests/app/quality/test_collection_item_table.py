"""The per-item table of a collection project lists what its final answers and exports hold:
accepted contributions only. A pending one joins the table once accepted (a decision makes the
stored report stale, as a new answer does); a rejected one never does."""

from __future__ import annotations

from typing import Any

from tests.app.builders import World, export_lines, login
from tests.app.review.collected import collect_project, contribute, contribution_ids, decide

TEXTS = ["上周在合肥看了骨科。", "带孩子去社区打疫苗。", "夜里发烧去了急诊。"]


def table_items(vendor: Any, project: int) -> dict[int, dict[str, Any]]:
    page = vendor.get(f"/api/v1/projects/{project}/quality/items").json
    assert page["stale"] is False, "the report was recomputed on reading"
    assert page["total"] == len(page["items"])
    return {row["item_id"]: row for row in page["items"]}


def contributed_items(vendor: Any, project: int) -> dict[str, int]:
    listed = vendor.get(f"/api/v1/projects/{project}/contributions").json["contributions"]
    return {c["status"] + ":" + c["text"]: c["item_id"] for c in listed}


def exported_texts(vendor: Any, project: int) -> list[str]:
    export = vendor.post(f"/api/v1/projects/{project}/exports").json
    url = vendor.get(f"/api/v1/exports/{export['id']}").json["download_url"]
    return [line["final"]["text"] for line in export_lines(vendor, url)]


def test_only_accepted_contributions_are_lines_of_the_item_table(world: World) -> None:
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project, _corpus = collect_project(world, vendor)
    expert = world.api(world.user("expert"))
    for text in TEXTS:
        contribute(expert, project, text)
    first, second, third = contribution_ids(vendor, project)
    assert decide(vendor, project, first, "accept").status_code == 200
    assert decide(vendor, project, second, "reject", "与就医无关").status_code == 200
    items = contributed_items(vendor, project)

    lines = table_items(vendor, project)
    assert set(lines) == {items["accepted:" + TEXTS[0]]}
    assert lines[items["accepted:" + TEXTS[0]]]["consensus"] == TEXTS[0]
    assert exported_texts(vendor, project) == [TEXTS[0]]
    payload = vendor.get(f"/api/v1/projects/{project}/quality").json["report"]
    assert (payload["item_lines"]["total"], payload["decisions"]) == (1, 2)

    client = world.app.test_client()
    login(client, email)
    page = client.get(f"/projects/{project}/quality/items").get_data(as_text=True)
    assert TEXTS[0] in page and TEXTS[1] not in page and TEXTS[2] not in page
    assert "1 个条目" in page

    assert decide(vendor, project, third, "accept").status_code == 200
    lines = table_items(vendor, project)
    assert set(lines) == {items["accepted:" + TEXTS[0]], items["pending:" + TEXTS[2]]}
    assert sorted(exported_texts(vendor, project)) == sorted([TEXTS[0], TEXTS[2]])
    page = client.get(f"/projects/{project}/quality/items").get_data(as_text=True)
    assert TEXTS[2] in page and TEXTS[1] not in page


def test_a_decision_alone_makes_the_report_stale(world: World) -> None:
    from app.quality.stored import projects_needing_reports

    vendor = world.vendor_api()
    project, _corpus = collect_project(world, vendor)
    contribute(world.api(world.user("expert")), project, TEXTS[0])
    assert table_items(vendor, project) == {}
    with world.app.app_context():
        assert project not in projects_needing_reports()
    (pending,) = contribution_ids(vendor, project)
    assert decide(vendor, project, pending, "accept").status_code == 200
    with world.app.app_context():
        assert projects_needing_reports() == [project]
    assert len(table_items(vendor, project)) == 1
    with world.app.app_context():
        assert project not in projects_needing_reports()
