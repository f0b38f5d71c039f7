"""Project names are unique within an organization, and project lists say what each project
is (issue 13, "Smaller things users hit")."""

from __future__ import annotations

from typing import Any

from tests.app.builders import World, login


def _create(vendor: Any, corpus: int, name: str, kind: str = "classify") -> Any:
    body: dict[str, Any] = {"name": name, "corpus_id": corpus, "type": kind, "overlap": 1}
    body["labels"] = ["是", "否"] if kind == "classify" else ["人名", "地名"]
    return vendor.post("/api/v1/projects", body)


def test_a_second_project_of_the_same_name_is_refused_in_one_organization(
    app: Any, world: World
) -> None:
    vendor = world.vendor_api()
    corpus = world.ready_corpus(vendor, ["第一条文本。", "第二条文本。"])
    assert _create(vendor, corpus, "病历分类").status_code == 201
    again = _create(vendor, corpus, " 病历分类 ")
    assert again.status_code == 422
    assert again.json["error"]["code"] == "name_taken"
    other_vendor = world.vendor_api(world.org("另一公司"))
    other_corpus = world.ready_corpus(other_vendor, ["别家的文本。"])
    assert _create(other_vendor, other_corpus, "病历分类").status_code == 201


def test_the_form_says_the_name_is_taken_in_chinese(app: Any, world: World) -> None:
    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    corpus = world.ready_corpus(vendor, ["一条文本。"])
    assert _create(vendor, corpus, "合同审查").status_code == 201
    browser = app.test_client()
    login(browser, email)
    response = browser.post(
        "/projects/new",
        data={
            "name": "合同审查",
            "corpus_id": str(corpus),
            "task_type": "classify",
            "labels": "是\n否",
            "overlap": "1",
        },
    )
    assert response.status_code == 422
    assert "本机构已有同名项目" in response.text


def test_project_lists_show_the_task_type_and_the_corpus(app: Any, world: World) -> None:
    org = world.org()
    email = world.user("vendor", org)
    vendor = world.api(email)
    corpus = world.ready_corpus(vendor, ["一条文本。"])
    assert _create(vendor, corpus, "实体项目", kind="ner").status_code == 201
    browser = app.test_client()
    login(browser, email)
    for url in ("/projects/", "/"):
        page = browser.get(url).text
        assert "实体项目" in page
        assert "命名实体" in page, url
        assert "语料" in page
