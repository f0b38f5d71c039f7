"""A character-level name tagger: a linear (multinomial logistic) classifier over hashed
character n-gram features, one decision per character, run in numpy.

Each character gets one of ``LABELS`` (BIO: begins a name, inside a name, outside) from the
sum of the weight rows its features hash to.  The features are the characters at offsets
-3…+3, the bigrams and trigrams of the window around it, whether nearby characters are
common surnames or transliteration characters, their classes (Chinese, digit, Latin,
other), which words and person names of jieba's dictionary start, end or run through the
character, and how typical of given names the characters after a surname are.
There is no segmenter: a name jieba would cut in two (莫嘉|昉) is seen character by character.

Feature extraction and scoring are whole-array numpy operations over a batch of texts joined
into one code-point array, so the cost per character is a few array passes, not Python
(the arrays and dictionary features: ``deid.lexicon``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from deid.lexicon import (
    CHAR_TYPES,
    COMPOUND_FIRST,
    MULTIPLIERS,
    PAD,
    SURNAME_TABLE,
    TRANSLIT_TABLE,
    Codes,
    Floats,
    Patterns,
    encode,
    jieba_lexicon,
    text_positions,
    widened,
)

LABELS = ("O", "B", "I")
# A run of two or more characters grows over neighbours with at least this probability.
NAME_GROW = 0.02
# The network reads only the characters within ``NETWORK_GATE_REACH`` of one the linear
# model gives a name probability of at least ``NETWORK_GATE``; elsewhere the linear model's
# probabilities stand for the network's.  On msra_train's judge block the gate reads a
# quarter of the characters, and the default profile finds the same names as without it
# (model card, item 1).
NETWORK_GATE = 0.005
NETWORK_GATE_REACH = 2  # at most PAD: one text's characters never open the gate in another

# Templates: tuples of offsets whose characters are hashed together.
NGRAM_TEMPLATES: tuple[tuple[int, ...], ...] = (
    (-3,),
    (-2,),
    (-1,),
    (0,),
    (1,),
    (2,),
    (3,),
    (-3, -2),
    (-2, -1),
    (-1, 0),
    (0, 1),
    (1, 2),
    (2, 3),
    (-1, 1),
    (-2, -1, 0),
    (-1, 0, 1),
    (0, 1, 2),
)
# Extra templates over small per-character codes (surname flags, character classes) and the
# dictionary patterns of ``Lexicon`` (which words of jieba's dictionary start, end or run
# through the character; which of its person names do).
CLASS_TEMPLATES = (
    "surname",
    "chartype",
    "translit",
    "words",
    "names",
    "given_1",
    "given_2",
    "given_surname",
)
# Offsets of the "given_1", "given_2" and "given_surname" templates.
GIVEN_TEMPLATES = ((-1, 0, 1), (-2, -1, 0), (0, 1, 2))
TEMPLATE_COUNT = len(NGRAM_TEMPLATES) + len(CLASS_TEMPLATES) + 1  # + bias


def feature_rows(
    codes: Codes, positions: Codes, table_bits: int, patterns: Patterns | None = None
) -> npt.NDArray[np.intp]:
    """Hashed feature row of every template at each of ``positions`` of ``codes`` (text
    positions: ``PAD`` or more from either end of the array):
    an array of shape ``(len(positions), TEMPLATE_COUNT)`` with values below
    ``2 ** table_bits``.  ``patterns``: ``jieba_lexicon().patterns(codes, positions)`` if
    the caller has them already."""
    return template_rows(codes, positions, table_bits, patterns).T


def template_rows(
    codes: Codes, positions: Codes, table_bits: int, patterns: Patterns | None = None
) -> npt.NDArray[np.intp]:
    """``feature_rows`` laid out template by template, ``(TEMPLATE_COUNT, len(positions))``
    (as ``NameTagger.outputs`` reads them).

    The character templates are computed at every element from the first to the last of
    ``positions`` over shifted slices of the array, in place, and the wanted positions
    picked out once: a gather and a new array per template and offset cost more than the
    few padding elements between texts computed in vain."""
    rows = np.zeros((TEMPLATE_COUNT, len(positions)), dtype=np.uint64)
    if not len(positions):
        return rows.view(np.intp)
    if patterns is None:
        patterns = jieba_lexicon().patterns(codes, positions)
    low, high = int(positions.min()), int(positions.max()) + 1
    near = codes[low - PAD : high + PAD]
    surname = (SURNAME_TABLE[near] | (COMPOUND_FIRST[near] << 1)).astype(np.uint64)
    keys = _character_keys(near, surname, high - low)
    keys >>= np.uint64(64 - table_bits)
    at = positions - low
    first = len(NGRAM_TEMPLATES) + 3  # n-gram and class templates, then the patterns'
    rows[:first] = keys[:first, at]
    with np.errstate(over="ignore"):
        for number, bits in enumerate(patterns):
            key = ((bits << np.uint64(2)) | surname[at + PAD]) + np.uint64(100_000 * (number + 1))
            rows[first + number] = (key * MULTIPLIERS[2]) >> np.uint64(64 - table_bits)
    rows[first + len(patterns) : -1] = keys[first:, at]  # the last row: the bias, 0
    return rows.view(np.intp)  # below 2 ** table_bits: the same values as intp


def _character_keys(
    near: Codes, surname: npt.NDArray[np.uint64], span: int
) -> npt.NDArray[np.uint64]:
    """64-bit keys of the n-gram, class and given-name templates (not yet cut to the table's
    bits) at the ``span`` elements of ``near`` after its first ``PAD``."""
    ucodes = near.astype(np.uint64)
    classes = (surname, CHAR_TYPES[near].astype(np.uint64), TRANSLIT_TABLE[near].astype(np.uint64))
    given = jieba_lexicon().given[near].astype(np.uint64)
    keys = np.empty((len(NGRAM_TEMPLATES) + len(classes) + len(GIVEN_TEMPLATES), span), np.uint64)

    def at(values: npt.NDArray[np.uint64], offset: int) -> npt.NDArray[np.uint64]:
        return values[PAD + offset : PAD + offset + span]

    with np.errstate(over="ignore"):
        for number, offsets in enumerate(NGRAM_TEMPLATES):
            key = keys[number]
            key[:] = np.uint64(number + 1) * MULTIPLIERS[3]
            for order, offset in enumerate(offsets):
                np.bitwise_xor(key, at(ucodes, offset), out=key)
                np.multiply(key, MULTIPLIERS[order], out=key)
        for number, (table, width) in enumerate(zip(classes, (2, 3, 1), strict=True)):
            key = keys[len(NGRAM_TEMPLATES) + number]
            key[:] = 0
            for offset in range(-PAD, PAD + 1):
                np.left_shift(key, np.uint64(width), out=key)
                np.bitwise_or(key, at(table, offset), out=key)
            key += np.uint64(1000 * (number + 1))
            key *= MULTIPLIERS[0]
        # surname, first and second given character: which of them this character could be
        for number, offsets in enumerate(GIVEN_TEMPLATES):
            key = keys[len(NGRAM_TEMPLATES) + len(classes) + number]
            np.bitwise_and(at(surname, offsets[0]), np.uint64(1), out=key)
            for offset in offsets[1:]:
                np.left_shift(key, np.uint64(2), out=key)
                np.bitwise_or(key, at(given, offset), out=key)
            key += np.uint64(7_000 * (number + 1))
            key *= MULTIPLIERS[3]
    return keys


class LabelScorer(Protocol):
    """A second model over the same padded code array (``deid.char_cnn.CharCnn``)."""

    @property
    def reach(self) -> int:
        """Characters either side of one that its scores depend on."""

    def logits(self, codes: Codes, patterns: Patterns, at: Codes | None = None) -> Floats:
        """O/B/I scores ``(len(codes), len(LABELS))``, one row per element of ``codes``
        (with ``at``, sorted positions: only the rows of those elements); ``patterns`` are
        ``jieba_lexicon().patterns`` of its text positions."""


def _softmax(scores: Floats) -> Floats:
    """Softmax of each row.  The maximum and the sum are taken column by column: numpy's
    reductions along rows of three cost a call per row, four times as much in all, and add
    in the same order (the first column, the second, then the third)."""
    top = scores[:, 0].copy()
    for column in range(1, scores.shape[1]):
        np.maximum(top, scores[:, column], out=top)
    scores = scores - top[:, None]
    np.exp(scores, out=scores)
    total = scores[:, 0].copy()
    for column in range(1, scores.shape[1]):
        total += scores[:, column]
    scores /= total[:, None]
    return scores


@dataclass(frozen=True)
class TaggerOutput:
    """O/B/I probabilities per character of a batch of texts (concatenated): the mix the
    tagger decides by, the linear model's and the network's (the linear model's where the
    gate let the network skip a character; ``None`` without a network), and each text's
    first row."""

    mixed: Floats
    linear: Floats
    network: Floats | None
    firsts: Codes


@dataclass(frozen=True)
class NameTagger:
    """The trained weights: ``weights[row, label]`` for ``2 ** table_bits`` hashed rows, and
    optionally a second model whose probabilities are averaged in with weight ``mix``."""

    weights: Floats
    table_bits: int
    network: LabelScorer | None = None
    mix: float = 0.5
    # The weights in rows of four (the fourth 0), 16 bytes: ``np.take`` moves an item of 16
    # bytes in one step where one of 12 takes a ``memmove``, and the gather of 26 rows per
    # character ran twice as fast.  ``weights`` is made the view of its first three columns
    # (the same values, and the table is not held twice).
    padded: Floats = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        padded = np.zeros((len(self.weights), len(LABELS) + 1), dtype=np.float32)
        padded[:, : len(LABELS)] = self.weights
        object.__setattr__(self, "padded", padded)
        object.__setattr__(self, "weights", padded[:, : len(LABELS)])

    @property
    def reach(self) -> int:
        """Characters either side of one that its outputs depend on (its features look
        ``PAD`` characters away; the network may look further): a character whose text
        within ``reach`` is unchanged keeps its outputs (``deid.tagger_memo``)."""
        if self.network is None:
            return PAD
        return max(PAD + NETWORK_GATE_REACH, self.network.reach)

    def probabilities(self, texts: Sequence[str]) -> tuple[Floats, Codes]:
        """Per-character label probabilities ``(n_chars, len(LABELS))`` for all ``texts``
        (in order, concatenated) and each text's first row in that array."""
        output = self.outputs(texts)
        return output.mixed, output.firsts

    def outputs(self, texts: Sequence[str]) -> TaggerOutput:
        """``probabilities``, with each model's own probabilities beside their mix."""
        codes, _ = encode(texts)
        positions = text_positions(codes)
        patterns = jieba_lexicon().patterns(codes, positions)
        rows = template_rows(codes, positions, self.table_bits, patterns)
        # np.take: the same rows as fancy indexing, without its per-element overhead; taken
        # template by template, the sum adds whole (characters, labels) blocks, the same
        # additions in the same order, four times faster than summing 26 rows of 3
        sums = np.take(self.padded, rows, axis=0).sum(axis=0)[:, : len(LABELS)]
        linear = _softmax(sums).astype(np.float32, copy=False)
        scores, network = linear, None
        if self.network is not None:
            doubted = np.zeros(len(codes), dtype=bool)
            doubted[positions] = linear[:, 1] + linear[:, 2] >= NETWORK_GATE
            # widened over the padded array: the boundary codes keep one text from another
            read = widened(doubted, NETWORK_GATE_REACH)[positions]
            network = linear.copy()
            if read.any():
                network[read] = _softmax(self.network.logits(codes, patterns, positions[read]))
            mixed = (1 - self.mix) * linear + self.mix * network
            scores = mixed.astype(np.float32, copy=False)
        lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
        firsts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        return TaggerOutput(scores, linear, network, firsts)

    def spans(self, texts: Sequence[str], threshold: float = 0.5) -> list[list[tuple[int, int]]]:
        """Name spans per text: runs of characters whose probability of being inside a name
        (B or I) is at least ``threshold``, split where a character is more likely to begin
        a name than to continue one."""
        return [
            [(start, end) for start, end, _ in spans]
            for spans in self._decoded(texts, threshold, None)
        ]

    def scored_spans(
        self, texts: Sequence[str], threshold: float = 0.5, grow: float = 1.0
    ) -> list[list[tuple[int, int, float]]]:
        """``spans`` with the mean probability of its characters being in a name.

        Hysteresis: a span of two or more characters found at ``threshold`` takes in the
        neighbouring characters whose name probability is at least ``grow`` (at most
        ``threshold``: a neighbouring run joins it), so a name whose last character the
        tagger doubts (张铁|发) is still covered whole.  (Growing lone characters too found
        more names but far more false ones, on the tuning sets.)"""
        return self._decoded(texts, threshold, min(grow, threshold))

    def _decoded(
        self, texts: Sequence[str], threshold: float, grow: float | None
    ) -> list[list[tuple[int, int, float]]]:
        if not texts:
            return []
        probs, offsets = self.probabilities(texts)
        inside = probs[:, 1] + probs[:, 2]
        firsts = np.zeros(len(inside), dtype=bool)
        firsts[offsets[[len(t) > 0 for t in texts]]] = True
        starts, ends = tagger_runs(inside, probs[:, 1] > probs[:, 2], firsts, threshold)
        if grow is not None:
            starts, ends = grown_runs(starts, ends, inside, firsts, grow)
        owners = np.searchsorted(offsets, starts, side="right") - 1
        result: list[list[tuple[int, int, float]]] = [[] for _ in texts]
        for owner, start, end in zip(owners.tolist(), starts.tolist(), ends.tolist(), strict=True):
            first = int(offsets[owner])
            result[owner].append((start - first, end - first, float(inside[start:end].mean())))
        return result

    def save(self, path: Path) -> None:
        """Write the weights (float16, compressed) to ``path`` (an ``.npz`` file)."""
        np.savez_compressed(
            path,
            weights=self.weights.astype(np.float16),
            table_bits=np.array(self.table_bits),
            templates=np.array(TEMPLATE_COUNT),
        )

    @classmethod
    def load(cls, path: Path) -> NameTagger:
        """Read weights written by ``save``.  Raises ``OSError`` if ``path`` is missing and
        ``ValueError`` if it was written for other feature templates."""
        with np.load(path) as stored:
            if int(stored["templates"]) != TEMPLATE_COUNT:
                raise ValueError(f"{path}: trained with other features; retrain")
            return cls(stored["weights"].astype(np.float32), int(stored["table_bits"]))


