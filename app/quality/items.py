"""A line of a project's per-item quality table: one per answered item with its answer count,
agreement, consensus (and Dawid–Skene posterior), check-item flag and whether a reviewer
decided it, held column by column (:class:`ItemLines`) with a fingerprint per line, and the
short summaries and figures a line shows.

The report job computes the lines with the rest of the report
(:mod:`app.quality.consensus_lines`, :mod:`app.quality.check_items`) and writes only the lines
whose figures changed since the last report (:mod:`app.quality.item_store`); pages and the API
then page and sort them in the database (:mod:`app.quality.item_table`), so nothing is
computed inside a request.
"""

from __future__ import annotations

import json
import math
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

# (item id, answers, agreement, consensus, posterior, is check item, adjudicated)
ItemRow = tuple[int, int, float | None, str | None, float | None, bool, bool]
FIELDS = ("item_id", "answers", "agreement", "consensus", "posterior", "is_gold", "adjudicated")
COLUMNS = ("project_id", *FIELDS, "digest")
SUMMARY_CHARS = 200

IntArray = np.ndarray[Any, np.dtype[np.int64]]
FloatArray = np.ndarray[Any, np.dtype[np.float64]]
BoolArray = np.ndarray[Any, np.dtype[np.bool_]]
_NONE = np.uint64(2**63 - 1)  # stands for an empty figure in a fingerprint


@dataclass(frozen=True)
class ItemLines:
    """Per-item lines column by column (200,000 of them must not become Python objects
    unless they are written): nan for an empty figure, consensus code -1 for none."""

    item_ids: IntArray
    answers: IntArray
    agreement: FloatArray
    consensus: IntArray  # index into ``texts``
    texts: tuple[str, ...]
    posterior: FloatArray
    is_gold: BoolArray
    adjudicated: BoolArray

    @classmethod
    def from_rows(cls, rows: Sequence[ItemRow]) -> ItemLines:
        """Lines from ``ItemRow`` tuples."""
        texts = tuple(sorted({row[3] for row in rows if row[3] is not None}))
        code = {text: index for index, text in enumerate(texts)}
        return cls(
            np.array([r[0] for r in rows], dtype=np.int64),
            np.array([r[1] for r in rows], dtype=np.int64),
            np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=np.float64),
            np.array([-1 if r[3] is None else code[r[3]] for r in rows], dtype=np.int64),
            texts,
            np.array([np.nan if r[4] is None else r[4] for r in rows], dtype=np.float64),
            np.array([r[5] for r in rows], dtype=bool),
            np.array([r[6] for r in rows], dtype=bool),
        )

    def __add__(self, other: ItemLines) -> ItemLines:
        shifted = np.where(other.consensus >= 0, other.consensus + len(self.texts), -1)

        def joined(name: str) -> Any:
            return np.concatenate([getattr(self, name), getattr(other, name)])

        return ItemLines(
            joined("item_ids"),
            joined("answers"),
            joined("agreement"),
            np.concatenate([self.consensus, shifted]),
            self.texts + other.texts,
            joined("posterior"),
            joined("is_gold"),
            joined("adjudicated"),
        )

    def __len__(self) -> int:
        return int(self.item_ids.size)

    def digests(self) -> IntArray:
        """A 64-bit fingerprint per line (multiply–xorshift mixing of every figure)."""
        text_codes = np.array(
            [zlib.crc32(t.encode()) for t in self.texts] + [int(_NONE)], dtype=np.uint64
        )
        fields = [
            self.answers.astype(np.uint64),
            _fixed(self.agreement),
            text_codes[self.consensus],
            _fixed(self.posterior),
            self.is_gold.astype(np.uint64),
            self.adjudicated.astype(np.uint64),
        ]
        mixed = np.zeros(len(self), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for field in fields:
                mixed = (mixed ^ field) * np.uint64(0x9E3779B97F4A7C15)
                mixed ^= mixed >> np.uint64(29)
        return mixed.view(np.int64)

    def rows(self, indices: IntArray, project_id: int) -> list[tuple[Any, ...]]:
        """The lines at ``indices`` as database rows, values in ``COLUMNS`` order."""
        digests = self.digests()[indices].tolist()
        texts = self.texts
        return [
            (
                project_id,
                item,
                answers,
                _value(agreement),
                texts[code] if code >= 0 else None,
                _value(posterior),
                gold,
                decided,
                digest,
            )
            for item, answers, agreement, code, posterior, gold, decided, digest in zip(
                self.item_ids[indices].tolist(),
                self.answers[indices].tolist(),
                self.agreement[indices].tolist(),
                self.consensus[indices].tolist(),
                self.posterior[indices].tolist(),
                self.is_gold[indices].tolist(),
                self.adjudicated[indices].tolist(),
                digests,
                strict=True,
            )
        ]


def _fixed(values: FloatArray) -> np.ndarray[Any, np.dtype[np.uint64]]:
    scaled = np.rint(np.nan_to_num(values, nan=0.0) * 1e4).astype(np.int64) + 2**40
    return np.where(np.isnan(values), _NONE, scaled.astype(np.uint64))


def _value(number: float) -> float | None:
    return None if math.isnan(number) else number


@dataclass(frozen=True)
class ComputedReport:
    """What the report job stores: the payload, α (or None), the number of answers read,
    the newest answer id seen, and the per-item lines."""

    payload: dict[str, Any]
    alpha: float | None
    answers: int
    last_annotation_id: int
    items: ItemLines


def rounded(value: float | None, places: int = 4) -> float | None:
    """A figure as stored and shown: rounded, None for an undefined (nan) value."""
    return None if value is None or math.isnan(value) else round(float(value), places)


def answer_summary(kind: str, result: dict[str, Any]) -> str:
    """A short text for an answer in the per-item table: the label(s), the count of spans or
    boxes per label, or the start of a cleaned text ("" when nothing was marked)."""
    if kind == "classify":
        labels = result.get("labels") or ([result["label"]] if "label" in result else [])
        text = "、".join(str(label) for label in labels)
    elif kind in ("ner", "bbox"):
        marks = result.get("spans" if kind == "ner" else "boxes", [])
        counts = Counter(str(mark[-1]) for mark in marks)
        text = "、".join(f"{label}×{n}" for label, n in sorted(counts.items()))
    else:
        text = str(result.get("text", ""))
    return text[:SUMMARY_CHARS]


def identical_pair_share(results: Sequence[dict[str, Any]]) -> float | None:
    """Share of expert pairs whose answers are identical (None with fewer than two)."""
    n = len(results)
    if n < 2:
        return None
    counts = Counter(json.dumps(r, sort_keys=True, ensure_ascii=False) for r in results)
    return rounded(sum(c * (c - 1) for c in counts.values()) / (n * (n - 1)))
