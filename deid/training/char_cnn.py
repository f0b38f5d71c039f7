"""Train the character CNN shipped as ``deid/model/char_cnn.npz``.

``python -m deid.training.char_cnn`` (needs PyTorch: ``pip install -r requirements-train.txt``;
the engine itself runs the exported weights in numpy).  Same training sentences as
``deid.training.name_tagger`` (all of train/, news three times, two name-swapped copies, seed
13); dev/ is only scored; test/ is never read.
Seeded, single-threaded and CPU-only, so a rerun gives the same weights.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from deid.char_cnn import (
    ATTRIBUTES,
    UNKNOWN,
    CharCnn,
    bigram_rows,
    char_attributes,
    vocabulary_index,
)
from deid.lexicon import PAD, encode
from deid.training.corpus import LabelledText
from deid.training.name_tagger import (
    JUDGE_BLOCK,
    NO_EXTRA,
    Extra,
    Holdout,
    add_extra_arguments,
    char_labels,
    extra_of,
    training_sentences,
)

MODEL_PATH = Path(__file__).resolve().parents[1] / "model" / "char_cnn.npz"


EPOCHS = 6  # the held-out loss is flat from the second epoch on; the rate falls to 0 by 6
BATCH = 128  # sentences per step
# Share of training characters read as the unknown character (a fresh draw every step): the
# network learns to find names from their context and attributes, as it must for the rare
# characters of given names it never saw.
UNKNOWN_RATE = 0.15
# Names of the auxiliary classes: B and I of any other named thing (places, organisations,
# works), collapsed into O at run time.  Learning them teaches the network what a name is not.
OTHER_ENTITIES = frozenset({"LOC", "ORG", "ADDRESS", "GPE", "game", "book", "movie", "scene"})


@dataclass(frozen=True)
class Architecture:
    """The network's shape: (width, dilation) of each convolution (each reaches at most
    ``PAD`` characters), channels, embedding size, residual connections, and outputs (3:
    O/B/I of names; 5: also B/I of ``OTHER_ENTITIES``) and hashed character bigrams
    (``bigram_bits``; they overfit, model card).  The defaults are the shipped network;
    cross-validation found four dilated residual layers with the other-entity outputs
    (``--layers 5:1,3:2,3:3,3:1 --outputs 5``) no better, and slower (model card)."""

    layers: tuple[tuple[int, int], ...] = ((5, 1), (3, 1), (3, 2))
    hidden: int = 96
    embedding: int = 32
    residual: bool = True
    outputs: int = 3
    bigram_bits: int = 0  # hashed character bigrams added to the first convolution (0: none)

    @property
    def dilations(self) -> tuple[int, ...]:
        """The dilation of each convolution."""
        return tuple(dilation for _, dilation in self.layers)

    @property
    def others(self) -> frozenset[str]:
        """Source labels trained as other named things."""
        return OTHER_ENTITIES if self.outputs > 3 else frozenset()


SHIPPED_SHAPE = Architecture()


def _torch() -> Any:
    """PyTorch, imported only here: training needs it, the engine never does."""
    return importlib.import_module("torch")


@dataclass(frozen=True)
class Encoded:
    """Training sentences joined as ``deid.lexicon.encode`` joins them: embedding rows,
    attributes and label (-100 on boundary codes) per element, each sentence's first index."""

    rows: npt.NDArray[np.int64]
    attributes: npt.NDArray[np.float32]
    labels: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]
    lengths: npt.NDArray[np.int64]
    bigrams: tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]] | None = None

    @classmethod
    def of(
        cls,
        records: Sequence[LabelledText],
        chars: npt.NDArray[np.int64],
        others: frozenset[str],
        bigram_bits: int = 0,
    ) -> Encoded:
        """Encode ``records`` with the vocabulary ``chars``; spans labelled one of ``others``
        get the auxiliary labels 3 and 4."""
        codes, starts = encode([r.text for r in records])
        labels = np.full(len(codes), -100, dtype=np.int64)
        lengths = np.array([len(r.text) for r in records], dtype=np.int64)
        inside = np.concatenate([np.arange(s, s + n) for s, n in zip(starts, lengths, strict=True)])
        labels[inside] = char_labels(records, others)
        rows = vocabulary_index(chars)[codes].astype(np.int64)
        bigrams = None
        if bigram_bits:
            left, right = bigram_rows(codes, bigram_bits)
            bigrams = (left.astype(np.int64), right.astype(np.int64))
        return cls(rows, char_attributes(codes), labels, starts, lengths, bigrams)

    def batch(self, chosen: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Indices of the sentences ``chosen`` joined with ``PAD`` boundaries between them."""
        parts = [
            np.arange(self.starts[i] - PAD, self.starts[i] + self.lengths[i])
            for i in chosen.tolist()
        ]
        last = int(self.starts[chosen[-1]] + self.lengths[chosen[-1]])
        parts.append(np.arange(last, last + PAD))
        return np.concatenate(parts)


def vocabulary(records: Sequence[LabelledText], minimum: int = 2) -> npt.NDArray[np.int64]:
    """Code points seen at least ``minimum`` times in ``records``, sorted."""
    counts: dict[str, int] = {}
    for record in records:
        for char in record.text:
            counts[char] = counts.get(char, 0) + 1
    return np.array(sorted(ord(c) for c, n in counts.items() if n >= minimum), dtype=np.int64)


def initial_parameters(torch: Any, vocabulary_size: int, shape: Architecture) -> dict[str, Any]:
    """PyTorch's default initialisation of each layer (seeded by the caller)."""
    embedding = torch.nn.Embedding(vocabulary_size, shape.embedding)
    with torch.no_grad():
        embedding.weight.mul_(0.1)
    params = {"embedding": embedding.weight}
    width_in = shape.embedding + ATTRIBUTES
    for number, (width, _) in enumerate(shape.layers):
        conv = torch.nn.Conv1d(width_in, shape.hidden, width)
        params[f"conv{number}"], params[f"bias{number}"] = conv.weight, conv.bias
        width_in = shape.hidden
    if shape.bigram_bits:
        bigrams = torch.nn.Embedding(2**shape.bigram_bits, shape.hidden)
        with torch.no_grad():
            bigrams.weight.mul_(0.01)
        params["bigrams"] = bigrams.weight
    output = torch.nn.Linear(shape.hidden, shape.outputs)
    params["output"], params["bias_out"] = output.weight, output.bias
    return params


def forward(
    torch: Any,
    params: dict[str, Any],
    shape: Architecture,
    rows: Any,
    attributes: Any,
    boundary: Any,
    training: bool,
    bigrams: tuple[Any, Any] | None = None,
) -> Any:
    """Scores of a joined batch (the numpy ``CharCnn.logits`` in PyTorch, before the
    auxiliary outputs are collapsed); ``bigrams``: the left and right bigram rows."""
    functional = torch.nn.functional
    hidden = torch.cat([functional.embedding(rows, params["embedding"]), attributes], dim=1)
    hidden = functional.dropout(hidden, 0.1, training).T.unsqueeze(0)
    keep = (~boundary).to(hidden.dtype)
    for number, dilation in enumerate(shape.dilations):
        kernel = params[f"conv{number}"]
        layer = functional.conv1d(
            hidden,
            kernel,
            params[f"bias{number}"],
            padding=(kernel.shape[2] // 2) * dilation,
            dilation=dilation,
        )
        if number == 0 and bigrams is not None:
            table = params["bigrams"]
            added = functional.embedding(bigrams[0], table)
            added = added + functional.embedding(bigrams[1], table)
            layer = layer + added.T.unsqueeze(0)
        layer = functional.relu(layer)
        if shape.residual and layer.shape == hidden.shape:
            layer = layer + hidden
        hidden = functional.dropout(layer * keep, 0.2, training)
    return hidden.squeeze(0).T @ params["output"].T + params["bias_out"]


def _loss(
    torch: Any,
    params: dict[str, Any],
    shape: Architecture,
    data: Encoded,
    chosen: npt.NDArray[np.int64],
    training: bool,
    unknown: tuple[np.random.Generator, float] | None = None,
) -> Any:
    """Mean cross-entropy of the ``chosen`` sentences; ``unknown``: a generator and the
    share of characters it reads as unknown (``UNKNOWN_RATE``)."""
    index = data.batch(chosen)
    rows = data.rows[index]
    if unknown is not None:
        rng, rate = unknown
        rows = np.where((rows > UNKNOWN) & (rng.random(len(rows)) < rate), UNKNOWN, rows)
    scores = forward(
        torch,
        params,
        shape,
        torch.from_numpy(rows),
        torch.from_numpy(data.attributes[index]),
        torch.from_numpy(rows == 0),
        training,
        None
        if data.bigrams is None
        else (torch.from_numpy(data.bigrams[0][index]), torch.from_numpy(data.bigrams[1][index])),
    )
    return torch.nn.functional.cross_entropy(
        scores, torch.from_numpy(data.labels[index]), ignore_index=-100
    )


def tuning_loss(torch: Any, params: dict[str, Any], shape: Architecture, data: Encoded) -> float:
    """Mean cross-entropy per sentence batch over a tuning set (no dropout)."""
    with torch.no_grad():
        order = np.arange(len(data.starts))
        losses = [
            float(_loss(torch, params, shape, data, order[i : i + 512], False))
            for i in range(0, len(order), 512)
        ]
    return round(sum(losses) / len(losses), 4)


def exported(params: dict[str, Any], shape: Architecture, chars: npt.NDArray[np.int64]) -> CharCnn:
    """The numpy network of ``params``."""
    arrays = {name: value.detach().numpy().astype(np.float32) for name, value in params.items()}
    count = len(shape.layers)
    return CharCnn(
        chars=chars,
        embedding=arrays["embedding"],
        kernels=tuple(arrays[f"conv{n}"] for n in range(count)),
        biases=tuple(arrays[f"bias{n}"] for n in range(count)),
        dilations=shape.dilations,
        output=arrays["output"],
        bias_out=arrays["bias_out"],
        residual=shape.residual,
        bigrams=arrays.get("bigrams"),
    )


def train(
    out: Path,
    epochs: int = EPOCHS,
    seed: int = 13,
    news_weight: int = 1,
    copies: int = 1,
    shape: Architecture = SHIPPED_SHAPE,
    holdout: Holdout | None = None,
    extra: Extra = NO_EXTRA,
    unknown_rate: float = UNKNOWN_RATE,
) -> dict[str, object]:
    """Fit, save to ``out`` and return the training record (also written beside ``out``).

    The training sentences are those of ``deid.training.name_tagger.train`` with the same
    ``news_weight``, ``copies``, ``holdout`` and ``extra``."""
    torch = _torch()
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    started = time.time()
    training, tuning = training_sentences(holdout, extra, news_weight, copies, seed)
    chars = vocabulary(training)
    data = Encoded.of(training, chars, shape.others, shape.bigram_bits)
    tuned = {
        name: Encoded.of(records, chars, shape.others, shape.bigram_bits)
        for name, records in tuning.items()
        if records
    }
    params = initial_parameters(torch, len(chars) + 2, shape)
    optimizer = torch.optim.Adam(list(params.values()), lr=3e-3)
    rng = np.random.default_rng(seed)
    history = []
    for epoch in range(epochs):
        order = rng.permutation(len(data.starts))
        for group in optimizer.param_groups:
            group["lr"] = 3e-3 * (1 - epoch / epochs)
        for first in range(0, len(order), BATCH):
            optimizer.zero_grad()
            chosen = order[first : first + BATCH]
            blank = (rng, unknown_rate) if unknown_rate else None
            _loss(torch, params, shape, data, chosen, True, blank).backward()
            optimizer.step()
        history.append(
            {
                "epoch": epoch + 1,
                "seconds": round(time.time() - started, 1),
                **{name: tuning_loss(torch, params, shape, d) for name, d in tuned.items()},
            }
        )
        print(json.dumps(history[-1]), flush=True)
    exported(params, shape, chars).save(out)
    record: dict[str, object] = {
        **dataclasses.asdict(shape),
        "epochs": epochs,
        "batch": BATCH,
        "unknown_rate": unknown_rate,
        "news_weight": news_weight,
        "copies": copies,
        "holdout": holdout and dataclasses.asdict(holdout),
        "extra": [str(path) for path in extra.paths],
        "seed": seed,
        "vocabulary": len(chars),
        "train_sentences": len(training),
        "seconds": round(time.time() - started, 1),
        "tuning_loss": history,
    }
    out.with_suffix(".json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return record


def parse_layers(text: str) -> tuple[tuple[int, int], ...]:
    """``"5:1,3:2"`` → ``((5, 1), (3, 2))``: width and dilation of each convolution."""
    return tuple((int(w), int(d)) for w, d in (part.split(":") for part in text.split(",")))


def main() -> None:
    """Command line: train and save the character CNN."""
    default = SHIPPED_SHAPE
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--embedding", type=int, default=default.embedding)
    parser.add_argument("--hidden", type=int, default=default.hidden)
    parser.add_argument(
        "--layers",
        default=",".join(f"{w}:{d}" for w, d in default.layers),
        help="width:dilation of each convolution, comma-separated",
    )
    parser.add_argument("--outputs", type=int, choices=(3, 5), default=default.outputs)
    parser.add_argument(
        "--residual", action=argparse.BooleanOptionalAction, default=default.residual
    )
    parser.add_argument(
        "--bigram-bits", type=int, default=default.bigram_bits, help="bigram table rows, in bits"
    )
    parser.add_argument("--unknown-rate", type=float, default=UNKNOWN_RATE)
    parser.add_argument("--news-weight", type=int, default=1)
    parser.add_argument("--copies", type=int, default=1, help="name-swapped copies")
    add_extra_arguments(parser)
    args = parser.parse_args()
    shape = Architecture(
        parse_layers(args.layers),
        args.hidden,
        args.embedding,
        args.residual,
        args.outputs,
        args.bigram_bits,
    )
    print(
        json.dumps(
            train(
                args.out,
                args.epochs,
                news_weight=args.news_weight,
                copies=args.copies,
                shape=shape,
                holdout=JUDGE_BLOCK,
                extra=extra_of(args),
                unknown_rate=args.unknown_rate,
            ),
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
