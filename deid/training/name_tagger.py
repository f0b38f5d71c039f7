"""Train the character-level name tagger shipped as ``deid/model/name_tagger.npz``.

Reproducible and deterministic: ``python -m deid.training.name_tagger``.  Reads all of
``../shared/data/ner/train/`` to train (``deid.training.crossval`` trains the same model without one
block of it, to measure it on text it has not seen) and scores ``dev/``; never ``test/``.
The model is a multinomial logistic regression over the hashed features of
``deid.name_tagger``, fitted by full-batch L-BFGS (scipy), so the same data give the same
weights bit for bit.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from scipy import optimize, sparse

from deid.dictionary import jieba_tables
from deid.lexicon import encode, text_positions
from deid.name_tagger import LABELS, NameTagger, feature_rows
from deid.normalize import normalize
from deid.surnames import trained_surname_length
from deid.training.corpus import LabelledText, read_annotations, read_jsonl, split_files
from deid.transliteration import TRANSLITERATION_CHARS

MODEL_PATH = Path(__file__).resolve().parents[1] / "model" / "name_tagger.npz"
NEWS_FILE = "msra_train"
# train/ files not trained on: the People's Daily part is MSRA training sentences re-cut
# (98 % of them inside msra_train), so it would only count those sentences twice.
SKIPPED_FILES = frozenset({"peoples_daily_part"})
# The Chinese Literature NER set marks a title or kinship word with the name (江泽民总书记,
# 王老师, 张奶奶); MSRA and the engine mark the name alone (毛|主席: MSRA labels 毛).
LITERATURE_SOURCE = "Chinese Literature NER"
TITLE_WORDS = tuple(
    sorted(
        """同志 先生 女士 小姐 太太 夫人 老师 教授 博士 师傅 大夫 医生 主席 总书记 书记
        总理 总统 总裁 部长 省长 市长 县长 镇长 乡长 村长 区长 局长 处长 科长 厂长 校长
        院长 所长 队长 班长 社长 站长 行长 主任 经理 总经理 董事长 老板 司令 将军 干事
        皇帝 公主 姑娘 奶奶 爷爷 大爷 大娘 大妈 大婶 大哥 大姐 大嫂 阿姨 叔叔 伯伯 婶婶
        妈妈 老汉 老人""".split(),
        key=len,
        reverse=True,
    )
)


def without_titles(record: LabelledText) -> LabelledText:
    """``record`` with a title or kinship word (``TITLE_WORDS``) cut off the end of each
    ``PER`` span that has more than the title (王老师 → 王), as MSRA marks names."""
    spans = []
    for start, end, label in record.spans:
        if label == "PER":
            for word in TITLE_WORDS:
                if end - start > len(word) and record.text.endswith(word, start, end):
                    end -= len(word)
                    break
        spans.append((start, end, label))
    return LabelledText(record.text, tuple(spans), record.source)


def _normalized(record: LabelledText) -> LabelledText:
    if record.source.startswith(LITERATURE_SOURCE):
        record = without_titles(record)
    norm = normalize(record.text)
    if norm.index_map is not None:  # length changed: keep the raw text, offsets stay valid
        return record
    return LabelledText(norm.text, record.spans, record.source)


@dataclass(frozen=True)
class Holdout:
    """The sentences of train/ kept out of training (cross-validation, ``deid.training.crossval``):
    the ``part``-th of ``parts`` contiguous blocks of the People's Daily file (an article's
    sentences stay on one side) and, with ``every_file``, of every train/ file."""

    part: int
    parts: int = 5
    every_file: bool = False

    def tuning_set(self, stem: str) -> str | None:
        """The name of the tuning set that file ``stem``'s held-out sentences join."""
        return f"{stem}_held" if self.every_file or stem == NEWS_FILE else None

    def holds(self, number: int, total: int) -> bool:
        """Whether sentence ``number`` of ``total`` is held out."""
        return total * self.part // self.parts <= number < total * (self.part + 1) // self.parts


