"""Cross-validation of the name models over train/: out-of-fold figures and candidates.

Every train/ file is cut into ``PARTS`` contiguous blocks (an article's sentences stay on
one side); fold K's models are trained without block K of every file and score it, so every
name of train/ is scored once, by models that never saw its article.  The People's Daily
part (884 names) is the news estimate the span judge's threshold is chosen on, and the
judge learns from these out-of-fold candidates (``deid.training.span_judge``):

    python -m deid.training.crossval train --part K --model linear          # about 4 minutes
    python -m deid.training.crossval train --part K --model cnn --tag T [--layers 5:1,3:1 ...]
    python -m deid.training.crossval score --tag T [--linear-tag L] [--thresholds 0.2,0.3]

``score`` runs the engine without a judge at tagger thresholds.  Models go to
``var/crossval/<tag>/``.  Only train/ is read; test/ never.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Sequence
from pathlib import Path

from presidio_analyzer import AnalyzerEngine

from deid.char_cnn import CharCnn
from deid.engine import NETWORK_MIX, analyze_batch, build_analyzer
from deid.name_tagger import NameTagger
from deid.span_judge import SpanJudge
from deid.tagging_engine import TaggingNlpEngine
from deid.training import char_cnn, name_tagger
from deid.training.char_cnn import SHIPPED_SHAPE, Architecture, parse_layers
from deid.training.corpus import LabelledText
from deid.training.evaluate import TypeScore, score_records
from deid.training.name_tagger import (
    NO_EXTRA,
    Extra,
    Holdout,
    add_extra_arguments,
    extra_of,
    load_records,
)

PARTS = 5
OUT_DIR = Path(__file__).resolve().parents[2] / "var" / "crossval"


def model_path(tag: str, part: int, model: str) -> Path:
    """Where fold ``part``'s ``model`` (``linear`` or ``cnn``) of experiment ``tag`` lives."""
    return OUT_DIR / tag / f"part{part}_{model}.npz"


def train_part(
    part: int,
    model: str,
    tag: str,
    shape: Architecture = SHIPPED_SHAPE,
    news_weight: int = 1,
    extra: Extra = NO_EXTRA,
) -> Path:
    """Train fold ``part``'s model without block ``part``; returns the file written."""
    out = model_path(tag, part, model)
    out.parent.mkdir(parents=True, exist_ok=True)
    holdout = Holdout(part=part, parts=PARTS, every_file=True)
    if model == "linear":
        name_tagger.train(20, 1e-6, 200, out, holdout, news_weight=news_weight, extra=extra)
    else:
        char_cnn.train(out, news_weight=news_weight, shape=shape, holdout=holdout, extra=extra)
    return out


def fold_tagger(tag: str, linear_tag: str, part: int, mix: float = NETWORK_MIX) -> NameTagger:
    """Fold ``part``'s linear tagger and CNN, mixed as the shipped ones are (or by ``mix``)."""
    linear = NameTagger.load(model_path(linear_tag, part, "linear"))
    return NameTagger(
        linear.weights, linear.table_bits, CharCnn.load(model_path(tag, part, "cnn")), mix
    )


def unjudged_analyzer() -> tuple[AnalyzerEngine, TaggingNlpEngine]:
    """An analyzer of the default profile without a span judge, and its NLP engine (whose
    ``tagger``, ``name_threshold`` and ``judge`` the scripts swap)."""
    analyzer = build_analyzer(judge_path=None)
    nlp = analyzer.nlp_engine
    assert isinstance(nlp, TaggingNlpEngine)
    return analyzer, nlp


def held_out_blocks(extra: Extra = NO_EXTRA) -> dict[int, dict[str, list[LabelledText]]]:
    """Block ``part`` of every train/ (and ``extra``) file by tuning-set name, per part."""
    blocks = {}
    for part in range(PARTS):
        _, tuning = load_records(Holdout(part=part, parts=PARTS, every_file=True), extra)
        blocks[part] = {name: records for name, records in tuning.items() if name.endswith("_held")}
    return blocks


def scored_sets(
    tag: str,
    linear_tag: str,
    thresholds: Sequence[float],
    judges: dict[int, SpanJudge] | None,
    blocks: dict[int, dict[str, list[LabelledText]]],
    mix: float = NETWORK_MIX,
) -> dict[str, dict[str, dict[str, float | int]]]:
    """Pooled precision and covered recall of the engine's ``PERSON`` findings per held-out
    set, each block scored with its fold's models, per threshold (the judge's threshold
    when ``judges`` are given, else the tagger's)."""
    analyzer, nlp = unjudged_analyzer()
    totals: dict[float, dict[str, TypeScore]] = {t: {} for t in thresholds}
    for part, sets in blocks.items():
        nlp.tagger = fold_tagger(tag, linear_tag, part, mix)
        for threshold in thresholds:
            if judges is None:
                nlp.name_threshold = threshold
            else:
                nlp.judge = dataclasses.replace(judges[part], threshold=threshold)
            for name, records in sets.items():
                found = analyze_batch([r.text for r in records], analyzer=analyzer)
                got = score_records(records, found, {"PERSON"}).get("PERSON", TypeScore())
                totals[threshold].setdefault(name, TypeScore()).add(got)
    return {
        str(t): {
            name: {
                "p": s.as_dict()["precision"],
                "r": s.as_dict()["covered_recall"],
                "names": s.gold,
            }
            for name, s in sorted(by_set.items())
        }
        for t, by_set in totals.items()
    }


def main() -> None:
    """Command line: ``train`` one fold's model or ``score`` an experiment."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=("train", "score"))
    parser.add_argument("--part", type=int, choices=range(PARTS))
    parser.add_argument("--model", choices=("linear", "cnn"), default="cnn")
    parser.add_argument("--tag", default="shipped", help="experiment name (CNN models)")
    parser.add_argument("--linear-tag", default="linear", help="experiment of the linear models")
    parser.add_argument("--thresholds", default="0.2")
    parser.add_argument("--layers", help="CNN width:dilation list (deid.training.char_cnn)")
    parser.add_argument("--hidden", type=int, default=SHIPPED_SHAPE.hidden)
    parser.add_argument("--outputs", type=int, choices=(3, 5), default=SHIPPED_SHAPE.outputs)
    parser.add_argument("--residual", action="store_true")
    parser.add_argument("--news-weight", type=int, default=1)
    add_extra_arguments(parser)
    args = parser.parse_args()
    if args.action == "train":
        if args.part is None:
            parser.error("train needs --part")
        layers = parse_layers(args.layers) if args.layers else SHIPPED_SHAPE.layers
        shape = Architecture(
            layers, args.hidden, SHIPPED_SHAPE.embedding, args.residual, args.outputs
        )
        tag = args.linear_tag if args.model == "linear" else args.tag
        print(train_part(args.part, args.model, tag, shape, args.news_weight, extra_of(args)))
        return
    thresholds = [float(t) for t in args.thresholds.split(",")]
    print(
        json.dumps(
            {
                "tag": args.tag,
                "linear": args.linear_tag,
                **scored_sets(
                    args.tag, args.linear_tag, thresholds, None, held_out_blocks(extra_of(args))
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
