"""A table's label column read back as pre-annotations: a classification project's CSV,
.xlsx and JSON Lines exports, uploaded again with the ``label`` role on the final-label
column, give the same items, vendor ids and kept fields, and the same labels as class-label
pre-annotations (stored as Label Studio ``choices`` are), summed up on the corpus, listed
by the projects over it and pre-filled in an expert's claim. Multi-label cells split on
``label_separator``; an unknown label column is a translated 422 that stores nothing."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from tests.app.builders import World, login
from tests.app.corpora import preannotated as files
from tests.app.corpora.table_files import upload_table
from tests.app.corpora.test_upload import corpus_count, stored_objects
from tests.app.exports.export_world import exported, named_expert

TABLE = (
    "编号,内容,作者,来源\n"
    "N-001,合肥发布算力政策。,张三,新闻\n"
    'N-002,芜湖举办论坛。,"李四, 王五",\n'
    "N-003,蚌埠新建医院。,赵六,公告\n"
)
LABELS = ["政策", "活动", "民生"]
SINGLE = {"合肥发布算力政策。": ["政策"], "芜湖举办论坛。": ["活动"], "蚌埠新建医院。": ["民生"]}
# Each in the order a multi-label final answer keeps its labels (sorted), which the
# export joins with "|" and the JSON Lines export lists.
MULTI = {
    "合肥发布算力政策。": sorted(["政策", "民生"]),
    "芜湖举办论坛。": ["活动"],
    "蚌埠新建医院。": sorted(["政策", "活动", "民生"]),
}
KEPT = {"text": "text", "id": "source_id", "meta": ["作者", "来源"]}


def _classified(world: World, answers: dict[str, list[str]], multi: bool) -> tuple[Any, int, Any]:
    """A CSV corpus classified by one expert with the labels ``answers`` gives each text;
    returns the vendor, the project and the corpus's stored (text, meta, pre-annotation)."""
    vendor = world.vendor_api()
    corpus = files.uploaded_with_mapping(
        vendor, TABLE.encode(), "新闻.csv", {"text": "内容", "id": "编号"}
    )
    assert corpus["status"] == "ready", corpus
    items = files.stored_items(world, corpus["id"])
    reply = vendor.post(
        "/api/v1/projects",
        {
            "name": f"分类-{uuid.uuid4().hex[:6]}",
            "corpus_id": corpus["id"],
            "type": "classify",
            "overlap": 1,
            "labels": LABELS,
            **({"multi": True} if multi else {}),
        },
    )
    assert reply.status_code == 201, reply.json
    project: int = reply.json["id"]
    expert = named_expert(world, "甲")
    for _ in items:
        claim = expert.post(f"/api/v1/projects/{project}/claim").json
        labels = answers[claim["item"]["text"]]
        result = {"labels": labels} if multi else {"label": labels[0]}
        answer = expert.post(
            f"/api/v1/tasks/{claim['task_id']}/annotations",
            {"result": result, "client_uuid": str(uuid.uuid4())},
        )
        assert answer.status_code == 201, answer.json
    return vendor, project, items


def _same_items_with_labels(
    world: World, corpus: dict[str, Any], items: Any, answers: dict[str, list[str]]
) -> None:
    """The corpus holds ``items`` (text, vendor id, kept fields) each pre-annotated with the
    labels of ``answers``, summed up as a Label Studio file's class labels are."""
    stored = files.stored_items(world, corpus["id"])
    assert [(text, meta) for text, meta, *_ in stored] == [(t, m) for t, m, *_ in items]
    assert {text: pre for text, _m, pre, *_ in stored} == {
        text: {"labels": labels} for text, labels in answers.items()
    }
    used = sorted({label for labels in answers.values() for label in labels})
    count = sum(len(labels) for labels in answers.values())
    assert corpus["preannotations"]["items"] == 3
    assert corpus["preannotations"]["kinds"] == {"labels": {"count": count, "labels": used}}


