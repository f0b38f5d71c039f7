"""Export writers: N items with 3 answers each to every format, items/s and peak RSS.

Each format runs in a child process of its own (so peak RSS is that format's), writing the
file batch by batch into an 8 MB spooled temporary file exactly as the export job does
(app/exports/records.py hands the writers batches of 1,000 records). The records are
generated in memory per batch, so the figures measure the writers and the streaming, not
the database reads (JSON Lines is written by the job's own database loop and is not here).

    .venv/bin/python benchmarks/export.py --items 1000000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

KIND = {
    "csv": "classify",
    "xlsx": "classify",
    "text": "clean",
    "conll": "ner",
    "doccano": "ner",
    "spacy": "ner",
    "coco": "bbox",
    "voc": "bbox",
    "yolo": "bbox",
    "label_studio": "ner",
}
LABELS = {"classify": ("正面", "负面", "中性"), "ner": ("人名", "地名"), "bbox": ("车", "人")}
TEXT = "张三在合肥市政务服务中心办理了营业执照，李四陪同前往芜湖参加了数据标注培训。"
EXPERTS = ("陈老师", "林老师", "周老师")


def answer(kind: str, n: int) -> dict:
    if kind == "classify":
        return {"label": LABELS[kind][n % 3]}
    if kind == "ner":
        return {"spans": [[0, 2, "人名"], [3, 6, "地名"], [20, 22, "人名"]]}
    if kind == "bbox":
        return {"boxes": [[10 + n % 7, 20, 64, 48, "车"], [300, 200, 40, 90, "人"]]}
    return {"text": TEXT[: 30 + n % 9], "flags": []}


def batches(kind: str, items: int, size: int = 1000) -> Iterator[list]:
    from app.exports.formats.base import ExportRecord

    image = kind == "bbox"
    for start in range(0, items, size):
        yield [
            ExportRecord(
                item_id=n + 1,
                text=f"street/{n:07d}.jpg" if image else TEXT,
                final=answer(kind, n),
                answers=[(name, answer(kind, n + k)) for k, name in enumerate(EXPERTS)],
                object_key=f"corpora/1/items/{n:064d}.jpg" if image else None,
                width=640 if image else None,
                height=480 if image else None,
            )
            for n in range(start, min(start + size, items))
        ]


def child(fmt: str, items: int) -> dict:
    from app.exports.formats import FORMATS
    from app.exports.formats.base import ProjectShape

    kind = KIND[fmt]
    writer = FORMATS[fmt].writer
    assert writer is not None
    shape = ProjectShape(kind, LABELS.get(kind, ()), 3)
    if fmt == "spacy":
        import spacy.tokens  # noqa: F401  (imported by the writer; counted before, not in it)
    imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    cpu_started = time.process_time()
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as spool:
        writer(shape, batches(kind, items), spool)
        size = spool.tell()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "items_per_s": round(items / seconds),
        "items_per_cpu_s": round(items / cpu_seconds),
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1),
        "peak_rss_mb": round(peak, 1),
        "rss_after_imports_mb": round(imported, 1),
        "file_mb": round(size / 1e6, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--formats", default=",".join(KIND))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.items)))
        return
    results = {}
    for fmt in args.formats.split(","):
        print(f"{fmt} …", file=sys.stderr)
        out = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--child", fmt, "--items", str(args.items)],
            check=True,
            capture_output=True,
            text=True,
            env=dict(os.environ),
        )
        results[fmt] = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"{fmt}: {results[fmt]}", file=sys.stderr)
    load = os.getloadavg()[0]
    print(
        json.dumps(
            {"items": args.items, "answers_per_item": 3, "load_1min": load, "formats": results}
        )
    )


if __name__ == "__main__":
    main()
