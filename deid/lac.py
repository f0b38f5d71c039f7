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
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
    vocabulary: dict[str, int]
    replacements: dict[str, str]
    segments: dict[str, int | None]  # word → its length, prefix of one → None
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
        for number, offset, words in zip(
            owners, offsets, self._sentence_words(pieces), strict=True
        ):
            result[number] += [(start + offset, end + offset, tag) for start, end, tag in words]
        return result

    def _sentence_words(self, texts: list[str]) -> list[LacWords]:
        """``words`` of each of ``texts`` whole, run in batches of similar lengths."""
        encoded = [self._ids(text) for text in texts]
        order = sorted(range(len(texts)), key=lambda n: len(encoded[n][0]))
        decoded: list[list[int]] = [[] for _ in texts]
        for first in range(0, len(order), _BATCH):
            numbers = [n for n in order[first : first + _BATCH] if encoded[n][0]]
            if numbers:
                best = self._decoded([encoded[n][0] for n in numbers])
                for n, tags in zip(numbers, best, strict=True):
                    decoded[n] = tags
        return [_words(self.tags, decoded[n], encoded[n][1]) for n in range(len(texts))]

    def _ids(self, text: str) -> tuple[list[int], list[int]]:
        """The token ids of ``text`` and each token's length in characters: a segment of
        ``segment`` that is in the vocabulary is one token, any other its characters."""
        ids, lengths = [], []
        oov = self.vocabulary["OOV"]
        for word in segment(text, self.segments, self.log_total):
            if word in self.vocabulary:
                ids.append(self.vocabulary.get(self.replacements.get(word, word), oov))
                lengths.append(len(word))
                continue
            for char in word:
                ids.append(self.vocabulary.get(self.replacements.get(char, char), oov))
                lengths.append(1)
        return ids, lengths

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
        back[:, position] = total.argmax(axis=1)
        moved = total.max(axis=1) + emissions[:, position]
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


def segment(text: str, segments: dict[str, int | None], log_total: float) -> list[str]:
    """``text`` cut as LAC's ``Segment.fast_cut`` cuts it: the route through its known
    words (``segments``) of the highest sum of ``log(length) - log_total`` (few and long
    words), runs of single Latin letters and digits joined."""
    size = len(text)
    ends: list[list[int]] = []
    for head in range(size):
        reach = [head]
        end = head + 1
        while end <= size and text[head:end] in segments:
            if segments[text[head:end]]:
                reach.append(end - 1)
            end += 1
        ends.append(reach)
    route: dict[int, tuple[float, int]] = {size: (0.0, 0)}
    for head in range(size - 1, -1, -1):
        route[head] = max(
            (
                math.log(segments.get(text[head : last + 1]) or 1) - log_total + route[last + 1][0],
                last,
            )
            for last in ends[head]
        )
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
        arrays = {key: data[key] for key in data.files}
    words = [str(w) for w in arrays["segment_words"]]
    lengths = arrays["segment_lengths"].tolist()
    segments: dict[str, int | None] = {}
    for word, length in zip(words, lengths, strict=True):
        for cut in range(1, len(word)):
            segments.setdefault(word[:cut], None)
        segments[word] = length
    layers = tuple(
        tuple(arrays[f"layer{n}_{part}"] for part in ("fc_w", "fc_b", "gru_w", "gru_b"))
        for n in range(int(arrays["layer_count"]))
    )
    return Lac(
        embedding=arrays["embedding"],
        layers=layers,
        output=(arrays["output_w"], arrays["output_b"]),
        transitions=arrays["transitions"],
        vocabulary={str(w): n for n, w in enumerate(arrays["vocabulary"])},
        replacements=dict(
            zip(arrays["replace_from"].tolist(), arrays["replace_to"].tolist(), strict=True)
        ),
        segments=segments,
        log_total=float(arrays["log_total"]),
        tags=tuple(str(t) for t in arrays["tags"]),
    )