@dataclass(frozen=True)
class Extra:
    """The platform's own annotated documents to train on beside train/ (``--extra``):
    NER exports or shared-format files, and the labels that mark names in them."""

    paths: tuple[Path, ...] = ()
    person_labels: frozenset[str] = frozenset({"PER"})

    def files(self) -> list[tuple[str, list[LabelledText]]]:
        """``(stem, records)`` of each file."""
        return [
            (path.stem, list(read_annotations(path, self.person_labels))) for path in self.paths
        ]


NO_EXTRA = Extra()
# The sentences the shipped character models never see: the last fifth of every train/
# file.  The span judge learns from, and its thresholds are tuned on, the candidates the
# shipped models propose for them (``deid.training.span_judge``).
JUDGE_BLOCK = Holdout(part=4, parts=5, every_file=True)


def add_extra_arguments(parser: argparse.ArgumentParser) -> None:
    """``--extra FILE`` (repeatable) and ``--person-label LABEL`` (repeatable, default PER)."""
    parser.add_argument(
        "--extra",
        type=Path,
        action="append",
        default=[],
        help="the platform's own annotation to train on too: an NER "
        "project's export (.jsonl) or a file in the shared format",
    )
    parser.add_argument(
        "--person-label",
        action="append",
        default=[],
        help="label of names in the --extra files (default PER)",
    )


def extra_of(args: argparse.Namespace) -> Extra:
    """The ``Extra`` of parsed ``add_extra_arguments`` options."""
    return Extra(tuple(args.extra), frozenset(args.person_label or ["PER"]))


def release_domain(record: LabelledText) -> bool:
    """News and the platform's own documents: the text releases are made of, weighted up."""
    return record.source.startswith(("People's Daily", "MSRA", "wanbiao:"))


def load_records(
    holdout: Holdout | None = None, extra: Extra = NO_EXTRA
) -> tuple[list[LabelledText], dict[str, list[LabelledText]]]:
    """Training sentences (train/ and ``extra``, less the ``holdout``) and the tuning sets
    by name (each dev/ file and the held-out blocks), NFKC-normalised."""
    training: list[LabelledText] = []
    tuning: dict[str, list[LabelledText]] = {}
    files = [
        (path.stem, list(read_jsonl(path)))
        for path in split_files("train")
        if path.stem not in SKIPPED_FILES
    ]
    for stem, records in files + extra.files():
        name = holdout.tuning_set(stem) if holdout is not None else None
        for number, record in enumerate(records):
            if name is not None and holdout is not None and holdout.holds(number, len(records)):
                tuning.setdefault(name, []).append(_normalized(record))
            else:
                training.append(_normalized(record))
    for path in split_files("dev"):
        tuning[path.stem] = [_normalized(r) for r in read_jsonl(path)]
    return training, tuning


def training_sentences(
    holdout: Holdout | None, extra: Extra, news_weight: int, copies: int, seed: int
) -> tuple[list[LabelledText], dict[str, list[LabelledText]]]:
    """The sentences both character models train on, and the tuning sets: ``load_records``
    with the release-domain sentences ``news_weight`` times, plus ``copies`` name-swapped
    variants (``with_other_names``, seeded by ``seed``)."""
    original, tuning = load_records(holdout, extra)
    news = [r for r in original if release_domain(r)]
    training = original + news * (news_weight - 1)
    training += with_other_names(
        training, jieba_person_names(), copies, random.Random(seed), jieba_foreign_names()
    )
    return training, tuning


def jieba_person_names() -> list[str]:
    """jieba's dictionary person names of 2–3 characters starting with a surname, sorted."""
    _, tags = jieba_tables()
    return sorted(
        w
        for w, t in tags.items()
        if t == "nr"
        and 2 <= len(w) <= 3
        and 0 < trained_surname_length(w, 0) < len(w)
        and all("\u4e00" <= c <= "\u9fa5" for c in w)
    )


