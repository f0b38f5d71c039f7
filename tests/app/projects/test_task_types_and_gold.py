"""Task types, options, qualification routing, daily caps and gold items through the API."""

from __future__ import annotations

import uuid
from typing import Any

from tests.app.builders import Api, World
from tests.app.projects.gold import MANY, TEXTS, gold_project, new_project
from tests.app.review.collected import accept_all


def answer(api: Api, task_id: int, result: dict[str, Any]) -> Any:
    return api.post(
        f"/api/v1/tasks/{task_id}/annotations", {"result": result, "client_uuid": str(uuid.uuid4())}
    )


def test_ner_spans_are_checked_against_the_item_text(world: World) -> None:
    vendor = world.vendor_api()
    project = new_project(world, vendor, "ner", ["人名", "地名"]).json["id"]
    expert = world.api(world.user("expert"))
    claim = expert.post(f"/api/v1/projects/{project}/claim").json
    text = claim["item"]["text"]
    outside = answer(expert, claim["task_id"], {"spans": [[0, len(text) + 1, "人名"]]})
    assert outside.status_code == 422 and str(len(text)) in outside.json["error"]["message"]
    overlapping = answer(expert, claim["task_id"], {"spans": [[0, 2, "人名"], [1, 3, "地名"]]})
    assert overlapping.status_code == 422
    assert answer(expert, claim["task_id"], {"spans": [[0, 2, "人名"]]}).status_code == 201


def test_multi_label_classification(world: World) -> None:
    vendor = world.vendor_api()
    project = new_project(world, vendor, "classify", ["人物", "城市", "工作"], multi=True)
    assert project.status_code == 201
    expert = world.api(world.user("expert"))
    task = expert.post(f"/api/v1/projects/{project.json['id']}/claim").json["task_id"]
    assert answer(expert, task, {"label": "人物"}).status_code == 422
    assert answer(expert, task, {"labels": ["人物", "城市"]}).status_code == 201


def test_bad_options_are_refused_with_the_option_named(world: World) -> None:
    vendor = world.vendor_api()
    bad = new_project(world, vendor, "classify", ["是", "否"], gold_ratio=0.9)
    assert bad.status_code == 422 and "gold_ratio" in bad.json["error"]["message"]
    domain = new_project(world, vendor, "classify", ["是", "否"], domains=["占卜"])
    assert domain.status_code == 422 and "占卜" in domain.json["error"]["message"]
    collect = new_project(world, vendor, "collect", [])
    assert collect.status_code == 422 and "prompt" in collect.json["error"]["message"]


def test_projects_route_to_experts_of_the_required_domain(world: World) -> None:
    vendor = world.vendor_api()
    project = new_project(world, vendor, "classify", ["是", "否"], domains=["医疗"]).json["id"]
    lawyer = world.api(world.user("expert", domains=["法律"]))
    doctor = world.api(world.user("expert", domains=["医疗", "教育"]))
    assert lawyer.post(f"/api/v1/projects/{project}/claim").status_code == 404
    assert doctor.post(f"/api/v1/projects/{project}/claim").status_code == 200


def test_daily_cap_stops_an_expert_for_the_day(world: World) -> None:
    vendor = world.vendor_api()
    project = new_project(world, vendor, "classify", ["是", "否"], daily_cap=2).json["id"]
    expert = world.api(world.user("expert"))
    for _ in range(2):
        task = expert.post(f"/api/v1/projects/{project}/claim").json["task_id"]
        assert answer(expert, task, {"label": "是"}).status_code == 201
    capped = expert.post(f"/api/v1/projects/{project}/claim")
    assert capped.status_code == 403 and capped.json["error"]["code"] == "daily_cap"


def test_gold_items_give_feedback_and_pause_a_careless_expert(world: World) -> None:
    vendor = world.vendor_api()
    project, gold = gold_project(
        world, vendor, gold_ratio=0.5, gold_feedback=True, gold_pass_mark=0.8
    )
    expert = world.api(world.user("expert"))
    seen_gold = 0
    for _ in range(20):
        claim = expert.post(f"/api/v1/projects/{project}/claim")
        if claim.status_code != 200:
            break
        reply = answer(expert, claim.json["task_id"], {"label": "错"})  # always wrong on gold
        assert reply.status_code == 201
        if claim.json["item"]["id"] in gold:
            seen_gold += 1
            assert reply.json["gold"] == {
                "score": 0.0,
                "passed": False,
                "expected": {"label": "对"},
            }
        else:
            assert "gold" not in reply.json
    assert seen_gold == 5
    assert claim.status_code == 403 and claim.json["error"]["code"] == "paused"
    quality = vendor.get(f"/api/v1/projects/{project}/quality").json
    assert quality["items_total"] == len(MANY) - 5


def test_answered_items_cannot_become_gold(world: World) -> None:
    vendor = world.vendor_api()
    project = new_project(world, vendor, "classify", ["对", "错"]).json["id"]
    expert = world.api(world.user("expert"))
    claim = expert.post(f"/api/v1/projects/{project}/claim").json
    answer(expert, claim["task_id"], {"label": "对"})
    response = vendor.post(
        f"/api/v1/projects/{project}/gold",
        {"items": [{"item_id": claim["item"]["id"], "answer": {"label": "对"}}]},
    )
    assert response.status_code == 409
    other_vendor = world.vendor_api()
    assert (
        other_vendor.post(
            f"/api/v1/projects/{project}/gold",
            {"items": [{"item_id": claim["item"]["id"], "answer": {"label": "对"}}]},
        ).status_code
        == 404
    )


