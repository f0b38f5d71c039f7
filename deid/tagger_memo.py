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
from dataclasses import dataclass

import numpy as np

from deid.lexicon import Floats
from deid.name_tagger import LABELS, NameTagger, TaggerOutput

# A sentence ends after one of these (a line break, 。！？；).
SENTENCE_END = re.compile(r"[\n。！？；]")
# Characters whose outputs are kept (least recently used first out): a release's worker
# needs the outputs of its batches in flight, about 200,000 characters; 36 bytes each.
KEPT_CHARS = 600_000

Key = tuple[str, int, int]


@dataclass(frozen=True)
class _Segment:
    """Characters ``[start, end)`` of a text and their memo key; ``rows`` when held."""

    start: int
    end: int
    key: Key
    rows: Floats | None


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

    def outputs(self, texts: Sequence[str]) -> TaggerOutput:
        """``tagger.outputs(texts)``, from the kept sentences where it can."""
        with self.lock:
            plans = [self._plan(text) for text in texts]
        windows: list[str] = []
        runs: list[list[_Run]] = []
        for text, plan in zip(texts, plans, strict=True):
            runs.append([])
            for start, end in _missing_runs(plan):
                low, high = max(0, start - self.reach), min(len(text), end + self.reach)
                runs[-1].append(_Run(start, end, low, len(windows)))
                windows.append(text[low:high])
        if not windows:
            return _output([s.rows for plan in plans for s in plan if s.rows is not None], texts)
        computed = self.tagger.outputs(windows)
        rows = _stacked(computed)
        firsts = computed.firsts.tolist()
        placed = [
            [(s, _run_of(s, text_runs), firsts) for s in plan]
            for plan, text_runs in zip(plans, runs, strict=True)
        ]
        self._keep(placed, rows)
        if all(
            r == [_Run(0, len(t), 0, n)] for n, (r, t) in enumerate(zip(runs, texts, strict=True))
        ):
            return computed  # nothing was held: exactly the direct computation
        blocks = [
            s.rows if s.rows is not None else _rows_of(s, run, firsts, rows)
            for plan in placed
            for s, run, firsts in plan
        ]
        return _output(blocks, texts)

    def _plan(self, text: str) -> list[_Segment]:
        """The sentences of ``text`` with their keys and held rows (under the lock)."""
        cuts = [0, *(m.end() for m in SENTENCE_END.finditer(text))]
        if cuts[-1] != len(text) or len(cuts) == 1:
            cuts.append(len(text))
        plan = []
        for start, end in zip(cuts, cuts[1:], strict=False):
            low, high = max(0, start - self.reach), min(len(text), end + self.reach)
            key = (text[low:high], start - low, end - low)
            rows = self.held.get(key)
            if rows is not None:
                self.held.move_to_end(key)
                self.reused_chars += end - start
            plan.append(_Segment(start, end, key, rows))
        return plan

    def _keep(
        self, placed: list[list[tuple[_Segment, _Run | None, list[int]]]], rows: Floats
    ) -> None:
        """Hold the rows of every computed sentence (copies: a view would hold the batch)."""
        with self.lock:
            for plan in placed:
                for segment, run, firsts in plan:
                    if run is None:
                        continue
                    if segment.key not in self.held:
                        self.held_chars += segment.end - segment.start
                    self.held[segment.key] = _rows_of(segment, run, firsts, rows).copy()
            while self.held_chars > self.kept_chars and self.held:
                key, _ = self.held.popitem(last=False)
                self.held_chars -= key[2] - key[1]


@dataclass(frozen=True)
class _Run:
    """Consecutive sentences ``[start, end)`` not held, computed as the ``window``-th text
    of the call: the text from ``low`` on (``reach`` characters of context each side)."""

    start: int
    end: int
    low: int
    window: int


def _missing_runs(plan: list[_Segment]) -> list[tuple[int, int]]:
    """``[start, end)`` of each run of consecutive sentences not held."""
    runs: list[tuple[int, int]] = []
    for segment in plan:
        if segment.rows is not None:
            continue
        if runs and runs[-1][1] == segment.start:
            runs[-1] = (runs[-1][0], segment.end)
        else:
            runs.append((segment.start, segment.end))
    return runs


def _run_of(segment: _Segment, runs: list[_Run]) -> _Run | None:
    """The run that computed ``segment`` (``None`` for a held one)."""
    if segment.rows is not None:
        return None
    return next(r for r in runs if r.start <= segment.start and segment.end <= r.end)


def _rows_of(segment: _Segment, run: _Run | None, firsts: list[int], rows: Floats) -> Floats:
    """The computed rows of ``segment``'s characters."""
    assert run is not None
    offset = firsts[run.window] - run.low
    return rows[offset + segment.start : offset + segment.end]


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


def _stacked(output: TaggerOutput) -> Floats:
    """The mixed, linear and (when there is one) network outputs side by side."""
    parts = [output.mixed, output.linear]
    if output.network is not None:
        parts.append(output.network)
    return np.hstack(parts)
