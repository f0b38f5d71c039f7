"""Numpy inference cost of the character BiLSTM beside the shipped CNN (report:
``BILSTM_REPORT.md``).

``OMP_NUM_THREADS=1 .venv/bin/python -m deid.training.bilstm_speed [MODEL.npz ...]``

Over the judge block's msra_train sentences, cut into chunks as the engine cuts its input
(``deid.tagging_engine.TAGGER_CHUNK`` characters), each chunk encoded and its lexicon patterns
computed once beforehand (the engine shares them between its two character models), it
times in CPU seconds (``time.process_time``, best of ``--repeats``):

* the 0/1 attributes alone (``char_attributes``, part of both networks' cost),
* the shipped CNN's ``logits``,
* the BiLSTM's ``logits`` for each model given, and for random weights of each hidden size
  of ``--hidden`` (the cost does not depend on the values),

and prints characters per CPU second and microseconds per character, with the load.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

import numpy as np

from deid.char_cnn import ATTRIBUTES, CharCnn, char_attributes
from deid.engine import NETWORK_PATH
from deid.lexicon import Codes, Patterns, encode, jieba_lexicon, text_positions
from deid.tagging_engine import TAGGER_CHUNK
from deid.training.bilstm import msra_split
from deid.training.bilstm_numpy import TAGS, BiLstm


def chunks(texts: Sequence[str], size: int) -> list[list[str]]:
    """``texts`` grouped in order as the engine groups them (each group ≥ ``size``
    characters but the last)."""
    groups, current, total = [], [], 0
    for text in texts:
        current.append(text)
        total += len(text)
        if total >= size:
            groups.append(current)
            current, total = [], 0
    if current:
        groups.append(current)
    return groups


def random_bilstm(hidden: int, vocabulary: np.ndarray, embedding: int = 64) -> BiLstm:
    """A BiLSTM of the given shape with random weights."""
    rng = np.random.default_rng(0)
    scale = 1 / np.sqrt(hidden)

    def weights(*shape: int) -> np.ndarray:
        return rng.uniform(-scale, scale, shape).astype(np.float32)

    return BiLstm(
        chars=vocabulary,
        embedding=weights(len(vocabulary) + 2, embedding),
        w_ih=weights(2, 4 * hidden, embedding + ATTRIBUTES),
        w_hh=weights(2, 4 * hidden, hidden),
        bias=weights(2, 4 * hidden),
        output=weights(len(TAGS), 2 * hidden),
        bias_out=weights(len(TAGS)),
    )


def run_model(model: BiLstm, prepared: Sequence[tuple[Codes, Patterns]]) -> None:
    """The model's ``logits`` of every prepared chunk."""
    for codes, patterns in prepared:
        model.logits(codes, patterns)


def timed(run: Callable[[], object], repeats: int) -> float:
    """Best CPU seconds of ``repeats`` runs."""
    best = float("inf")
    for _ in range(repeats):
        start = time.process_time()
        run()
        best = min(best, time.process_time() - start)
    return best


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("models", nargs="*", type=Path)
    parser.add_argument("--hidden", default="16,32,48,64,96,128")
    parser.add_argument("--chunk", type=int, default=TAGGER_CHUNK)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    _, held = msra_split()
    texts = [r.text for r in held]
    characters = sum(len(t) for t in texts)
    prepared = []
    for group in chunks(texts, args.chunk):
        codes, _ = encode(group)
        patterns = jieba_lexicon().patterns(codes, text_positions(codes))
        prepared.append((codes, patterns))
    cnn = CharCnn.load(NETWORK_PATH)
    rows: dict[str, Callable[[], object]] = {
        "attributes alone": lambda: [char_attributes(c, p) for c, p in prepared],
        "shipped CNN logits": lambda: [cnn.logits(c, p) for c, p in prepared],
    }
    for path in args.models:
        model = BiLstm.load(path)
        rows[f"BiLSTM {path.name} (H={model.hidden})"] = partial(run_model, model, prepared)
    vocabulary = np.array(sorted({ord(ch) for t in texts for ch in t}), dtype=np.int64)
    for hidden in (int(h) for h in args.hidden.split(",") if h):
        model = random_bilstm(hidden, vocabulary)
        rows[f"BiLSTM random H={hidden}"] = partial(run_model, model, prepared)
    attributes = None
    for name, run in rows.items():
        load = Path("/proc/loadavg").read_text().split()[:3]
        seconds = timed(run, args.repeats)
        if name == "attributes alone":
            attributes = seconds
        line = {
            "what": name,
            "chunk": args.chunk,
            "cpu_seconds": round(seconds, 3),
            "chars_per_cpu_second": round(characters / seconds),
            "us_per_char": round(1e6 * seconds / characters, 3),
            "us_per_char_without_attributes": round(
                1e6 * (seconds - (attributes or 0.0)) / characters, 3
            )
            if name != "attributes alone"
            else None,
            "characters": characters,
            "load": load,
        }
        print(json.dumps(line), flush=True)


if __name__ == "__main__":
    main()
