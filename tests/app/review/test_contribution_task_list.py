"""A collection project's task list and per-item table say what happened to each contribution
and open it where it is decided: a pending one is "waiting for review", an accepted one
complete, a rejected one "rejected, slot reopened" (never "item dropped"), with the new open
slot beside it; the item links open the contribution's accept/reject page, not the disputes
queue; the expert's own list says the slot opened again."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from typing import Any

from tests.app.builders import World, login
from tests.app.review.collected import collect_project, contribute, contribution_ids, decide

TEXTS = ["上周在合肥看了骨科。", "带孩子去社区打疫苗。", "夜里发烧去了急诊。"]
REASON = "与就医无关。"


def decided_project(world: World) -> tuple[str, str, int, dict[str, int]]:
    """Three contributions to a project asking for three: one accepted, one rejected, one
    pending. Returns the vendor's and the expert's e-mail, the project and item id by status."""
    vendor_email = world.user("vendor", world.org())
    vendor = world.api(vendor_email)
    project, _corpus = collect_project(world, vendor, contributions=3)
    expert_email = world.user("expert")
    expert = world.api(expert_email)
    for text in TEXTS:
        contribute(expert, project, text)
    accepted, rejected, _pending = contribution_ids(vendor, project)
    assert decide(vendor, project, accepted, "accept").status_code == 200
    assert decide(vendor, project, rejected, "reject", REASON).status_code == 200
    listed = vendor.get(f"/api/v1/projects/{project}/contributions").json["contributions"]
    items = {c["status"]: c["item_id"] for c in listed}
    return vendor_email, expert_email, project, items


def logged_in(world: World, email: str) -> Any:
    client = world.app.test_client()
    login(client, email)
    return client


def row_of(page: str, item_id: int) -> str:
    """The task table's row of an item."""
    match = re.search(
        rf"<tr><td>\d+</td><td><a href=\"([^\"]+)\">{item_id}</a>.*?</tr>", page, re.S
    )
    assert match, f"no row for item {item_id}"
    return match.group(0)


def test_the_task_list_names_each_review_outcome(world: World) -> None:
    vendor_email, _expert, project, items = decided_project(world)
    vendor = world.api(vendor_email)
    tasks = vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
    by_item = {t["item_id"]: t["status"] for t in tasks}
    assert by_item[items["accepted"]] == "complete"
    assert by_item[items["rejected"]] == "rejected"
    assert by_item[items["pending"]] == "pending"
    assert by_item[None] == "open", "the rejected one's slot is open again"
    assert Counter(by_item.values()) == {"complete": 1, "rejected": 1, "pending": 1, "open": 1}

    def filtered(status: str) -> list[Any]:
        answer = vendor.get(f"/api/v1/projects/{project}/tasks?status={status}")
        assert answer.status_code == 200, answer.json
        return [t["item_id"] for t in answer.json["tasks"]]

    assert filtered("rejected") == [items["rejected"]]
    assert filtered("pending") == [items["pending"]]
    assert filtered("complete") == [items["accepted"]]
    assert filtered("dropped") == [], "a rejected contribution is no item dropped from a corpus"
    assert filtered("open") == [None]

    lines = vendor.get(f"/api/v1/projects/{project}/tasks.csv?status=rejected").text
    rows = list(csv.DictReader(io.StringIO(lines)))
    assert [(r["item_id"], r["status"]) for r in rows] == [(str(items["rejected"]), "rejected")]


def test_the_project_page_shows_the_outcome_and_links_to_the_contribution(world: World) -> None:
    vendor_email, _expert, project, items = decided_project(world)
    client = logged_in(world, vendor_email)
    page = client.get(f"/projects/{project}").get_data(as_text=True)
    rejected = row_of(page, items["rejected"])
    assert "已驳回，名额已重新开放" in rejected and "条目已剔除" not in rejected
    assert "等待审核" in row_of(page, items["pending"])
    assert "已完成" in row_of(page, items["accepted"])
    assert '<option value="rejected"' in page and '<option value="pending"' in page
    for status, item_id in items.items():
        link = re.search(r'href="([^"]+)"', row_of(page, item_id)).group(1)  # type: ignore[union-attr]
        assert link == f"/review/{project}/contributions?item={item_id}", status
        opened = client.get(link).get_data(as_text=True)
        assert f'data-status="{status}"' in opened
    assert f'href="/review/{project}"' not in page, "no link to the disputes queue"
    assert f'href="/review/{project}/contributions"' in page  # the reviewers' card

    only = client.get(f"/projects/{project}?status=rejected").get_data(as_text=True)
    assert TEXTS[1] in only and TEXTS[0] not in only and TEXTS[2] not in only

    english = client.get(f"/projects/{project}?lang=en").get_data(as_text=True)
    assert "Rejected, slot reopened" in row_of(english, items["rejected"])


