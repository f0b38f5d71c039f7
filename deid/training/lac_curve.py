"""What Baidu's LAC adds to the ``recall`` profile, out of fold: ``python -m
deid.training.lac_curve``.

Scores the ``residual`` profile (the ``recall`` profile's sources without LAC) and the
``recall`` profile (with LAC: ``deid.recognizers.lac_names``) on the judge block's news and
literature sentences (train/ only) as ``deid.training.span_judge`` draws its curves: each
sub-block judged by a judge trained on the other four, at each of ``RECALL_THRESHOLDS``.
Prints one JSON line per profile, then the characters per CPU second of each (the whole
judge block, one process).  test/ is never read.
"""

from __future__ import annotations

import argparse
import json
import time

from deid.training.name_tagger import add_extra_arguments, extra_of
from deid.training.span_judge import (
    RECALL_THRESHOLDS,
    fold_judges,
    judge_blocks,
    scored_curve,
)

PROFILES = ("residual", "recall")


def main() -> None:
    """Command line: the out-of-fold recall curves of ``PROFILES``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_extra_arguments(parser)
    args = parser.parse_args()
    blocks = judge_blocks(extra_of(args))
    judges = fold_judges(blocks, RECALL_THRESHOLDS[0])
    characters = sum(len(r.text) for sub in blocks.values() for part in sub for r in part)
    for profile in PROFILES:
        started = time.process_time()
        curve = scored_curve(judges, blocks, profile, RECALL_THRESHOLDS)
        seconds = time.process_time() - started
        speed = round(characters * len(RECALL_THRESHOLDS) / seconds)
        print(
            json.dumps({"profile": profile, "curve": curve, "chars_per_cpu_s": speed}), flush=True
        )


if __name__ == "__main__":
    main()
