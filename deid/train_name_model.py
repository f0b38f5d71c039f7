"""Train the name (``PER``) recognizer shipped in ``deid/model/name_ner``.

Reproducible: ``python -m deid.train_name_model [--epochs N] [--seed S]``.  Reads
``../shared/data/ner/train/`` to train (less every fifth People's Daily sentence) and ``dev/``
plus that holdout to pick the best epoch; never ``test/``.
The pipeline is ``spacy.blank("zh")`` with the jieba segmenter (the same tokenizer the engine
uses at run time) and one small CNN + transition-based NER component, CPU only.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Span
from spacy.training import Example
from thinc.api import Config, fix_random_seed

from deid.corpus import LabelledText, read_jsonl, split_files
from deid.normalize import normalize

MODEL_DIR = Path(__file__).resolve().parent / "model" / "name_ner"

NER_CONFIG = """
[model]
@architectures = "spacy.TransitionBasedParser.v2"
state_type = "ner"
extra_state_tokens = false
hidden_width = 48
maxout_pieces = 1
use_upper = false
nO = null

[model.tok2vec]
@architectures = "spacy.HashEmbedCNN.v2"
pretrained_vectors = null
width = 64
depth = 2
embed_size = 4000
window_size = 1
maxout_pieces = 1
subword_features = true
"""


def blank_chinese(segmenter: str = "jieba") -> Language:
    """Return ``spacy.blank("zh")`` segmenting with ``jieba`` or by ``char`` (no download)."""
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": segmenter}}})


def to_examples(nlp: Language, records: list[LabelledText]) -> list[Example]:
    """Turn labelled sentences into spaCy examples with ``PER`` spans only.

    A gold name that cuts a jieba token is widened to whole tokens: the engine only ever
    sees jieba tokens, and covering a little more is better than losing the name.
    """
    examples = []
    for record in records:
        doc = nlp.make_doc(record.text)
        ents: list[Span] = []
        for start, end, label in record.spans:
            if label != "PER":
                continue
            span = doc.char_span(start, end, label="PER", alignment_mode="expand")
            if span is not None and all(span.start >= e.end or span.end <= e.start for e in ents):
                ents.append(span)
        examples.append(Example.from_dict(doc, {"entities": [
            (e.start_char, e.end_char, "PER") for e in ents]}))
    return examples


# Every fifth People's Daily training sentence is held out for tuning: dev/ has no news text,
# and the release documents are closer to news than to Weibo posts or resumes.
HOLDOUT_FILE = "peoples_daily_part"
HOLDOUT_EVERY = 5


def load_records() -> tuple[list[LabelledText], list[LabelledText]]:
    """Training and tuning sentences: train/ minus the news holdout, and dev/ plus it.

    Text is NFKC-normalised as the engine does before tagging.
    """
    training: list[LabelledText] = []
    tuning: list[LabelledText] = []
    for path in split_files("train"):
        for number, record in enumerate(read_jsonl(path)):
            held = path.stem == HOLDOUT_FILE and number % HOLDOUT_EVERY == 0
            (tuning if held else training).append(record)
    tuning.extend(r for path in split_files("dev") for r in read_jsonl(path))
    return [_normalized(r) for r in training], [_normalized(r) for r in tuning]


def _normalized(record: LabelledText) -> LabelledText:
    norm = normalize(record.text)
    if norm.index_map is not None:  # length changed: keep the raw text, offsets stay valid
        return record
    return LabelledText(norm.text, record.spans, record.source)


def covered_scores(nlp: Language, examples: list[Example]) -> dict[str, float]:
    """Precision and covered recall of predicted ``PER`` entities against the gold ones.

    A gold name counts as found when every character lies inside predicted entities.
    """
    docs = nlp.pipe([eg.reference.text for eg in examples], batch_size=256)
    gold_total = gold_found = pred_total = pred_ok = 0
    for eg, doc in zip(examples, docs, strict=True):
        covered = {i for e in doc.ents for i in range(e.start_char, e.end_char)}
        gold = {i for e in eg.reference.ents for i in range(e.start_char, e.end_char)}
        for ent in eg.reference.ents:
            gold_total += 1
            gold_found += all(i in covered for i in range(ent.start_char, ent.end_char))
        for ent in doc.ents:
            pred_total += 1
            pred_ok += any(i in gold for i in range(ent.start_char, ent.end_char))
    precision = pred_ok / pred_total if pred_total else 0.0
    recall = gold_found / gold_total if gold_total else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1}


def _drop_training_strings(out_dir: Path) -> None:
    """Keep only the label in the saved string store.

    spaCy saves every token string it has seen, names from the training sets included; the
    hash embeddings do not need them, and the repository should not carry them.
    """
    (out_dir / "vocab" / "strings.json").write_text('["PER"]', encoding="utf-8")


def f2_score(scores: dict[str, float]) -> float:
    """F2 (van Rijsbergen's F-beta, beta = 2) of precision and covered recall: recall counts
    twice, because a missed name is a legal incident and a false alarm a reviewer's click."""
    p, r = scores["precision"], scores["recall"]
    return 5 * p * r / (4 * p + r) if p + r else 0.0


def _run_epoch(nlp: Language, train_set: list[Example], optimizer: Any) -> float:
    random.shuffle(train_set)
    losses: dict[str, float] = {}
    for first in range(0, len(train_set), 32):
        nlp.update(train_set[first : first + 32], sgd=optimizer, drop=0.15, losses=losses)
    return round(float(losses.get("ner", 0.0)), 1)


def train(epochs: int, seed: int, time_limit_s: float, out_dir: Path,
          config: str = NER_CONFIG, segmenter: str = "jieba") -> dict[str, object]:
    """Train, keep the epoch with the best tuning-set F2, save it to ``out_dir``.

    Returns the training record (scores per epoch, best epoch, seconds), also written to
    ``out_dir/training.json``.  Raises ``OSError`` if the data directory is missing.
    """
    fix_random_seed(seed)
    random.seed(seed)
    nlp = blank_chinese(segmenter)
    ner: Any = nlp.add_pipe("ner", config=Config().from_str(config))
    ner.add_label("PER")
    training, tuning = load_records()
    train_set, dev_set = to_examples(nlp, training), to_examples(nlp, tuning)
    optimizer = nlp.initialize(lambda: train_set)
    started, best, best_epoch, history = time.time(), -1.0, 0, []
    for epoch in range(1, epochs + 1):
        loss = _run_epoch(nlp, train_set, optimizer)
        with nlp.use_params(optimizer.averages):
            scores = covered_scores(nlp, dev_set)
            if f2_score(scores) > best:
                best, best_epoch = f2_score(scores), epoch
                nlp.to_disk(out_dir)
                _drop_training_strings(out_dir)
        history.append({"epoch": epoch, "loss": loss, **scores,
                        "seconds": round(time.time() - started, 1)})
        print(json.dumps(history[-1]), flush=True)
        if time.time() - started > time_limit_s:
            break
    record: dict[str, object] = {
        "seed": seed, "best_epoch": best_epoch, "best_f2": best, "history": history,
        "train_sentences": len(train_set), "dev_sentences": len(dev_set),
        "seconds": round(time.time() - started, 1)}
    (out_dir / "training.json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return record


def main() -> None:
    """Command line: train and save the name model."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--time-limit", type=float, default=3000.0, help="seconds")
    parser.add_argument("--out", type=Path, default=MODEL_DIR)
    parser.add_argument("--width", type=int, default=64, help="tok2vec width")
    parser.add_argument("--depth", type=int, default=2, help="tok2vec CNN depth")
    parser.add_argument("--segmenter", choices=["jieba", "char"], default="jieba")
    args = parser.parse_args()
    config = NER_CONFIG.replace("width = 64", f"width = {args.width}").replace(
        "depth = 2", f"depth = {args.depth}")
    train(args.epochs, args.seed, args.time_limit, args.out, config, args.segmenter)


if __name__ == "__main__":
    main()
