"""Build ``deid/data/trained_names.tsv``, the names train/ labels as people: ``python -m
deid.training.trained_names`` (``make train-models`` runs it), and with ``--out-of-fold``
check what the list adds to the ``recall`` profile on the judge block.

A name of two characters or more (Chinese characters and middle dots only) is listed when
train/ (less Weibo's posts, whose people are private users) labels it a person at least
``MIN_LABELS`` times and in at least ``MIN_SHARE`` of the places it is written in
train/'s sentences (``deid.recognizers.trained_names``).

The out-of-fold check builds the list from train/ without the judge block, then scores
the judge block's MSRA part with the ``recall`` profile (each sub-block judged by the
judge trained on the other four, as ``deid.training.span_judge`` draws its curves)
without and with that list: 3,490 → 3,491 names covered, 5,755 → 5,763 findings.  The two
settings were chosen on the same block, from the list's matches added to the profile's
out-of-fold findings: at 2 labels a share of 0.7 covered as many names as 0.3 or 0.5 for
fewer false alarms, 0.8 one name less.  test/ is never read.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from deid.engine import JUDGE_PATH
from deid.recognizers import trained_names
from deid.recognizers.base import DOTS, is_han
from deid.span_judge import SpanJudge
from deid.training.corpus import LabelledText
from deid.training.name_tagger import JUDGE_BLOCK, NO_EXTRA, load_records
from deid.training.span_judge import NEWS_SET, fold_judges, judge_blocks, scored_curve

PRIVATE_SOURCE = "Weibo"  # LabelledText.source of weibo_train's records
HEADER = (
    "# Names train/ labels as people (MSRA NER, CLUENER, Chinese Literature NER, Resume NER;\n"
    "# research releases: see deid/model/MODEL_CARD.md). Built by\n"
    "# `python -m deid.training.trained_names`: name<TAB>times labelled.\n"
)


def labelled_names(
    records: list[LabelledText],
    min_labels: int = trained_names.MIN_LABELS,
    min_share: float = trained_names.MIN_SHARE,
) -> dict[str, int]:
    """Name → times labelled, of the names of two characters or more ``records`` label a
    person at least ``min_labels`` times and in at least ``min_share`` of the places the
    name is written in their texts.  Weibo's posts are left out: the people they name are
    private users (nicknames, handles), whom a shipped list has no business naming."""
    records = [r for r in records if not r.source.startswith(PRIVATE_SOURCE)]
    labels = Counter(
        record.text[start:end]
        for record in records
        for start, end, label in record.spans
        if label == "PER" and end - start >= 2 and _chinese(record.text[start:end])
    )
    often = [name for name, count in labels.items() if count >= min_labels]
    joined = "\n".join(record.text for record in records)
    return {
        name: labels[name]
        for name in sorted(often)
        if labels[name] >= min_share * joined.count(name)
    }


def _chinese(name: str) -> bool:
    """Han characters and middle dots only: the Latin "names" are handles and résumé
    initials (BJ, (VinDiesel)), and names in Latin letters are a rule's."""
    return all(is_han(char) or char in DOTS for char in name)


def write(names: dict[str, int], path: Path) -> None:
    """Write ``names`` as the shipped list."""
    lines = "".join(f"{name}\t{count}\n" for name, count in names.items())
    path.write_text(HEADER + lines, encoding="utf-8")


@contextmanager
def listing(names: dict[str, int]) -> Iterator[None]:
    """The engine reading ``names`` instead of the shipped list."""
    lookup = trained_names.NameLookup.of(names)
    original = trained_names._lookup
    trained_names._lookup = cache(lambda: lookup)
    try:
        yield
    finally:
        trained_names._lookup = original


def out_of_fold() -> None:
    """Print the judge block's ``recall``-profile figures without and with the list built
    from train/ less the judge block."""
    training, _ = load_records(JUDGE_BLOCK, NO_EXTRA)
    names = labelled_names(training)
    blocks = judge_blocks(NO_EXTRA)
    judges = fold_judges(blocks)
    threshold = SpanJudge.load(JUDGE_PATH).recall_threshold or 0.0
    for setting, listed in (("without", {}), ("with", names)):
        with listing(listed):
            curve = scored_curve(judges, blocks, "recall", [threshold], [NEWS_SET])
        row = {"setting": setting, "names_listed": len(listed)}
        print(json.dumps({**row, **curve[str(threshold)][NEWS_SET]}), flush=True)


def main() -> None:
    """Command line: write the list (or, with ``--out-of-fold``, print the check)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=trained_names.TRAINED_NAMES_FILE)
    parser.add_argument("--out-of-fold", action="store_true", help="print the check only")
    args = parser.parse_args()
    if args.out_of_fold:
        out_of_fold()
        return
    training, _ = load_records(None, NO_EXTRA)
    names = labelled_names(training)
    write(names, args.out)
    print(json.dumps({"names": len(names), "out": str(args.out)}))


if __name__ == "__main__":
    main()
