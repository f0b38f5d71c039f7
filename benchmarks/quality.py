"""Time a full quality report: 200,000 items × 5 experts, 30 % missing (~700,000 answers).

    python benchmarks/quality.py --db sqlite|postgresql [--items N] [--postgres-url URL]

Builds the project directly in a fresh database (bulk inserts), then times the report job's
body, ``app.quality.report.refresh_report``: from the database to every metric,
Dawid–Skene included, and the stored report with its per-item lines. Prints one JSON object
on its last line: ``{"db", "answers", "report_s", "report_first_s", "report_after_new_s",
"compute_s", "load_s", "dawid_skene_s", "items_page_s", "alpha", ...}``.

``compute_cold_s`` is the figures alone on the first read after the bulk load;
``report_first_s`` the first report (it writes all 200,000 per-item lines);
``report_s`` a second one without new answers (no line changes); ``report_after_new_s`` one
after 1,000 more answers (only changed lines are written); ``compute_s`` the figures alone;
``items_page_s`` the slowest first page of the per-item table over the allowed sorts.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("WANBIAO_VAR_DIR", tempfile.mkdtemp(prefix="wanbiao-bench-"))

from sqlalchemy import insert, text  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Annotation,
    Assignment,
    Corpus,
    Item,
    Organization,
    Project,
    Task,
    User,
)
from app.models.base import utcnow  # noqa: E402
from quality import dawid_skene  # noqa: E402

LABELS = ["正面", "负面", "中性", "无关"]
EXPERTS, MISSING, CHUNK = 5, 0.3, 20_000


def _fresh_database(kind: str, url: str | None) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='wanbiao-bench-db-')}/bench.db"
    if not url:
        sys.exit("--postgres-url is required for --db postgresql")
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url


def _bulk(model: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start : start + CHUNK])


def _simulate(n_items: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    truth = rng.integers(0, len(LABELS), n_items)
    accuracy = rng.uniform(0.6, 0.95, EXPERTS)
    answered = rng.random((EXPERTS, n_items)) >= MISSING
    wrong = rng.integers(1, len(LABELS), (EXPERTS, n_items))
    correct = rng.random((EXPERTS, n_items)) < accuracy[:, None]
    labels = np.where(correct, truth[None, :], (truth[None, :] + wrong) % len(LABELS))
    return answered, labels


def build_project(n_items: int) -> int:
    """Create the organization, experts, corpus, items, project, tasks and answers."""
    org = Organization(name="基准公司", uscc="91340100MA2TDEM8K4", city="合肥")
    db.session.add(org)
    db.session.flush()
    people = [
        User(
            email=f"e{i}@bench.cn",
            name=f"专家{i}",
            role="expert",
            domains=[],
            password_hash="!",
            session_nonce="x",
        )
        for i in range(EXPERTS + 1)
    ]
    db.session.add_all(people)
    db.session.flush()
    corpus = Corpus(
        organization_id=org.id,
        name="基准",
        file_format="jsonl",
        original_filename="b.jsonl",
        object_key="bench",
        size_bytes=0,
        sha256="0",
        status="ready",
        created_by_id=people[-1].id,
    )
    db.session.add(corpus)
    db.session.flush()
    first_item = 1
    _bulk(
        Item,
        [
            {
                "id": first_item + i,
                "corpus_id": corpus.id,
                "seq": i + 1,
                "sha256": f"{i:064d}",
                "text": f"第{i}条",
            }
            for i in range(n_items)
        ],
    )
    project = Project(
        organization_id=org.id,
        corpus_id=corpus.id,
        name="基准项目",
        task_type="classify",
        labels=LABELS,
        overlap=EXPERTS,
        lease_seconds=1800,
        created_by_id=people[-1].id,
    )
    db.session.add(project)
    db.session.flush()
    _bulk(
        Task,
        [
            {
                "id": first_item + i,
                "project_id": project.id,
                "item_id": first_item + i,
                "slots_taken": 0,
                "answers": 0,
            }
            for i in range(n_items)
        ],
    )
    answered, labels = _simulate(n_items, np.random.default_rng(7))
    experts, items = np.nonzero(answered)
    stamp = utcnow()
    assignments, annotations = [], []
    for n, (e, i) in enumerate(zip(experts.tolist(), items.tolist(), strict=True), start=1):
        assignments.append(
            {
                "id": n,
                "task_id": first_item + i,
                "project_id": project.id,
                "annotator_id": people[e].id,
                "status": "submitted",
                "leased_at": stamp,
                "lease_expires_at": stamp,
            }
        )
        annotations.append(
            {
                "id": n,
                "assignment_id": n,
                "task_id": first_item + i,
                "project_id": project.id,
                "item_id": first_item + i,
                "annotator_id": people[e].id,
                "client_uuid": f"{n:036d}",
                "result": {"label": LABELS[labels[e, i]]},
            }
        )
    _bulk(Assignment, assignments)
    _bulk(Annotation, annotations)
    db.session.commit()
    return project.id


def main() -> None:
    """Parse arguments, build the data, time the report, print the JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--postgres-url", default=os.environ.get("WANBIAO_BENCH_POSTGRES_URL"))
    args = parser.parse_args()
    url = _fresh_database(args.db, args.postgres_url)
    app = create_app(
        {
            "SECRET_KEY": "benchmark-only-" + "x" * 32,
            "SQLALCHEMY_DATABASE_URI": url,
            "HUEY_IMMEDIATE": True,
        }
    )
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        project_id = build_project(args.items)
        print(f"built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        print(json.dumps(_measure(project_id, args.db)))


def _timed(function: Any, *args: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = function(*args)
    return result, round(time.perf_counter() - started, 3)


def _add_answers(project_id: int, count: int) -> None:
    """``count`` more answers from the spare expert, as if submitted since the last report."""
    spare = db.session.scalar(text('SELECT max(id) FROM "user"'))
    first = db.session.scalar(text("SELECT max(id) FROM annotation")) + 1
    stamp = utcnow()
    _bulk(
        Assignment,
        [
            {
                "id": first + n,
                "task_id": n + 1,
                "project_id": project_id,
                "annotator_id": spare,
                "status": "submitted",
                "leased_at": stamp,
                "lease_expires_at": stamp,
            }
            for n in range(count)
        ],
    )
    _bulk(
        Annotation,
        [
            {
                "id": first + n,
                "assignment_id": first + n,
                "task_id": n + 1,
                "project_id": project_id,
                "item_id": n + 1,
                "annotator_id": spare,
                "client_uuid": f"new{first + n:033d}",
                "result": {"label": LABELS[n % len(LABELS)]},
            }
            for n in range(count)
        ],
    )
    db.session.commit()


def _measure(project_id: int, kind: str) -> dict[str, Any]:
    from app.quality.item_table import SORTS, ItemQuery, list_items
    from app.quality.report import compute_report, load_answers, refresh_report

    project = db.session.get(Project, project_id)
    # The first read after a bulk load also sets PostgreSQL's hint bits: timed on its own.
    _, cold_s = _timed(compute_report, project)
    first, first_s = _timed(refresh_report, project_id)
    again, again_s = _timed(refresh_report, project_id)
    _add_answers(project_id, 1000)
    after, after_s = _timed(refresh_report, project_id)
    computed, compute_s = _timed(compute_report, project)
    loaded, load_s = _timed(load_answers, project)
    _, ds_s = _timed(lambda: dawid_skene(loaded.triples, len(LABELS), n_items=loaded.item_ids.size))
    page_s = max(_timed(list_items, project, ItemQuery(sort, 1))[1] for sort in SORTS)
    payload = after.payload
    return {
        "db": kind,
        "answers": computed.answers,
        "report_s": again_s,
        "report_first_s": first_s,
        "report_after_new_s": after_s,
        "compute_cold_s": cold_s,
        "lines_written_first": first.payload["item_lines"]["inserted"],
        "lines_written_after_new": payload["item_lines"]["updated"]
        + payload["item_lines"]["inserted"],
        "compute_s": compute_s,
        "load_s": load_s,
        "dawid_skene_s": ds_s,
        "items_page_s": page_s,
        "alpha": computed.alpha,
        "review_total": payload.get("review_total"),
    }


if __name__ == "__main__":
    main()
