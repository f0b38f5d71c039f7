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
into one code-point array, so the cost per character is a few array passes, not Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from deid.cache import cached_arrays, input_key, source_files
from deid.recognizers.person import TRANSLITERATION_CHARS, jieba_tables
from deid.recognizers.surnames import COMPOUND_SURNAMES, SINGLE_SURNAMES, surname_length
from deid.recognizers.word_tables import JIEBA_DICTIONARY

LABELS = ("O", "B", "I")
# A run of two or more characters grows over neighbours with at least this probability.
NAME_GROW = 0.02
PAD = 3  # characters of context on each side
BOUNDARY = 0x110001  # code point standing for "outside the text" (above Unicode's range)
_UNICODE_END = 0x110000
FILTER_BITS = 23  # bits of a key that ``key_filter`` records

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
TEMPLATE_COUNT = len(NGRAM_TEMPLATES) + len(CLASS_TEMPLATES) + 1  # + bias

Codes = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float32]

_MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5],
    dtype=np.uint64,
)


def _lookup_table(chars: set[str]) -> npt.NDArray[np.uint8]:
    table = np.zeros(_UNICODE_END + 2, dtype=np.uint8)
    table[[ord(c) for c in chars]] = 1
    return table


_SURNAME_TABLE = _lookup_table(set(SINGLE_SURNAMES))
_COMPOUND_FIRST = _lookup_table({s[0] for s in COMPOUND_SURNAMES})


def _char_types() -> npt.NDArray[np.uint8]:
    """0 boundary/other, 1 Chinese, 2 digit, 3 Latin letter, 4 punctuation or space."""
    table = np.zeros(_UNICODE_END + 2, dtype=np.uint8)
    table[0x4E00:0xA000] = 1
    table[0x3400:0x4DC0] = 1
    table[ord("0") : ord("9") + 1] = 2
    table[ord("A") : ord("Z") + 1] = 3
    table[ord("a") : ord("z") + 1] = 3
    for char in " \t\n,.;:!?()[]\"'，。；：！？、（）《》“”‘’·—…-":
        table[ord(char)] = 4
    return table


_CHAR_TYPES = _char_types()
_TRANSLIT_TABLE = _lookup_table(set(TRANSLITERATION_CHARS))


def encode(texts: Sequence[str]) -> tuple[Codes, Codes]:
    """Join ``texts`` into one code-point array, each text padded by ``PAD`` boundary codes
    on both sides; returns the array and the index in it of each text's first character."""
    parts: list[Codes] = []
    starts = np.empty(len(texts), dtype=np.int64)
    position = PAD
    pad = np.full(PAD, BOUNDARY, dtype=np.int64)
    parts.append(pad)
    for number, text in enumerate(texts):
        starts[number] = position
        parts.append(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64))
        parts.append(pad)
        position += len(text) + PAD
    return np.concatenate(parts), starts


