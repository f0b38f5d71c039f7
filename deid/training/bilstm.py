"""Train and score a character BiLSTM tagger (experiment; report in ``BILSTM_REPORT.md``).

``OMP_NUM_THREADS=1 nice -n 5 /work/trainvenv/bin/python -m deid.training.bilstm``

BIO tags over PER, LOC and ORG of msra_train without the judge block (``JUDGE_BLOCK``: its
last fifth, contiguous), optionally plus name-swapped copies of its sentences (``--copies``,
as the shipped models train).  Input: a learned embedding of the characters seen at least
twice (the rest read as unknown; ``--unknown-rate`` of the training characters are read as
unknown at every step, as the CNN trains) beside the CNN's attributes
(``deid.char_cnn.char_attributes``).  One bidirectional LSTM layer, softmax output.

After every epoch it scores PER on the judge block's msra_train sentences (never trained on):
precision (predicted spans overlapping a gold name), covered recall (gold names every
character of which lies inside a prediction), exact P/R/F1, for the argmax tags and for runs
of characters with P(B-PER) + P(I-PER) at least 0.5, 0.3, 0.2, 0.1 (split where a character
more likely begins a name, as ``deid.name_tagger.tagger_runs``).  ``--compare MODEL.npz ...``
scores exported models beside the shipped linear tagger, CNN and their mix the same way.
test/ is never read.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from deid.char_cnn import ATTRIBUTES, UNKNOWN, char_attributes, vocabulary_index
from deid.lexicon import encode, text_positions
from deid.training.bilstm_numpy import TAGS, BiLstm
from deid.training.bilstm_scoring import THRESHOLDS, covered_names, curve
from deid.training.char_cnn import vocabulary
from deid.training.corpus import LabelledText, read_jsonl, split_files
from deid.training.name_tagger import (
    JUDGE_BLOCK,
    _normalized,
    jieba_foreign_names,
    jieba_person_names,
    with_other_names,
)

MSRA = "msra_train"
OUT = Path(__file__).resolve().parents[2] / "var" / "bilstm" / "bilstm.npz"
UNKNOWN_RATE = 0.15
BATCH_TOKENS = 1500  # characters per training step (sentences of similar length)


def _torch() -> Any:
    return importlib.import_module("torch")


def other_training() -> list[LabelledText]:
    """The other train/ files (not peoples_daily_part: msra_train re-cut) without their
    judge block, NFKC-normalised, titles cut off literature names."""
    out = []
    for path in split_files("train"):
        if path.stem in (MSRA, "peoples_daily_part"):
            continue
        records = list(read_jsonl(path))
        out += [
            _normalized(r) for n, r in enumerate(records) if not JUDGE_BLOCK.holds(n, len(records))
        ]
    return out


def msra_split() -> tuple[list[LabelledText], list[LabelledText]]:
    """msra_train's sentences without and within the judge block, NFKC-normalised."""
    (path,) = [p for p in split_files("train") if p.stem == MSRA]
    records = list(read_jsonl(path))
    train: list[LabelledText] = []
    held: list[LabelledText] = []
    for number, record in enumerate(records):
        side = held if JUDGE_BLOCK.holds(number, len(records)) else train
        side.append(_normalized(record))
    return train, held


# Tag of a character of a file whose places and organisations are not MSRA's (``--others``):
# "not in a name", any of O, B-LOC, I-LOC, B-ORG, I-ORG (the loss sums their probabilities).
NOT_PER = len(TAGS)
NOT_PER_TAGS = (0, 3, 4, 5, 6)


def tag_labels(record: LabelledText) -> npt.NDArray[np.int64]:
    """The BIO tag index (``TAGS``) of every character of ``record``; outside msra_train only
    names are learnt (``NOT_PER`` elsewhere)."""
    msra = record.source.startswith("MSRA")
    row = np.full(len(record.text), 0 if msra else NOT_PER, dtype=np.int64)
    for start, end, label in sorted(record.spans, key=lambda s: s[2] == "PER"):
        if f"B-{label}" in TAGS and (msra or label == "PER"):
            row[start] = TAGS.index(f"B-{label}")
            row[start + 1 : end] = TAGS.index(f"I-{label}")
    return row


