"""Reviewing collected contributions: a contribution waits outside the corpus until the
project's vendor or an appointed reviewer accepts it; a rejection carries a reason the expert
reads. Bad input (unknown ids, other organizations, deciding twice, no reason, one's own
contribution, an auditor) gets a clear translated error and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from tests.app.builders import World, export_lines
from tests.app.review.collected import (
    collect_project,
    contribute,
    contribution_ids,
    decide,
)

TEXTS = ["上周在合肥看了骨科。", "带孩子去社区打疫苗。", "夜里发烧去了急诊。"]


def audit_actions(app: Any) -> list[tuple[str, int | None, dict[str, Any]]]:
    from app.extensions import db
    from app.models import AuditEvent

    with app.app_context():
        return [
            (e.action, e.object_id, e.detail)
            for e in db.session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action.like("contribution_%"))
                .order_by(AuditEvent.id)
            )
        ]


def statuses(app: Any) -> dict[int, tuple[str, str | None]]:
    from app.extensions import db
    from app.models import Contribution, Item

    with app.app_context():
        rows = db.session.execute(
            select(Contribution.id, Contribution.status, Item.dropped).join(
                Item, Item.id == Contribution.item_id
            )
        ).all()
        return {cid: (status, dropped) for cid, status, dropped in rows}


def kept_texts(vendor: Any, corpus: int) -> list[str]:
    listed = vendor.get(f"/api/v1/corpora/{corpus}/items?view=kept").json
    return [item["text"] for item in listed["items"]]


def test_only_accepted_contributions_join_the_corpus_and_the_export(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    project, corpus = collect_project(world, vendor)
    expert = world.api(world.user("expert"))
    for text in TEXTS:
        contribute(expert, project, text)
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["item_count"] == 1
    assert kept_texts(vendor, corpus) == ["示例：在社区医院复诊。"]
    first, second, third = contribution_ids(vendor, project)
    listed = vendor.get(f"/api/v1/projects/{project}/contributions").json
    assert listed["counts"] == {"pending": 3, "accepted": 0, "rejected": 0}
    assert listed["may_decide"] is True
    assert [c["text"] for c in listed["contributions"]] == TEXTS

    accepted = decide(vendor, project, first, "accept")
    assert accepted.status_code == 200, accepted.json
    assert (accepted.json["status"], accepted.json["reason"]) == ("accepted", None)
    rejected = decide(vendor, project, second, "reject", "  内容与就医无关。 ")
    assert rejected.status_code == 200
    assert (rejected.json["status"], rejected.json["reason"]) == ("rejected", "内容与就医无关。")

    assert vendor.get(f"/api/v1/corpora/{corpus}").json["item_count"] == 2
    assert kept_texts(vendor, corpus) == ["示例：在社区医院复诊。", TEXTS[0]]
    assert statuses(app)[third] == ("pending", "pending")
    assert statuses(app)[second] == ("rejected", "rejected")
    export = vendor.post(f"/api/v1/projects/{project}/exports").json
    lines = export_lines(vendor, vendor.get(f"/api/v1/exports/{export['id']}").json["download_url"])
    assert [(line["text"], line["final"]) for line in lines] == [(TEXTS[0], {"text": TEXTS[0]})]
    assert [(a, d.get("reason")) for a, _, d in audit_actions(app)] == [
        ("contribution_accepted", None),
        ("contribution_rejected", "内容与就医无关。"),
    ]


def test_a_new_project_over_the_corpus_sees_accepted_contributions_only(world: World) -> None:
    vendor = world.vendor_api()
    project, corpus = collect_project(world, vendor)
    expert = world.api(world.user("expert"))
    for text in TEXTS:
        contribute(expert, project, text)
    first, second, _third = contribution_ids(vendor, project)
    decide(vendor, project, first, "accept")
    decide(vendor, project, second, "reject", "重复")
    restored = vendor.post(
        f"/api/v1/corpora/{corpus}/items/restore",
        {
            "item_ids": [
                c["item_id"]
                for c in vendor.get(f"/api/v1/projects/{project}/contributions").json[
                    "contributions"
                ]
            ]
        },
    )
    assert restored.status_code == 200 and restored.json["restored"] == 0, restored.json
    labels = vendor.post(
        "/api/v1/projects",
        {
            "name": "就医经历分类",
            "corpus_id": corpus,
            "type": "classify",
            "labels": ["门诊", "急诊"],
            "overlap": 1,
        },
    )
    assert labels.status_code == 201, labels.json
    tasks = vendor.get(f"/api/v1/projects/{labels.json['id']}/tasks").json["tasks"]
    assert sorted(t["text_preview"] for t in tasks) == sorted(["示例：在社区医院复诊。", TEXTS[0]])


def test_an_appointed_reviewer_decides_but_never_on_their_own(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    project, _corpus = collect_project(world, vendor)
    reviewer_email = world.user("expert")
    reviewer, other = world.api(reviewer_email), world.api(world.user("expert"))
    contribute(reviewer, project, TEXTS[0])
    contribute(other, project, TEXTS[1])
    mine, theirs = contribution_ids(vendor, project)
    outsider = world.api(world.user("expert"))
    assert outsider.get(f"/api/v1/projects/{project}/contributions").status_code == 404
    assert decide(outsider, project, theirs, "accept").status_code == 404
    assert (
        vendor.post(f"/api/v1/projects/{project}/reviewers", {"email": reviewer_email}).status_code
        == 201
    )
    own = decide(reviewer, project, mine, "accept")
    assert (own.status_code, own.json["error"]["code"]) == (409, "own_contribution")
    assert "须由其他人审核" in own.json["error"]["message"]
    assert decide(reviewer, project, theirs, "accept").status_code == 200
    assert decide(vendor, project, mine, "accept").status_code == 200
    assert [(a, d["expert"]) for a, _, d in audit_actions(app)] == [
        ("contribution_accepted", user_id_of(app, other)),
        ("contribution_accepted", user_id_of(app, reviewer)),
    ]


def user_id_of(app: Any, api: Any) -> int:
    """The user id behind an API client's token."""
    from app.accounts.tokens import user_for_token

    with app.app_context():
        user = user_for_token(api.token)
        assert user is not None
        return int(user.id)