def test_the_item_table_opens_the_contribution_to_accept_or_reject(world: World) -> None:
    vendor_email, _expert, project, items = decided_project(world)
    client = logged_in(world, vendor_email)
    page = client.get(f"/projects/{project}/quality/items").get_data(as_text=True)
    link = f'href="/review/{project}/contributions?item={items["accepted"]}"'
    assert link in page and f'href="/review/{project}?item=' not in page
    report = client.get(f"/projects/{project}/quality").get_data(as_text=True)
    assert f'href="/review/{project}/contributions"' in report
    assert f'href="/review/{project}"' not in report

    pending = client.get(f"/review/{project}/contributions?item={items['pending']}")
    assert 'id="decision-form"' in pending.get_data(as_text=True)
    unknown = client.get(f"/review/{project}/contributions?item={items['pending'] + 1000}")
    assert unknown.status_code == 404


def test_an_item_of_another_project_is_not_found(world: World) -> None:
    vendor_email, _expert, project, items = decided_project(world)
    vendor = world.api(vendor_email)
    other, _corpus = collect_project(world, vendor, contributions=1)
    client = logged_in(world, vendor_email)
    assert client.get(f"/review/{other}/contributions?item={items['pending']}").status_code == 404
    stranger = logged_in(world, world.user("vendor", world.org("别的公司")))
    answer = stranger.get(f"/review/{project}/contributions?item={items['pending']}")
    assert answer.status_code == 404


def test_the_experts_list_says_the_slot_opened_again(world: World) -> None:
    _vendor, expert_email, _project, _items = decided_project(world)
    client = logged_in(world, expert_email)
    page = client.get("/annotate/contributions").get_data(as_text=True)
    rejected = page.split('data-status="rejected"')[1].split("</tr>")[0]
    assert REASON in rejected and "名额已重新开放" in rejected
    accepted = page.split('data-status="accepted"')[1].split("</tr>")[0]
    assert "名额已重新开放" not in accepted


def test_the_project_page_gives_the_acceptance_rate_not_alpha(world: World) -> None:
    vendor_email, _expert, project, _items = decided_project(world)
    client = logged_in(world, vendor_email)
    page = client.get(f"/projects/{project}").get_data(as_text=True)
    stat = page.split('id="acceptance-rate">')[1].split("</div>")[0]
    assert stat.startswith("50.0 %") and "1 / 2" in stat and "采纳率" in stat
    assert 'id="alpha"' not in page and "Krippendorff" not in page
    assert 'id="gold"' not in page, "a collection project has no check items to upload"
    assert "<dt>标签</dt>" not in page
    english = client.get(f"/projects/{project}?lang=en").get_data(as_text=True)
    assert "Acceptance rate" in english.split('id="acceptance-rate">')[1].split("</div>")[0]


def test_contribution_pages_write_times_as_every_page_does(world: World) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import update

    from app.extensions import db
    from app.models import Contribution

    vendor_email, expert_email, project, items = decided_project(world)
    with world.app.app_context():
        db.session.execute(
            update(Contribution)
            .where(Contribution.item_id == items["pending"])
            .values(created_at=datetime(2026, 3, 1, 20, 30, tzinfo=UTC))
        )
        db.session.commit()
    for email, url in (
        (expert_email, "/annotate/contributions"),
        (vendor_email, f"/review/{project}/contributions?item={items['pending']}"),
    ):
        client = logged_in(world, email)
        for language in ("zh_CN", "en"):
            page = client.get(f"{url}{'&' if '?' in url else '?'}lang={language}").text
            assert "2026-03-02 04:30" in page, (url, language)
            assert "UTC" not in page and "2026-03-01 20:30" not in page, (url, language)


def test_an_experts_own_page_gives_their_acceptance(world: World) -> None:
    vendor_email, expert_email, project, _items = decided_project(world)
    listed = world.api(vendor_email).get(f"/api/v1/projects/{project}/contributions").json
    expert_id = listed["contributions"][0]["expert_id"]
    client = logged_in(world, expert_email)
    answer = client.get(f"/projects/{project}/quality/experts/{expert_id}")
    assert answer.status_code == 200
    figures = answer.text.split('id="expert-contributions"')[1].split("</section>")[0]
    assert "50.0 %" in figures and "1 / 2" in figures and "采纳率" in figures
    assert 'id="expert-figures"' not in answer.text, "no answer count, no check items"
    assert 'href="/annotate/contributions"' in answer.text
