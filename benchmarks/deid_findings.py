"""Findings of both profiles on a fixed corpus, to show a speed change changes no finding.

    .venv/bin/python benchmarks/deid_findings.py OUT.json
    .venv/bin/python benchmarks/deid_findings.py OUT.json --profile cprofile.out

The corpus (1,700 texts, fixed): 500 generated public-notice documents of about 500
characters as ``benchmarks/release.py`` makes them, with masked names, bench lines, bylines
and forms spliced into some; and the development sets of ``../shared/data/ner/dev/``
(cluener, literature, resume, weibo: 300 each; development data, never the test sets).
``OUT.json`` holds every finding of the ``default`` and ``recall`` profiles; two runs agree
when the files are identical.  The last stdout line is one JSON object: texts, characters,
the findings' SHA-256 and the CPU seconds of each profile.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as benchmarks/deid.py: one BLAS thread

import argparse  # noqa: E402
import cProfile  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT))

from release import write_documents  # noqa: E402

from deid import analyze_batch  # noqa: E402
from deid.training.corpus import NER_DATA_DIR  # noqa: E402

DEV_SETS = ("cluener_dev", "literature_dev", "resume_dev", "weibo_dev")
PER_SET = 300
DOCUMENTS = 500
SPLICES = [
    "被告人张某某，男，1980年生。",
    "审判长　　唐　勇\n书记员　　廖晓玲\n",
    "（记者肖丹通讯员宋云辉王爽）",
    "申请人：高明。联系电话0551-62345678。",
    "王XX、李**与刘*到场，区**未到。",
    "车架号LSVAG2180E2100001，陳冠希先生的住址为合肥市蜀山区长江西路100号3栋201室。",
]


def corpus(work: Path) -> list[str]:
    """The fixed texts (see the module docstring)."""
    documents = work / "documents.jsonl"
    write_documents(documents, DOCUMENTS)
    texts = []
    for number, line in enumerate(documents.read_text(encoding="utf-8").splitlines()):
        text = json.loads(line)["text"]
        if number % 7 == 0:
            cut = len(text) // 2
            text = text[:cut] + SPLICES[number % len(SPLICES)] + text[cut:]
        texts.append(text)
    for stem in DEV_SETS:
        with open(NER_DATA_DIR / "dev" / f"{stem}.jsonl", encoding="utf-8") as stream:
            rows = [json.loads(line)["text"] for line in stream if line.strip()]
        texts += rows[:PER_SET]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="where to write every finding (JSON)")
    parser.add_argument("--profile", type=Path, help="write cProfile statistics here")
    args = parser.parse_args()
    texts = corpus(args.out.parent)
    analyze_batch(texts[:20], profile="default")  # load both engines before timing
    analyze_batch(texts[:20], profile="recall")
    found: dict[str, list[list[list[object]]]] = {}
    cpu: dict[str, float] = {}
    profiler = cProfile.Profile() if args.profile else None
    for name in ("default", "recall"):
        started = time.process_time()
        if profiler is not None:
            profiler.enable()
        results = analyze_batch(texts, profile=name)
        if profiler is not None:
            profiler.disable()
        cpu[name] = round(time.process_time() - started, 2)
        found[name] = [[[f.start, f.end, f.entity_type, f.score] for f in fs] for fs in results]
    if profiler is not None:
        profiler.dump_stats(args.profile)
    data = json.dumps(found, ensure_ascii=False, sort_keys=True)
    args.out.write_text(data, encoding="utf-8")
    print(
        json.dumps(
            {
                "texts": len(texts),
                "chars": sum(map(len, texts)),
                "findings": {k: sum(map(len, v)) for k, v in found.items()},
                "sha256": hashlib.sha256(data.encode("utf-8")).hexdigest(),
                "cpu_s": cpu,
            }
        )
    )


if __name__ == "__main__":
    main()