@pytest.mark.parametrize(
    ("body", "status", "code", "words"),
    [
        ({"decision": "reject"}, 422, "no_reason", "驳回的理由"),
        ({"decision": "reject", "reason": "   "}, 422, "no_reason", "驳回的理由"),
        ({"decision": "reject", "reason": "长" * 501}, 422, "reason_too_long", "500"),
        ({"decision": "maybe"}, 422, "bad_decision", "accept"),
        ({"decision": ["accept"]}, 422, "bad_decision", "accept"),
        ({}, 422, "bad_decision", "accept"),
    ],
)
def test_bad_decisions_are_refused_in_chinese_and_change_nothing(
    app: Any, world: World, body: dict[str, Any], status: int, code: str, words: str
) -> None:
    vendor = world.vendor_api()
    project, corpus = collect_project(world, vendor)
    contribute(world.api(world.user("expert")), project, TEXTS[0])
    (contribution,) = contribution_ids(vendor, project)
    before = statuses(app)
    refused = vendor.post(f"/api/v1/projects/{project}/contributions/{contribution}/decision", body)
    assert (refused.status_code, refused.json["error"]["code"]) == (status, code)
    assert words in refused.json["error"]["message"]
    assert statuses(app) == before and audit_actions(app) == []
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["item_count"] == 1


def test_unknown_foreign_and_decided_contributions(any_db_app: Any) -> None:
    app, world = any_db_app, World(any_db_app)
    vendor = world.vendor_api()
    project, _corpus = collect_project(world, vendor)
    expert = world.api(world.user("expert"))
    contribute(expert, project, TEXTS[0])
    contribute(expert, project, TEXTS[1])
    first, second = contribution_ids(vendor, project)
    stranger = world.vendor_api()  # another organization's vendor
    assert stranger.get(f"/api/v1/projects/{project}/contributions").status_code == 404
    assert stranger.get(f"/api/v1/projects/{project}/contributions/{first}").status_code == 404
    assert decide(stranger, project, first, "accept").status_code == 404
    other_project, _ = collect_project(world, stranger)
    assert decide(stranger, other_project, first, "accept").status_code == 404, "not theirs"
    unknown = decide(vendor, project, 10**9, "accept")
    assert (unknown.status_code, unknown.json["error"]["code"]) == (404, "not_found")
    assert "没有这条贡献" in unknown.json["error"]["message"]
    assert decide(vendor, project, 2**63, "accept").status_code == 404
    classify = world.project(vendor, ["一条。"], overlap=1)
    assert vendor.get(f"/api/v1/projects/{classify}/contributions").status_code == 404
    assert statuses(app)[first] == ("pending", "pending") and audit_actions(app) == []

    assert decide(vendor, project, first, "reject", "太短").status_code == 200
    twice = decide(vendor, project, first, "accept")
    assert (twice.status_code, twice.json["error"]["code"]) == (409, "already_decided")
    assert "已经被驳回" in twice.json["error"]["message"]
    assert decide(vendor, project, second, "accept").status_code == 200
    again = decide(vendor, project, second, "reject", "改主意了")
    assert again.status_code == 409 and "已经被采纳" in again.json["error"]["message"]
    assert statuses(app) == {first: ("rejected", "rejected"), second: ("accepted", None)}
    assert len(audit_actions(app)) == 2


