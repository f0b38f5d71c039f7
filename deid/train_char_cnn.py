"""Train the character CNN shipped as ``deid/model/char_cnn.npz``.

``python -m deid.train_char_cnn`` (needs PyTorch: ``pip install -r requirements-train.txt``;
the engine itself runs the exported weights in numpy).  Same training sentences as
``deid.train_name_tagger`` (train/ less the People's Daily holdout, news three times, two
name-swapped copies, seed 13); the holdout and dev/ are only scored; test/ is never read.
Seeded, single-threaded and CPU-only, so a rerun gives the same weights.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from deid.char_cnn import ATTRIBUTES, CharCnn, char_attributes, vocabulary_index
from deid.corpus import LabelledText
from deid.name_tagger import PAD, encode
from deid.train_name_tagger import (
    char_labels,
    jieba_foreign_names,
    jieba_person_names,
    load_records,
    with_other_names,
)

MODEL_PATH = Path(__file__).resolve().parent / "model" / "char_cnn.npz"


EMBEDDING = 32
HIDDEN = 64
EPOCHS = 8
BATCH = 128  # sentences per step


def _torch() -> Any:
    """PyTorch, imported only here: training needs it, the engine never does."""
    return importlib.import_module("torch")


@dataclass(frozen=True)
class Encoded:
    """Training sentences joined as ``deid.name_tagger.encode`` joins them: embedding rows,
    attributes and label (-100 on boundary codes) per element, each sentence's first index."""

    rows: npt.NDArray[np.int64]
    attributes: npt.NDArray[np.float32]
    labels: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]
    lengths: npt.NDArray[np.int64]

    @classmethod
    def of(cls, records: Sequence[LabelledText], chars: npt.NDArray[np.int64]) -> Encoded:
        """Encode ``records`` with the vocabulary ``chars``."""
        codes, starts = encode([r.text for r in records])
        labels = np.full(len(codes), -100, dtype=np.int64)
        lengths = np.array([len(r.text) for r in records], dtype=np.int64)
        inside = np.concatenate([np.arange(s, s + n) for s, n in zip(starts, lengths, strict=True)])
        labels[inside] = char_labels(records)
        rows = vocabulary_index(chars)[codes].astype(np.int64)
        return cls(rows, char_attributes(codes), labels, starts, lengths)

    def batch(self, chosen: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Indices of the sentences ``chosen`` joined with ``PAD`` boundaries between them."""
        parts = [np.arange(self.starts[i] - PAD, self.starts[i] + self.lengths[i])
                 for i in chosen.tolist()]
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


def initial_parameters(torch: Any, vocabulary_size: int, embedding_size: int = EMBEDDING,
                       hidden: int = HIDDEN) -> dict[str, Any]:
    """PyTorch's default initialisation of each layer (seeded by the caller)."""
    conv1 = torch.nn.Conv1d(embedding_size + ATTRIBUTES, hidden, 5)
    conv2 = torch.nn.Conv1d(hidden, hidden, 3)
    output = torch.nn.Linear(hidden, 3)
    embedding = torch.nn.Embedding(vocabulary_size, embedding_size)
    with torch.no_grad():
        embedding.weight.mul_(0.1)
    return {"embedding": embedding.weight, "conv1": conv1.weight, "bias1": conv1.bias,
            "conv2": conv2.weight, "bias2": conv2.bias, "output": output.weight,
            "bias_out": output.bias}


def forward(torch: Any, params: dict[str, Any], rows: Any, attributes: Any,
            training: bool) -> Any:
    """O/B/I scores of a joined batch (the numpy ``CharCnn.logits`` in PyTorch)."""
    functional = torch.nn.functional
    inputs = torch.cat([functional.embedding(rows, params["embedding"]), attributes], dim=1)
    inputs = functional.dropout(inputs, 0.1, training)
    hidden = functional.relu(functional.conv1d(inputs.T.unsqueeze(0), params["conv1"],
                                               params["bias1"], padding=2))
    hidden = functional.dropout(hidden, 0.2, training)
    hidden = functional.relu(functional.conv1d(hidden, params["conv2"], params["bias2"],
                                               padding=1))
    return hidden.squeeze(0).T @ params["output"].T + params["bias_out"]


def _loss(torch: Any, params: dict[str, Any], data: Encoded, chosen: npt.NDArray[np.int64],
          training: bool) -> Any:
    index = data.batch(chosen)
    scores = forward(torch, params, torch.from_numpy(data.rows[index]),
                     torch.from_numpy(data.attributes[index]), training)
    return torch.nn.functional.cross_entropy(scores, torch.from_numpy(data.labels[index]),
                                             ignore_index=-100)


def tuning_loss(torch: Any, params: dict[str, Any], data: Encoded) -> float:
    """Mean cross-entropy per sentence batch over a tuning set (no dropout)."""
    with torch.no_grad():
        order = np.arange(len(data.starts))
        losses = [float(_loss(torch, params, data, order[i : i + 512], False))
                  for i in range(0, len(order), 512)]
    return round(sum(losses) / len(losses), 4)


def exported(params: dict[str, Any], chars: npt.NDArray[np.int64]) -> CharCnn:
    """The numpy network of ``params``."""
    arrays = {name: value.detach().numpy().astype(np.float32) for name, value in params.items()}
    return CharCnn(chars=chars, **arrays)


def train(out: Path, epochs: int = EPOCHS, seed: int = 13, embedding: int = EMBEDDING,
          hidden: int = HIDDEN, news_weight: int = 3, copies: int = 2) -> dict[str, object]:
    """Fit, save to ``out`` and return the training record (also written beside ``out``).

    The training sentences are those of ``deid.train_name_tagger.train`` with the same
    ``news_weight`` and ``copies``."""
    torch = _torch()
    torch.manual_seed(seed)
    torch.set_num_threads(1)
    started = time.time()
    original, tuning = load_records(True)
    news = [r for r in original if r.source.startswith("People's Daily")]
    training = original + news * (news_weight - 1)
    training += with_other_names(training, jieba_person_names(), copies, random.Random(seed),
                                 jieba_foreign_names())
    chars = vocabulary(training)
    data = Encoded.of(training, chars)
    tuned = {name: Encoded.of(records, chars) for name, records in tuning.items() if records}
    params = initial_parameters(torch, len(chars) + 2, embedding, hidden)
    optimizer = torch.optim.Adam(list(params.values()), lr=3e-3)
    rng = np.random.default_rng(seed)
    history = []
    for epoch in range(epochs):
        order = rng.permutation(len(data.starts))
        for group in optimizer.param_groups:
            group["lr"] = 3e-3 * (1 - epoch / epochs)
        for first in range(0, len(order), BATCH):
            optimizer.zero_grad()
            _loss(torch, params, data, order[first : first + BATCH], True).backward()
            optimizer.step()
        history.append({"epoch": epoch + 1, "seconds": round(time.time() - started, 1),
                        **{name: tuning_loss(torch, params, d) for name, d in tuned.items()}})
        print(json.dumps(history[-1]), flush=True)
    exported(params, chars).save(out)
    record: dict[str, object] = {
        "embedding": embedding, "hidden": hidden, "epochs": epochs, "batch": BATCH,
        "news_weight": news_weight, "copies": copies,
        "seed": seed, "vocabulary": len(chars), "train_sentences": len(training),
        "seconds": round(time.time() - started, 1), "tuning_loss": history}
    out.with_suffix(".json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return record


def main() -> None:
    """Command line: train and save the character CNN."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--embedding", type=int, default=EMBEDDING)
    parser.add_argument("--hidden", type=int, default=HIDDEN)
    parser.add_argument("--news-weight", type=int, default=3)
    parser.add_argument("--copies", type=int, default=2, help="name-swapped copies")
    args = parser.parse_args()
    print(json.dumps(train(args.out, args.epochs, embedding=args.embedding, hidden=args.hidden,
                           news_weight=args.news_weight, copies=args.copies), indent=1))


if __name__ == "__main__":
    main()
