"""Baidu's lexical analyser (LAC 2.1.2, Apache-2.0) run in numpy: a pretrained tagger of
words, parts of speech and person names, for the ``recall`` profile.

The model is Baidu's own (``LAC/lac_model`` of PyPI's ``LAC`` 2.1.2, trained on Baidu's
in-house corpus): an embedding of characters and common words, two bidirectional GRU layers
and a CRF over 49 tags (``PER`` among them).  ``deid.training.lac_weights`` reads it out of
the package's source distribution into ``deid/model/lac.npz`` (``make lac``; not committed);
this module runs it the way ``LAC.run`` does under PaddlePaddle (the same segmentation into
known words, the same GRU and Viterbi decoding), without PaddlePaddle.
"""

from __future__ import annotations

import math
import os
import re
import struct
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float32]
LacWords = list[tuple[int, int, str]]  # (start, end, tag) of each word
PERSON_TAG = "PER"
_LATIN = re.compile("[a-zA-Z0-9]")
# Sequences run through the GRUs together, of similar lengths: with more, the CRF's arrays
# (rows × 49 × 49 a step) leave the processor's cache (64 ran a third slower than 16).
_BATCH = 16
_SENTENCE_END = re.compile("[。！？；!?;\n]+")
_LONGEST = 300  # characters of a piece LAC reads at once


def weights_path() -> Path:
    """Where ``deid.training.lac_weights`` writes the model: ``$WANBIAO_LAC_WEIGHTS``, else
    ``deid/model/lac.npz`` beside the models trained here."""
    explicit = os.environ.get("WANBIAO_LAC_WEIGHTS")
    return Path(explicit) if explicit else Path(__file__).resolve().parent / "model" / "lac.npz"


@dataclass(frozen=True)
class Lac:
    """The model's parameters and tables (``load``)."""

    embedding: Floats
    layers: tuple[tuple[Floats, Floats, Floats, Floats], ...]  # fc W, b, GRU W, b; fwd, rev …
    output: tuple[Floats, Floats]
    transitions: Floats  # CRF: start row, end row, then from (row) → to (column)
    vocabulary: WordTable  # token → its row of ``embedding``
    replacements: dict[str, str]
    segments: WordTable  # the words ``segment`` cuts out → the number LAC gives each
    log_total: float
    tags: tuple[str, ...]

    def words(self, texts: list[str]) -> list[LacWords]:
        """Each text's words as LAC gives them: ``(start, end, tag)`` (``LAC.run``), read a
        sentence at a time (``sentences``), as LAC was trained."""
        owners, offsets, pieces = [], [], []
        for number, text in enumerate(texts):
            for offset, piece in sentences(text):
                owners.append(number)
                offsets.append(offset)
                pieces.append(piece)
        result: list[LacWords] = [[] for _ in texts]
        for number, offset, words in zip(owners, offsets, self.sentence_words(pieces), strict=True):
            result[number] += [(start + offset, end + offset, tag) for start, end, tag in words]
        return result

    def sentence_words(self, texts: list[str]) -> list[LacWords]:
        """``words`` of each of ``texts`` whole, run in batches of similar lengths."""
        encoded = self._ids(texts)
        order = sorted(range(len(texts)), key=lambda n: len(encoded[n][0]))
        decoded: list[list[int]] = [[] for _ in texts]
        for first in range(0, len(order), _BATCH):
            numbers = [n for n in order[first : first + _BATCH] if encoded[n][0]]
            if numbers:
                best = self._decoded([encoded[n][0] for n in numbers])
                for n, tags in zip(numbers, best, strict=True):
                    decoded[n] = tags
        return [_words(self.tags, decoded[n], encoded[n][1]) for n in range(len(texts))]

    def _ids(self, texts: list[str]) -> list[tuple[list[int], list[int]]]:
        """The token ids of each of ``texts`` and each token's length in characters: a
        segment of ``segment`` that is in the vocabulary is one token, any other its
        characters (the words of all texts looked up together)."""
        cut = segmented(texts, self.segments, self.log_total)
        known = iter(self.vocabulary.values([word for words in cut for word in words]))
        pieces: list[tuple[list[str], list[int]]] = []
        for words in cut:
            tokens: list[str] = []
            lengths: list[int] = []
            for word in words:
                if next(known) is not None:
                    tokens.append(self.replacements.get(word, word))
                    lengths.append(len(word))
                else:
                    tokens += (self.replacements.get(char, char) for char in word)
                    lengths += [1] * len(word)
            pieces.append((tokens, lengths))
        oov = self.vocabulary.get("OOV") or 0  # LAC's vocabulary has it; row 0 otherwise
        rows = iter(self.vocabulary.values([token for tokens, _ in pieces for token in tokens]))
        result = []
        for tokens, lengths in pieces:
            ids = [next(rows) for _ in tokens]
            result.append(([oov if row is None else row for row in ids], lengths))
        return result

    def _decoded(self, sequences: list[list[int]]) -> list[list[int]]:
        """The best tag sequence of each token sequence: the GRU layers, the emission layer,
        then the CRF's Viterbi decoding."""
        lengths = np.array([len(s) for s in sequences])
        width = int(lengths.max())
        ids = np.zeros((len(sequences), width), dtype=np.int64)
        for row, sequence in enumerate(sequences):
            ids[row, : len(sequence)] = sequence
        hidden = self.embedding[ids]
        reverse = _reversal(lengths, width)
        for number in range(0, len(self.layers), 2):
            forward = _gru(hidden, *self.layers[number])
            backward = _gru(np.take_along_axis(hidden, reverse, axis=1), *self.layers[number + 1])
            backward = np.take_along_axis(backward, reverse, axis=1)
            hidden = np.concatenate([forward, backward], axis=2)
        scores = _matmul(hidden, self.output[0]) + self.output[1]
        return viterbi(scores, lengths, self.transitions)


