"""The name models' outputs kept per sentence, for texts analysed again with small changes.

A release analyses each document, redacts it, and scans the redacted text again (the
``recall`` profile, in the same worker process): most of its sentences are unchanged, and
the name models (``deid.name_tagger``, ``deid.char_cnn``) are the costliest part of both
passes.  The outputs of a character depend only on the text within ``NameTagger.reach``
characters of it, and on where the text begins and ends (the texts of a batch never see
each other).  So ``TaggerMemo`` keeps the outputs of the sentences it computed, keyed by the
sentence with that much context on either side, and computes only the rest: each run of
sentences it does not hold, with its context, the runs of all texts in one call.  A text
none of whose sentences is held is computed whole, as without the memo.

The values are the models' own; where a row was computed in another array than today's (a
window instead of the whole text) the matrix products may round it one unit in the last
place apart, as they already do when a text lands in another batch.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from deid.lexicon import Floats
from deid.name_tagger import LABELS, NameTagger, TaggerOutput

# A sentence ends after one of these (a line break, 。！？；).
SENTENCE_END = re.compile(r"[\n。！？；]")
# Characters whose outputs are kept (least recently used first out), 36 bytes each: a
# release's worker needs the outputs of the texts it analysed and has not yet scanned again,
# at most about 200,000 characters (three batches of 256 documents of 500 characters over
# two workers); a residual scan adds little (only the sentences redaction changed).
KEPT_CHARS = 300_000

Key = tuple[str, int, int]


class _Segment(NamedTuple):
    """Characters ``[start, end)`` of a text and their memo key; ``rows`` when held."""

    start: int
    end: int
    key: Key
    rows: Floats | None


class _Window(NamedTuple):
    """A run of sentences not held (``segments``) and its context: the characters of its
    text from ``low`` on."""

    text: str
    low: int
    segments: list[_Segment]


class TaggerMemo:
    """Outputs of ``tagger.outputs``, kept per sentence with ``tagger.reach`` characters of
    context on either side; thread-safe."""

    def __init__(self, tagger: NameTagger, kept_chars: int = KEPT_CHARS) -> None:
        self.tagger = tagger
        self.reach = tagger.reach
        self.kept_chars = kept_chars
        self.held: OrderedDict[Key, Floats] = OrderedDict()
        self.held_chars = 0
        self.reused_chars = 0  # characters whose outputs came from the memo
        self.lock = threading.Lock()

    def clear(self) -> None:
        """Forget every kept sentence: the next texts are computed as if read first."""
        with self.lock:
            self.held.clear()
            self.held_chars = 0

    def outputs(self, texts: Sequence[str]) -> TaggerOutput:
        """``tagger.outputs(texts)``, from the kept sentences where it can."""
        with self.lock:
            plans = [self._plan(text) for text in texts]
        windows = [
            w for text, plan in zip(texts, plans, strict=True) for w in self._windows(text, plan)
        ]
        if not windows:
            return _output([s.rows for plan in plans for s in plan if s.rows is not None], texts)
        computed = self.tagger.outputs([w.text for w in windows])
        rows = _stacked(computed)
        computed_rows: dict[int, Floats] = {}  # id(segment) -> its rows
        with self.lock:
            for window, first in zip(windows, computed.firsts.tolist(), strict=True):
                for segment in window.segments:
                    at = first + segment.start - window.low
                    # A copy of its own: a view would hold the whole batch's rows for as
                    # long as any one sentence of it is kept.
                    kept = rows[at : at + segment.end - segment.start].copy()
                    computed_rows[id(segment)] = kept
                    self._hold(segment, kept)
            while self.held_chars > self.kept_chars and self.held:
                key, _ = self.held.popitem(last=False)
                self.held_chars -= key[2] - key[1]
        if all(s.rows is None for plan in plans for s in plan):
            return computed  # nothing was held: exactly the direct computation
        return _output(
            [
                s.rows if s.rows is not None else computed_rows[id(s)]
                for plan in plans
                for s in plan
            ],
            texts,
        )

    def _plan(self, text: str) -> list[_Segment]:
        """The sentences of ``text`` with their keys and held rows (under the lock)."""
        cuts = [0, *(m.end() for m in SENTENCE_END.finditer(text))]
        if cuts[-1] != len(text) or len(cuts) == 1:
            cuts.append(len(text))
        plan = []
        reach, held = self.reach, self.held
        for start, end in zip(cuts, cuts[1:], strict=False):
            low = start - reach if start > reach else 0
            key = (text[low : end + reach], start - low, end - low)
            rows = held.get(key)
            if rows is not None:
                held.move_to_end(key)
                self.reused_chars += end - start
            plan.append(_Segment(start, end, key, rows))
        return plan

    def _windows(self, text: str, plan: list[_Segment]) -> list[_Window]:
        """The runs of consecutive sentences of ``text`` not held, each with its context."""
        runs: list[list[_Segment]] = []
        previous_held = True
        for segment in plan:
            if segment.rows is None:
                if previous_held:
                    runs.append([])
                runs[-1].append(segment)
            previous_held = segment.rows is not None
        windows = []
        for run in runs:
            low = max(0, run[0].start - self.reach)
            windows.append(_Window(text[low : run[-1].end + self.reach], low, run))
        return windows

    def _hold(self, segment: _Segment, rows: Floats) -> None:
        if segment.key not in self.held:
            self.held_chars += segment.end - segment.start
        self.held[segment.key] = rows


def _stacked(output: TaggerOutput) -> Floats:
    """The mixed, linear and (when there is one) network outputs side by side."""
    parts = [output.mixed, output.linear]
    if output.network is not None:
        parts.append(output.network)
    return np.hstack(parts)


def _output(blocks: list[Floats], texts: Sequence[str]) -> TaggerOutput:
    """A ``TaggerOutput`` of ``texts`` from their rows, in order, laid out as ``_stacked``."""
    joined = np.concatenate(blocks) if blocks else np.zeros((0, 3 * len(LABELS)), np.float32)
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    firsts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
    width = len(LABELS)
    columns = [
        np.ascontiguousarray(joined[:, n : n + width]) for n in range(0, joined.shape[1], width)
    ]
    network = columns[2] if len(columns) > 2 else None
    return TaggerOutput(columns[0], columns[1], network, firsts)
