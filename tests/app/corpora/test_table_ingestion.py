"""JSON Lines read through a mapping, as the ingestion reads them in its read-ahead thread:
the extra fields stay on each item as metadata over many batches, a bad row fails the whole
file naming its line even after batches were committed, and a worker that dies mid-file is
resumed without duplicating or losing an item — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.app.builders import World
from tests.app.corpora.killed_worker import crash_on_call
from tests.app.corpora.table_files import items_of


def jsonl(records: list[Any]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()


def corpus_of(api: Any, response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.json
    shown: dict[str, Any] = api.get(f"/api/v1/corpora/{response.json['id']}").json
    return shown


RECORDS: list[dict[str, Any]] = [
    {"text": "第一条", "id": 1, "来源": "网站", "score": 0.25, "tags": ["甲", "乙"]},
    {"text": "第二条", "id": "B-2", "来源": "", "extra": None, "nested": {"k": "值"}},
    {"id": 3, "text": "第三条", "note": "“引号”\\ 与 \u2028"},
    {"text": "第四条", "id": 4},
    {"text": "第五条", "id": 5, "score": -1e-7, "ok": True},
]


def test_a_mapped_jsonl_keeps_its_extra_fields_in_every_batch(
    any_db_app: Any, any_db_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.corpora import ingestion

    monkeypatch.setattr(ingestion, "BATCH", 2)  # three batches, two of them full
    vendor = any_db_world.vendor_api()
    corpus = corpus_of(vendor, vendor.upload(jsonl(RECORDS), "records.jsonl"))
    assert (corpus["status"], corpus["item_count"]) == ("ready", 5)
    assert corpus["mapping"]["chosen"]["id"] == "id"
    assert corpus["mapping"]["meta_columns"] == ["来源", "score", "tags", "nested", "note", "ok"]
    assert items_of(any_db_app, corpus["id"]) == [
        (
            "第一条",
            {"source_id": "1", "fields": {"来源": "网站", "score": 0.25, "tags": ["甲", "乙"]}},
        ),
        ("第二条", {"source_id": "B-2", "fields": {"nested": {"k": "值"}}}),
        ("第三条", {"source_id": "3", "fields": {"note": "“引号”\\ 与 \u2028"}}),
        ("第四条", {"source_id": "4"}),
        ("第五条", {"source_id": "5", "fields": {"score": -1e-7, "ok": True}}),
    ]


def test_chosen_and_dotted_fields_are_kept_by_their_paths(app: Any, world: World) -> None:
    from tests.app.corpora.table_files import upload_table

    records = [
        {"body": {"text": "甲文"}, "uid": "u1", "src": {"url": "http://a", "site": "A"}, "x": 1},
        {"body": {"text": "乙文", "lang": "zh"}, "uid": "u2", "src": {"site": "B"}},
    ]
    vendor = world.vendor_api()
    mapping = {"text": "body.text", "id": "uid", "meta": ["src.url", "src.*", "x"]}
    corpus = corpus_of(vendor, upload_table(vendor, jsonl(records), "d.jsonl", mapping))
    assert corpus["status"] == "ready", corpus.get("errors")
    assert items_of(app, corpus["id"]) == [
        (
            "甲文",
            {
                "source_id": "u1",
                "fields": {"src.url": "http://a", "url": "http://a", "site": "A", "x": 1},
            },
        ),
        ("乙文", {"source_id": "u2", "fields": {"site": "B"}}),
    ]
    every = corpus_of(
        vendor, upload_table(vendor, jsonl(records), "e.jsonl", {"text": "body.text"})
    )
    assert items_of(app, every["id"])[1] == (
        "乙文",
        {"fields": {"body": {"lang": "zh"}, "uid": "u2", "src": {"site": "B"}}},
    )


def test_bad_rows_fail_the_file_by_line_after_committed_batches(
    any_db_app: Any, any_db_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.corpora import ingestion

    monkeypatch.setattr(ingestion, "BATCH", 2)
    good = [{"text": f"好{i}", "id": i, "k": i} for i in range(6)]
    lines = [json.dumps(r, ensure_ascii=False) for r in good]
    lines += [
        '{"text": "缺编号"}',
        '{"text": ["列表"], "id": 8}',
        "{坏",
        "[1]",
        '{"text": " ", "id": 9}',
    ]
    lines += ['{"text": "末尾", "id": 10}']
    vendor = any_db_world.vendor_api()
    corpus = corpus_of(vendor, vendor.upload(("\n".join(lines) + "\n").encode(), "bad.jsonl"))
    assert (corpus["status"], corpus["item_count"]) == ("failed", 0)
    assert [(e["line"], e["code"], e.get("field")) for e in corpus["errors"]] == [
        (7, "missing_id", "id"),
        (8, "text_not_string", "text"),
        (9, "invalid_json", None),
        (10, "not_object", None),
        (11, "empty_text", "text"),
    ]
    assert items_of(any_db_app, corpus["id"]) == []  # the committed batches went too


def test_a_table_ingestion_that_died_mid_file_is_resumed(
    any_db_app: Any, any_db_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.corpora import ingestion
    from app.extensions import db
    from app.models import Corpus
    from app.storage import object_store

    monkeypatch.setattr(ingestion, "BATCH", 3)
    real_insert = ingestion._insert_text_items
    monkeypatch.setattr(ingestion, "_insert_text_items", crash_on_call(real_insert, 3))
    records = [{"text": f"行{i}", "id": f"R{i}", "组": "甲乙"[i % 2]} for i in range(11)]
    vendor = any_db_world.vendor_api()
    corpus_id = vendor.upload(jsonl(records), "crash.jsonl").json["id"]
    with any_db_app.app_context():
        corpus = db.session.get(Corpus, corpus_id)
        assert corpus is not None and corpus.status == "processing"
    assert len(items_of(any_db_app, corpus_id)) == 6  # two batches committed
    inserted: list[int] = []

    def counting(rows: list[Any]) -> None:
        inserted.extend(row[1] for row in rows)
        real_insert(rows)

    monkeypatch.setattr(ingestion, "_insert_text_items", counting)
    with any_db_app.app_context():
        ingestion.ingest_corpus(corpus_id, object_store())  # the job runs again
    assert inserted == list(range(7, 12))
    shown = vendor.get(f"/api/v1/corpora/{corpus_id}").json
    assert (shown["status"], shown["item_count"]) == ("ready", 11)
    assert shown["mapping"]["meta_columns"] == ["组"]
    assert items_of(any_db_app, corpus_id) == [
        (f"行{i}", {"source_id": f"R{i}", "fields": {"组": "甲乙"[i % 2]}}) for i in range(11)
    ]
