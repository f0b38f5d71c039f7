"""Score the engine's ``PERSON`` findings on the tuning sets: ``python -m deid.tuning``.

The tuning sets are dev/ and the People's Daily holdout carved from train/ (every fifth
sentence of ``peoples_daily_part``, which the shipped tagger is trained without); test/ is
never read here.  Prints precision and covered recall per set (``deid.evaluate`` measures),
and with ``--misses N`` the missed names and ``--false N`` the false alarms.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from deid.char_cnn import CharCnn
from deid.corpus import LabelledText, read_jsonl, split_files
from deid.engine import TaggingNlpEngine, analyze_batch, get_engine
from deid.evaluate import score_records
from deid.name_tagger import NameTagger
from deid.normalize import normalize

HOLDOUT_FILE = "peoples_daily_part"
HOLDOUT_EVERY = 5


def tuning_sets() -> dict[str, list[tuple[str, tuple[tuple[int, int, str], ...]]]]:
    """``{name: [(text, spans), ...]}`` for the holdout and each dev/ file (raw text)."""
    sets: dict[str, list[tuple[str, tuple[tuple[int, int, str], ...]]]] = {"pd_holdout": []}
    for path in split_files("train"):
        if path.stem == HOLDOUT_FILE:
            sets["pd_holdout"] = [(r.text, r.spans) for n, r in enumerate(read_jsonl(path))
                                  if n % HOLDOUT_EVERY == 0]
    for path in split_files("dev"):
        sets[path.stem] = [(r.text, r.spans) for r in read_jsonl(path)]
    return sets


def false_alarms(texts: list[str], spans: list[tuple[tuple[int, int, str], ...]],
                 findings: list[list[tuple[int, int]]]) -> list[tuple[str, str]]:
    """``(found text, sentence)`` of each ``PERSON`` finding overlapping no gold name."""
    wrong = []
    for text, gold, found in zip(texts, spans, findings, strict=True):
        names = [(s, e) for s, e, label in gold if label == "PER"]
        wrong += [(text[s:e], text) for s, e in found
                  if not any(s < ge and gs < e for gs, ge in names)]
    return wrong


def _override(profile: str, threshold: float | None, grow: float | None,
              mix: float | None, network: Path | None) -> None:
    nlp = get_engine(profile).nlp_engine
    assert isinstance(nlp, TaggingNlpEngine)
    if network is not None:
        nlp.tagger = dataclasses.replace(nlp.tagger, network=CharCnn.load(network))
    if threshold is not None:
        nlp.name_threshold = threshold
    if grow is not None:
        nlp.name_grow = grow
    if mix is not None:
        nlp.tagger = dataclasses.replace(nlp.tagger, mix=mix)


def main() -> None:
    """Command line: one JSON line of scores, then the misses and false alarms asked for."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--misses", type=int, default=0)
    parser.add_argument("--false", type=int, default=0)
    parser.add_argument("--profile", default="default")
    parser.add_argument("--threshold", type=float, help="override NAME_THRESHOLD")
    parser.add_argument("--grow", type=float, help="override NAME_GROW")
    parser.add_argument("--mix", type=float, help="override NETWORK_MIX")
    parser.add_argument("--network", type=Path, help="another char_cnn.npz to try")
    parser.add_argument("--linear", type=Path, help="another name_tagger.npz to try")
    args = parser.parse_args()
    _override(args.profile, args.threshold, args.grow, args.mix, args.network)
    if args.linear is not None:
        nlp = get_engine(args.profile).nlp_engine
        assert isinstance(nlp, TaggingNlpEngine)
        linear = NameTagger.load(args.linear)
        nlp.tagger = dataclasses.replace(nlp.tagger, weights=linear.weights)

    scores, lists = {}, []
    for name, rows in tuning_sets().items():
        texts = [normalize(t).text if normalize(t).index_map is None else t for t, _ in rows]
        records = [LabelledText(t, s, name) for t, (_, s) in zip(texts, rows, strict=True)]
        found = analyze_batch(texts, profile=args.profile)
        person = score_records(records, found, {"PERSON"})["PERSON"].as_dict()
        scores[name] = {"p": person["precision"], "r": person["covered_recall"]}
        spans = [[(f.start, f.end) for f in fs if f.entity_type == "PERSON"] for fs in found]
        misses = score_records(records, found, {"PERSON"})["PERSON"].misses
        lists.append((name, misses, false_alarms(texts, [s for _, s in rows], spans)))
    print(json.dumps(scores))
    for name, misses, wrong in lists:
        for missed, sentence in misses[: args.misses]:
            print(f"{name} MISS {missed!r} in {sentence[:80]!r}")
        for alarm, sentence in wrong[: args.false]:
            print(f"{name} FALSE {alarm!r} in {sentence[:80]!r}")


if __name__ == "__main__":
    main()