def _claim_is_prefilled(
    world: World, vendor: Any, corpus: int, answers: dict[str, Any], multi: bool
) -> None:
    """A project must list every label used; an expert's claim carries the labels."""
    short = files.project_over(vendor, corpus, "classify", ["政策", "其他"])
    assert short.status_code == 422, short.json
    assert "活动" in short.json["error"]["message"] and "民生" in short.json["error"]["message"]
    project = vendor.post(
        "/api/v1/projects",
        {
            "name": f"再分类-{uuid.uuid4().hex[:6]}",
            "corpus_id": corpus,
            "type": "classify",
            "overlap": 1,
            "labels": LABELS,
            **({"multi": True} if multi else {}),
        },
    )
    assert project.status_code == 201, project.json
    claim = named_expert(world, "乙").post(f"/api/v1/projects/{project.json['id']}/claim").json
    assert claim["item"]["preannotation"] == {"labels": answers[claim["item"]["text"]]}, claim


@pytest.mark.parametrize(
    ("export_format", "filename", "mapping"),
    [
        ("csv", "again.csv", {**KEPT, "label": "final_label"}),
        ("xlsx", "again.xlsx", {**KEPT, "label": "final_label"}),
        (None, "again.jsonl", {**KEPT, "meta": ["meta.*"], "label": "final.label"}),
    ],
    ids=["csv", "xlsx", "jsonl"],
)
def test_final_labels_come_back_as_preannotations(
    any_db_world: World, export_format: str | None, filename: str, mapping: dict[str, Any]
) -> None:
    world = any_db_world
    vendor, project, items = _classified(world, SINGLE, multi=False)
    assert all(pre is None for _t, _m, pre, *_ in items)
    download = exported(vendor, project, export_format).get_data()
    again = files.uploaded_with_mapping(vendor, download, filename, mapping)
    assert again["status"] == "ready", again
    assert again["mapping"]["chosen"]["label"] == mapping["label"]
    _same_items_with_labels(world, again, items, SINGLE)
    # The label column is a pre-annotation, not kept metadata.
    assert "final_label" not in again["mapping"]["meta_columns"]
    _claim_is_prefilled(world, vendor, again["id"], SINGLE, multi=False)


@pytest.mark.parametrize(
    ("export_format", "filename", "mapping"),
    [
        ("csv", "multi.csv", {**KEPT, "label": "final_label", "label_separator": "|"}),
        ("xlsx", "multi.xlsx", {**KEPT, "label": "final_label", "label_separator": "|"}),
        (None, "multi.jsonl", {**KEPT, "meta": ["meta.*"], "label": "final.labels"}),
    ],
    ids=["csv", "xlsx", "jsonl"],
)
def test_multi_label_cells_split_on_the_separator(
    any_db_world: World, export_format: str | None, filename: str, mapping: dict[str, Any]
) -> None:
    world = any_db_world
    vendor, project, items = _classified(world, MULTI, multi=True)
    download = exported(vendor, project, export_format).get_data()
    again = files.uploaded_with_mapping(vendor, download, filename, mapping)
    assert again["status"] == "ready", again
    _same_items_with_labels(world, again, items, MULTI)
    _claim_is_prefilled(world, vendor, again["id"], MULTI, multi=True)


def test_a_semicolon_separator_and_empty_cells(world: World) -> None:
    """``;`` splits, spaces around labels go, an empty cell is no pre-annotation; without a
    separator the cell is one label."""
    vendor = world.vendor_api()
    content = "内容,标签\n甲文。,政策; 活动 \n乙文。,\n丙文。,民生\n"
    split = files.uploaded_with_mapping(
        vendor, content.encode(), "s.csv", {"text": "内容", "label": "标签", "label_separator": ";"}
    )
    assert split["status"] == "ready", split
    stored = files.stored_items(world, split["id"])
    assert [(text, meta, pre) for text, meta, pre, *_ in stored] == [
        ("甲文。", None, {"labels": ["政策", "活动"]}),
        ("乙文。", None, None),
        ("丙文。", None, {"labels": ["民生"]}),
    ]
    assert split["preannotations"] == {
        "format": "csv",
        "items": 2,
        "kinds": {"labels": {"count": 3, "labels": sorted(["活动", "政策", "民生"])}},
    }
    whole = files.uploaded_with_mapping(
        vendor, content.encode(), "w.csv", {"text": "内容", "label": "标签"}
    )
    assert files.stored_items(world, whole["id"])[0][2] == {"labels": ["政策; 活动"]}


