"""The per-item table of the quality report: every answered item with its answer count,
agreement, consensus and posterior, check-item and reviewer flags; paginated and sorted from
an allow-list, in the API and on the page."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.app.builders import Api, World, login
from tests.app.projects.gold import gold_project
from tests.app.quality.plans import LABELS, PLAN, TEXTS, label_everything


def test_item_lines_carry_answers_agreement_consensus_and_posterior(world: World) -> None:
    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS, overlap=3, labels=tuple(LABELS))
    _, order = label_everything(world, project)
    page = vendor.get(f"/api/v1/projects/{project}/quality/items").json
    assert page["total"] == 6 and page["page"] == 1 and not page["has_next"]
    by_item = {row["item_id"]: row for row in page["items"]}
    assert [row["item_id"] for row in page["items"]] == sorted(by_item)  # item order
    for item, position in order.items():
        row = by_item[item]
        given = [plan[position] for plan in PLAN]
        unanimous = len(set(given)) == 1
        assert row["answers"] == 3 and not row["is_gold"] and not row["adjudicated"]
        assert row["agreement"] == pytest.approx(1.0 if unanimous else 1 / 3, abs=1e-4)
        assert row["consensus"] in LABELS and 0 < row["posterior"] <= 1
        if unanimous:
            assert row["consensus"] == given[0]
        assert row["text_preview"] == TEXTS[position]


def test_item_table_sorts_from_the_allow_list(any_db_world: World) -> None:
    world = any_db_world
    vendor = world.vendor_api()
    project = world.project(vendor, TEXTS, overlap=3, labels=tuple(LABELS))
    label_everything(world, project)

    def column(sort: str, name: str) -> list[Any]:
        page = vendor.get(f"/api/v1/projects/{project}/quality/items?sort={sort}").json
        return [row[name] for row in page["items"]]

    assert column("agreement", "agreement") == sorted(column("agreement", "agreement"))
    assert column("-agreement", "agreement")[0] == 1.0
    assert column("agreement", "agreement")[0] == pytest.approx(1 / 3, abs=1e-4)
    assert column("-item", "item_id") == sorted(column("item", "item_id"), reverse=True)
    posteriors = column("posterior", "posterior")
    assert posteriors == sorted(posteriors)
    before = vendor.get(f"/api/v1/projects/{project}/quality").json["computed_at"]
    for query in (
        "sort=user__password",
        "sort=agreement;DROP TABLE item",
        "page=0",
        "page=x",
        "sort=agreement&order=desc",
    ):
        bad = vendor.get(f"/api/v1/projects/{project}/quality/items?{query}")
        assert bad.status_code == 400, query
        assert bad.json["error"]["code"] == "bad_parameter"
        assert "排序" in bad.json["error"]["message"]  # translated, names the allowed sorts
        assert "-agreement" in bad.json["error"]["message"]
    assert vendor.get(f"/api/v1/projects/{project}/quality").json["computed_at"] == before
    english = vendor.get(f"/api/v1/projects/{project}/quality/items?sort=-agreement&lang=en")
    assert english.status_code == 200 and english.json["items"][0]["agreement"] == 1.0
    refused = vendor.get(f"/api/v1/projects/{project}/quality/items?sort=password&lang=en")
    assert refused.status_code == 400 and "Sort by one of" in refused.json["error"]["message"]


def test_item_table_pages_and_flags_check_items_and_decisions(world: World) -> None:
    vendor = world.vendor_api()
    project, gold = gold_project(world, vendor, gold_ratio=0.5, overlap=2)
    experts = [world.api(world.user("expert")) for _ in range(2)]
    for number, expert in enumerate(experts):
        while (claim := expert.post(f"/api/v1/projects/{project}/claim")).status_code == 200:
            label = "对" if number == 0 or claim.json["item"]["id"] not in gold else "错"
            expert.post(
                f"/api/v1/tasks/{claim.json['task_id']}/annotations",
                {"result": {"label": label}, "client_uuid": str(uuid.uuid4())},
            )
    vendor.get(f"/api/v1/projects/{project}/quality")  # the report job runs
    rows = vendor.get(f"/api/v1/projects/{project}/quality/items").json["items"]
    checks = [row for row in rows if row["is_gold"]]
    assert {row["item_id"] for row in checks} == set(gold)
    assert all(
        row["answers"] == 2
        and row["agreement"] == 0.5
        and row["consensus"] == "对"
        and row["posterior"] is None
        for row in checks
    )
    assert len(rows) == 15  # ten items answered twice, five check items


def test_item_table_page_in_the_browser_links_to_the_drill_down(app: Any, world: World) -> None:
    app.config["CLAIMS_PER_MINUTE"] = 1000  # one script answers 60 items at machine speed
    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    project = world.project(
        vendor, [f"第{i}条短评。" for i in range(60)], overlap=1, labels=tuple(LABELS)
    )
    expert = world.api(world.user("expert"))
    for _ in range(60):
        claim = expert.post(f"/api/v1/projects/{project}/claim").json
        expert.post(
            f"/api/v1/tasks/{claim['task_id']}/annotations",
            {"result": {"label": "正面"}, "client_uuid": str(uuid.uuid4())},
        )
    client = app.test_client()
    login(client, email)
    report = client.get(f"/projects/{project}/quality").text
    assert f'href="/projects/{project}/quality/items"' in report
    page = client.get(f"/projects/{project}/quality/items")
    assert page.status_code == 200
    assert page.text.count("<tr data-item=") == 50 and 'id="next-page"' in page.text
    assert f'href="/review/{project}?item=' in page.text and "第0条短评。" in page.text
    second = client.get(f"/projects/{project}/quality/items?page=2")
    assert second.text.count("<tr data-item=") == 10 and 'id="next-page"' not in second.text
    english = client.get(f"/projects/{project}/quality/items?page=2&lang=en")
    assert english.status_code == 200 and "<h1>Every item" in english.text
    # One answer per item: no agreement anywhere, so the lines follow the item order.
    api_pages = [
        vendor.get(f"/api/v1/projects/{project}/quality/items?sort=-agreement&page={n}").json[
            "items"
        ]
        for n in (1, 2)
    ]
    ids = [row["item_id"] for page_rows in api_pages for row in page_rows]
    assert len(api_pages[1]) == 10 and ids == sorted(ids, reverse=True) and len(set(ids)) == 60
    bad = client.get(f"/projects/{project}/quality/items?sort=password")
    assert bad.status_code == 400 and "排序" in bad.text
    stranger = app.test_client()
    login(stranger, world.user("vendor", world.org()))
    assert stranger.get(f"/projects/{project}/quality/items").status_code == 404


def test_other_tenants_get_404_for_the_item_table(world: World) -> None:
    vendor, stranger = world.vendor_api(), world.vendor_api()
    project = world.project(vendor, TEXTS, overlap=1, labels=tuple(LABELS))
    assert stranger.get(f"/api/v1/projects/{project}/quality/items").status_code == 404
    expert: Api = world.api(world.user("expert"))
    assert expert.get(f"/api/v1/projects/{project}/quality/items").status_code == 404
