"""A small character convolutional network for names, run in numpy (trained with PyTorch by
``deid.training.char_cnn``; no torch at run time).

Input per character: a learned embedding of the character (characters seen in training; the
rest share one "unknown" row) beside the same dictionary attributes the linear tagger uses
(surname flags, character class, transliteration character, how typical of given names it
is, which jieba words and person names start, end or run through it), and optionally
hashed character bigrams added to the first convolution's output.  The convolutions (the
shipped network: width 5, width 3, width 3 dilated by 2, ReLU, residual where the widths
agree) see five characters either side, then a linear layer gives O/B/I scores.  It runs
over the padded code-point array of ``deid.lexicon.encode`` (three boundary codes between
texts), so no text sees another.

Each convolution is one matrix product over the whole array followed by shifted sums, so a
batch costs a few BLAS calls, not a Python loop per character.  The first convolution looks
its products up instead: per tap, the embedding part per vocabulary row (computed once) and
the attribute part per distinct attribute row of the batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from deid.lexicon import (
    BOUNDARY,
    CHAR_TYPES,
    COMPOUND_FIRST,
    MULTIPLIERS,
    PAD,
    SURNAME_TABLE,
    TRANSLIT_TABLE,
    UNICODE_END,
    Codes,
    Floats,
    Patterns,
    jieba_lexicon,
    text_positions,
    widened,
)

WORD_BITS = 8  # dictionary-word pattern bits of Lexicon.patterns (lengths 2, 3, 4)
NAME_BITS = 5  # person-name pattern bits (lengths 2, 3)
ATTRIBUTES = 2 + 5 + 1 + 4 + WORD_BITS + NAME_BITS  # surname, class, translit, given, bits
UNKNOWN = 1  # vocabulary row of characters not seen in training; 0 is the boundary


def char_attributes(codes: Codes, patterns: Patterns | None = None) -> Floats:
    """0/1 attributes of every element of ``codes`` (``(len(codes), ATTRIBUTES)``); boundary
    codes get zeros.  ``patterns``: the lexicon patterns of the text positions, if known."""
    return _unpacked(attribute_keys(codes, patterns))


def attribute_keys(codes: Codes, patterns: Patterns | None = None) -> npt.NDArray[np.uint64]:
    """The ``char_attributes`` of every element of ``codes`` as the bits of one integer (bit
    ``i``: attribute ``i``).  The network needs each distinct attribute row once
    (``CharCnn._first_layer_at``): the keys give them without the float matrix."""
    positions = text_positions(codes)
    at = codes[positions]
    lexicon = jieba_lexicon()
    words, names = patterns if patterns is not None else lexicon.patterns(codes, positions)
    one = np.uint64(1)
    key = SURNAME_TABLE[at].astype(np.uint64)
    key |= COMPOUND_FIRST[at].astype(np.uint64) << one
    key |= one << (CHAR_TYPES[at] + 2).astype(np.uint64)  # one of 5 classes
    key |= TRANSLIT_TABLE[at].astype(np.uint64) << np.uint64(7)
    key |= one << (lexicon.given[at] + 8).astype(np.uint64)  # one of 4 levels
    key |= (words & np.uint64(2**WORD_BITS - 1)) << np.uint64(12)
    key |= (names & np.uint64(2**NAME_BITS - 1)) << np.uint64(12 + WORD_BITS)
    keys = np.zeros(len(codes), dtype=np.uint64)
    keys[positions] = key
    return keys


def _unpacked(keys: npt.NDArray[np.uint64]) -> Floats:
    """The 0/1 attribute rows ``(len(keys), ATTRIBUTES)`` of ``attribute_keys``."""
    bits = np.arange(ATTRIBUTES, dtype=np.uint64)
    return ((keys[:, None] >> bits) & np.uint64(1)).astype(np.float32)


def vocabulary_index(chars: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
    """Lookup table code point → embedding row: ``chars[i]`` gets row ``i + 2``, every other
    code point ``UNKNOWN``, the boundary code 0."""
    table = np.full(UNICODE_END + 2, UNKNOWN, dtype=np.int32)
    table[chars] = np.arange(2, len(chars) + 2, dtype=np.int32)
    table[UNICODE_END + 1] = 0
    return table


def bigram_rows(codes: Codes, bits: int) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Rows of a ``2 ** bits`` table hashed from each element's bigram with its left and
    with its right neighbour (the first and last elements pair with a boundary code)."""
    ucodes = codes.astype(np.uint64)
    edge = np.array([BOUNDARY], dtype=np.uint64)
    left = np.concatenate((edge, ucodes[:-1]))
    right = np.concatenate((ucodes[1:], edge))
    shift = np.uint64(64 - bits)
    with np.errstate(over="ignore"):
        rows = [
            ((((a * MULTIPLIERS[0]) ^ b) + salt) * MULTIPLIERS[1]) >> shift
            for a, b, salt in ((left, ucodes, np.uint64(1)), (ucodes, right, np.uint64(2)))
        ]
    return rows[0].astype(np.intp), rows[1].astype(np.intp)


