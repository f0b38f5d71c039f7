"""The second stage of name finding: a judge that keeps or drops each candidate span.

The character models (``deid.name_tagger``, ``deid.char_cnn``) decide one character at a
time from three characters either side.  Whether a whole span is a name depends on things
they cannot see: the span as a word of jieba's dictionary and its tag (白皮书, 师生), the
word it makes with the next character (布隆|迪), the characters around it (…说, 记者…), how
sure the models were over the whole span, whether the text repeats it.  The judge is a
logistic regression over such features of a span, hashed into a weight table like the
linear tagger's, and trained (``deid.training.span_judge``) on the candidates that models
trained without a sentence proposed for it (out-of-fold), so it learns how the shipped
models err on text they have not seen.

Its candidates and the features it reads of each are ``deid.span_features``'.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from deid.boundaries import best_boundaries
from deid.famous import famous_spans
from deid.lexicon import Floats
from deid.name_tagger import TaggerOutput
from deid.span_features import (
    Candidate,
    Probabilities,
    batch_candidates,
    features_with,
    hashed,
    probability_columns,
    span_features,
    sureness,
)


@dataclass(frozen=True)
class Judged:
    """A candidate (``start``, ``end``) with the judge's P(name) and P(exact | name)."""

    start: int
    end: int
    chance: float
    exact: float


@dataclass(frozen=True)
class SpanJudge:
    """Logistic-regression weights over ``2 ** bits`` hashed feature rows, and the
    probability from which a candidate is kept.

    ``boundary`` (optional) are the weights of a second regression over the same features:
    the probability that a candidate overlapping a name is exactly that name (张三 rather
    than 张三说).  With it, of kept candidates that overlap, the one most likely to be a name
    with exactly its boundaries (P(name) · P(exact | name)) is reported, not their union.
    ``recall_threshold`` is the keep threshold of the ``recall`` profile (``for_recall``).
    """

    weights: Floats
    bits: int
    threshold: float
    boundary: Floats | None = None
    recall_threshold: float | None = None

    def for_recall(self) -> SpanJudge:
        """The judge of the ``recall`` profile: its own (lower) threshold, and every kept
        candidate reported whole (coverage before boundaries)."""
        threshold = self.recall_threshold if self.recall_threshold is not None else self.threshold
        return SpanJudge(self.weights, self.bits, threshold)

    def _rows(
        self, text: str, found: Sequence[Candidate], probs: Probabilities
    ) -> npt.NDArray[np.int64]:
        return np.array(
            [hashed(span_features(text, c, probs), self.bits) for c in found], dtype=np.int64
        )  # every candidate has as many features

    def probabilities(
        self, text: str, found: Sequence[Candidate], probs: Probabilities
    ) -> npt.NDArray[np.float64]:
        """P(name) of each candidate of ``text``."""
        return _sigmoid(self.weights[self._rows(text, found, probs)].sum(axis=1))

    def kept(
        self,
        texts: Sequence[str],
        output: TaggerOutput,
        thresholds: Sequence[float] | None = None,
    ) -> list[list[tuple[int, int, float]]]:
        """The candidates of each of ``texts`` the judge keeps, with their probability
        (``output``: the tagger's over the batch; ``thresholds``: each text's keep
        threshold, the judge's own if not given)."""
        levels = thresholds if thresholds is not None else [self.threshold] * len(texts)
        return [
            self.chosen(found, level)
            for found, level in zip(self.judged(texts, output), levels, strict=True)
        ]

    def judged(self, texts: Sequence[str], output: TaggerOutput) -> list[list[Judged]]:
        """Every candidate of each of ``texts`` with its P(name) and P(exact | name) (1.0
        without a boundary model), in the order ``batch_candidates`` proposes them."""
        offsets = output.firsts.tolist()
        found_in = batch_candidates(texts, output.mixed, offsets)
        # every candidate of the batch judged at once (a text has a handful: numpy's
        # overhead per call outweighed the sums); each text's share is cut out after
        bounds = [
            (offset + c.start, offset + c.end, offset, offset + len(text))
            for text, offset, found in zip(texts, offsets, found_in, strict=True)
            for c in found
        ]
        if not bounds:
            return [[] for _ in texts]
        starts, ends, firsts, lasts = np.array(bounds, dtype=np.intp).T
        columns = probability_columns(output.mixed, output.linear, output.network)
        sure = iter(sureness(columns, starts, ends, firsts, lasts))
        rows = [
            hashed(features_with(text, c, next(sure)), self.bits)
            for text, found in zip(texts, found_in, strict=True)
            for c in found
        ]
        table = np.array(rows, dtype=np.int64)  # every candidate has as many features
        chances = _sigmoid(self.weights[table].sum(axis=1)).tolist()
        exact = (
            _sigmoid(self.boundary[table].sum(axis=1)).tolist()
            if self.boundary is not None
            else [1.0] * len(chances)
        )
        result: list[list[Judged]] = []
        first = 0
        for found in found_in:
            result.append(
                [
                    Judged(c.start, c.end, chances[first + n], exact[first + n])
                    for n, c in enumerate(found)
                ]
            )
            first += len(found)
        return result

    def chosen(self, found: Sequence[Judged], level: float) -> list[tuple[int, int, float]]:
        """``(start, end, P(name))`` of the candidates ``found`` (``judged``) at or above
        ``level``; with a boundary model, of those that overlap, the most likely exact
        (``best_boundaries``)."""
        keep = [c for c in found if c.chance >= level]
        spans = [(c.start, c.end, c.chance) for c in keep]
        if self.boundary is None or len(keep) < 2:
            return spans
        return best_boundaries(spans, [c.chance * c.exact for c in keep])

    def save(self, path: Path) -> None:
        """Write the weights (float16, compressed) to ``path`` (an ``.npz`` file)."""
        extra: dict[str, Any] = {}
        if self.boundary is not None:
            extra["boundary"] = self.boundary.astype(np.float16)
        if self.recall_threshold is not None:
            extra["recall_threshold"] = np.array(self.recall_threshold)
        np.savez_compressed(
            path,
            weights=self.weights.astype(np.float16),
            bits=np.array(self.bits),
            threshold=np.array(self.threshold),
            **extra,
        )

    @classmethod
    def load(cls, path: Path) -> SpanJudge:
        """Read a judge written by ``save``.  Raises ``OSError`` if ``path`` is missing, or
        the list of famous people its candidates and features read (``deid.famous``)."""
        famous_spans([])  # the list is read now: without it no engine starts
        with np.load(path) as stored:
            return cls(
                stored["weights"].astype(np.float32),
                int(stored["bits"]),
                float(stored["threshold"]),
                stored["boundary"].astype(np.float32) if "boundary" in stored else None,
                float(stored["recall_threshold"]) if "recall_threshold" in stored else None,
            )


def _sigmoid(scores: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    return np.asarray(1.0 / (1.0 + np.exp(-scores.astype(np.float64))))
