"""Which person-tag source the ``recall`` profile needs: ``python -m
deid.training.recall_sources``.

The ``recall`` profile unites the span judge at its low threshold with jieba's token rules
and a source of person tags.  ``jieba.posseg`` (a second, tagging segmentation of every
text) costs most of the profile's time; the dictionary's tags of the tokens the profile
segments anyway cost nothing.  This scores the profile with each source on the judge block
(train/ only), out of fold as ``deid.training.span_judge`` does: each sub-block judged by
a judge trained on the other four.  test/ is never read.
"""

from __future__ import annotations

import argparse
import json
import time

from deid.engine import analyze_batch, build_analyzer
from deid.recognizers.person import ChinesePersonRecognizer
from deid.span_judge import SpanJudge
from deid.training.evaluate import TypeScore, score_records
from deid.training.name_tagger import add_extra_arguments, extra_of
from deid.training.span_judge import (
    BITS,
    CURVE_SETS,
    RECALL_THRESHOLDS,
    _figures,
    fold_judges,
    judge_blocks,
)

# source → (use_posseg, use_tags)
SOURCES = {"posseg": (True, False), "dictionary_tags": (False, True), "none": (False, False)}


def main() -> None:
    """Score the recall profile with every source of ``SOURCES``; print one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threshold", type=float, default=RECALL_THRESHOLDS[0])
    add_extra_arguments(parser)
    args = parser.parse_args()
    blocks = judge_blocks(extra_of(args))
    judges = fold_judges(blocks, args.threshold)
    analyzer = build_analyzer(profile="recall", judge_path=None)
    [person] = [r for r in analyzer.registry.recognizers if isinstance(r, ChinesePersonRecognizer)]
    for source, (use_posseg, use_tags) in SOURCES.items():
        person.use_posseg, person.use_tags = use_posseg, use_tags
        started = time.process_time()
        totals: dict[str, TypeScore] = {}
        for part, judge in judges.items():
            analyzer.nlp_engine.judge = SpanJudge(  # type: ignore[attr-defined]
                judge.weights, BITS, args.threshold
            )
            for name, sub_blocks in blocks.items():
                if name in CURVE_SETS:
                    records = sub_blocks[part]
                    found = analyze_batch([r.text for r in records], analyzer=analyzer)
                    got = score_records(records, found, {"PERSON"}).get("PERSON", TypeScore())
                    totals.setdefault(name, TypeScore()).add(got)
        scores = {name: _figures(score) for name, score in sorted(totals.items())}
        seconds = round(time.process_time() - started, 1)
        print(json.dumps({"source": source, "scores": scores, "cpu_s": seconds}), flush=True)


if __name__ == "__main__":
    main()