def test_a_table_without_a_label_role_has_no_preannotations(world: World) -> None:
    vendor = world.vendor_api()
    content = "内容,标签\n甲文。,政策\n".encode()
    corpus = files.uploaded_with_mapping(vendor, content, "n.csv", {"text": "内容"})
    assert corpus["preannotations"] is None
    assert files.stored_items(world, corpus["id"])[0][1:3] == ({"fields": {"标签": "政策"}}, None)


def test_a_missing_label_column_is_refused_and_stores_nothing(any_db_world: World) -> None:
    world = any_db_world
    vendor = world.vendor_api()
    before = (corpus_count(world.app), stored_objects(world.app))
    content = TABLE.encode()
    missing = files.upload_mapped(vendor, content, "m.csv", {"text": "内容", "label": "标签"})
    assert missing.status_code == 422, missing.json
    assert missing.json["error"]["code"] == "unknown_column"
    assert missing.json["error"]["message"] == "文件中没有“标签”列（被选作标签）。"
    same = files.upload_mapped(vendor, content, "s.csv", {"text": "内容", "label": "内容"})
    assert same.status_code == 422 and same.json["error"]["code"] == "same_label_column"
    assert "内容" in same.json["error"]["message"]
    separator = files.upload_mapped(
        vendor, content, "p.csv", {"text": "内容", "label": "作者", "label_separator": 5}
    )
    assert separator.status_code == 422 and separator.json["error"]["code"] == "mapping_shape"
    assert "标签分隔符" in separator.json["error"]["message"]
    assert (corpus_count(world.app), stored_objects(world.app)) == before


def test_a_json_label_that_is_an_object_fails_the_file_naming_the_line(world: World) -> None:
    vendor = world.vendor_api()
    before = corpus_count(world.app)
    lines = [{"text": "甲文。", "tag": "政策"}, {"text": "乙文。", "tag": {"x": 1}}]
    content = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode()
    corpus = files.uploaded_with_mapping(
        vendor, content, "bad.jsonl", {"text": "text", "label": "tag"}
    )
    assert corpus["status"] == "failed" and corpus["item_count"] == 0
    assert corpus["errors"][0]["line"] == 2 and corpus["errors"][0]["code"] == "label_not_string"
    assert files.stored_items(world, corpus["id"]) == []
    assert corpus_count(world.app) == before + 1


def test_the_mapping_step_offers_the_label_column_in_chinese(world: World) -> None:
    email = world.user("vendor", world.org())
    vendor = world.api(email)
    content = "内容,标签\n甲文。,政策|活动\n乙文。,民生\n".encode()
    upload = upload_table(vendor, content, "wait.csv", wait=True)
    assert upload.status_code == 201, upload.json
    corpus = upload.json["id"]
    browser = world.app.test_client()
    login(browser, email)
    page = browser.get(f"/corpora/{corpus}").get_data(as_text=True)
    assert "标签列（预标注）" in page and "多个标签的分隔符" in page
    assert 'id="mapping-label"' in page and 'id="mapping-label-separator"' in page
    chosen = vendor.post(
        f"/api/v1/corpora/{corpus}/mapping",
        {"text": "内容", "label": "标签", "label_separator": "|", "meta": None},
    )
    assert chosen.status_code == 200, chosen.json
    shown = vendor.get(f"/api/v1/corpora/{corpus}").json
    assert shown["preannotations"]["kinds"]["labels"]["labels"] == sorted(["活动", "政策", "民生"])
    assert [pre for _t, _m, pre, *_ in files.stored_items(world, corpus)] == [
        {"labels": ["政策", "活动"]},
        {"labels": ["民生"]},
    ]
    ready_page = browser.get(f"/corpora/{corpus}").get_data(as_text=True)
    assert "2 条已有预标注" in ready_page


def test_the_openapi_table_mapping_names_the_label_role(world: World) -> None:
    schema = world.app.test_client().get("/api/v1/openapi.json").json
    properties = schema["components"]["schemas"]["TableMapping"]["properties"]
    assert {"label", "label_separator"} <= set(properties)
