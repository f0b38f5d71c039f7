"""A character BiLSTM tagger (experiment, not used by the engine), run in numpy.

Trained with PyTorch by ``deid.training.bilstm`` (report: ``deid/training/BILSTM_REPORT.md``).
Input per character: a learned embedding (characters seen twice in training; the rest share
one "unknown" row) beside the CNN's 0/1 attributes (``deid.char_cnn.char_attributes``); one
bidirectional LSTM layer over the whole sentence; a linear layer to BIO scores over PER, LOC
and ORG (``TAGS``).

The forward pass is batched over sentences and loops over time steps:

* the input projection of both directions is looked up, not multiplied: the embedding part
  per vocabulary row (computed once at load) and the attribute part per distinct attribute
  row of the batch (a batch has few);
* sentences are sorted by length, longest first, and the backward direction reads each
  sentence reversed, so at step ``t`` both directions advance the same first ``n_t``
  sentences (those longer than ``t``): no work on padding, and one batched product
  ``(2, n_t, H) @ (2, H, 4H)`` per step for both directions;
* the sigmoid gates are computed as ``0.5 * tanh(x / 2) + 0.5`` with the halving folded into
  the weights, so a step makes one ``tanh`` call over all four gates of both directions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from deid.char_cnn import ATTRIBUTES, UNKNOWN, char_attributes, vocabulary_index
from deid.lexicon import Codes, Floats, Patterns, encode, text_positions

TAGS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG")
# Characters per batch of sentences in ``BiLstm.probabilities`` (sentences of similar length
# together; more per batch means fewer, larger products per time step).
BATCH_CHARS = 16_000


def _softmax(scores: Floats) -> Floats:
    scores = scores - scores.max(axis=-1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=-1, keepdims=True)
    return scores


@dataclass(frozen=True)
class BiLstm:
    """Weights in PyTorch's layouts (``nn.LSTM``: gates i, f, g, o): per direction ``d`` (0
    forward, 1 backward) ``w_ih[d]`` ``(4H, E + ATTRIBUTES)``, ``w_hh[d]`` ``(4H, H)`` and
    ``bias[d]`` (``b_ih + b_hh``, ``(4H,)``); ``output`` ``(len(TAGS), 2H)``."""

    chars: npt.NDArray[np.int64]
    embedding: Floats
    w_ih: Floats  # (2, 4H, E + ATTRIBUTES)
    w_hh: Floats  # (2, 4H, H)
    bias: Floats  # (2, 4H)
    output: Floats
    bias_out: Floats
    index: npt.NDArray[np.int32] = field(init=False, repr=False, compare=False)
    # Embedding part of the input projection per vocabulary row and direction, gates
    # pre-scaled for the tanh form of the sigmoid: (2, V, 4H), bias included.
    input_rows: Floats = field(init=False, repr=False, compare=False)
    attribute_part: Floats = field(init=False, repr=False, compare=False)  # (2, A, 4H)
    recurrent: Floats = field(init=False, repr=False, compare=False)  # (2, H, 4H), scaled

    @property
    def hidden(self) -> int:
        """Units per direction."""
        return int(self.w_hh.shape[2])

    def __post_init__(self) -> None:
        hidden = self.hidden
        # PyTorch's gate order i, f, g, o becomes i, f, o, g: the three sigmoid gates side by
        # side, pre-scaled by 0.5 for the tanh form of the sigmoid
        order = np.concatenate(
            [
                np.arange(0, 2 * hidden),
                np.arange(3 * hidden, 4 * hidden),
                np.arange(2 * hidden, 3 * hidden),
            ]
        )
        scale = np.full(4 * hidden, 0.5, dtype=np.float32)
        scale[3 * hidden :] = 1.0
        width = self.embedding.shape[1]
        w_ih = self.w_ih[:, order] * scale[None, :, None]
        rows = np.einsum("ve,dge->dvg", self.embedding, w_ih[:, :, :width])
        rows += (self.bias[:, order] * scale)[:, None, :]
        object.__setattr__(self, "index", vocabulary_index(self.chars))
        object.__setattr__(self, "input_rows", np.ascontiguousarray(rows, dtype=np.float32))
        attribute_part = np.ascontiguousarray(w_ih[:, :, width:].transpose(0, 2, 1))
        object.__setattr__(self, "attribute_part", attribute_part.astype(np.float32))
        recurrent = (self.w_hh[:, order] * scale[None, :, None]).transpose(0, 2, 1)
        object.__setattr__(self, "recurrent", np.ascontiguousarray(recurrent, dtype=np.float32))

    def probabilities(self, texts: Sequence[str], batch_chars: int = BATCH_CHARS) -> Floats:
        """Tag probabilities ``(total characters, len(TAGS))`` of ``texts``, concatenated in
        order."""
        codes, _ = encode(texts)
        return self.tag_probabilities(codes, batch_chars=batch_chars)[text_positions(codes)]

    def logits(self, codes: Codes, patterns: Patterns | None = None) -> Floats:
        """O/B/I scores of names ``(len(codes), 3)`` as ``deid.char_cnn.CharCnn.logits``
        gives them (their softmax is the probabilities; places and organisations fold into
        O), for every element of a padded code array of ``deid.lexicon.encode``."""
        probs = self.tag_probabilities(codes, patterns)
        folded = np.stack(
            [probs[:, 0] + probs[:, 3:].sum(axis=1), probs[:, 1], probs[:, 2]], axis=1
        )
        logits: Floats = np.log(np.maximum(folded, 1e-12)).astype(np.float32)
        return logits

    def tag_probabilities(
        self, codes: Codes, patterns: Patterns | None = None, batch_chars: int = BATCH_CHARS
    ) -> Floats:
        """Tag probabilities ``(len(codes), len(TAGS))`` of a padded code array (zeros on
        boundary codes): each maximal run of text codes is one sentence."""
        positions = text_positions(codes)
        result = np.zeros((len(codes), len(TAGS)), dtype=np.float32)
        if not len(positions):
            return result
        attributes = char_attributes(codes, patterns)[positions]
        rows = self.index[codes[positions]]
        # sentences: runs of consecutive positions
        breaks = np.flatnonzero(np.diff(positions) != 1) + 1
        firsts = np.concatenate(([0], breaks)).astype(np.int64)
        lengths = np.diff(np.append(firsts, len(positions))).astype(np.int64)
        probs = np.zeros((len(positions), len(TAGS)), dtype=np.float32)
        order = np.argsort(-lengths, kind="stable")
        batch: list[int] = []
        size = 0
        for number in order.tolist():
            batch.append(number)
            size += int(lengths[number])
            if size >= batch_chars:
                self._run(batch, firsts, lengths, rows, attributes, probs)
                batch, size = [], 0
        if batch:
            self._run(batch, firsts, lengths, rows, attributes, probs)
        result[positions] = probs
        return result

    def _run(
        self,
        batch: list[int],
        firsts: npt.NDArray[np.int64],
        lengths: npt.NDArray[np.int64],
        rows: npt.NDArray[np.int32],
        attributes: Floats,
        result: Floats,
    ) -> None:
        """Forward pass over the sentences ``batch`` (longest first), into ``result``."""
        hidden = self.hidden
        n = len(batch)
        sizes = lengths[batch]
        steps = int(sizes[0])
        step = np.arange(steps)
        valid = step[None, :] < sizes[:, None]  # (n, T)
        # the batch's characters in (sentence, step) order, and each (sentence, step)'s
        # rank in that order read forward and read from the sentence's end
        chars = (firsts[batch][:, None] + step[None, :])[valid]
        rank = np.zeros((n, steps), dtype=np.intp)
        rank[valid] = np.arange(len(chars))
        back = np.where(valid, sizes[:, None] - 1 - step[None, :], 0)
        back_rank = np.take_along_axis(rank, back, axis=1)
        # input projections per character: looked-up embedding part + attribute part (the
        # product taken over the batch's distinct attribute rows only)
        packed = np.packbits(attributes[chars].astype(np.uint8), axis=1, bitorder="little")
        wide = np.zeros((len(packed), 8), dtype=np.uint8)
        wide[:, : packed.shape[1]] = packed
        _, first, inverse = np.unique(
            wide.view(np.uint64)[:, 0], return_index=True, return_inverse=True
        )
        distinct = attributes[chars[first]]
        gates_in = np.empty((steps, 2, n, 4 * hidden), dtype=np.float32)
        for d, order in ((0, rank), (1, back_rank)):
            projected = self.input_rows[d][rows[chars]]
            projected += (distinct @ self.attribute_part[d])[inverse.ravel()]
            gates_in[:, d] = projected[order.T]
        active = valid.sum(axis=0)  # sentences alive at each step (longest first)
        h = np.zeros((2, n, hidden), dtype=np.float32)
        c = np.zeros((2, n, hidden), dtype=np.float32)
        gates = np.empty((2, n, 4 * hidden), dtype=np.float32)
        outputs = np.empty((steps, 2, n, hidden), dtype=np.float32)
        recurrent = self.recurrent
        three = 3 * hidden
        for t in range(steps):
            m = int(active[t])
            g = gates[:, :m]
            hm, cm = h[:, :m], c[:, :m]
            np.matmul(hm, recurrent, out=g)
            g += gates_in[t, :, :m]
            np.tanh(g, out=g)
            # gates reordered i, f, o, g at load: sigmoid(x) = 0.5 * tanh(x / 2) + 0.5
            # (the halving folded into the weights)
            sig = g[..., :three]
            sig *= 0.5
            sig += 0.5
            i = g[..., :hidden]
            np.multiply(i, g[..., three:], out=i)
            cm *= g[..., hidden : 2 * hidden]
            cm += i
            np.tanh(cm, out=hm)
            hm *= g[..., 2 * hidden : three]
            outputs[t, :, :m] = hm
        # forward step s of sentence k is character chars[rank[k, s]]; backward step s is
        # the character at step len - 1 - s
        forward = outputs[:, 0].transpose(1, 0, 2)[valid]
        backward = outputs[:, 1].transpose(1, 0, 2)[valid]
        scores = forward @ self.output[:, :hidden].T + self.bias_out
        scores[back_rank[valid]] += backward @ self.output[:, hidden:].T
        result[chars] = _softmax(scores)

    def save(self, path: Path) -> None:
        """Write the weights (float32, compressed) to ``path`` (an ``.npz`` file)."""
        np.savez_compressed(
            path,
            allow_pickle=False,
            chars=self.chars.astype(np.int32),
            embedding=self.embedding,
            w_ih=self.w_ih,
            w_hh=self.w_hh,
            bias=self.bias,
            output=self.output,
            bias_out=self.bias_out,
            attributes=np.array(ATTRIBUTES),
            unknown=np.array(UNKNOWN),
        )

    @classmethod
    def load(cls, path: Path) -> BiLstm:
        """Read weights written by ``save``."""
        with np.load(path) as stored:
            if int(stored["attributes"]) != ATTRIBUTES:
                raise ValueError(f"{path}: trained with other attributes; retrain")
            return cls(
                chars=stored["chars"].astype(np.int64),
                **{
                    name: stored[name].astype(np.float32)
                    for name in ("embedding", "w_ih", "w_hh", "bias", "output", "bias_out")
                },
            )
