"""People a dictionary names: historical, public and foreign figures (包公, 纳兰性德, 茅盾).

``deid/data/famous_people.tsv`` lists the people CC-CEDICT names (built by
``deid.training.famous_people``; CC BY-SA 4.0).  ``famous_spans`` finds them in a text; the
span judge (``deid.span_judge``) proposes each occurrence as a candidate and knows, as a
feature, that the span is such a name, so it learns from the judge block how far to trust
the list (鲁迅 in 鲁迅文学奖 is no person in MSRA's labels).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from deid.lexicon import UNICODE_END, encode, key_filter, member, ngram_keys, word_keys
from deid.normalize import read_pairs

FAMOUS_FILE = Path(__file__).resolve().parent / "data" / "famous_people.tsv"


@cache
def famous_people() -> dict[str, str]:
    """Name → kind (``name``: a transliterated personal name; ``dated``: with a life span;
    ``role``: with a person's role) of every listed person.

    Raises ``OSError`` when the list is missing from the installation.
    """
    return read_pairs(FAMOUS_FILE)


@dataclass(frozen=True)
class _Tables:
    """``famous_people`` as ``deid.lexicon`` key tables: which characters begin a name, and
    the sorted keys of the names of each length with their ``key_filter``."""

    first: npt.NDArray[np.uint8]
    keys: dict[int, npt.NDArray[np.uint64]]
    filters: dict[int, npt.NDArray[np.uint8]]


@cache
def _tables() -> _Tables:
    names = list(famous_people())
    first = np.zeros(UNICODE_END + 2, dtype=np.uint8)
    first[[ord(name[0]) for name in names]] = 1
    keys = {n: word_keys(names, n) for n in sorted({len(name) for name in names})}
    return _Tables(first, keys, {n: key_filter(k) for n, k in keys.items()})


def famous_spans(texts: Sequence[str]) -> list[list[tuple[int, int]]]:
    """For each of ``texts``, the (start, end) of the longest listed name starting at each
    of its positions (overlapping names included: 周恩来 and 恩来)."""
    tables = _tables()
    codes, starts = encode(texts)
    positions = np.flatnonzero(tables.first[codes])
    longest = np.zeros(len(positions), dtype=np.int64)
    for length, keys in tables.keys.items():
        # a window that runs into the padding between texts holds a boundary code: no name
        fits = positions + length <= len(codes)
        found = member(ngram_keys(codes, positions[fits], length), keys, tables.filters[length])
        longest[np.flatnonzero(fits)[found]] = length
    hits = np.flatnonzero(longest)
    owners = np.searchsorted(starts, positions[hits], side="right") - 1
    spans: list[list[tuple[int, int]]] = [[] for _ in texts]
    for owner, position, length in zip(
        owners.tolist(), positions[hits].tolist(), longest[hits].tolist(), strict=True
    ):
        start = position - int(starts[owner])
        spans[owner].append((start, start + length))
    return spans
