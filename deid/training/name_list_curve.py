"""Lists of names printed without separators, out of fold: ``python -m
deid.training.name_list_curve [--lists 40] [--seed 7]``.

msra_train has few such lists (three sentences with three pairs of names side by side or
more, one of them a committee's 125 members), too few to choose ``deid.name_lists``'s
costs on.
This builds lists as newspapers print them from the judge block's names (train/ only,
names the character models never saw; of those without a surname in the table, a tenth):
a header (…委员会委员名单（按姓氏笔划排序）), then 20 to 80 names run together, sorted by
surname in half of them, a note after some (（女）, （藏族）).  Each sub-block's lists are
scored by the default profile with the judge trained on the other four, as
``deid.training.span_judge`` draws its curves, without ``in_name_lists``, with it, and with
it at each setting of ``--grid``.  It also counts the sentences of msra_train (the shipped
engine, in sample) ``in_name_lists`` changes: its lists, and any prose it misreads as one.
Prints one JSON line per setting.  test/ is never read.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Iterator
from contextlib import contextmanager

import deid.engine
from deid import name_lists
from deid.engine import JUDGE_PATH
from deid.findings import Finding
from deid.recognizers.base import DOTS, is_han
from deid.span_judge import SpanJudge
from deid.surnames import surname_length
from deid.training.corpus import LabelledText, read_jsonl, split_files
from deid.training.name_tagger import NEWS_FILE, NO_EXTRA
from deid.training.span_judge import NEWS_SET, Blocks, fold_judges, judge_blocks, scored_curve

LISTS_SET = "name_lists"
HEADERS = (
    "中国人民政治协商会议第九届全国委员会常务委员名单（按姓氏笔划排序）",
    "治丧委员会名单委员：",
    "第九届全国人民代表大会主席团成员名单（共一百五十二人，按姓名笔划排列）",
    "新华社北京３月５日电大会主席团常务主席名单",
    "各工作小组的组成人员名单如下：",
)
NOTES = ("（女）", "（藏族）", "（女，壮族）", "（回族）", "（满族）")
NOTE_SHARE = 0.1
NO_SURNAME_SHARE = 0.1


def _names(records: list[LabelledText], rng: random.Random) -> list[str]:
    """The distinct person names of ``records`` a list of Chinese officials would hold:
    Chinese characters (and dots) only; those opening with a surname of the table, a
    dotted name (阿不都·热合曼), and one in ``NO_SURNAME_SHARE`` of the others (扎西多吉;
    and foreign names, which such lists seldom hold)."""
    names = sorted(
        {
            r.text[s:e]
            for r in records
            for s, e, label in r.spans
            if label == "PER"
            and 2 <= e - s <= 10
            and all(is_han(c) or c in DOTS for c in r.text[s:e])
        }
    )
    return [
        name
        for name in names
        if surname_length(name, 0) or set(name) & set(DOTS) or rng.random() < NO_SURNAME_SHARE
    ]


def made_lists(names: list[str], count: int, rng: random.Random) -> list[LabelledText]:
    """``count`` lists of 20 to 80 of ``names`` (see the module)."""
    lists = []
    for number in range(count):
        chosen = rng.sample(names, min(len(names), rng.randint(20, 80)))
        if number % 2 == 0:
            chosen.sort(key=lambda name: name[0])
        text, spans = rng.choice(HEADERS), []
        for name in chosen:
            spans.append((len(text), len(text) + len(name), "PER"))
            text += name
            if rng.random() < NOTE_SHARE:
                text += rng.choice(NOTES)
        lists.append(LabelledText(text + "。", tuple(spans), "made from the judge block's names"))
    return lists


@contextmanager
def without_lists() -> Iterator[None]:
    """The engine without ``in_name_lists``."""

    def unchanged(text: str, findings: list[Finding]) -> list[Finding]:
        return findings

    original = name_lists.in_name_lists
    name_lists.in_name_lists = unchanged
    try:
        yield
    finally:
        name_lists.in_name_lists = original


def prose_changes(texts: list[str], found: list[list[Finding]]) -> int:
    """How many of ``texts`` (with the findings of the engine without ``in_name_lists``)
    ``in_name_lists`` changes."""
    return sum(
        sorted(name_lists.in_name_lists(text, f)) != sorted(f)
        for text, f in zip(texts, found, strict=True)
    )


def _setting(text: str) -> dict[str, float]:
    return {key: float(value) for key, value in (pair.split("=") for pair in text.split(","))}


def main() -> None:
    """Command line: the lists' figures without and with ``in_name_lists`` (and each
    ``--grid`` setting: ``OTHER=1.0,LONG=2;OTHER=1.5``), and the prose it changes."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lists", type=int, default=40, help="lists per sub-block")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--grid", default="", help="settings of deid.name_lists, ; apart")
    args = parser.parse_args()
    blocks = judge_blocks(NO_EXTRA)
    rng = random.Random(args.seed)
    made: Blocks = {
        LISTS_SET: [made_lists(_names(part, rng), args.lists, rng) for part in blocks[NEWS_SET]]
    }
    judges = fold_judges(blocks)
    threshold = SpanJudge.load(JUDGE_PATH).threshold
    with without_lists():
        before = scored_curve(judges, made, "default", [threshold], [LISTS_SET])
    print(json.dumps({"setting": "without", **before[str(threshold)][LISTS_SET]}), flush=True)
    news = next(path for path in split_files("train") if path.stem == NEWS_FILE)
    texts = [record.text for record in read_jsonl(news)]
    with without_lists():
        prose = deid.engine.analyze_batch(texts)
    shipped = {key: getattr(name_lists, key) for key in dir(name_lists) if key.isupper()}
    for text in ["", *filter(None, args.grid.split(";"))]:
        setting = _setting(text) if text else {}
        for key, value in {**shipped, **setting}.items():
            setattr(name_lists, key, value)
        after = scored_curve(judges, made, "default", [threshold], [LISTS_SET])
        row = {"setting": text or "shipped", **after[str(threshold)][LISTS_SET]}
        row["msra_train_changed"] = prose_changes(texts, prose)
        print(json.dumps(row), flush=True)
    for key, value in shipped.items():
        setattr(name_lists, key, value)


if __name__ == "__main__":
    main()
