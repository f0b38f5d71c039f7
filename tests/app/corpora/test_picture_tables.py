"""A ZIP of pictures with a table naming them: each picture's item carries its row's id and
fields (shown by the API, exported back); a table that names a missing picture, one picture
twice, or lacks a picture column fails the upload whole with the row's number."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from tests.app.builders import World, login
from tests.app.corpora.image_files import archive, jpeg, objects, png, upload
from tests.app.exports.export_world import answer_in_turn, exported

PICTURES = [
    ("photos/街道/1.png", png(64, 48, "red")),
    ("photos/2.jpg", jpeg()),
    ("photos/3.png", png(64, 48, "green")),
]


def _metas(vendor: Any, corpus: int) -> dict[str, Any]:
    items = vendor.get(f"/api/v1/corpora/{corpus}/items").json["items"]
    return {item["text"]: item.get("meta") for item in items}


def test_each_picture_gets_the_id_and_fields_of_its_row(world: World) -> None:
    vendor = world.vendor_api()
    # GBK, as Excel on a Chinese Windows saves a CSV; base names or paths both name a picture.
    table = "图片,编号,拍摄地点,备注\n1.png,P-001,合肥,\nphotos/2.jpg,P-002,芜湖,夜景\n"
    corpus = upload(vendor, archive([*PICTURES, ("图片说明.csv", table.encode("gbk"))]), "街景.zip")
    assert (corpus["status"], corpus["item_count"]) == ("ready", 3), corpus
    metas = _metas(vendor, corpus["id"])
    assert metas["photos/街道/1.png"] == {"source_id": "P-001", "fields": {"拍摄地点": "合肥"}}
    assert metas["photos/2.jpg"] == {
        "source_id": "P-002",
        "fields": {"拍摄地点": "芜湖", "备注": "夜景"},
    }
    assert not metas["photos/3.png"]  # no row names it: a picture all the same


def test_a_jsonl_table_works_the_same(world: World) -> None:
    vendor = world.vendor_api()
    rows = [{"file_name": "3.png", "id": 7, "camera": {"model": "X"}}]
    table = "\n".join(json.dumps(row) for row in rows).encode()
    corpus = upload(vendor, archive([("meta.jsonl", table), *PICTURES]), "pics.zip")
    assert corpus["status"] == "ready", corpus
    assert _metas(vendor, corpus["id"])["photos/3.png"] == {
        "source_id": "7",
        "fields": {"camera": {"model": "X"}},
    }


@pytest.mark.parametrize(
    ("tables", "expected"),
    [
        (
            [("t.csv", b"image,id\n1.png,a\nmissing.png,b\n2.jpg,c\n2.jpg,d\n")],
            [("t.csv", 3, "picture_not_in_archive"), ("t.csv", 5, "picture_named_twice")],
        ),
        ([("t.csv", b"name,id\n1.png,a\n")], [("t.csv", 0, "picture_column_missing")]),
        ([("t.csv", b"image,id\n,a\n")], [("t.csv", 2, "picture_cell_empty")]),
        ([("t.csv", b"image,id\n3.png,\n")], [("t.csv", 2, "missing_id")]),
        (
            [("a.csv", b"image\n1.png\n"), ("b.jsonl", b'{"image": "2.jpg"}\n')],
            [("b.jsonl", 0, "two_picture_tables")],
        ),
    ],
)
def test_a_wrong_table_fails_the_upload_whole_with_the_row(
    app: Any, world: World, tables: list[tuple[str, bytes]], expected: list[tuple[str, int, str]]
) -> None:
    vendor = world.vendor_api()
    before = objects(app)
    corpus = upload(vendor, archive([*PICTURES, *tables]), "bad.zip")
    assert corpus["status"] == "failed" and corpus["item_count"] == 0
    found = [(e["member"], e["line"], e["code"]) for e in corpus["errors"]]
    assert found == expected
    assert all(e["message"] and e["message"] != e["code"] for e in corpus["errors"])
    assert {k for k in objects(app) - before if "/raw/" not in k} == set()  # nothing stored


def test_the_corpus_page_names_the_table_and_row_in_chinese(world: World) -> None:
    email = world.user("vendor", world.org())
    table = b"image,id\n1.png,a\nmissing.png,b\n"
    corpus = upload(world.api(email), archive([*PICTURES, ("t.csv", table)]), "bad.zip")
    browser = world.app.test_client()
    login(browser, email)
    page = browser.get(f"/corpora/{corpus['id']}").get_data(as_text=True)
    assert "t.csv:3" in page
    assert "这一行指定的图片不在压缩包中" in page


def test_the_ids_come_back_in_the_export_of_a_box_project(world: World) -> None:
    vendor = world.vendor_api()
    table = "image,编号\n1.png,P-001\n2.jpg,P-002\n3.png,P-003\n".encode()
    corpus = upload(vendor, archive([*PICTURES, ("t.csv", table)]), "街景.zip")
    reply = vendor.post(
        "/api/v1/projects",
        {
            "name": f"框-{uuid.uuid4().hex[:6]}",
            "corpus_id": corpus["id"],
            "type": "bbox",
            "labels": ["车"],
            "overlap": 2,
        },
    )
    assert reply.status_code == 201, reply.json
    plan = [{"boxes": [[1, 1, 20, 20, "车"]]}] * 3
    answer_in_turn(world, reply.json["id"], {"钱工": plan, "孙工": plan})
    lines = exported(vendor, reply.json["id"], None).get_data(as_text=True).splitlines()
    assert sorted(json.loads(line)["source_id"] for line in lines) == ["P-001", "P-002", "P-003"]
    studio = json.loads(exported(vendor, reply.json["id"], "label_studio").data)
    assert sorted(task["data"]["source_id"] for task in studio) == ["P-001", "P-002", "P-003"]
