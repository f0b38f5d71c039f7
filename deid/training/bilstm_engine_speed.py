"""Whole-engine speed with a BiLSTM among the name models (experiment; ``BILSTM_REPORT.md``).

``OMP_NUM_THREADS=1 nice -n 5 .venv/bin/python -m deid.training.bilstm_engine_speed
[MODE:MODEL.npz:JUDGE.npz ...]``

Default profile, first pass (the name models' kept outputs emptied before every run) over the
judge block's msra_train sentences, characters per CPU second (``time.process_time``), best
of ``--repeats`` runs, the configurations alternating round by round: the shipped engine,
then each ``MODE:MODEL:JUDGE`` (``third`` or ``replace`` as in
``deid.training.bilstm_judge``, with the judge trained for it).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path

from deid.engine import JUDGE_PATH, analyze_batch, build_analyzer, load_name_tagger
from deid.tagger_memo import TaggerMemo
from deid.training.bilstm import msra_split
from deid.training.bilstm_judge import tagger


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("configs", nargs="*")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    _, held = msra_split()
    texts = [r.text for r in held]
    characters = sum(map(len, texts))
    engines = {"shipped": (TaggerMemo(load_name_tagger()), JUDGE_PATH)}
    for config in args.configs:
        mode, model, judge = config.split(":")
        engines[config] = (TaggerMemo(tagger(Path(model), mode)), Path(judge))
    built = {
        name: (memo, build_analyzer(memo=memo, judge_path=judge))
        for name, (memo, judge) in engines.items()
    }
    best = {name: float("inf") for name in built}
    for _name, (_, analyzer) in built.items():  # warm up: lazy tables, first calls
        analyze_batch(texts[:200], analyzer=analyzer)
    for _ in range(args.repeats):
        for name, (memo, analyzer) in built.items():
            memo.clear()
            started = time.process_time()
            analyze_batch(texts, analyzer=analyzer)
            best[name] = min(best[name], time.process_time() - started)
    for name, seconds in best.items():
        print(
            json.dumps(
                {
                    "engine": name,
                    "chars_per_cpu_second": round(characters / seconds),
                    "cpu_seconds": round(seconds, 2),
                    "characters": characters,
                    "load": Path("/proc/loadavg").read_text().split()[:3],
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
