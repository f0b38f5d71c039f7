"""Score the analyzer against labelled text: ``python -m deid.training.evaluate FILE.jsonl [...]``.

Files are in the ``../shared/data/ner`` format.  Per entity type it prints

* precision: share of findings that overlap a gold span of the same type,
* covered recall: share of gold spans whose every character lies inside some finding
  (of any type: whatever the type, those characters are redacted),
* exact precision, recall and F1: findings and gold spans with the same start, end and
  type.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from deid.engine import analyze_batch
from deid.findings import Finding
from deid.training.corpus import LABEL_TO_ENTITY, LabelledText, read_jsonl


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


@dataclass
class TypeScore:
    """Counts for one entity type."""

    gold: int = 0
    exact: int = 0
    covered: int = 0
    predicted: int = 0
    correct: int = 0
    exact_correct: int = 0
    misses: list[tuple[str, str]] = field(default_factory=list)

    def add(self, other: TypeScore) -> None:
        """Pool ``other``'s counts into this one (not its misses)."""
        for name in ("gold", "exact", "covered", "predicted", "correct", "exact_correct"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, float | int]:
        """Precision, recall (exact), covered recall, exact precision and F1 (0 when
        undefined) and the raw counts."""
        exact_precision = _ratio(self.exact_correct, self.predicted)
        recall = _ratio(self.exact, self.gold)
        f1 = 2 * exact_precision * recall / (exact_precision + recall) if recall else 0.0
        return {
            "precision": _ratio(self.correct, self.predicted),
            "recall": recall,
            "covered_recall": _ratio(self.covered, self.gold),
            "exact_precision": exact_precision,
            "exact_f1": round(f1, 4),
            "gold": self.gold,
            "predicted": self.predicted,
        }


def _gold_spans(record: LabelledText, types: set[str]) -> list[tuple[int, int, str]]:
    spans = [(s, e, LABEL_TO_ENTITY.get(label, label)) for s, e, label in record.spans]
    return [span for span in spans if span[2] in types]


def score_records(
    records: Sequence[LabelledText], findings: Sequence[Sequence[Finding]], types: set[str]
) -> dict[str, TypeScore]:
    """Compare findings with gold spans of ``types``; returns a ``TypeScore`` per type.

    Findings of types outside ``types`` still cover characters but are not scored.
    """
    scores: dict[str, TypeScore] = defaultdict(TypeScore)
    for record, found in zip(records, findings, strict=True):
        gold = _gold_spans(record, types)
        covered = {i for f in found for i in range(f.start, f.end)}
        exact = {(f.start, f.end, f.entity_type) for f in found}
        for start, end, kind in gold:
            score = scores[kind]
            score.gold += 1
            score.exact += (start, end, kind) in exact
            if all(i in covered for i in range(start, end)):
                score.covered += 1
            else:
                score.misses.append((record.text[start:end], record.text))
        golds = set(gold)
        for finding in found:
            if finding.entity_type not in types:
                continue
            score = scores[finding.entity_type]
            score.predicted += 1
            score.exact_correct += (finding.start, finding.end, finding.entity_type) in golds
            score.correct += any(
                kind == finding.entity_type and start < finding.end and finding.start < end
                for start, end, kind in gold
            )
    return dict(scores)


def evaluate_files(
    paths: Iterable[Path],
    types: Iterable[str] = ("PERSON",),
    language: str = "zh",
    profile: str = "default",
) -> dict[str, dict[str, TypeScore]]:
    """Run the analyzer over each file and score it; returns ``{file stem: {type: score}}``.

    Raises ``ValueError`` for a malformed file (see ``deid.training.corpus.read_jsonl``).
    """
    wanted = set(types)
    results = {}
    for path in paths:
        records = list(read_jsonl(path))
        findings = analyze_batch([r.text for r in records], language=language, profile=profile)
        results[path.stem] = score_records(records, findings, wanted)
    return results


def main(argv: Sequence[str] | None = None) -> None:
    """Command line: print a table (or ``--json``) per file and type; ``--misses N`` lists
    missed gold spans with their sentences."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument(
        "--types", default="PERSON", help="comma-separated entity types to score (default PERSON)"
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", type=int, default=0)
    parser.add_argument("--profile", default="default", help="engine profile: default, recall")
    args = parser.parse_args(argv)
    results = evaluate_files(args.files, args.types.split(","), profile=args.profile)
    if args.json:
        print(
            json.dumps(
                {
                    stem: {kind: score.as_dict() for kind, score in by_type.items()}
                    for stem, by_type in results.items()
                },
                ensure_ascii=False,
            )
        )
        return
    print(f"{'file':28} {'type':16} {'precision':>9} {'recall':>7} {'covered':>7} {'gold':>6}")
    for stem, by_type in results.items():
        for kind, score in sorted(by_type.items()):
            row = score.as_dict()
            print(
                f"{stem:28} {kind:16} {row['precision']:9.4f} {row['recall']:7.4f} "
                f"{row['covered_recall']:7.4f} {row['gold']:6d}"
            )
            for missed, sentence in score.misses[: args.misses]:
                print(f"    missed {missed!r} in {sentence!r}")


if __name__ == "__main__":
    main()
