"""The corpus page's queries on a 100,000-item corpus: keyset pages (first and deep), substring
search (frequent and rare words), statistics, the minimum length, and the MinHash search.

Run from the repository root::

    .venv/bin/python benchmarks/corpus_browse.py --db sqlite --items 100000
    .venv/bin/python benchmarks/corpus_browse.py --db postgresql \
        --postgres-url postgresql+psycopg://wanbiao_dev:devpw@localhost:5432/wb_corpus

The items (government-style sentences of 20–300 characters, 1 % of them near-copies of
another) are inserted straight into a fresh database; the services the pages call are then
timed in process, each the median of ``--repeat`` runs, in milliseconds, after an ``ANALYZE``
(as autovacuum runs after a bulk load). The PostgreSQL
database's ``public`` schema is dropped and recreated. The last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORDS = (
    "数据 资源 开放 共享 平台 建设 人工智能 算力 模型 产业 创新 发展 政务 服务 民生 保障 "
    "城市 治理 安全 标准 应用 场景 企业 培育 生态 科技 研发 人才 政策 规划"
).split()


def _text(rng: random.Random, index: int) -> str:
    length = rng.choice((2, 6, 30, 60, 120, 200, 300))
    words = []
    while sum(map(len, words)) < length:
        words.append(rng.choice(WORDS))
    return f"第{index}条:" + "".join(words) + ("罕见词" if index == 77_777 else "") + "。"


def _texts(count: int) -> list[str]:
    rng = random.Random(13)
    texts = [_text(rng, i) for i in range(count)]
    for i in range(0, count, 100):  # near-copies: 1 %
        source = texts[rng.randrange(count)]
        texts[i] = source[:-1] + "等。"
    return texts


def _app(args: argparse.Namespace, workdir: str) -> Any:
    os.environ.setdefault("WANBIAO_VAR_DIR", workdir)
    from app import create_app
    from app.extensions import db

    url = args.postgres_url if args.db == "postgresql" else f"sqlite:///{workdir}/bench.db"
    if args.db == "postgresql":
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app(
        {
            "SECRET_KEY": "bench-" + "x" * 40,
            "SQLALCHEMY_DATABASE_URI": url,
            "S3_ENDPOINT": "127.0.0.1:1",
            "S3_ACCESS_KEY": "bench",
            "S3_SECRET_KEY": "bench-secret-0123456789",
            "HUEY_IMMEDIATE": True,
        }
    )
    with app.app_context():
        db.create_all()
    return app


def _fill(count: int) -> tuple[Any, Any]:
    import hashlib

    from sqlalchemy import insert, text

    from app.accounts.organizations import create_organization
    from app.accounts.services import create_user
    from app.extensions import db
    from app.models import Corpus, Item, User
    from deid.checksums import uscc_check_char

    body = "91340100000000001"
    org = create_organization("基准公司", body + uscc_check_char(body), "合肥", None)
    create_user("bench@example.cn", "bench-password-0123", "vendor", organization_id=org.id)
    user = db.session.query(User).filter_by(email="bench@example.cn").one()
    corpus = Corpus(
        organization_id=org.id,
        name="基准",
        status="ready",
        file_format="txt",
        original_filename="b.txt",
        object_key="corpora/b",
        size_bytes=1,
        sha256="0" * 64,
        item_count=count,
        created_by_id=user.id,
    )
    db.session.add(corpus)
    db.session.commit()
    rows = [
        {
            "corpus_id": corpus.id,
            "seq": i + 1,
            "text": t,
            "kind": "text",
            "sha256": hashlib.sha256(f"{i}{t}".encode()).hexdigest(),
        }
        for i, t in enumerate(_texts(count))
    ]
    for start in range(0, count, 10_000):
        db.session.execute(insert(Item), rows[start : start + 10_000])
    db.session.commit()
    # What autovacuum (PostgreSQL) does soon after a bulk load; without it the planner still
    # believes the table empty and the first page sorts the whole corpus.
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return user, corpus


def _median_ms(action: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def _measure(user: Any, corpus: Any, repeat: int) -> dict[str, Any]:
    from app.corpora import browse, curation, near_duplicate_runs
    from app.extensions import db
    from app.models import NearDuplicateRun

    query = browse.ItemQuery
    deep = corpus.item_count - 1000
    figures = {
        "first_page_ms": _median_ms(lambda: browse.item_page(corpus, query()), repeat),
        "deep_page_ms": _median_ms(lambda: browse.item_page(corpus, query(after=deep)), repeat),
        "search_frequent_ms": _median_ms(
            lambda: browse.item_page(corpus, query(search="算力")), repeat
        ),
        "search_rare_ms": _median_ms(
            lambda: browse.item_page(corpus, query(search="罕见词")), repeat
        ),
        "search_absent_ms": _median_ms(
            lambda: browse.item_page(corpus, query(search="不存在的词")), repeat
        ),
        "statistics_ms": _median_ms(lambda: browse.corpus_statistics(corpus), repeat),
    }
    start = time.perf_counter()
    counts = curation.set_min_length(user, corpus, 10)
    figures["min_length_ms"] = round((time.perf_counter() - start) * 1000, 1)
    figures["min_length_dropped"] = counts["dropped"]
    figures["dropped_view_first_page_ms"] = _median_ms(
        lambda: browse.item_page(corpus, query(view="dropped")), repeat
    )
    run = near_duplicate_runs.start_search(user, corpus, 0.8, lambda _run_id: None)
    start = time.perf_counter()
    near_duplicate_runs.run_search(run.id)
    figures["near_duplicates_s"] = round(time.perf_counter() - start, 2)
    done = db.session.get(NearDuplicateRun, run.id)
    figures["near_duplicate_groups"] = len(done.groups) if done else None
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default="")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wanbiao-browse-") as workdir:
        app = _app(args, workdir)
        with app.app_context():
            user, corpus = _fill(args.items)
            figures = _measure(user, corpus, args.repeat)
        from app.extensions import db

        with app.app_context():
            db.engine.dispose()
    print(json.dumps({"db": args.db, "items": args.items, **figures}))


if __name__ == "__main__":
    main()