def jieba_foreign_names() -> list[str]:
    """jieba's transliterated names (tag nrt) of 2–5 transliteration characters, sorted."""
    _, tags = jieba_tables()
    return sorted(
        w
        for w, t in tags.items()
        if t == "nrt" and 2 <= len(w) <= 5 and all(c in TRANSLITERATION_CHARS for c in w)
    )


def with_other_names(
    records: Sequence[LabelledText],
    names: Sequence[str],
    copies: int,
    rng: random.Random,
    foreign_names: Sequence[str] = (),
) -> list[LabelledText]:
    """``copies`` variants of each sentence holding a Chinese name (a gold ``PER`` span that
    starts with a surname) or, with ``foreign_names``, a transliterated one (every character
    from the transliteration table), each swapped for a name drawn from ``names`` or
    ``foreign_names``: the tagger learns the contexts names stand in, not the few thousand
    names of the training sets."""
    variants = []
    for record in records:
        chosen = {}
        for start, end, label in record.spans:
            if label != "PER":
                continue
            if trained_surname_length(record.text, start) and end - start <= 4:
                chosen[(start, end)] = names
            elif foreign_names and all(c in TRANSLITERATION_CHARS for c in record.text[start:end]):
                chosen[(start, end)] = foreign_names
        if chosen:
            variants += [_swap_names(record, chosen, rng) for _ in range(copies)]
    return variants


def _swap_names(
    record: LabelledText, chosen: dict[tuple[int, int], Sequence[str]], rng: random.Random
) -> LabelledText:
    text, spans, shift = record.text, [], 0
    parts, last = [], 0
    for start, end, label in sorted(record.spans):
        if (start, end) in chosen and start >= last:
            name = rng.choice(chosen[(start, end)])
            parts += [text[last:start], name]
            last = end
            spans.append((start + shift, start + shift + len(name), label))
            shift += len(name) - (end - start)
        else:
            spans.append((start + shift, end + shift, label))
    parts.append(text[last:])
    return LabelledText("".join(parts), tuple(spans), record.source)


def char_labels(
    records: Sequence[LabelledText], others: frozenset[str] = frozenset()
) -> npt.NDArray[np.int64]:
    """The BIO label index of every character of ``records`` (concatenated), from ``PER``;
    spans labelled one of ``others`` get 3 (begins) and 4 (inside) where no name is."""
    labels = []
    for record in records:
        row = np.zeros(len(record.text), dtype=np.int64)
        for start, end, label in sorted(record.spans, key=lambda s: s[2] == "PER"):
            if label == "PER":
                row[start] = LABELS.index("B")
                row[start + 1 : end] = LABELS.index("I")
            elif label in others:
                row[start] = 3
                row[start + 1 : end] = 4
        labels.append(row)
    return np.concatenate(labels)


def design_matrix(texts: Sequence[str], table_bits: int) -> sparse.csr_matrix:
    """Sparse 0/1 matrix: one row per character, one column per hashed feature row."""
    codes, _ = encode(texts)
    rows = feature_rows(codes, text_positions(codes), table_bits)
    count, width = rows.shape
    data = np.ones(count * width, dtype=np.float32)
    indptr = np.arange(0, count * width + 1, width)
    return sparse.csr_matrix((data, rows.ravel(), indptr), shape=(count, 2**table_bits))


