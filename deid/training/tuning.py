"""Score the engine's ``PERSON`` findings on dev/: ``python -m deid.training.tuning``.

Prints precision and covered recall per dev/ file (``deid.training.evaluate`` measures), and with
``--misses N`` the missed names and ``--false N`` the false alarms.  dev/ has no news text:
news is measured by cross-validation over train/'s People's Daily part
(``python -m deid.training.crossval score``).  test/ is never read here.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from deid.char_cnn import CharCnn
from deid.engine import analyze_batch, get_engine
from deid.name_tagger import NameTagger
from deid.normalize import normalize
from deid.span_judge import SpanJudge
from deid.tagging_engine import TaggingNlpEngine
from deid.training.corpus import LabelledText, read_jsonl, split_files
from deid.training.evaluate import score_records


def tuning_sets() -> dict[str, list[tuple[str, tuple[tuple[int, int, str], ...]]]]:
    """``{name: [(text, spans), ...]}`` for each dev/ file (raw text)."""
    return {path.stem: [(r.text, r.spans) for r in read_jsonl(path)] for path in split_files("dev")}


def false_alarms(
    texts: list[str],
    spans: list[tuple[tuple[int, int, str], ...]],
    findings: list[list[tuple[int, int]]],
) -> list[tuple[str, str]]:
    """``(found text, sentence)`` of each ``PERSON`` finding overlapping no gold name."""
    wrong = []
    for text, gold, found in zip(texts, spans, findings, strict=True):
        names = [(s, e) for s, e, label in gold if label == "PER"]
        wrong += [
            (text[s:e], text) for s, e in found if not any(s < ge and gs < e for gs, ge in names)
        ]
    return wrong


def _override(args: argparse.Namespace) -> None:
    nlp = get_engine(args.profile).nlp_engine
    assert isinstance(nlp, TaggingNlpEngine)
    if args.network is not None:
        nlp.tagger = dataclasses.replace(nlp.tagger, network=CharCnn.load(args.network))
    if args.linear is not None:
        nlp.tagger = dataclasses.replace(nlp.tagger, weights=NameTagger.load(args.linear).weights)
    if args.judge is not None:
        nlp.judge = SpanJudge.load(args.judge)
    if args.judge_threshold is not None and nlp.judge is not None:
        nlp.judge = dataclasses.replace(nlp.judge, threshold=args.judge_threshold)
    if args.threshold is not None:  # the tagger's own threshold: the recall profile
        nlp.name_threshold = args.threshold


def main() -> None:
    """Command line: one JSON line of scores, then the misses and false alarms asked for."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", type=int, default=0)
    parser.add_argument("--false", type=int, default=0)
    parser.add_argument("--profile", default="default")
    parser.add_argument("--network", type=Path, help="another char_cnn.npz to try")
    parser.add_argument("--linear", type=Path, help="another name_tagger.npz to try")
    parser.add_argument("--judge", type=Path, help="another span_judge.npz to try")
    parser.add_argument("--judge-threshold", type=float, help="override the judge's threshold")
    parser.add_argument("--threshold", type=float, help="the tagger's threshold (recall profile)")
    args = parser.parse_args()
    _override(args)
    scores, lists = {}, []
    for name, rows in tuning_sets().items():
        texts = [normalize(t).text if normalize(t).index_map is None else t for t, _ in rows]
        records = [LabelledText(t, s, name) for t, (_, s) in zip(texts, rows, strict=True)]
        found = analyze_batch(texts, profile=args.profile)
        person = score_records(records, found, {"PERSON"})["PERSON"]
        scores[name] = {"p": person.as_dict()["precision"], "r": person.as_dict()["covered_recall"]}
        spans = [[(f.start, f.end) for f in fs if f.entity_type == "PERSON"] for fs in found]
        lists.append((name, person.misses, false_alarms(texts, [s for _, s in rows], spans)))
    print(json.dumps(scores))
    for name, misses, wrong in lists:
        for missed, sentence in misses[: args.misses]:
            print(f"{name} MISS {missed!r} in {sentence[:80]!r}")
        for alarm, sentence in wrong[: args.false]:
            print(f"{name} FALSE {alarm!r} in {sentence[:80]!r}")


if __name__ == "__main__":
    main()
