"""The span judge's out-of-fold curve with a BiLSTM among the character models (experiment;
report in ``BILSTM_REPORT.md``).

``OMP_NUM_THREADS=1 nice -n 5 .venv/bin/python -m deid.training.bilstm_judge MODEL.npz
--mode third|replace --out var/bilstm/judge.npz``

Runs ``deid.training.span_judge`` unchanged (candidates of the judge block, judges
cross-validated over its five sub-blocks, the whole default engine with rules scoring each
sub-block) with the engine's name tagger replaced in this process only:

* ``third``: the linear tagger, the shipped CNN and the BiLSTM, a third each;
* ``replace``: the linear tagger and the BiLSTM, half each (the BiLSTM in the CNN's place).

The judge it trains is written to ``--out`` (never to ``deid/model``).  The BiLSTM reads a
whole text, so its ``reach`` is unbounded: ``deid.tagger_memo`` then keys every sentence
by its whole text, and computes whole texts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import deid.engine
import deid.training.span_judge as span_judge
from deid.char_cnn import CharCnn
from deid.engine import NETWORK_PATH
from deid.lexicon import Codes, Floats, Patterns
from deid.name_tagger import NameTagger
from deid.training.bilstm_numpy import BiLstm

WHOLE_TEXT = 10**9


def _softmax(scores: Floats) -> Floats:
    scores = scores - scores.max(axis=1, keepdims=True)
    out: Floats = np.exp(scores)
    out /= out.sum(axis=1, keepdims=True)
    return out


class CnnAndBiLstm:
    """A ``LabelScorer``: the mean of the CNN's and the BiLSTM's O/B/I probabilities."""

    def __init__(self, cnn: CharCnn, bilstm: BiLstm) -> None:
        self.cnn, self.bilstm = cnn, bilstm

    @property
    def reach(self) -> int:
        return WHOLE_TEXT

    def logits(self, codes: Codes, patterns: Patterns, at: Codes | None = None) -> Floats:
        mean = 0.5 * (
            _softmax(self.cnn.logits(codes, patterns))
            + _softmax(self.bilstm.logits(codes, patterns))
        )
        out: Floats = np.log(np.maximum(mean, 1e-12)).astype(np.float32)
        return out if at is None else out[at]


class WholeText:
    """A ``LabelScorer`` of the BiLSTM alone, reading whole texts."""

    def __init__(self, bilstm: BiLstm) -> None:
        self.bilstm = bilstm

    @property
    def reach(self) -> int:
        return WHOLE_TEXT

    def logits(self, codes: Codes, patterns: Patterns, at: Codes | None = None) -> Floats:
        out = self.bilstm.logits(codes, patterns)
        return out if at is None else out[at]


def tagger(model: Path, mode: str) -> NameTagger:
    """The shipped linear tagger with the BiLSTM of ``model`` mixed in as ``mode`` says."""
    shipped = deid.engine.load_name_tagger()
    bilstm = BiLstm.load(model)
    if mode == "third":
        return NameTagger(
            shipped.weights,
            shipped.table_bits,
            CnnAndBiLstm(CharCnn.load(NETWORK_PATH), bilstm),
            2 / 3,
        )
    return NameTagger(shipped.weights, shipped.table_bits, WholeText(bilstm), 0.5)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("model", type=Path)
    parser.add_argument("--mode", choices=("third", "replace"), default="third")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.out.resolve().parent == span_judge.MODEL_PATH.parent:
        raise SystemExit("write the experiment's judge elsewhere than deid/model")
    chosen = tagger(args.model, args.mode)

    def patched(*_: object, **__: object) -> NameTagger:
        return chosen

    # this process only: the engine's and the judge trainer's name of the loader
    setattr(deid.engine, "load_name_tagger", patched)  # noqa: B010
    setattr(span_judge, "load_name_tagger", patched)  # noqa: B010
    sys.argv = [sys.argv[0], "--out", str(args.out)]
    span_judge.main()


if __name__ == "__main__":
    main()
