"""Characters as numbers, and what jieba's dictionary says about them, for the name models.

``encode`` joins a batch of texts into one code-point array (``PAD`` boundary codes around
each text); per-code-point tables give a character's class, whether it is a surname or a
transliteration character, and how typical of given names it is; ``Lexicon`` finds, over the
whole array at once, which words and person names of jieba's dictionary start, end or run
through each character.  The linear tagger (``deid.name_tagger``) and the character CNN
(``deid.char_cnn``) read the same features from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import numpy.typing as npt

from deid.cache import cached_arrays, input_key, source_files
from deid.dictionary import JIEBA_DICTIONARY, jieba_tables
from deid.surnames import (
    SINGLE_SURNAMES,
    TRAINED_COMPOUND_SURNAMES,
    trained_surname_length,
)
from deid.transliteration import TRANSLITERATION_CHARS

PAD = 3  # characters of context on each side
BOUNDARY = 0x110001  # code point standing for "outside the text" (above Unicode's range)
UNICODE_END = 0x110000
FILTER_BITS = 23  # bits of a key that ``key_filter`` records

Codes = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float32]

MULTIPLIERS = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5],
    dtype=np.uint64,
)


def _lookup_table(chars: set[str]) -> npt.NDArray[np.uint8]:
    table = np.zeros(UNICODE_END + 2, dtype=np.uint8)
    table[[ord(c) for c in chars]] = 1
    return table


SURNAME_TABLE = _lookup_table(set(SINGLE_SURNAMES))
COMPOUND_FIRST = _lookup_table({s[0] for s in TRAINED_COMPOUND_SURNAMES})


def _char_types() -> npt.NDArray[np.uint8]:
    """0 boundary/other, 1 Chinese, 2 digit, 3 Latin letter, 4 punctuation or space."""
    table = np.zeros(UNICODE_END + 2, dtype=np.uint8)
    table[0x4E00:0xA000] = 1
    table[0x3400:0x4DC0] = 1
    table[ord("0") : ord("9") + 1] = 2
    table[ord("A") : ord("Z") + 1] = 3
    table[ord("a") : ord("z") + 1] = 3
    for char in " \t\n,.;:!?()[]\"'，。；：！？、（）《》“”‘’·—…-":
        table[ord(char)] = 4
    return table


CHAR_TYPES = _char_types()
TRANSLIT_TABLE = _lookup_table(set(TRANSLITERATION_CHARS))


def encode(texts: Sequence[str]) -> tuple[Codes, Codes]:
    """Join ``texts`` into one code-point array, each text padded by ``PAD`` boundary codes
    on both sides; returns the array and the index in it of each text's first character.

    The texts are converted joined, in one call, and moved to their places by one scatter: a
    batch holds thousands of short texts, and a conversion per text cost four times as much."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    # each text lies ``PAD`` further on than in the joined string for every text up to it
    shifts = PAD * np.arange(1, len(texts) + 1, dtype=np.int64)
    starts = np.cumsum(lengths) - lengths + shifts
    codes = np.full(int(lengths.sum()) + PAD * (len(texts) + 1), BOUNDARY, dtype=np.int64)
    joined = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    codes[np.arange(len(joined)) + np.repeat(shifts, lengths)] = joined
    return codes, starts


