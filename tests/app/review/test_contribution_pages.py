"""The pages of the review of contributions, as the vendor and the expert see them (Chinese by
default): one contribution at a time with counts and its place in the queue, the decision form
and its refusals, and the expert's own list with the decisions and reasons."""

from __future__ import annotations

from typing import Any

from tests.app.builders import World, login
from tests.app.review.collected import collect_project, contribute, contribution_ids, decide

TEXTS = ["在合肥看了骨科。", "带孩子打疫苗。", "夜里去了急诊。"]


def logged_in(world: World, email: str) -> Any:
    client = world.app.test_client()
    login(client, email)
    return client


def csrf(page: str) -> str:
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_the_vendor_pages_through_and_decides_with_the_form(world: World) -> None:
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    project, _corpus = collect_project(world, vendor)
    expert = world.api(world.user("expert"))
    for text in TEXTS:
        contribute(expert, project, text)
    first, second, third = contribution_ids(vendor, project)
    client = logged_in(world, email)
    page = client.get(f"/review/{project}/contributions").get_data(as_text=True)
    assert "待审核：3 · 已采纳：0 · 已驳回：0" in page
    assert "待审核贡献第 1 条，共 3 条" in page and TEXTS[0] in page
    assert f'data-contribution="{first}"' in page and 'id="contribution-previous"' not in page
    assert f"c={second}" in page  # the next link
    token = csrf(page)
    empty = client.post(
        f"/review/{project}/contributions/{first}",
        data={"decision": "reject", "reason": " ", "csrf_token": token, "next": second},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "请说明驳回的理由" in empty and f'data-contribution="{first}"' in empty
    done = client.post(
        f"/review/{project}/contributions/{first}",
        data={"decision": "reject", "reason": "与就医无关", "csrf_token": token, "next": second},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已驳回，专家会看到您填写的理由。" in done
    assert f'data-contribution="{second}"' in done and "待审核贡献第 1 条，共 2 条" in done
    twice = client.post(
        f"/review/{project}/contributions/{first}",
        data={"decision": "accept", "csrf_token": token},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "已经被驳回" in twice and "与就医无关" in twice  # the decided one, read-only
    assert 'id="decision-form"' not in twice
    later = client.get(f"/review/{project}/contributions?c={third}").get_data(as_text=True)
    assert "待审核贡献第 2 条，共 2 条" in later and f"c={second}" in later
    assert client.get(f"/review/{project}/contributions?c=999999").status_code == 404
    stranger = logged_in(world, world.user("vendor", world.org()))
    assert stranger.get(f"/review/{project}/contributions").status_code == 404
    refused = stranger.post(
        f"/review/{project}/contributions/{second}",
        data={"decision": "accept"},
        follow_redirects=True,
    )
    assert refused.status_code == 404
    assert vendor.get(f"/api/v1/projects/{project}/contributions/{second}").json["status"] == (
        "pending"
    )


def test_a_reviewer_is_shown_their_own_contribution_as_not_theirs_to_decide(
    world: World,
) -> None:
    vendor = world.vendor_api()
    project, _corpus = collect_project(world, vendor)
    reviewer = world.user("expert")
    contribute(world.api(reviewer), project, TEXTS[0])
    vendor.post(f"/api/v1/projects/{project}/reviewers", {"email": reviewer})
    client = logged_in(world, reviewer)
    index = client.get("/review/").get_data(as_text=True)
    assert f"/review/{project}/contributions" in index
    page = client.get(f"/review/{project}/contributions").get_data(as_text=True)
    assert "暂无等待您审核的贡献。" in page, "one's own contribution is not in one's queue"
    (own,) = contribution_ids(vendor, project)
    shown = client.get(f"/review/{project}/contributions?c={own}").get_data(as_text=True)
    assert "这是您自己的贡献，须由其他人审核。" in shown and 'id="decision-form"' not in shown


def test_the_expert_sees_accepted_rejected_and_pending_with_the_reason(world: World) -> None:
    vendor = world.vendor_api()
    project, _corpus = collect_project(world, vendor)
    email = world.user("expert")
    expert = world.api(email)
    for text in TEXTS:
        contribute(expert, project, text)
    first, second, _third = contribution_ids(vendor, project)
    decide(vendor, project, first, "accept")
    decide(vendor, project, second, "reject", "请写<b>亲身</b>经历。")
    client = logged_in(world, email)
    assert "我的贡献" in client.get("/").get_data(as_text=True)
    page = client.get("/annotate/contributions").get_data(as_text=True)
    assert 'id="my-accepted">1<' in page and 'id="my-rejected">1<' in page
    assert 'id="my-pending">1<' in page
    rows = page.split('id="my-contributions"')[1].split("</tbody>")[0]
    assert rows.index(TEXTS[2]) < rows.index(TEXTS[1]) < rows.index(TEXTS[0]), "newest first"
    rejected_row = rows.split(f'data-contribution="{second}"')[1].split("</tr>")[0]
    assert "已驳回" in rejected_row and "请写&lt;b&gt;亲身&lt;/b&gt;经历。" in rejected_row
    assert "已采纳" in rows and "待审核" in rows
    only = client.get("/annotate/contributions?status=rejected").get_data(as_text=True)
    assert TEXTS[1] in only and TEXTS[0] not in only
    bad = client.get("/annotate/contributions?status=lost")
    assert bad.status_code == 422 and "只能按" in bad.get_data(as_text=True)
    other = logged_in(world, world.user("expert")).get("/annotate/contributions")
    assert TEXTS[0] not in other.get_data(as_text=True)