def sentences(text: str) -> list[tuple[int, str]]:
    """``text`` cut after each sentence's end (``_SENTENCE_END``) into ``(offset, piece)``
    pieces, one longer than ``_LONGEST`` again after its last comma before that length (or
    at it): a document's paragraphs are read as LAC read its training sentences, and run in
    batches (one sequence of thousands of characters steps through the GRUs alone)."""
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append((start, text[start : match.end()]))
        start = match.end()
    if start < len(text):
        pieces.append((start, text[start:]))
    result = []
    for offset, piece in pieces:
        while len(piece) > _LONGEST:
            cut = max(piece.rfind(mark, 0, _LONGEST) for mark in "，,、 ") + 1 or _LONGEST
            result.append((offset, piece[:cut]))
            offset, piece = offset + cut, piece[cut:]
        result.append((offset, piece))
    return result


def _matmul(inputs: Floats, weights: Floats) -> Floats:
    """``inputs @ weights`` for ``(rows, steps, features)`` inputs, as one matrix product."""
    rows, steps, features = inputs.shape
    product: Floats = inputs.reshape(rows * steps, features) @ weights
    return product.reshape(rows, steps, -1)


def _reversal(lengths: npt.NDArray[np.int64], width: int) -> npt.NDArray[np.int64]:
    """Indices ``(rows, width, 1)`` that reverse each row's first ``length`` elements (the
    padding after them stays where it is); applying them twice restores the order."""
    positions = np.arange(width)[None, :]
    flipped = lengths[:, None] - 1 - positions
    return np.where(flipped >= 0, flipped, positions)[:, :, None]


def _gru(inputs: Floats, fc_w: Floats, fc_b: Floats, w: Floats, b: Floats) -> Floats:
    """A GRU over ``inputs`` ``(rows, steps, features)`` as PaddlePaddle's ``dynamic_gru``
    computes it (``origin_mode=False``): gates ``u`` and ``r`` from the first ``2H × H``
    weights of ``w``'s buffer, the candidate from the last ``H × H``; ``h = (1 - u) h' + u c``.
    Padding after a row's end is computed and ignored."""
    size = w.shape[0]
    flat = w.reshape(-1)
    gate_w = flat[: 2 * size * size].reshape(size, 2 * size)
    state_w = flat[2 * size * size :].reshape(size, size)
    projected = _matmul(inputs, fc_w) + fc_b + b.reshape(-1)
    h = np.zeros((inputs.shape[0], size), dtype=np.float32)
    out = np.empty((inputs.shape[0], inputs.shape[1], size), dtype=np.float32)
    for step in range(inputs.shape[1]):
        x = projected[:, step]
        gates = 0.5 + 0.5 * np.tanh(0.5 * (x[:, : 2 * size] + h @ gate_w))  # sigmoid
        update, reset = gates[:, :size], gates[:, size:]
        candidate = np.tanh(x[:, 2 * size :] + (reset * h) @ state_w)
        h += update * (candidate - h)
        out[:, step] = h
    return out