def convolve(inputs: Floats, kernel: Floats, bias: Floats, dilation: int = 1) -> Floats:
    """Same-length 1-d convolution with zero padding: ``kernel`` is PyTorch's
    ``(out, in, width)``; ``out[t] = bias + Σ_k kernel[:, :, k] @ inputs[t + (k - width // 2)
    * dilation]``.  One product per tap, added into the result where it lands (no
    ``(len(inputs), width * out)`` intermediate to write and read back)."""
    out_channels, _, width = kernel.shape
    length = len(inputs)
    result = np.broadcast_to(bias, (length, out_channels)).copy()
    for k in range(width):
        shift = (k - width // 2) * dilation
        low, high = max(0, -shift), min(length, length - shift)
        if low < high:
            result[low:high] += inputs[low + shift : high + shift] @ kernel[:, :, k].T
    return result


@dataclass(frozen=True)
class CharCnn:
    """Weights of the network (PyTorch layouts), the dilation of each convolution and its
    vocabulary of code points.

    With ``residual``, every convolution adds its input back when the widths agree.
    Boundary codes are set to zero after every layer and no convolution reaches further
    than ``PAD`` elements, so the boundaries stop every path between two texts however many
    layers are stacked: a text scores the same alone and in a batch.  Outputs beyond O/B/I
    (other named things, learnt beside names) are folded into O.
    """

    chars: npt.NDArray[np.int64]
    embedding: Floats
    kernels: tuple[Floats, ...]
    biases: tuple[Floats, ...]
    dilations: tuple[int, ...]
    output: Floats
    bias_out: Floats
    residual: bool = True
    # Hashed character bigrams (left and right of each character) added to the first
    # convolution's output: ``(2 ** bits, channels)``, or ``None``.
    bigrams: Floats | None = None
    index: npt.NDArray[np.int32] = field(init=False, repr=False, compare=False)
    # The first convolution's embedding part, per tap and vocabulary row: a look-up
    # replaces the matrix product over embeddings (the costliest product of the network).
    first_taps: Floats = field(init=False, repr=False, compare=False)
    # The first convolution's attribute part, one contiguous ``(ATTRIBUTES, out)`` matrix
    # per tap (BLAS takes a contiguous matrix; the strided slice of the kernel it does not).
    attribute_taps: tuple[Floats, ...] = field(init=False, repr=False, compare=False)
    # Every convolution's taps stacked, ``(width * in, out)``: one product over the inputs
    # each position reads, gathered side by side (``logits`` at chosen positions only).
    stacked: tuple[Floats, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not len(self.kernels) == len(self.biases) == len(self.dilations):
            raise ValueError("one bias and one dilation per convolution")
        reaches = [(k.shape[2] // 2) * d for k, d in zip(self.kernels, self.dilations, strict=True)]
        if max(reaches, default=0) > PAD:
            raise ValueError(f"a convolution may reach at most {PAD} characters")
        object.__setattr__(self, "index", vocabulary_index(self.chars))
        width = self.embedding.shape[1]
        taps = np.einsum(
            "ve,oek->kvo", self.embedding, self.kernels[0][:, :width, :], optimize=True
        )
        padded = np.zeros((taps.shape[0], taps.shape[1] + 1, taps.shape[2]), dtype=np.float32)
        padded[:, :-1] = taps  # the extra last row: outside the array
        object.__setattr__(self, "first_taps", padded)
        attributes = self.kernels[0][:, width:, :]
        taps = tuple(
            np.ascontiguousarray(attributes[:, :, k].T) for k in range(attributes.shape[2])
        )
        object.__setattr__(self, "attribute_taps", taps)
        stacked = tuple(
            np.ascontiguousarray(k.transpose(2, 1, 0).reshape(-1, k.shape[0])) for k in self.kernels
        )
        object.__setattr__(self, "stacked", stacked)

    @property
    def reach(self) -> int:
        """Characters either side of one that its scores depend on: the attributes' (the
        dictionary words through a character, ``PAD``) and every convolution's."""
        widths = [
            int(k.shape[2] // 2) * d for k, d in zip(self.kernels, self.dilations, strict=True)
        ]
        return PAD + sum(widths)

    @property
    def bigram_bits(self) -> int:
        """Bits of the bigram table's row index (0 without one)."""
        return 0 if self.bigrams is None else int(len(self.bigrams)).bit_length() - 1

    def logits(
        self, codes: Codes, patterns: Patterns | None = None, at: Codes | None = None
    ) -> Floats:
        """O/B/I scores ``(len(codes), 3)`` for every element of a padded code array
        (``patterns`` as for ``char_attributes``), or only for the elements at the sorted
        positions ``at``: the rows ``logits(codes, patterns)[at]``, each convolution
        computed only where the next one reads it."""
        if at is None:
            return self._scores(self._hidden(codes, patterns))
        return self._scores(self._hidden_at(codes, patterns, at))

    def _hidden(self, codes: Codes, patterns: Patterns | None) -> Floats:
        """The last convolution's output at every element of ``codes``."""
        boundary = codes == BOUNDARY
        keys = attribute_keys(codes, patterns)
        hidden = _unpacked(keys)
        for number, (kernel, bias, dilation) in enumerate(
            zip(self.kernels, self.biases, self.dilations, strict=True)
        ):
            if number == 0:
                layer = self._first_attribute_taps(keys, bias, dilation)
                layer += self._first_embedding_taps(self.index[codes], dilation)
                if self.bigrams is not None:
                    left, right = bigram_rows(codes, self.bigram_bits)
                    layer += np.take(self.bigrams, left, axis=0)
                    layer += np.take(self.bigrams, right, axis=0)
            else:
                layer = convolve(hidden, kernel, bias, dilation)
            np.maximum(layer, 0.0, out=layer)
            if self.residual and layer.shape == hidden.shape:
                layer += hidden
            layer[boundary] = 0.0
            hidden = layer
        return hidden

    def _hidden_at(self, codes: Codes, patterns: Patterns | None, at: Codes) -> Floats:
        """``_hidden(codes, patterns)[at]``: every layer at the positions the layers after
        it read (positions outside the array read zeros, as ``convolve`` pads)."""
        boundary = codes == BOUNDARY
        keys = attribute_keys(codes, patterns)
        wanted = self._wanted(len(codes), at)
        hidden = self._first_layer_at(keys, self.index[codes], wanted[0])
        if self.bigrams is not None:
            left, right = bigram_rows(codes, self.bigram_bits)
            hidden += np.take(self.bigrams, left[wanted[0]], axis=0)
            hidden += np.take(self.bigrams, right[wanted[0]], axis=0)
        np.maximum(hidden, 0.0, out=hidden)
        if self.residual and hidden.shape[1] == ATTRIBUTES:
            hidden += _unpacked(keys[wanted[0]])
        hidden[boundary[wanted[0]]] = 0.0
        for number in range(1, len(self.kernels)):
            read, where = wanted[number - 1], wanted[number]
            hidden = self._layer_at(number, hidden, read, where, len(codes))
            hidden[boundary[where]] = 0.0
        return hidden

    def _wanted(self, length: int, at: Codes) -> list[Codes]:
        """The positions each convolution is needed at, the last one's ``at``: a layer is
        needed wherever a tap of the next one lands."""
        mask = np.zeros(length, dtype=bool)
        mask[at] = True
        masks = [mask]
        for kernel, dilation in zip(self.kernels[:0:-1], self.dilations[:0:-1], strict=True):
            masks.insert(0, widened(masks[0], kernel.shape[2] // 2 * dilation, dilation))
        return [np.flatnonzero(m) for m in masks]

    def _first_layer_at(
        self, keys: npt.NDArray[np.uint64], rows: npt.NDArray[np.int32], at: Codes
    ) -> Floats:
        """The first convolution before its ReLU at positions ``at`` (``_first_attribute_taps``
        plus ``_first_embedding_taps`` there; ``keys``: the ``attribute_keys``)."""
        bias, dilation = self.biases[0], self.dilations[0]
        reach = (len(self.attribute_taps) // 2) * dilation
        distinct, inverse = _distinct_rows(keys)
        kinds = np.full(len(rows) + 2 * reach, len(distinct), dtype=np.intp)
        kinds[reach : reach + len(rows)] = inverse
        vocabulary = np.full(len(rows) + 2 * reach, self.first_taps.shape[1] - 1, dtype=np.intp)
        vocabulary[reach : reach + len(rows)] = rows
        zero = np.zeros((1, len(bias)), dtype=np.float32)
        result: Floats = np.broadcast_to(bias, (len(at), len(bias))).copy()
        for k, tap in enumerate(self.attribute_taps):
            reads = at + k * dilation  # ``at`` shifted by the tap's offset, in padded positions
            # np.take: the rows fancy indexing gives, a third faster
            result += np.take(np.concatenate((distinct @ tap, zero)), kinds[reads], axis=0)
            result += np.take(self.first_taps[k], vocabulary[reads], axis=0)
        return result

    def _layer_at(
        self, number: int, inputs: Floats, read: Codes, where: Codes, length: int
    ) -> Floats:
        """Convolution ``number`` (ReLU, residual) at positions ``where``, its input known at
        the positions ``read`` (``inputs``, one row each)."""
        kernel, dilation = self.kernels[number], self.dilations[number]
        reach = (kernel.shape[2] // 2) * dilation
        rows = np.full(length + 2 * reach, len(inputs), dtype=np.intp)  # elsewhere: zeros
        rows[read + reach] = np.arange(len(inputs))
        known = np.concatenate((inputs, np.zeros((1, inputs.shape[1]), dtype=np.float32)))
        taps = rows[where[:, None] + np.arange(0, 2 * reach + 1, dilation)]
        gathered = np.take(known, taps, axis=0)  # ``known[taps]``, nearly twice as fast
        layer: Floats = (
            gathered.reshape(len(where), len(self.stacked[number])) @ self.stacked[number]
        )
        layer += self.biases[number]
        np.maximum(layer, 0.0, out=layer)
        if self.residual and layer.shape[1] == inputs.shape[1]:
            layer += np.take(known, rows[where + reach], axis=0)
        return layer

    def _scores(self, hidden: Floats) -> Floats:
        """O/B/I scores of the last layer's outputs."""
        scores = np.asarray(hidden @ self.output.T + self.bias_out, dtype=np.float32)
        if scores.shape[1] == 3:
            return scores
        # Outputs beyond O/B/I are other named things: they are not names, so they join O.
        top = scores.max(axis=1, keepdims=True)
        outside = np.log(np.exp(scores[:, [0, *range(3, scores.shape[1])]] - top).sum(axis=1))
        return np.concatenate([(outside + top[:, 0])[:, None], scores[:, 1:3]], axis=1)

    def _first_attribute_taps(
        self, keys: npt.NDArray[np.uint64], bias: Floats, dilation: int
    ) -> Floats:
        """The first convolution over the 0/1 attributes of ``attribute_keys`` (``convolve``
        with the attribute part of its kernel): a text has few distinct attribute rows (a
        chunk of 4,000 characters about 70), so each tap's product is taken over the distinct
        rows only and looked up per character, added tap by tap as ``convolve`` adds them."""
        distinct, inverse = _distinct_rows(keys)
        length, width = len(keys), len(self.attribute_taps)
        result: Floats = np.broadcast_to(bias, (length, len(bias))).copy()
        for k, tap in enumerate(self.attribute_taps):
            shift = (k - width // 2) * dilation
            low, high = max(0, -shift), min(length, length - shift)
            if low < high:
                result[low:high] += (distinct @ tap)[inverse[low + shift : high + shift]]
        return result

    def _first_embedding_taps(self, rows: npt.NDArray[np.int32], dilation: int) -> Floats:
        """The first convolution over the characters' embeddings, as a sum of looked-up
        rows of ``first_taps`` (exactly the product it replaces)."""
        taps = self.first_taps
        reach = (taps.shape[0] // 2) * dilation
        padded = np.full(len(rows) + 2 * reach, taps.shape[1] - 1, dtype=np.intp)
        padded[reach : reach + len(rows)] = rows
        total: Floats = taps[0][padded[: len(rows)]]
        for k in range(1, taps.shape[0]):
            total += taps[k][padded[k * dilation : k * dilation + len(rows)]]
        return total

    def save(self, path: Path) -> None:
        """Write the weights (float16, compressed) to ``path`` (an ``.npz`` file)."""
        weights = {"embedding": self.embedding, "output": self.output, "bias_out": self.bias_out}
        for number, (kernel, bias) in enumerate(zip(self.kernels, self.biases, strict=True)):
            weights[f"conv{number}"], weights[f"bias{number}"] = kernel, bias
        if self.bigrams is not None:
            weights["bigrams"] = self.bigrams
        stored: dict[str, npt.NDArray[np.generic]] = {
            name: value.astype(np.float16) for name, value in weights.items()
        }
        stored.update(
            chars=self.chars.astype(np.int32),
            attributes=np.array(ATTRIBUTES),
            dilations=np.array(self.dilations, dtype=np.int32),
            residual=np.array(self.residual),
        )
        np.savez_compressed(path, allow_pickle=False, **stored)

    @classmethod
    def load(cls, path: Path) -> CharCnn:
        """Read weights written by ``save``.  Raises ``OSError`` if ``path`` is missing and
        ``ValueError`` if it was written for other attributes."""
        with np.load(path) as stored:
            if int(stored["attributes"]) != ATTRIBUTES or "dilations" not in stored:
                raise ValueError(f"{path}: trained with other attributes; retrain")
            dilations = tuple(int(d) for d in stored["dilations"])
            weights = {
                name: stored[name].astype(np.float32)
                for name in ("embedding", "output", "bias_out")
            }
            bigrams = stored["bigrams"].astype(np.float32) if "bigrams" in stored else None
            return cls(
                chars=stored["chars"].astype(np.int64),
                kernels=tuple(stored[f"conv{n}"].astype(np.float32) for n in range(len(dilations))),
                biases=tuple(stored[f"bias{n}"].astype(np.float32) for n in range(len(dilations))),
                dilations=dilations,
                residual=bool(stored["residual"]),
                bigrams=bigrams,
                **weights,
            )


def _distinct_rows(keys: npt.NDArray[np.uint64]) -> tuple[Floats, npt.NDArray[np.intp]]:
    """The distinct attribute rows of ``attribute_keys`` (in the order of their keys) and each
    element's index among them (looked up in the few distinct keys: ``np.unique``'s own
    inverse sorts the keys' indices, twice as slow)."""
    distinct = np.unique(keys)
    return _unpacked(distinct), np.searchsorted(distinct, keys)