def ngram_keys(codes: Codes, positions: Codes, length: int) -> npt.NDArray[np.uint64]:
    """A 64-bit key of the ``length`` characters starting at each of ``positions``."""
    key = np.zeros(len(positions), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(length):
            key = (key ^ codes[positions + offset].astype(np.uint64)) * _MULTIPLIERS[1]
    return key


def _word_keys(words: list[str], length: int) -> npt.NDArray[np.uint64]:
    chosen = [w for w in words if len(w) == length]
    if not chosen:
        return np.zeros(0, dtype=np.uint64)
    codes, _ = encode(["".join(chosen)])
    positions = PAD + np.arange(len(chosen), dtype=np.int64) * length
    return np.unique(ngram_keys(codes, positions, length))


def key_filter(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint8]:
    """A bit set of the top ``FILTER_BITS`` bits of each of ``keys`` (``_member``'s quick
    "certainly not" before its binary search; 1 MB per table)."""
    present = np.zeros(1 << FILTER_BITS, dtype=bool)
    present[(keys >> np.uint64(64 - FILTER_BITS)).astype(np.intp)] = True
    return np.packbits(present, bitorder="little")


@dataclass(frozen=True)
class Lexicon:
    """Sorted n-gram keys of dictionary words (2–4 characters) and of person names (2–3
    characters, starting with a surname), e.g. from jieba's dictionary."""

    words: dict[int, npt.NDArray[np.uint64]]
    names: dict[int, npt.NDArray[np.uint64]]
    given: npt.NDArray[np.uint8]
    # ``key_filter`` of every key table, by table and length (made from the keys).
    filters: dict[tuple[str, int], npt.NDArray[np.uint8]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        filters = {("words", n): key_filter(keys) for n, keys in self.words.items()}
        filters |= {("names", n): key_filter(keys) for n, keys in self.names.items()}
        object.__setattr__(self, "filters", filters)

    @classmethod
    def from_words(cls, words: list[str], names: list[str]) -> Lexicon:
        """Build the key tables from word and name lists."""
        return cls(
            {n: _word_keys(words, n) for n in (2, 3, 4)},
            {n: _word_keys(names, n) for n in (2, 3)},
            _given_name_levels(words, names),
        )

    def patterns(self, codes: Codes, positions: Codes) -> tuple[npt.NDArray[np.uint64], ...]:
        """Two bit patterns per position: which dictionary words, and which names, of each
        length start at, end at or (length 3) are centred on the character."""
        word_bits = self._bits("words", codes, positions)
        name_bits = self._bits("names", codes, positions)
        return word_bits, name_bits

    def _bits(self, kind: str, codes: Codes, positions: Codes) -> npt.NDArray[np.uint64]:
        table: dict[int, npt.NDArray[np.uint64]] = getattr(self, kind)
        bits = np.zeros(len(positions), dtype=np.uint64)
        if not len(positions):
            return bits
        bit = 0
        for length, keys in table.items():
            # one look-up per window, then shifted: each window serves up to three positions
            first = int(positions.min()) - (length - 1)
            windows = np.arange(first, int(positions.max()) + 1, dtype=np.int64)
            known = _member(ngram_keys(codes, windows, length), keys, self.filters[kind, length])
            for start in sorted({0, -(length - 1), -(length // 2)}):
                found = known[positions + start - first]
                bits |= found.astype(np.uint64) << np.uint64(bit)
                bit += 1
        return bits


def _given_name_levels(words: list[str], names: list[str]) -> npt.NDArray[np.uint8]:
    """Per code point, how typical the character is of given names (0 never seen in one,
    1 rarely, 2 often, 3 mostly): its share of given-name uses among all its uses in
    ``names`` (after the surname) and ``words``."""
    in_names: dict[str, int] = {}
    for name in names:
        for char in name[surname_length(name, 0) :]:
            in_names[char] = in_names.get(char, 0) + 1
    in_words: dict[str, int] = {}
    for word in words:
        for char in word:
            if char in in_names:
                in_words[char] = in_words.get(char, 0) + 1
    levels = np.zeros(_UNICODE_END + 2, dtype=np.uint8)
    for char, count in in_names.items():
        share = count / (count + in_words.get(char, 0))
        levels[ord(char)] = 1 if share < 0.1 else 2 if share < 0.4 else 3
    return levels


def _member(
    keys: npt.NDArray[np.uint64],
    table: npt.NDArray[np.uint64],
    quick: npt.NDArray[np.uint8] | None = None,
) -> npt.NDArray[np.bool_]:
    """Which of ``keys`` are in the sorted ``table``; ``quick`` (``key_filter(table)``)
    spares the binary search for the keys it rules out (nine in ten in running text)."""
    found = np.zeros(len(keys), dtype=bool)
    if not len(table):
        return found
    if quick is not None:
        top = (keys >> np.uint64(64 - FILTER_BITS)).astype(np.intp)
        maybe = np.flatnonzero((quick[top >> 3] >> (top & 7).astype(np.uint8)) & 1)
        index = np.searchsorted(table, keys[maybe]).clip(0, len(table) - 1)
        found[maybe] = table[index] == keys[maybe]
        return found
    index = np.searchsorted(table, keys).clip(0, len(table) - 1)
    return np.asarray(table[index] == keys)


@cache
def jieba_lexicon() -> Lexicon:
    """jieba's dictionary as a ``Lexicon``: words it counts (not tagged as person names) and
    its person names (tags nr, nrfg, nrt) of 2–3 characters that start with a surname.
    Kept by ``deid.cache`` between processes (keyed by the dictionary and this code)."""
    key = input_key(
        JIEBA_DICTIONARY,
        *source_files("deid.name_tagger", "deid.recognizers.surnames", "deid.cache"),
    )
    arrays = cached_arrays("jieba-lexicon", key, _lexicon_arrays)
    return Lexicon(
        {n: arrays[f"words{n}"] for n in (2, 3, 4)},
        {n: arrays[f"names{n}"] for n in (2, 3)},
        arrays["given"],
    )


def _lexicon_arrays() -> dict[str, npt.NDArray[np.generic]]:
    freq, tags = jieba_tables()
    words = [
        w
        for w, n in freq.items()
        if n and 2 <= len(w) <= 4 and tags.get(w) not in {"nr", "nrfg", "nrt"}
    ]
    names = [
        w
        for w, t in tags.items()
        if t in {"nr", "nrfg", "nrt"}
        and 2 <= len(w) <= 3
        and surname_length(w, 0)
        and surname_length(w, 0) < len(w)
    ]
    lexicon = Lexicon.from_words(words, names)
    arrays: dict[str, npt.NDArray[np.generic]] = {"given": lexicon.given}
    arrays |= {f"words{n}": keys for n, keys in lexicon.words.items()}
    arrays |= {f"names{n}": keys for n, keys in lexicon.names.items()}
    return arrays


Patterns = tuple[npt.NDArray[np.uint64], ...]


def feature_rows(
    codes: Codes, positions: Codes, table_bits: int, patterns: Patterns | None = None
) -> npt.NDArray[np.intp]:
    """Hashed feature row of every template at each of ``positions`` of ``codes``:
    an array of shape ``(len(positions), TEMPLATE_COUNT)`` with values below
    ``2 ** table_bits``.  ``patterns``: ``jieba_lexicon().patterns(codes, positions)`` if
    the caller has them already."""
    shift = np.uint64(64 - table_bits)
    columns = []
    with np.errstate(over="ignore"):
        ucodes = codes.astype(np.uint64)
        for number, offsets in enumerate(NGRAM_TEMPLATES):
            key = np.full(len(positions), number + 1, dtype=np.uint64) * _MULTIPLIERS[3]
            for order, offset in enumerate(offsets):
                key = (key ^ ucodes[positions + offset]) * _MULTIPLIERS[order]
            columns.append(key >> shift)
        surname = (_SURNAME_TABLE[codes] | (_COMPOUND_FIRST[codes] << 1)).astype(np.uint64)
        chartype = _CHAR_TYPES[codes].astype(np.uint64)
        translit = _TRANSLIT_TABLE[codes].astype(np.uint64)
        for number, (table, width) in enumerate(((surname, 2), (chartype, 3), (translit, 1))):
            key = np.zeros(len(positions), dtype=np.uint64)
            for offset in range(-PAD, PAD + 1):
                key = (key << np.uint64(width)) | table[positions + offset]
            key = (key + np.uint64(1000 * (number + 1))) * _MULTIPLIERS[0]
            columns.append(key >> shift)
        if patterns is None:
            patterns = jieba_lexicon().patterns(codes, positions)
        for number, bits in enumerate(patterns):
            key = ((bits << np.uint64(2)) | surname[positions]) + np.uint64(100_000 * (number + 1))
            columns.append((key * _MULTIPLIERS[2]) >> shift)
        given = jieba_lexicon().given[codes].astype(np.uint64)
        # surname, first and second given character: which of them this character could be
        for number, offsets in enumerate(((-1, 0, 1), (-2, -1, 0), (0, 1, 2))):
            key = surname[positions + offsets[0]] & np.uint64(1)
            for offset in offsets[1:]:
                key = (key << np.uint64(2)) | given[positions + offset]
            key = (key + np.uint64(7_000 * (number + 1))) * _MULTIPLIERS[3]
            columns.append(key >> shift)
        columns.append(np.zeros(len(positions), dtype=np.uint64))  # bias row
    return np.stack(columns, axis=1).astype(np.intp)


def text_positions(codes: Codes) -> Codes:
    """Indices of ``codes`` that hold text characters (not padding)."""
    return np.flatnonzero(codes != BOUNDARY)


class LabelScorer(Protocol):
    """A second model over the same padded code array (``deid.char_cnn.CharCnn``)."""

    def logits(self, codes: Codes, patterns: Patterns) -> Floats:
        """O/B/I scores ``(len(codes), len(LABELS))``, one row per element of ``codes``;
        ``patterns`` are ``jieba_lexicon().patterns`` of its text positions."""


def _softmax(scores: Floats) -> Floats:
    scores = scores - scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores


@dataclass(frozen=True)
class TaggerOutput:
    """O/B/I probabilities per character of a batch of texts (concatenated): the mix the
    tagger decides by, the linear model's and the network's (``None`` without one), and
    each text's first row."""

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
        rows = feature_rows(codes, positions, self.table_bits, patterns)
        # np.take: the same rows as fancy indexing, without its per-element overhead
        linear = _softmax(np.take(self.weights, rows, axis=0).sum(axis=1)).astype(np.float32)
        scores, network = linear, None
        if self.network is not None:
            network = _softmax(self.network.logits(codes, patterns)[positions])
            scores = ((1 - self.mix) * linear + self.mix * network).astype(np.float32)
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