def viterbi(
    emissions: Floats, lengths: npt.NDArray[np.int64], transitions: Floats
) -> list[list[int]]:
    """The best tag sequence of each row of ``emissions`` ``(rows, steps, tags)`` (its first
    ``lengths[row]`` steps) under a linear-chain CRF, as PaddlePaddle's ``crf_decoding``
    finds it: ``transitions`` row 0 starts, row 1 ends, rows 2… go from a tag to the next."""
    start, end, step = transitions[0], transitions[1], transitions[2:]
    rows, width, _ = emissions.shape
    score = emissions[:, 0] + start
    back = np.zeros((rows, width, emissions.shape[2]), dtype=np.int8)  # 49 tags
    for position in range(1, width):
        total = score[:, :, None] + step[None]
        came = total.argmax(axis=1)
        back[:, position] = came
        moved = np.take_along_axis(total, came[:, None, :], axis=1)[:, 0] + emissions[:, position]
        score = np.where((position < lengths)[:, None], moved, score)
    best = np.zeros((rows, width), dtype=np.int64)
    last = (score + end).argmax(axis=1)
    current = last
    every = np.arange(rows)
    for position in range(width - 1, -1, -1):
        current = np.where(position == lengths - 1, last, current)
        best[:, position] = current
        if position:
            current = np.where(position < lengths, back[every, position, current], current)
    return [best[row, :length].tolist() for row, length in enumerate(lengths.tolist())]


def _words(
    tags: tuple[str, ...], decoded: list[int], lengths: list[int]
) -> list[tuple[int, int, str]]:
    """Words ``(start, end, tag)`` of the decoded tags of tokens ``lengths`` long, as
    ``LAC``'s ``parse_result`` makes them: a token's other characters inside its word, a
    word opened by each ``-B`` tag, its tag that of its last character."""
    chars: list[str] = []
    for tag_id, length in zip(decoded, lengths, strict=True):
        tag = tags[tag_id]
        chars += [tag] + [tag[:-2] + "-I"] * (length - 1)
    words: list[tuple[int, int, str]] = []
    for position, tag in enumerate(chars):
        if not words or tag.endswith(("B", "S")):
            words.append((position, position + 1, tag[:-2]))
        else:
            words[-1] = (words[-1][0], position + 1, tag[:-2])
    return words


_SHORT = 3  # characters of the longest word a ``WordTable`` keeps as a code
_BITS = 21  # bits of a code point (U+10FFFF)


def _code(word: str) -> int:
    """A word of up to ``_SHORT`` characters as one integer (each code point + 1 in its
    own ``_BITS`` bits from the top: no two words share one)."""
    code = 0
    for place, char in enumerate(word):
        code |= (ord(char) + 1) << (_BITS * (_SHORT - 1 - place))
    return code


@dataclass(frozen=True)
class WordTable:
    """Words with an integer each, compact: the words of up to three characters (nearly
    all of LAC's) as sorted integer codes in numpy arrays, a few bytes a word where a
    ``dict`` of strings takes about a hundred; longer ones in a ``dict``."""

    codes: npt.NDArray[np.int64]
    numbers: npt.NDArray[np.int64]
    longer: dict[str, int]
    longest: int

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, int]]) -> WordTable:
        """The table of ``(word, number)`` pairs (the first number of a repeated word)."""
        short: dict[int, int] = {}
        longer: dict[str, int] = {}
        longest = 1
        for word, number in pairs:
            longest = max(longest, len(word))
            if len(word) <= _SHORT:
                short.setdefault(_code(word), number)
            else:
                longer.setdefault(word, number)
        codes = np.array(sorted(short), dtype=np.int64)
        numbers = np.array([short[c] for c in codes.tolist()], dtype=np.int64)
        return cls(codes, numbers, longer, longest)

    def get(self, word: str) -> int | None:
        """The number of ``word``, ``None`` if it is not in the table."""
        return self.values([word])[0]

    def values(self, words: list[str]) -> list[int | None]:
        """The number of each of ``words`` (``None`` where one is not in the table), looked up
        together."""
        if not words or not len(self.codes):
            return [self.longer.get(word) for word in words]
        codes = np.array([_code(w) if len(w) <= _SHORT else 0 for w in words], dtype=np.int64)
        at = np.minimum(np.searchsorted(self.codes, codes), len(self.codes) - 1)
        found = (self.codes[at] == codes) & (codes != 0)
        numbers = self.numbers[at].tolist()
        return [
            numbers[n] if hit else self.longer.get(word)
            for n, (word, hit) in enumerate(zip(words, found.tolist(), strict=True))
        ]


def segment(text: str, segments: WordTable, log_total: float) -> list[str]:
    """``text`` cut as LAC's ``Segment.fast_cut`` cuts it: the route through its known
    words (``segments``, each with the number LAC's table gives it: its length) of the
    highest sum of ``log(number) - log_total`` (few and long words; any other character
    counts 1), runs of single Latin letters and digits joined."""
    return segmented([text], segments, log_total)[0]


