"""The corpus page's data (issue 13, "Data in"): keyset pages and search, the minimum length
on the sample government document, dropping and restoring items while a project runs, the
same-file warning, deleting and retrying a corpus — on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from tests.app.builders import Api, World, login

SAMPLE = Path("/work/shared/data/corpus/anhui_agi_action_plan_2023.txt")
SAMPLE_TEXT = (
    SAMPLE.read_text(encoding="utf-8")
    if SAMPLE.exists()
    else "国内\n\n一、总体思路\n\n"
    "坚持以习近平新时代中国特色社会主义思想为指导,全面贯彻党的二十大精神。\n\n"
    "二、发展目标\n\n到2025年,通用人工智能产业生态体系基本形成,创新能力显著提升。"
)


def _texts(api: Api, corpus: int, **params: Any) -> list[str]:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    response = api.get(f"/api/v1/corpora/{corpus}/items?{query}")
    assert response.status_code == 200, response.json
    return [item["text"] for item in response.json["items"]]


def _upload(api: Api, content: bytes, filename: str = "plan.txt") -> int:
    response = api.upload(content, filename)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def test_minimum_length_drops_headings_and_breadcrumbs(any_db_world: World) -> None:
    vendor = any_db_world.vendor_api()
    corpus = _upload(vendor, SAMPLE_TEXT.encode("utf-8"))
    kept = _texts(vendor, corpus)
    assert "国内" in kept and "一、总体思路" in kept
    response = vendor.post(f"/api/v1/corpora/{corpus}/min-length", {"min_length": 10})
    assert response.status_code == 200, response.json
    assert response.json["dropped"] >= 2 and response.json["restored"] == 0
    kept = _texts(vendor, corpus)
    assert "国内" not in kept and "一、总体思路" not in kept
    assert all(len(text) >= 10 for text in kept)
    dropped = vendor.get(f"/api/v1/corpora/{corpus}/items?view=dropped").json["items"]
    assert {"国内", "一、总体思路"} <= {i["text"] for i in dropped}
    assert {i["dropped"] for i in dropped} == {"length"}
    stats = vendor.get(f"/api/v1/corpora/{corpus}/statistics").json
    assert stats["min_length"] == 10 and stats["dropped"]["length"] == response.json["dropped"]
    assert stats["length"]["min"] >= 10
    assert sum(bar["count"] for bar in stats["histogram"]) == stats["kept"]
    lowered = vendor.post(f"/api/v1/corpora/{corpus}/min-length", {"min_length": 0}).json
    assert lowered["restored"] == response.json["dropped"] and lowered["dropped"] == 0
    assert "国内" in _texts(vendor, corpus)


def test_bad_curation_input_is_refused_and_changes_nothing(any_db_world: World) -> None:
    vendor = any_db_world.vendor_api()
    corpus = any_db_world.ready_corpus(vendor, ["第一段文字内容。", "第二段。"])
    for body in ({"min_length": -1}, {"min_length": "5"}, {"min_length": True}, {}):
        assert vendor.post(f"/api/v1/corpora/{corpus}/min-length", body).status_code == 422
    assert vendor.post(f"/api/v1/corpora/{corpus}/items/drop", {"item_ids": []}).status_code == 422
    for ids in (["1"], [2**64], [0], [True]):
        bad = vendor.post(f"/api/v1/corpora/{corpus}/items/drop", {"item_ids": ids})
        assert bad.status_code == 422 and bad.json["error"]["message"]
    for query in ("view=gone", "after=x", "sort=text", "q=" + "长" * 101):
        assert vendor.get(f"/api/v1/corpora/{corpus}/items?{query}").status_code == 400
    assert len(_texts(vendor, corpus)) == 2
    other = any_db_world.vendor_api()
    item = vendor.get(f"/api/v1/corpora/{corpus}/items").json["items"][0]["id"]
    assert (
        other.post(f"/api/v1/corpora/{corpus}/items/drop", {"item_ids": [item]}).status_code == 404
    )
    assert other.get(f"/api/v1/corpora/{corpus}/items").status_code == 404
    assert len(_texts(vendor, corpus)) == 2


def test_keyset_pages_and_search(any_db_world: World) -> None:
    vendor = any_db_world.vendor_api()
    texts = [
        f"第{i:03d}条 {'合肥' if i % 7 == 0 else '芜湖'}的消息,内容编号{i}。" for i in range(1, 121)
    ]
    corpus = any_db_world.ready_corpus(vendor, texts)
    first = vendor.get(f"/api/v1/corpora/{corpus}/items").json
    assert [i["text"] for i in first["items"]] == texts[:50] and first["prev_before"] is None
    second = vendor.get(f"/api/v1/corpora/{corpus}/items?after={first['next_after']}").json
    assert [i["text"] for i in second["items"]] == texts[50:100]
    third = vendor.get(f"/api/v1/corpora/{corpus}/items?after={second['next_after']}").json
    assert [i["text"] for i in third["items"]] == texts[100:] and third["next_after"] is None
    back = vendor.get(f"/api/v1/corpora/{corpus}/items?before={third['prev_before']}").json
    assert [i["text"] for i in back["items"]] == texts[50:100]
    found = _texts(vendor, corpus, q="合肥")
    assert found == [t for t in texts if "合肥" in t] and len(found) == 17
    # Wildcards are searched for literally.
    assert _texts(vendor, corpus, q="%") == [] and _texts(vendor, corpus, q="_") == []


def _claim(expert: Api, project: int) -> Any:
    return expert.post(f"/api/v1/projects/{project}/claim")


def _answer(expert: Api, task_id: int) -> Any:
    body = {"result": {"label": "正面"}, "client_uuid": str(uuid.uuid4())}
    return expert.post(f"/api/v1/tasks/{task_id}/annotations", body)


def test_dropping_items_of_a_running_project(any_db_world: World) -> None:
    world = any_db_world
    vendor = world.vendor_api()
    texts = ["第一条消息的内容。", "第二条消息的内容。", "第三条消息的内容。", "第四条消息的内容。"]
    project = world.project(vendor, texts, overlap=2)
    corpus = vendor.get(f"/api/v1/projects/{project}").json["corpus_id"]
    items = {
        i["text"]: i["id"] for i in vendor.get(f"/api/v1/corpora/{corpus}/items").json["items"]
    }
    a, b, c = (world.api(world.user("expert")) for _ in range(3))
    first = _claim(a, project).json
    assert first["item"]["text"] == texts[0]
    assert _answer(a, first["task_id"]).status_code in (200, 201)
    held = _claim(b, project).json  # b holds the second slot of item 1
    assert held["item"]["text"] == texts[0]
    dropped = vendor.post(
        f"/api/v1/corpora/{corpus}/items/drop", {"item_ids": [items[texts[0]], items[texts[1]]]}
    )
    assert dropped.status_code == 200 and dropped.json == {"dropped": 2, "kept_gold": 0}
    # The lease b held still lets b submit; nobody gets a dropped item again.
    assert _answer(b, held["task_id"]).status_code in (200, 201)
    seen = []
    while (claim := _claim(c, project)).status_code == 200:
        seen.append(claim.json["item"]["text"])
        assert _answer(c, claim.json["task_id"]).status_code in (200, 201)
    assert seen == texts[2:]
    shown = vendor.get(f"/api/v1/projects/{project}").json
    # Item 1 had its k answers (kept in reports), item 2 is out, items 3 and 4 have one each.
    assert (shown["items_total"], shown["items_complete"]) == (3, 1)
    statuses = {
        t["item_id"]: t["status"]
        for t in vendor.get(f"/api/v1/projects/{project}/tasks").json["tasks"]
    }
    assert statuses[items[texts[0]]] == "complete" and statuses[items[texts[1]]] == "dropped"
    listed = vendor.get(f"/api/v1/projects/{project}/tasks?status=dropped").json["tasks"]
    assert [t["item_id"] for t in listed] == [items[texts[1]]]
    # A project made now leaves the dropped items out.
    again = vendor.post(
        "/api/v1/projects",
        {
            "name": "二期",
            "corpus_id": corpus,
            "type": "classify",
            "labels": ["是", "否"],
            "overlap": 1,
        },
    )
    assert vendor.get(f"/api/v1/projects/{again.json['id']}").json["items_total"] == 2
    # Restoring reopens item 2's task.
    restored = vendor.post(
        f"/api/v1/corpora/{corpus}/items/restore", {"item_ids": [items[texts[1]]]}
    )
    assert restored.json == {"restored": 1}
    assert _claim(c, project).json["item"]["text"] == texts[1]
    assert vendor.get(f"/api/v1/projects/{project}").json["items_total"] == 4


def test_check_items_are_never_dropped(any_db_world: World) -> None:
    world = any_db_world
    vendor = world.vendor_api()
    project = world.project(vendor, ["短", "这是一条足够长的消息。"], overlap=1)
    corpus = vendor.get(f"/api/v1/projects/{project}").json["corpus_id"]
    short = vendor.get(f"/api/v1/corpora/{corpus}/items").json["items"][0]["id"]
    gold = vendor.post(
        f"/api/v1/projects/{project}/gold",
        {"items": [{"item_id": short, "answer": {"label": "正面"}}]},
    )
    assert gold.status_code == 200
    counts = vendor.post(f"/api/v1/corpora/{corpus}/min-length", {"min_length": 3}).json
    assert counts == {"dropped": 0, "restored": 0, "kept_gold": 1}
    assert "短" in _texts(vendor, corpus)


def test_same_file_twice_warns(app: Any, world: World) -> None:
    vendor = world.vendor_api()
    content = "第一段。\n\n第二段。".encode()
    first = _upload(vendor, content, "a.txt")
    second = vendor.upload(content, "copy-of-a.txt")
    assert second.json["same_file_as"] == [first]
    assert vendor.get(f"/api/v1/corpora/{second.json['id']}").json["same_file_as"] == [first]
    other_org = world.vendor_api()  # another organization's identical file is not mentioned
    assert other_org.upload(content, "a.txt").json["same_file_as"] == []
    browser = app.test_client()
    login(browser, _email_of(app, vendor))
    page = browser.get(f"/corpora/{second.json['id']}?lang=zh_CN").text
    assert 'id="same-file"' in page and "同一文件" in page


def _email_of(app: Any, api: Api) -> str:
    from app.accounts.tokens import user_for_token

    with app.app_context():
        user = user_for_token(api.token)
        assert user is not None
        return str(user.email)


def test_failed_corpus_can_be_retried_or_deleted(any_db_world: World) -> None:
    vendor = any_db_world.vendor_api()
    response = vendor.upload(b'{"text": "ok"}\n{"txt": 1}\n', "bad.jsonl")
    corpus = response.json["id"]
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["status"] == "failed"
    retried = vendor.post(f"/api/v1/corpora/{corpus}/retry")
    # Its file was kept until the sweep: the retry runs again (and fails again, same bytes).
    assert retried.status_code == 202
    assert vendor.get(f"/api/v1/corpora/{corpus}").json["status"] == "failed"
    ready = any_db_world.ready_corpus(vendor, ["一段。"])
    assert vendor.post(f"/api/v1/corpora/{ready}/retry").status_code == 409
    headers = {"Authorization": f"Bearer {vendor.token}"}
    assert vendor.client.delete(f"/api/v1/corpora/{corpus}", headers=headers).status_code == 204
    assert vendor.get(f"/api/v1/corpora/{corpus}").status_code == 404
    project = any_db_world.project(vendor, ["被项目使用的语料。"])
    used = vendor.get(f"/api/v1/projects/{project}").json["corpus_id"]
    refused = vendor.client.delete(f"/api/v1/corpora/{used}", headers=headers)
    assert refused.status_code == 409 and refused.json["error"]["message"]
