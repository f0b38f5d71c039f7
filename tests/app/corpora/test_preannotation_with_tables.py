"""Other tools' exports beside the tables and resumable uploads: a Label Studio JSON array is
taken as pre-annotations, never sent to the mapping step as a table; a plain JSON array still
goes through a column mapping; an export sent in parts becomes the same corpus as one posted
whole; and the exporters read every shape of stored metadata."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from app.exports.formats.base import item_metadata
from tests.app.builders import Api, World
from tests.app.corpora import preannotated as files


def _by_parts(api: Api, content: bytes, filename: str) -> dict[str, Any]:
    started = api.post(
        "/api/v1/uploads",
        {
            "filename": filename,
            "size": len(content),
            "sha256": hashlib.sha256(content).hexdigest(),
            "name": "分段预标注",
        },
    )
    assert started.status_code == 201, started.json
    upload = started.json
    size = upload["part_size"]
    headers = {**api._headers(), "Content-Type": "application/octet-stream"}
    for number in range(1, upload["part_count"] + 1):
        body = content[(number - 1) * size : number * size]
        sent = api.client.put(
            f"/api/v1/uploads/{upload['id']}/parts/{number}", data=body, headers=headers
        )
        assert sent.status_code == 200, sent.json
    done = api.post(f"/api/v1/uploads/{upload['id']}/complete")
    assert done.status_code == 201, done.json
    assert done.json["format"] == "lsjson"
    corpus: dict[str, Any] = api.get(f"/api/v1/corpora/{done.json['id']}").json
    return corpus


def test_a_label_studio_array_is_not_a_table(world: World) -> None:
    vendor = world.vendor_api()
    corpus = files.uploaded(vendor, files.label_studio_tasks(), "tasks.json")
    assert (corpus["status"], corpus["format"], corpus["mapping"]) == ("ready", "lsjson", None)
    assert (
        corpus["item_count"] == 3 and corpus["preannotations"]["items"] == 2
    )  # the third has none
    assert "Label Studio" in corpus["format_title"] and corpus["same_file_as"] == []
    items = files.stored_items(world, corpus["id"])
    assert items[0][1] == {"doc_no": "公文-0", "source_id": 100}


def test_a_plain_json_array_still_goes_through_a_mapping(world: World) -> None:
    vendor = world.vendor_api()
    content = '[{"正文": "第一句。", "编号": "a1"}, {"正文": "第二句。", "编号": "a2"}]'.encode()
    reply = vendor.upload(content, "records.json")
    assert reply.status_code == 201, reply.json
    corpus = vendor.get(f"/api/v1/corpora/{reply.json['id']}").json
    assert (corpus["format"], corpus["preannotations"]) == ("json", None)
    assert corpus["mapping"]["chosen"]["text"] == "正文"


def test_an_export_sent_in_parts_is_the_same_corpus(world: World) -> None:
    vendor = world.vendor_api()
    whole = files.uploaded(vendor, files.label_studio_tasks(), "tasks.json")
    parts = _by_parts(vendor, files.label_studio_tasks(), "tasks.json")
    assert parts["status"] == "ready" and parts["same_file_as"] == [whole["id"]]
    assert parts["preannotations"] == whole["preannotations"]
    assert files.stored_items(world, parts["id"]) == files.stored_items(world, whole["id"])


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ({"source_id": "N-1", "fields": {"作者": "张三"}}, ("N-1", {"作者": "张三"})),
        ({"source_id": "N-2"}, ("N-2", None)),
        ({"source_id": 7, "来源": "新闻"}, (7, {"来源": "新闻"})),
        ({"title": "通知", "source": "a.docx"}, (None, {"title": "通知", "source": "a.docx"})),
        (None, (None, None)),
    ],
)
def test_every_stored_metadata_shape_is_read(stored: Any, expected: Any) -> None:
    assert item_metadata(stored) == expected