def tagger_runs(
    inside: Floats, begins: npt.NDArray[np.bool_], firsts: npt.NDArray[np.bool_], threshold: float
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Starts and ends of the runs of characters with name probability ``inside`` ≥
    ``threshold``, split where a character more likely begins a name than continues one
    (``begins``) and where a text begins (``firsts``), over a whole batch at once."""
    named = inside >= threshold
    after_other = np.ones_like(named)
    after_other[1:] = ~named[:-1]
    starts = np.flatnonzero(named & (after_other | begins | firsts))
    breaks = np.append(np.flatnonzero(~named | begins | firsts), len(named))
    return starts, breaks[np.searchsorted(breaks, starts, side="right")]


def grown_runs(
    starts: npt.NDArray[np.intp],
    ends: npt.NDArray[np.intp],
    inside: Floats,
    firsts: npt.NDArray[np.bool_],
    grow: float = NAME_GROW,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Runs of two or more characters widened over their neighbours with probability ≥
    ``grow`` (张铁|发: a name whose last character the tagger doubts), within their text;
    single characters stay as they are.  ``grow`` must not exceed the runs' threshold."""
    weak = inside >= grow
    before_other = np.ones_like(weak)
    before_other[1:] = ~weak[:-1]
    segment_starts = np.flatnonzero(weak & (before_other | firsts))
    segment_breaks = np.append(np.flatnonzero(~weak | firsts), len(weak))
    long = ends - starts >= 2
    new_starts = np.where(
        long, segment_starts[np.searchsorted(segment_starts, starts, side="right") - 1], starts
    )
    new_ends = np.where(
        long, segment_breaks[np.searchsorted(segment_breaks, starts, side="right")], ends
    )
    return new_starts, new_ends