class Encoded:
    """Sentences as vocabulary rows, 0/1 attributes (uint8) and tags, concatenated."""

    def __init__(self, records: Sequence[LabelledText], chars: npt.NDArray[np.int64]) -> None:
        codes, _ = encode([r.text for r in records])
        positions = text_positions(codes)
        self.rows = vocabulary_index(chars)[codes[positions]].astype(np.int64)
        self.attributes = char_attributes(codes)[positions].astype(np.uint8)
        self.tags = np.concatenate([tag_labels(r) for r in records])
        self.lengths = np.array([len(r.text) for r in records], dtype=np.int64)
        self.firsts = np.concatenate(([0], np.cumsum(self.lengths)[:-1])).astype(np.int64)

    def batches(self, rng: np.random.Generator | None) -> list[npt.NDArray[np.int64]]:
        """Sentence indices grouped by length (about ``BATCH_TOKENS`` characters each);
        shuffled within equal lengths and in order of batches when ``rng`` is given."""
        keys = self.lengths.astype(np.float64)
        if rng is not None:
            keys = keys + rng.random(len(keys))
        order = np.argsort(keys, kind="stable")
        order = order[self.lengths[order] > 0]
        groups: list[npt.NDArray[np.int64]] = []
        current: list[int] = []
        longest = 0
        for number in order.tolist():
            longest = max(longest, int(self.lengths[number]))
            if current and longest * (len(current) + 1) > BATCH_TOKENS:
                groups.append(np.array(current))
                current, longest = [], int(self.lengths[number])
            current.append(number)
        if current:
            groups.append(np.array(current))
        if rng is not None:
            rng.shuffle(groups)
        return groups


class Model:
    """Embedding + attributes, BiLSTM, linear layer, as PyTorch modules."""

    def __init__(self, torch: Any, vocabulary_size: int, embedding: int, hidden: int) -> None:
        nn = torch.nn
        self.torch = torch
        self.embedding = nn.Embedding(vocabulary_size, embedding, padding_idx=0)
        self.lstm = nn.LSTM(embedding + ATTRIBUTES, hidden, batch_first=True, bidirectional=True)
        self.output = nn.Linear(2 * hidden, len(TAGS))
        self.modules = [self.embedding, self.lstm, self.output]

    def parameters(self) -> list[Any]:
        return [p for m in self.modules for p in m.parameters()]

    def train(self, mode: bool) -> None:
        for module in self.modules:
            module.train(mode)

    def scores(self, data: Encoded, chosen: npt.NDArray[np.int64], unknown: Any) -> Any:
        """Tag scores ``(batch, longest, len(TAGS))`` of the sentences ``chosen``; ``unknown``:
        ``(rng, rate)`` to read a share of the characters as unknown, or ``None``."""
        torch = self.torch
        functional = torch.nn.functional
        lengths = data.lengths[chosen]
        longest = int(lengths.max())
        step = np.arange(longest)
        valid = step[None, :] < lengths[:, None]
        at = np.where(valid, data.firsts[chosen][:, None] + step[None, :], 0)
        rows = np.where(valid, data.rows[at], 0)
        if unknown is not None:
            rng, rate = unknown
            rows = np.where((rows > UNKNOWN) & (rng.random(rows.shape) < rate), UNKNOWN, rows)
        attributes = data.attributes[at].astype(np.float32) * valid[..., None]
        inputs = torch.cat(
            [self.embedding(torch.from_numpy(rows)), torch.from_numpy(attributes)], dim=2
        )
        inputs = functional.dropout(inputs, 0.1, self.embedding.training)
        packed = torch.nn.utils.rnn.pack_padded_sequence(
            inputs, torch.from_numpy(lengths), batch_first=True, enforce_sorted=False
        )
        hidden, _ = self.lstm(packed)
        hidden, _ = torch.nn.utils.rnn.pad_packed_sequence(
            hidden, batch_first=True, total_length=longest
        )
        hidden = functional.dropout(hidden, 0.3, self.embedding.training)
        return self.output(hidden)

    def exported(self, chars: npt.NDArray[np.int64]) -> BiLstm:
        """The numpy tagger of these weights."""
        lstm = self.lstm

        def array(value: Any) -> npt.NDArray[np.float32]:
            out: npt.NDArray[np.float32] = value.detach().numpy().astype(np.float32)
            return out

        return BiLstm(
            chars=chars,
            embedding=array(self.embedding.weight),
            w_ih=np.stack([array(lstm.weight_ih_l0), array(lstm.weight_ih_l0_reverse)]),
            w_hh=np.stack([array(lstm.weight_hh_l0), array(lstm.weight_hh_l0_reverse)]),
            bias=np.stack(
                [
                    array(lstm.bias_ih_l0 + lstm.bias_hh_l0),
                    array(lstm.bias_ih_l0_reverse + lstm.bias_hh_l0_reverse),
                ]
            ),
            output=array(self.output.weight),
            bias_out=array(self.output.bias),
        )

    def probabilities(self, data: Encoded) -> tuple[npt.NDArray[np.float32], float]:
        """Tag probabilities per character of ``data`` (concatenated) and the mean loss."""
        torch = self.torch
        self.train(False)
        result = np.zeros((len(data.rows), len(TAGS)), dtype=np.float32)
        total, count = 0.0, 0
        with torch.no_grad():
            for chosen in data.batches(None):
                scores = self.scores(data, chosen, None)
                lengths = data.lengths[chosen]
                valid = np.arange(scores.shape[1])[None, :] < lengths[:, None]
                flat = scores[torch.from_numpy(valid)]
                at = (data.firsts[chosen][:, None] + np.arange(scores.shape[1])[None, :])[valid]
                tags = torch.from_numpy(data.tags[at])
                total += float(torch.nn.functional.cross_entropy(flat, tags, reduction="sum"))
                count += len(at)
                result[at] = torch.softmax(flat, dim=1).numpy()
        return result, total / count


