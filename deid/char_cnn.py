"""A small character convolutional network for names, run in numpy (trained with PyTorch by
``deid.train_char_cnn``; no torch at run time).

Input per character: a learned embedding of the character (characters seen in training; the
rest share one "unknown" row) beside the same dictionary attributes the linear tagger uses
(surname flags, character class, transliteration character, how typical of given names it
is, which jieba words and person names start, end or run through it).  Two convolutions
(width 5, then width 3, ReLU) see three characters either side, then a linear layer gives
O/B/I scores.  It runs over the padded code-point array of ``deid.name_tagger.encode``
(three boundary codes between texts), so no text sees another.

Each convolution is one matrix product over the whole array followed by shifted sums, so a
batch costs a few BLAS calls, not a Python loop per character.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from deid.name_tagger import (
    _CHAR_TYPES,
    _COMPOUND_FIRST,
    _SURNAME_TABLE,
    _TRANSLIT_TABLE,
    _UNICODE_END,
    Codes,
    Floats,
    Patterns,
    jieba_lexicon,
    text_positions,
)

WORD_BITS = 8  # dictionary-word pattern bits of Lexicon.patterns (lengths 2, 3, 4)
NAME_BITS = 5  # person-name pattern bits (lengths 2, 3)
ATTRIBUTES = 2 + 5 + 1 + 4 + WORD_BITS + NAME_BITS  # surname, class, translit, given, bits
UNKNOWN = 1  # vocabulary row of characters not seen in training; 0 is the boundary


def char_attributes(codes: Codes, patterns: Patterns | None = None) -> Floats:
    """0/1 attributes of every element of ``codes`` (``(len(codes), ATTRIBUTES)``); boundary
    codes get zeros.  ``patterns``: the lexicon patterns of the text positions, if known."""
    positions = text_positions(codes)
    at = codes[positions]
    out = np.zeros((len(codes), ATTRIBUTES), dtype=np.float32)
    rows = np.zeros((len(positions), ATTRIBUTES), dtype=np.float32)
    rows[:, 0] = _SURNAME_TABLE[at]
    rows[:, 1] = _COMPOUND_FIRST[at]
    rows[np.arange(len(at)), 2 + _CHAR_TYPES[at]] = 1.0
    rows[:, 7] = _TRANSLIT_TABLE[at]
    lexicon = jieba_lexicon()
    rows[np.arange(len(at)), 8 + lexicon.given[at]] = 1.0
    words, names = patterns if patterns is not None else lexicon.patterns(codes, positions)
    for bit in range(WORD_BITS):
        rows[:, 12 + bit] = (words >> np.uint64(bit)) & np.uint64(1)
    for bit in range(NAME_BITS):
        rows[:, 12 + WORD_BITS + bit] = (names >> np.uint64(bit)) & np.uint64(1)
    out[positions] = rows
    return out


def vocabulary_index(chars: npt.NDArray[np.int64]) -> npt.NDArray[np.int32]:
    """Lookup table code point → embedding row: ``chars[i]`` gets row ``i + 2``, every other
    code point ``UNKNOWN``, the boundary code 0."""
    table = np.full(_UNICODE_END + 2, UNKNOWN, dtype=np.int32)
    table[chars] = np.arange(2, len(chars) + 2, dtype=np.int32)
    table[_UNICODE_END + 1] = 0
    return table


def convolve(inputs: Floats, kernel: Floats, bias: Floats) -> Floats:
    """Same-length 1-d convolution with zero padding: ``kernel`` is PyTorch's
    ``(out, in, width)``; ``out[t] = bias + Σ_k kernel[:, :, k] @ inputs[t + k - width // 2]``."""
    out_channels, _, width = kernel.shape
    half = width // 2
    padded = np.zeros((len(inputs) + 2 * half, width * out_channels), dtype=np.float32)
    np.matmul(inputs, kernel.transpose(1, 2, 0).reshape(kernel.shape[1], width * out_channels),
              out=padded[half : half + len(inputs)])
    result = np.broadcast_to(bias, (len(inputs), out_channels)).copy()
    for k in range(width):
        result += padded[k : k + len(inputs), k * out_channels : (k + 1) * out_channels]
    return result


@dataclass(frozen=True)
class CharCnn:
    """Weights of the network (PyTorch layouts) and its vocabulary of code points."""

    chars: npt.NDArray[np.int64]
    embedding: Floats
    conv1: Floats
    bias1: Floats
    conv2: Floats
    bias2: Floats
    output: Floats
    bias_out: Floats
    index: npt.NDArray[np.int32] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "index", vocabulary_index(self.chars))

    def logits(self, codes: Codes, patterns: Patterns | None = None) -> Floats:
        """O/B/I scores ``(len(codes), 3)`` for every element of a padded code array
        (``patterns`` as for ``char_attributes``)."""
        rows = self.index[codes]
        inputs = np.concatenate([self.embedding[rows], char_attributes(codes, patterns)], axis=1)
        hidden = np.maximum(convolve(inputs, self.conv1, self.bias1), 0.0)
        hidden = np.maximum(convolve(hidden, self.conv2, self.bias2), 0.0)
        return np.asarray(hidden @ self.output.T + self.bias_out, dtype=np.float32)

    def save(self, path: Path) -> None:
        """Write the weights (float16, compressed) to ``path`` (an ``.npz`` file)."""
        arrays = {name: getattr(self, name).astype(np.float16) for name in _WEIGHTS}
        np.savez_compressed(path, chars=self.chars.astype(np.int32),
                            attributes=np.array(ATTRIBUTES), **arrays)

    @classmethod
    def load(cls, path: Path) -> CharCnn:
        """Read weights written by ``save``.  Raises ``OSError`` if ``path`` is missing and
        ``ValueError`` if it was written for other attributes."""
        with np.load(path) as stored:
            if int(stored["attributes"]) != ATTRIBUTES:
                raise ValueError(f"{path}: trained with other attributes; retrain")
            weights = {name: stored[name].astype(np.float32) for name in _WEIGHTS}
            return cls(chars=stored["chars"].astype(np.int64), **weights)


_WEIGHTS = ("embedding", "conv1", "bias1", "conv2", "bias2", "output", "bias_out")