def fit(
    matrix: sparse.csr_matrix, labels: npt.NDArray[np.int64], l2: float, iterations: int
) -> npt.NDArray[np.float32]:
    """Minimise mean cross-entropy + ``l2``/2 · ‖W‖² with L-BFGS; returns ``W``."""
    count, columns = matrix.shape
    classes = len(LABELS)
    onehot = np.zeros((count, classes), dtype=np.float32)
    onehot[np.arange(count), labels] = 1.0
    transposed = matrix.T.tocsr()

    def loss(flat: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        weights = flat.reshape(columns, classes).astype(np.float32)
        scores = matrix @ weights
        scores -= scores.max(axis=1, keepdims=True)
        log_probs = scores - np.log(np.exp(scores).sum(axis=1, keepdims=True))
        value = -float((log_probs * onehot).sum()) / count + 0.5 * l2 * float(flat @ flat)
        gradient = transposed @ ((np.exp(log_probs) - onehot) / count) + l2 * weights
        return value, gradient.ravel().astype(np.float64)

    result = optimize.minimize(
        loss,
        np.zeros(columns * classes),
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": iterations, "maxcor": 10},
    )
    return np.asarray(result.x.reshape(columns, classes), dtype=np.float32)


def covered_scores(
    tagger: NameTagger, records: Sequence[LabelledText], threshold: float
) -> dict[str, float]:
    """Precision and covered recall of the tagger's spans against the gold ``PER`` spans."""
    found = tagger.spans([r.text for r in records], threshold)
    gold_total = gold_found = predicted = correct = 0
    for record, spans in zip(records, found, strict=True):
        gold = [(s, e) for s, e, label in record.spans if label == "PER"]
        covered = {i for s, e in spans for i in range(s, e)}
        gold_total += len(gold)
        gold_found += sum(all(i in covered for i in range(s, e)) for s, e in gold)
        predicted += len(spans)
        correct += sum(any(s < ge and gs < e for gs, ge in gold) for s, e in spans)
    return {
        "precision": round(correct / predicted, 4) if predicted else 0.0,
        "recall": round(gold_found / gold_total, 4) if gold_total else 0.0,
    }


def train(
    table_bits: int,
    l2: float,
    iterations: int,
    out: Path,
    holdout: Holdout | None = None,
    copies: int = 1,
    news_weight: int = 1,
    seed: int = 13,
    extra: Extra = NO_EXTRA,
) -> dict[str, object]:
    """Fit, save to ``out``, and return the training record (also written beside ``out``).

    The training sentences are train/ and ``extra`` (news and the platform's own documents
    ``news_weight`` times: the release documents are closer to news than to posts or
    resumes) plus ``copies`` name-swapped variants of each sentence with a Chinese name
    (``with_other_names``, seeded by ``seed``).
    """
    started = time.time()
    training, tuning = training_sentences(holdout, extra, news_weight, copies, seed)
    matrix = design_matrix([r.text for r in training], table_bits)
    weights = fit(matrix, char_labels(training), l2, iterations)
    tagger = NameTagger(weights, table_bits)
    tagger.save(out)
    seconds = round(time.time() - started, 1)
    shipped = NameTagger.load(out)
    scores = {
        name: {str(t): covered_scores(shipped, records, t) for t in (0.1, 0.2, 0.3, 0.5)}
        for name, records in tuning.items()
        if records
    }
    record: dict[str, object] = {
        "table_bits": table_bits,
        "l2": l2,
        "iterations": iterations,
        "holdout": holdout and dataclasses.asdict(holdout),
        "extra": [str(path) for path in extra.paths],
        "copies": copies,
        "news_weight": news_weight,
        "seed": seed,
        "train_sentences": len(training),
        "train_chars": int(matrix.shape[0]),
        "seconds": seconds,
        "tuning": scores,
    }
    out.with_suffix(".json").write_text(json.dumps(record, indent=1), encoding="utf-8")
    return record


def main() -> None:
    """Command line: train and save the name tagger."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bits", type=int, default=20, help="log2 of the hash table rows")
    parser.add_argument("--l2", type=float, default=1e-6)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--copies", type=int, default=1, help="name-swapped copies")
    parser.add_argument("--news-weight", type=int, default=1)
    add_extra_arguments(parser)
    args = parser.parse_args()
    print(
        json.dumps(
            train(
                args.bits,
                args.l2,
                args.iterations,
                args.out,
                JUDGE_BLOCK,
                args.copies,
                args.news_weight,
                extra=extra_of(args),
            ),
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
