"""Ingestion's last pass: the digests written once per corpus, duplicates dropped, and a
worker that dies in the middle of the pass over the file or of that last pass resumed
without duplicating or losing an item — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.app.builders import World
from tests.app.corpora.killed_worker import crash_on_call


def jsonl(texts: list[str]) -> bytes:
    return "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts).encode()


def stored(app: Any, corpus_id: int) -> tuple[list[str], dict[str, int]]:
    """The corpus's item texts in corpus order, and its digests (sha256 → item id)."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Item, ItemDigest

    with app.app_context():
        texts = list(
            db.session.scalars(
                select(Item.text).where(Item.corpus_id == corpus_id).order_by(Item.seq)
            )
        )
        digests = dict(
            db.session.execute(
                select(ItemDigest.sha256, ItemDigest.item_id).where(
                    ItemDigest.corpus_id == corpus_id
                )
            ).all()
        )
    return texts, digests


def item_ids_by_digest(app: Any, corpus_id: int) -> dict[str, int]:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Item

    with app.app_context():
        rows = db.session.execute(
            select(Item.sha256, Item.id).where(Item.corpus_id == corpus_id)
        ).all()
    return dict(rows)


# 12 records, 8 distinct texts: the repeats come after their first, one in the same batch.
TEXTS = [f"条目{i}" for i in range(8)] + ["条目1", "条目7", "条目0", "条目0"]


def test_each_kept_item_has_one_digest_and_duplicates_are_counted(
    any_db_app: Any, any_db_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.corpora import ingestion, item_digests

    monkeypatch.setattr(ingestion, "BATCH", 3)
    monkeypatch.setattr(item_digests, "SLICE", 2)  # SQLite: six slices of the sorted order
    vendor = any_db_world.vendor_api()
    corpus = vendor.upload(jsonl(TEXTS), "digests.jsonl").json
    shown = vendor.get(f"/api/v1/corpora/{corpus['id']}").json
    assert (shown["status"], shown["item_count"], shown["duplicate_count"]) == ("ready", 8, 4)
    texts, digests = stored(any_db_app, corpus["id"])
    assert texts == [f"条目{i}" for i in range(8)]  # the first of each text stays, in order
    assert digests == item_ids_by_digest(any_db_app, corpus["id"])


def test_the_same_text_in_two_corpora_is_kept_in_both(any_db_app: Any, any_db_world: World) -> None:
    vendor = any_db_world.vendor_api()
    first = vendor.upload(jsonl(["共同的文本", "第一份"]), "a.jsonl").json["id"]
    second = vendor.upload(jsonl(["共同的文本", "第二份", "共同的文本"]), "b.jsonl").json["id"]
    assert stored(any_db_app, first)[0] == ["共同的文本", "第一份"]
    assert stored(any_db_app, second)[0] == ["共同的文本", "第二份"]
    broken = vendor.upload(jsonl(["共同的文本"]) + b"{broken\n", "c.jsonl").json["id"]
    assert vendor.get(f"/api/v1/corpora/{broken}").json["status"] == "failed"
    assert stored(any_db_app, broken) == ([], {})
    assert len(stored(any_db_app, first)[1]) == 2  # a failed corpus leaves the others alone
    headers = {"Authorization": f"Bearer {vendor.token}"}
    assert vendor.client.delete(f"/api/v1/corpora/{second}", headers=headers).status_code == 204
    assert stored(any_db_app, second) == ([], {})  # its digests went with it
    assert len(stored(any_db_app, first)[1]) == 2


def test_a_rerun_after_a_crash_mid_file_inserts_only_what_is_missing(
    any_db_app: Any, any_db_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import func, select

    from app.corpora import ingestion
    from app.extensions import db
    from app.models import Corpus, Item
    from app.storage import object_store

    monkeypatch.setattr(ingestion, "BATCH", 3)
    real_insert = ingestion._insert_text_items
    monkeypatch.setattr(ingestion, "_insert_text_items", crash_on_call(real_insert, 3))
    vendor = any_db_world.vendor_api()
    corpus_id = vendor.upload(jsonl(TEXTS), "crash.jsonl").json["id"]
    with any_db_app.app_context():
        corpus = db.session.get(Corpus, corpus_id)
        assert corpus.status == "processing"
        assert corpus.bytes_processed > 0  # the progress of the two batches committed
        count = select(func.count()).where(Item.corpus_id == corpus_id)
        assert db.session.scalar(count) == 6
    inserted: list[int] = []

    def counting(rows: list[Any]) -> None:
        inserted.extend(row[1] for row in rows)
        real_insert(rows)

    monkeypatch.setattr(ingestion, "_insert_text_items", counting)
    with any_db_app.app_context():
        ingestion.ingest_corpus(corpus_id, object_store())  # the job runs again
    assert inserted == list(range(7, 13))  # records 1–6 were in already
    shown = vendor.get(f"/api/v1/corpora/{corpus_id}").json
    assert (shown["status"], shown["item_count"], shown["duplicate_count"]) == ("ready", 8, 4)
    texts, digests = stored(any_db_app, corpus_id)
    assert texts == [f"条目{i}" for i in range(8)]
    assert digests == item_ids_by_digest(any_db_app, corpus_id)


def test_a_rerun_after_a_crash_in_the_last_pass_finishes_it(
    any_db_app: Any, any_db_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.corpora import ingestion, item_digests
    from app.extensions import db
    from app.models import Corpus
    from app.storage import object_store

    monkeypatch.setattr(ingestion, "BATCH", 3)
    monkeypatch.setattr(item_digests, "SLICE", 3)
    real_finish = ingestion.finish_items

    def crash_in_the_middle(corpus_id: int, beat: Callable[[], None]) -> int:
        # SQLite: the digests cleared and the first slice committed (a duplicate of 条目0
        # deleted already); PostgreSQL: the one statement rolled back.
        sqlite = db.session.get_bind().dialect.name == "sqlite"
        return real_finish(corpus_id, crash_on_call(beat, 3 if sqlite else 2))

    monkeypatch.setattr(ingestion, "finish_items", crash_in_the_middle)
    vendor = any_db_world.vendor_api()
    corpus_id = vendor.upload(jsonl(TEXTS), "crash-late.jsonl").json["id"]
    with any_db_app.app_context():
        assert db.session.get(Corpus, corpus_id).status == "processing"
    monkeypatch.setattr(ingestion, "finish_items", real_finish)
    with any_db_app.app_context():
        ingestion.ingest_corpus(corpus_id, object_store())
    shown = vendor.get(f"/api/v1/corpora/{corpus_id}").json
    assert (shown["status"], shown["item_count"], shown["duplicate_count"]) == ("ready", 8, 4)
    texts, digests = stored(any_db_app, corpus_id)
    assert texts == [f"条目{i}" for i in range(8)]
    assert digests == item_ids_by_digest(any_db_app, corpus_id)