def segmented(texts: list[str], segments: WordTable, log_total: float) -> list[list[str]]:
    """``segment`` of each of ``texts``, their words looked up together."""
    longest = segments.longest
    wanted = [
        text[head : head + length]
        for text in texts
        for length in range(1, min(longest, len(text)) + 1)
        for head in range(len(text) - length + 1)
    ]
    found = segments.values(wanted)
    result = []
    first = 0
    for text in texts:
        size = len(text)
        counts: dict[int, list[int | None]] = {}
        for length in range(1, min(longest, size) + 1):
            counts[length] = found[first : first + size - length + 1]
            first += size - length + 1
        result.append(_route(text, counts, longest, log_total))
    return result


def _route(
    text: str, counts: dict[int, list[int | None]], longest: int, log_total: float
) -> list[str]:
    """The words of ``segment`` from the numbers ``counts[length][head]`` of the
    substrings of ``text``."""
    size = len(text)
    route: dict[int, tuple[float, int]] = {size: (0.0, 0)}
    for head in range(size - 1, -1, -1):
        choices = [(math.log(counts[1][head] or 1) - log_total + route[head + 1][0], head)]
        for length in range(2, min(longest, size - head) + 1):
            count = counts[length][head]
            if count:
                last = head + length - 1
                choices.append((math.log(count) - log_total + route[last + 1][0], last))
        route[head] = max(choices)
    result, buffer, head = [], "", 0
    while head < size:
        end = route[head][1] + 1
        word = text[head:end]
        if len(word) == 1 and _LATIN.match(word):
            buffer += word
        else:
            if buffer:
                result.append(buffer)
                buffer = ""
            result.append(word)
        head = end
    if buffer:
        result.append(buffer)
    return result


def _mapped(path: Path, name: str) -> npt.NDArray[Any]:
    """The array ``name`` of the uncompressed ``.npz`` archive at ``path`` (``np.savez``)
    mapped read-only from the file: only the pages a process reads are resident, and the
    processes that map it share them (numpy maps no member of an archive itself)."""
    with zipfile.ZipFile(path) as archive:
        member = archive.getinfo(f"{name}.npy")
    if member.compress_type != zipfile.ZIP_STORED:
        raise OSError(f"{path}: {name} is compressed; run `make lac` again")
    with path.open("rb") as handle:
        handle.seek(member.header_offset)
        header = handle.read(30)  # the member's local file header
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        handle.seek(member.header_offset + 30 + name_length + extra_length)
        version = np.lib.format.read_magic(handle)  # type: ignore[no-untyped-call]
        read_header = (
            np.lib.format.read_array_header_1_0
            if version == (1, 0)
            else np.lib.format.read_array_header_2_0
        )
        shape, fortran, dtype = read_header(handle)  # type: ignore[no-untyped-call]
        offset = handle.tell()
    return np.memmap(
        path, dtype=dtype, mode="r", shape=shape, offset=offset, order="F" if fortran else "C"
    )


def load(path: Path | None = None) -> Lac:
    """The model written by ``deid.training.lac_weights`` (at ``weights_path`` unless
    ``path`` is given), read once per process.  Raises ``OSError`` when it has not been made
    (``make lac``)."""
    return _load(path or weights_path())


@cache
def _load(path: Path) -> Lac:
    if not path.exists():
        raise FileNotFoundError(f"{path}: LAC's weights are missing; run `make lac`")
    with np.load(path, allow_pickle=False) as data:
        arrays = {key: data[key] for key in data.files if key != "embedding"}
    words = [str(w) for w in arrays["segment_words"]]
    layers = tuple(
        tuple(arrays[f"layer{n}_{part}"] for part in ("fc_w", "fc_b", "gru_w", "gru_b"))
        for n in range(int(arrays["layer_count"]))
    )
    return Lac(
        # 30 MB, of which the review of the default profile reads a few rows
        embedding=_mapped(path, "embedding"),
        layers=layers,
        output=(arrays["output_w"], arrays["output_b"]),
        transitions=arrays["transitions"],
        vocabulary=WordTable.of((str(w), n) for n, w in enumerate(arrays["vocabulary"])),
        replacements=dict(
            zip(arrays["replace_from"].tolist(), arrays["replace_to"].tolist(), strict=True)
        ),
        segments=WordTable.of(zip(words, arrays["segment_lengths"].tolist(), strict=True)),
        log_total=float(arrays["log_total"]),
        tags=tuple(str(t) for t in arrays["tags"]),
    )