def test_auditors_read_but_do_not_decide(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    project, _corpus = collect_project(world, vendor)
    contribute(world.api(world.user("expert")), project, TEXTS[0])
    (contribution,) = contribution_ids(vendor, project)
    auditor = world.api(world.user("auditor"))
    listed = auditor.get(f"/api/v1/projects/{project}/contributions")
    assert listed.status_code == 200 and listed.json["may_decide"] is False
    refused = decide(auditor, project, contribution, "accept")
    assert (refused.status_code, refused.json["error"]["code"]) == (403, "not_a_decider")
    assert statuses(app)[contribution] == ("pending", "pending")


def test_listing_pages_and_refuses_bad_queries(world: World) -> None:
    vendor = world.vendor_api()
    project, _corpus = collect_project(world, vendor)
    expert = world.api(world.user("expert"))
    for text in TEXTS:
        contribute(expert, project, text)
    base = f"/api/v1/projects/{project}/contributions"
    page = vendor.get(f"{base}?limit=2").json["contributions"]
    assert [c["text"] for c in page] == TEXTS[:2]
    rest = vendor.get(f"{base}?limit=2&after={page[-1]['id']}").json["contributions"]
    assert [c["text"] for c in rest] == TEXTS[2:]
    for query, code in (
        ("status=done", "bad_status"),
        ("limit=0", "bad_limit"),
        ("limit=201", "bad_limit"),
        ("after=-1", "bad_query"),
        ("after=²", "bad_query"),
        ("limit=abc", "bad_query"),
    ):
        refused = vendor.get(f"{base}?{query}")
        assert (refused.status_code, refused.json["error"]["code"]) == (422, code), query
        assert refused.json["error"]["message"]


def test_the_expert_reads_what_was_decided_on_their_contributions(world: World) -> None:
    vendor = world.vendor_api()
    project, _corpus = collect_project(world, vendor)
    expert = world.api(world.user("expert"))
    for text in TEXTS:
        contribute(expert, project, text)
    first, second, _third = contribution_ids(vendor, project)
    decide(vendor, project, first, "accept")
    decide(vendor, project, second, "reject", "请写自己的亲身经历。")
    mine = expert.get("/api/v1/contributions/mine").json
    assert mine["counts"] == {"pending": 1, "accepted": 1, "rejected": 1}
    assert [(c["text"], c["status"], c["reason"]) for c in mine["contributions"]] == [
        (TEXTS[2], "pending", None),
        (TEXTS[1], "rejected", "请写自己的亲身经历。"),
        (TEXTS[0], "accepted", None),
    ]
    rejected = expert.get("/api/v1/contributions/mine?status=rejected").json["contributions"]
    assert [c["text"] for c in rejected] == [TEXTS[1]]
    assert (
        world.api(world.user("expert")).get("/api/v1/contributions/mine").json["contributions"]
        == []
    ), "nobody else's"
    for query in ("status=maybe", "page=0", "page=x"):
        refused = expert.get(f"/api/v1/contributions/mine?{query}")
        assert refused.status_code == 422 and refused.json["error"]["message"], query


def test_the_openapi_document_describes_the_review_of_contributions(world: World) -> None:
    document = world.app.test_client().get("/api/v1/openapi.json").json
    paths = document["paths"]
    decision = paths["/projects/{project_id}/contributions/{contribution_id}/decision"]["post"]
    assert set(decision["responses"]) >= {"200", "403", "404", "409", "422"}
    assert "/projects/{project_id}/contributions" in paths
    assert "/contributions/mine" in paths
    assert {"Contribution", "Decision", "Acceptance"} <= set(document["components"]["schemas"])
    lists = [
        paths["/projects/{project_id}/contributions"]["get"],
        paths["/contributions/mine"]["get"],
    ]
    statuses = [[p for p in op["parameters"] if p["name"] == "status"] for op in lists]
    assert statuses[0] == statuses[1] and statuses[0][0]["schema"]["enum"] == [
        "pending",
        "accepted",
        "rejected",
    ]
    bodies = [op["responses"]["200"]["content"]["application/json"]["schema"] for op in lists]
    assert bodies[0]["properties"]["counts"] == bodies[1]["properties"]["counts"]
    assert set(bodies[0]["properties"]) == {"counts", "may_decide", "contributions"}
    assert set(bodies[1]["properties"]) == {"counts", "page", "has_next", "contributions"}


def test_both_contribution_lists_refuse_a_bad_number_alike(world: World) -> None:
    vendor = world.vendor_api()
    project, _corpus = collect_project(world, vendor)
    expert = world.api(world.user("expert"))
    for url in (
        f"/api/v1/projects/{project}/contributions?after=1.5",
        "/api/v1/contributions/mine?page=1.5",
    ):
        refused = (vendor if "projects" in url else expert).get(url)
        assert (refused.status_code, refused.json["error"]["code"]) == (422, "bad_query"), url
        assert "必须是非负整数" in refused.json["error"]["message"]


def test_a_release_of_the_corpus_leaves_out_contributions_not_accepted(world: World) -> None:
    vendor = world.vendor_api()
    project, corpus = collect_project(world, vendor)
    expert = world.api(world.user("expert"))
    for text in TEXTS:
        contribute(expert, project, text)
    first, second, _third = contribution_ids(vendor, project)
    decide(vendor, project, first, "accept")
    decide(vendor, project, second, "reject", "无关")
    created = vendor.post("/api/v1/releases", {"corpus_id": corpus, "title": "就医经历"})
    assert created.status_code == 201, created.json
    assert created.json["documents"] == 2, "the corpus's own item and the accepted one"