def ngram_keys(codes: Codes, positions: Codes, length: int) -> npt.NDArray[np.uint64]:
    """A 64-bit key of the ``length`` characters starting at each of ``positions``."""
    key = np.zeros(len(positions), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(length):
            key = (key ^ codes[positions + offset].astype(np.uint64)) * MULTIPLIERS[1]
    return key


def word_keys(words: list[str], length: int) -> npt.NDArray[np.uint64]:
    """The sorted ``ngram_keys`` of the ``words`` of ``length`` characters."""
    chosen = [w for w in words if len(w) == length]
    if not chosen:
        return np.zeros(0, dtype=np.uint64)
    codes, _ = encode(["".join(chosen)])
    positions = PAD + np.arange(len(chosen), dtype=np.int64) * length
    return np.unique(ngram_keys(codes, positions, length))


def key_filter(keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint8]:
    """A bit set of the top ``FILTER_BITS`` bits of each of ``keys`` (``member``'s quick
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
            {n: word_keys(words, n) for n in (2, 3, 4)},
            {n: word_keys(names, n) for n in (2, 3)},
            _given_name_levels(words, names),
        )

    def patterns(self, codes: Codes, positions: Codes) -> tuple[npt.NDArray[np.uint64], ...]:
        """Two bit patterns per position: which dictionary words, and which names, of each
        length start at, end at or (length 3) are centred on the character.

        One look-up per window of every element from the first to the last of ``positions``
        (text positions: ``PAD`` or more from either end of the array), made over shifted
        slices of the array; each window serves up to three positions, and the keys of a
        length serve both the words and the names of that length."""
        if not len(positions):
            return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.uint64)
        low, high = int(positions.min()), int(positions.max()) + 1
        longest = max(*self.words, *self.names)
        # the windows that reach a wanted position start up to ``longest - 1`` before it
        ucodes = codes[low - (longest - 1) : high + longest - 1].astype(np.uint64)
        keys: dict[int, npt.NDArray[np.uint64]] = {}
        found = []
        for kind in ("words", "names"):
            table: dict[int, npt.NDArray[np.uint64]] = getattr(self, kind)
            bits = np.zeros(high - low, dtype=np.uint16)
            bit = 0
            for length, known_keys in table.items():
                if length not in keys:
                    keys[length] = _window_keys(ucodes[longest - length :], high - low, length)
                known = member(keys[length], known_keys, self.filters[kind, length])
                for start in sorted({0, -(length - 1), -(length // 2)}):
                    # ``known[i]``: the window from ``low - (length - 1) + i``
                    shifted = known[start + length - 1 : start + length - 1 + high - low]
                    bits |= shifted.astype(np.uint16) << np.uint16(bit)
                    bit += 1
            found.append(bits[positions - low].astype(np.uint64))
        return tuple(found)


def _window_keys(ucodes: npt.NDArray[np.uint64], span: int, length: int) -> npt.NDArray[np.uint64]:
    """``ngram_keys`` of the ``span + length - 1`` windows of ``length`` from the first
    element of ``ucodes`` on (slices, not gathers)."""
    count = span + length - 1
    key = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for offset in range(length):
            np.bitwise_xor(key, ucodes[offset : offset + count], out=key)
            np.multiply(key, MULTIPLIERS[1], out=key)
    return key


def _given_name_levels(words: list[str], names: list[str]) -> npt.NDArray[np.uint8]:
    """Per code point, how typical the character is of given names (0 never seen in one,
    1 rarely, 2 often, 3 mostly): its share of given-name uses among all its uses in
    ``names`` (after the surname) and ``words``."""
    in_names: dict[str, int] = {}
    for name in names:
        for char in name[trained_surname_length(name, 0) :]:
            in_names[char] = in_names.get(char, 0) + 1
    in_words: dict[str, int] = {}
    for word in words:
        for char in word:
            if char in in_names:
                in_words[char] = in_words.get(char, 0) + 1
    levels = np.zeros(UNICODE_END + 2, dtype=np.uint8)
    for char, count in in_names.items():
        share = count / (count + in_words.get(char, 0))
        levels[ord(char)] = 1 if share < 0.1 else 2 if share < 0.4 else 3
    return levels


def member(
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
        *source_files("deid.lexicon", "deid.surnames", "deid.transliteration", "deid.cache"),
    )
    arrays = cached_arrays("jieba-lexicon", key, lexicon_arrays)
    return Lexicon(
        {n: arrays[f"words{n}"] for n in (2, 3, 4)},
        {n: arrays[f"names{n}"] for n in (2, 3)},
        arrays["given"],
    )


def lexicon_arrays() -> dict[str, npt.NDArray[np.generic]]:
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
        and trained_surname_length(w, 0)
        and trained_surname_length(w, 0) < len(w)
    ]
    lexicon = Lexicon.from_words(words, names)
    arrays: dict[str, npt.NDArray[np.generic]] = {"given": lexicon.given}
    arrays |= {f"words{n}": keys for n, keys in lexicon.words.items()}
    arrays |= {f"names{n}": keys for n, keys in lexicon.names.items()}
    return arrays


Patterns = tuple[npt.NDArray[np.uint64], ...]


def text_positions(codes: Codes) -> Codes:
    """Indices of ``codes`` that hold text characters (not padding)."""
    return np.flatnonzero(codes != BOUNDARY)


def widened(mask: npt.NDArray[np.bool_], reach: int, step: int = 1) -> npt.NDArray[np.bool_]:
    """``mask`` with every element marked that lies ``step``, ``2 * step`` … up to ``reach``
    elements from a marked one, either side."""
    out = mask.copy()
    for shift in range(step, reach + 1, step):
        out[shift:] |= mask[:-shift]
        out[:-shift] |= mask[shift:]
    return out