def test_project_form_sets_type_and_options(app: Any, world: World) -> None:
    from tests.app.builders import login

    org = world.org()
    vendor = world.api(world.user("vendor", org))
    corpus = world.ready_corpus(vendor, TEXTS)
    client = app.test_client()
    login(client, world.user("vendor", org))
    response = client.post(
        "/projects/new",
        data={
            "name": "实体标注",
            "corpus_id": corpus,
            "task_type": "ner",
            "labels": "人名\n地名",
            "allow_overlap": "y",
            "overlap": 2,
            "domains": ["政务", "法律"],
            "gold_ratio": "0.1",
            "gold_pass_mark": "0.7",
            "daily_cap": 100,
            "lease_minutes": 20,
            "instructions": "",
        },
    )
    assert response.status_code == 302
    project = vendor.get(response.headers["Location"].replace("/projects/", "/api/v1/projects/"))
    assert project.json["type"] == "ner" and project.json["labels"] == ["人名", "地名"]
    assert project.json["options"] == {
        "allow_overlap": True,
        "domains": ["法律", "政务"],
        "gold_ratio": 0.1,
        "gold_feedback": False,
        "gold_pass_mark": 0.7,
        "gold_item_threshold": 0.8,  # the form's default: spans are scored by F1
        "daily_cap": 100,
        "lease_seconds": 1200,
    }


def test_project_page_lists_tasks_and_takes_gold_file(app: Any, world: World) -> None:
    import io
    import json

    from tests.app.builders import login

    org = world.org()
    vendor = world.api(world.user("vendor", org))
    project = new_project(world, vendor, "classify", ["对", "错"]).json["id"]
    items = [t["item_id"] for t in vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]]
    client = app.test_client()
    login(client, world.user("vendor", org))
    page = client.get(f"/projects/{project}")
    assert page.status_code == 200 and TEXTS[0][:5] in page.text
    assert client.get(f"/projects/{project}?sort=user__password").status_code == 400
    lines = "\n".join(json.dumps({"item_id": i, "answer": {"label": "对"}}) for i in items[:2])
    done = client.post(
        f"/projects/{project}/gold",
        data={"file": (io.BytesIO(lines.encode()), "gold.jsonl")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert done.status_code == 200
    assert vendor.get(f"/api/v1/projects/{project}/quality").json["items_total"] == len(TEXTS) - 2
    bad = client.post(
        f"/projects/{project}/gold",
        data={"file": (io.BytesIO(b'{"item_id": 1}\n'), "gold.jsonl")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert bad.status_code == 200
    assert vendor.get(f"/api/v1/projects/{project}/quality").json["items_total"] == len(TEXTS) - 2


def test_qualification_test_comes_first_and_decides(world: World) -> None:
    vendor = world.vendor_api()
    project = new_project(
        world,
        vendor,
        "classify",
        ["对", "错"],
        texts=MANY,
        qualification_size=3,
        gold_pass_mark=0.6,
    ).json["id"]
    tasks = vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
    gold = {t["item_id"] for t in tasks[-3:]}
    vendor.post(
        f"/api/v1/projects/{project}/gold",
        {"items": [{"item_id": item, "answer": {"label": "对"}} for item in gold]},
    )
    careful, careless = (world.api(world.user("expert")) for _ in range(2))
    for expert, label in ((careful, "对"), (careless, "错")):
        for _ in range(3):
            claim = expert.post(f"/api/v1/projects/{project}/claim").json
            assert claim["item"]["id"] in gold, "the qualification test comes first"
            assert answer(expert, claim["task_id"], {"label": label}).status_code == 201
    after = careful.post(f"/api/v1/projects/{project}/claim")
    assert after.status_code == 200 and after.json["item"]["id"] not in gold
    refused = careless.post(f"/api/v1/projects/{project}/claim")
    assert refused.status_code == 403 and refused.json["error"]["code"] == "paused"


def test_collection_turns_contributions_into_corpus_items(world: World) -> None:
    vendor = world.vendor_api()
    target = world.ready_corpus(vendor, ["已有的一条。"])
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": "就医经历",
            "corpus_id": target,
            "type": "collect",
            "overlap": 1,
            "prompt": "请描述一次就医经历。",
            "contributions": 2,
        },
    ).json["id"]
    expert = world.api(world.user("expert"))
    claim = expert.post(f"/api/v1/projects/{project}/claim").json
    assert claim["item"] == {"id": None, "text": "请描述一次就医经历。", "prompt": True}
    assert answer(expert, claim["task_id"], {"text": "   "}).status_code == 422
    duplicate = answer(expert, claim["task_id"], {"text": "已有的一条。"})
    assert duplicate.status_code == 409
    assert answer(expert, claim["task_id"], {"text": "去年冬天在合肥看过急诊。"}).status_code == 201
    assert vendor.get(f"/api/v1/corpora/{target}").json["item_count"] == 1, "pending review"
    accept_all(vendor, project)
    corpus = vendor.get(f"/api/v1/corpora/{target}").json
    assert corpus["item_count"] == 2
    tasks = vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
    assert sorted(t["status"] for t in tasks) == ["complete", "open"]
    assert any(t["text_preview"].startswith("去年冬天") for t in tasks)
    second = expert.post(f"/api/v1/projects/{project}/claim").json
    assert answer(expert, second["task_id"], {"text": "带孩子打疫苗。"}).status_code == 201
    assert expert.post(f"/api/v1/projects/{project}/claim").status_code == 204