def tag_loss(torch: Any, scores: Any, tags: npt.NDArray[np.int64]) -> Any:
    """Mean negative log-likelihood over the characters with a tag (not -100); ``NOT_PER``
    counts the summed probability of ``NOT_PER_TAGS``."""
    keep = np.flatnonzero(tags != -100)
    log = torch.log_softmax(scores[torch.from_numpy(keep)], dim=1)
    kept = tags[keep]
    partial = kept == NOT_PER
    total = -log[torch.from_numpy(np.flatnonzero(~partial)), torch.from_numpy(kept[~partial])].sum()
    if partial.any():
        rows = log[torch.from_numpy(np.flatnonzero(partial))][:, list(NOT_PER_TAGS)]
        total = total - torch.logsumexp(rows, dim=1).sum()
    return total / len(keep)


def train(args: argparse.Namespace) -> dict[str, Any]:
    torch = _torch()
    torch.manual_seed(args.seed)
    torch.set_num_threads(1)
    rng = np.random.default_rng(args.seed)
    started, cpu = time.time(), time.process_time()
    training, held = msra_split()
    if args.limit:
        training = training[: args.limit]
    if args.others:
        training = training + other_training()
    if args.copies:
        training = training + with_other_names(
            training,
            jieba_person_names(),
            args.copies,
            random.Random(args.seed),
            jieba_foreign_names(),
        )
    chars = vocabulary(training)
    data, tuned = Encoded(training, chars), Encoded(held, chars)
    print(
        json.dumps(
            {
                "train_sentences": len(training),
                "train_chars": int(data.lengths.sum()),
                "vocabulary": len(chars),
                "prepared_cpu": round(time.process_time() - cpu, 1),
            }
        ),
        flush=True,
    )
    model = Model(torch, len(chars) + 2, args.embedding, args.hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    history = []
    best = None
    for epoch in range(args.epochs):
        model.train(True)
        for group in optimizer.param_groups:
            group["lr"] = args.lr * (1 - epoch / args.epochs)
        batches = data.batches(rng)
        for chosen in batches:
            optimizer.zero_grad()
            scores = model.scores(data, chosen, (rng, args.unknown_rate))
            lengths = data.lengths[chosen]
            step = np.arange(scores.shape[1])
            valid = step[None, :] < lengths[:, None]
            at = np.where(valid, data.firsts[chosen][:, None] + step[None, :], 0)
            tags = np.where(valid, data.tags[at], -100)
            loss = tag_loss(torch, scores.reshape(-1, len(TAGS)), tags.reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 5.0)
            optimizer.step()
        probs, held_loss = model.probabilities(tuned)
        person = probs[:, 1:3]
        entry = {
            "epoch": epoch + 1,
            "cpu_seconds": round(time.process_time() - cpu, 1),
            "wall_seconds": round(time.time() - started, 1),
            "held_loss": round(held_loss, 4),
            "scores": curve(held, person, probs.argmax(axis=1)),
        }
        history.append(entry)
        print(json.dumps(entry), flush=True)
        best = model
    assert best is not None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    exported = best.exported(chars)
    exported.save(args.out)
    record = {
        "hidden": args.hidden,
        "embedding": args.embedding,
        "epochs": args.epochs,
        "lr": args.lr,
        "unknown_rate": args.unknown_rate,
        "copies": args.copies,
        "others": args.others,
        "seed": args.seed,
        "batch_tokens": BATCH_TOKENS,
        "train_sentences": len(training),
        "vocabulary": len(chars),
        "history": history,
        "load": Path("/proc/loadavg").read_text().split()[:3],
    }
    # the numpy forward must agree with PyTorch's
    numpy_probs = exported.probabilities([r.text for r in held[:500]])
    torch_probs, _ = model.probabilities(Encoded(held[:500], chars))
    record["numpy_vs_torch_max_diff"] = float(np.abs(numpy_probs - torch_probs).max())
    args.out.with_suffix(".json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return record


def compare(models: Sequence[Path]) -> dict[str, dict[str, Any]]:
    """Character-level curves (no judge, no rules) on the judge block's msra_train sentences:
    the shipped linear tagger, the shipped CNN and their mix (as the engine mixes them;
    both trained without the judge block), each BiLSTM of ``models`` (numpy forward), and
    the BiLSTM mixed with the linear tagger (in place of the CNN) and with both."""
    from deid.engine import load_name_tagger

    _, held = msra_split()
    texts = [r.text for r in held]
    shipped = load_name_tagger().outputs(texts)
    assert shipped.network is not None
    probs = {
        "shipped linear": shipped.linear,
        "shipped CNN": shipped.network,
        "shipped mix (linear + CNN)": shipped.mixed,
    }
    for path in models:
        tags = BiLstm.load(path).probabilities(texts)
        person = np.concatenate(
            [tags[:, [0, 3, 4, 5, 6]].sum(axis=1, keepdims=True), tags[:, 1:3]], axis=1
        )
        probs[f"BiLSTM {path.name}"] = person
        probs[f"{path.name} + linear (0.5 each)"] = 0.5 * person + 0.5 * shipped.linear
        probs[f"{path.name} + linear + CNN (a third each)"] = (
            person + shipped.linear + shipped.network
        ) / 3
    result = {name: curve(held, p[:, 1:3]) for name, p in probs.items()}
    # complementarity: gold names covered by one and not the other at the same threshold
    mix = probs["shipped mix (linear + CNN)"]
    for path in models:
        mine = probs[f"BiLSTM {path.name}"]
        result[f"{path.name} vs shipped mix: covered names"] = {
            f"p>={t}": {
                "only_bilstm": int(
                    (covered_names(held, mine, t) > covered_names(held, mix, t)).sum()
                ),
                "only_mix": int((covered_names(held, mix, t) > covered_names(held, mine, t)).sum()),
                "both": int((covered_names(held, mix, t) & covered_names(held, mine, t)).sum()),
            }
            for t in THRESHOLDS
        }
    return result


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--embedding", type=int, default=64)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--unknown-rate", type=float, default=UNKNOWN_RATE)
    parser.add_argument("--copies", type=int, default=0, help="name-swapped copies")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument(
        "--others", action="store_true", help="also the other train/ files' names (PER only)"
    )
    parser.add_argument("--limit", type=int, default=0, help="first N training sentences only")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--compare", type=Path, nargs="*", default=None, help="score these exported models"
    )
    args = parser.parse_args(argv)
    if args.compare is not None:
        for name, scores in compare(args.compare).items():
            print(json.dumps({"model": name, **scores}), flush=True)
        return
    print(json.dumps(train(args), indent=1))


if __name__ == "__main__":
    main()
