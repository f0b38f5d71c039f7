"""The grid LAC's review of the span judge's doubts was chosen on, out of fold: ``python -m
deid.training.review_curve [--floors 0.05,0.08] [--ceilings 0.35,0.4] [--windows 3]``.

Scores the default profile (``deid.lac_review``) on the judge block's news and literature
sentences (train/ only) as ``deid.training.span_judge`` draws its curves: each sub-block
judged by a judge trained on the other four, at the shipped judge's threshold, for every
floor, ceiling and window (and once without the review).  Prints one JSON line per
setting with the figures of each block and the characters LAC read.  test/ is never read.
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Iterator
from contextlib import contextmanager

from deid import lac_review
from deid.engine import JUDGE_PATH
from deid.lac import Lac, LacWords
from deid.span_judge import SpanJudge
from deid.training.name_tagger import add_extra_arguments, extra_of
from deid.training.span_judge import (
    CURVE_SETS,
    fold_judges,
    judge_blocks,
    scored_curve,
)


@contextmanager
def counted() -> Iterator[list[int]]:
    """The characters ``Lac.sentence_words`` reads while inside (a one-element list)."""
    read = [0]
    original = Lac.sentence_words

    def counting(self: Lac, texts: list[str]) -> list[LacWords]:
        read[0] += sum(map(len, texts))
        return original(self, texts)

    Lac.sentence_words = counting  # type: ignore[method-assign]
    try:
        yield read
    finally:
        Lac.sentence_words = original  # type: ignore[method-assign]


def _numbers(text: str) -> list[float]:
    return [float(n) for n in text.split(",")]


def main() -> None:
    """Command line: the out-of-fold figures of each setting of the review."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--floors", type=_numbers, default=[lac_review.DOUBT_FLOOR])
    parser.add_argument("--ceilings", type=_numbers, default=[lac_review.DOUBT_CEILING])
    parser.add_argument("--windows", type=_numbers, default=[lac_review.WINDOW])
    add_extra_arguments(parser)
    args = parser.parse_args()
    blocks = judge_blocks(extra_of(args))
    judges = fold_judges(blocks)
    threshold = SpanJudge.load(JUDGE_PATH).threshold
    settings = [(1.0, 1.0, 0.0)]  # a floor at the ceiling: nothing reviewed
    settings += itertools.product(args.floors, args.ceilings, args.windows)
    for floor, ceiling, window in settings:
        lac_review.DOUBT_FLOOR, lac_review.DOUBT_CEILING = floor, ceiling
        lac_review.WINDOW = int(window)
        with counted() as read:
            curve = scored_curve(judges, blocks, "default", [threshold], CURVE_SETS)
        row = {"floor": floor, "ceiling": ceiling, "window": int(window), "lac_chars": read[0]}
        print(json.dumps({**row, "curve": curve[str(threshold)]}), flush=True)


if __name__ == "__main__":
    main()
