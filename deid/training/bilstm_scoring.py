"""PER scores of the BiLSTM experiment (``deid.training.bilstm``) on labelled sentences:
precision (predicted spans overlapping a gold name), covered recall (gold names every
character of which lies inside a prediction), exact P/R/F1, for the argmax tags and for
runs of characters with P(B-PER) + P(I-PER) at least each of ``THRESHOLDS`` (split where a
character more likely begins a name, as ``deid.name_tagger.tagger_runs``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from deid.name_tagger import tagger_runs
from deid.training.bilstm_numpy import TAGS
from deid.training.corpus import LabelledText

THRESHOLDS = (0.5, 0.3, 0.2, 0.1, 0.05)


def argmax_spans(tags: npt.NDArray[np.int64]) -> list[tuple[int, int]]:
    """PER spans of one sentence's tag sequence (an I-PER after another tag starts one)."""
    spans, start = [], None
    begin, inside = TAGS.index("B-PER"), TAGS.index("I-PER")
    for i, tag in enumerate(tags.tolist()):
        if tag == begin or (tag == inside and start is None):
            if start is not None:
                spans.append((start, i))
            start = i
        elif tag != inside and start is not None:
            spans.append((start, i))
            start = None
    if start is not None:
        spans.append((start, len(tags)))
    return spans


def threshold_spans(
    person: npt.NDArray[np.float32], firsts: npt.NDArray[np.int64], threshold: float
) -> list[list[tuple[int, int]]]:
    """Per sentence, runs of characters with ``person[:, 0] + person[:, 1]`` (P(B), P(I))
    at least ``threshold``, split where P(B) > P(I) (``tagger_runs``)."""
    first = np.zeros(len(person), dtype=bool)
    first[firsts[firsts < len(person)]] = True
    starts, ends = tagger_runs(
        person[:, 0] + person[:, 1], person[:, 0] > person[:, 1], first, threshold
    )
    owners = np.searchsorted(firsts, starts, side="right") - 1
    result: list[list[tuple[int, int]]] = [[] for _ in firsts]
    for owner, start, end in zip(owners.tolist(), starts.tolist(), ends.tolist(), strict=True):
        base = int(firsts[owner])
        result[owner].append((start - base, end - base))
    return result


def score(
    records: Sequence[LabelledText], found: Sequence[Sequence[tuple[int, int]]]
) -> dict[str, Any]:
    """PER precision (overlap), covered recall, exact precision, recall and F1."""
    gold_n = covered = exact = predicted = correct = 0
    for record, spans in zip(records, found, strict=True):
        gold = [(s, e) for s, e, label in record.spans if label == "PER"]
        inside = {i for s, e in spans for i in range(s, e)}
        gold_n += len(gold)
        covered += sum(all(i in inside for i in range(s, e)) for s, e in gold)
        exact += len(set(gold) & set(spans))
        predicted += len(spans)
        correct += sum(any(s < ge and gs < e for gs, ge in gold) for s, e in spans)
    p_exact = exact / predicted if predicted else 0.0
    r_exact = exact / gold_n if gold_n else 0.0
    return {
        "precision": round(correct / predicted, 4) if predicted else 0.0,
        "covered_recall": round(covered / gold_n, 4),
        "exact_precision": round(p_exact, 4),
        "exact_recall": round(r_exact, 4),
        "exact_f1": round(2 * p_exact * r_exact / (p_exact + r_exact), 4) if exact else 0.0,
        "predicted": predicted,
        "gold": gold_n,
    }


def curve(
    records: Sequence[LabelledText], person: npt.NDArray[np.float32], argmax: Any = None
) -> dict[str, dict[str, Any]]:
    """``score`` of the argmax spans (if ``argmax``: per-character tag indices) and of the
    threshold runs of ``person`` (P(B-PER), P(I-PER) per character)."""
    lengths = np.array([len(r.text) for r in records], dtype=np.int64)
    firsts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    out = {}
    if argmax is not None:
        found = [argmax_spans(argmax[f : f + n]) for f, n in zip(firsts, lengths, strict=True)]
        out["argmax"] = score(records, found)
    for threshold in THRESHOLDS:
        out[f"p>={threshold}"] = score(records, threshold_spans(person, firsts, threshold))
    return out


def covered_names(
    records: Sequence[LabelledText], probs: npt.NDArray[np.float32], threshold: float
) -> npt.NDArray[np.bool_]:
    """Whether each gold PER span of ``records`` (in order) is covered by the threshold runs
    of ``probs`` (O/B/I of names per character)."""
    lengths = np.array([len(r.text) for r in records], dtype=np.int64)
    firsts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    found = threshold_spans(probs[:, 1:3], firsts, threshold)
    out = []
    for record, spans in zip(records, found, strict=True):
        inside = {i for s, e in spans for i in range(s, e)}
        out += [
            all(i in inside for i in range(s, e)) for s, e, label in record.spans if label == "PER"
        ]
    return np.array(out, dtype=bool)
