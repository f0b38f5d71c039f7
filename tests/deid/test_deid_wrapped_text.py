"""Text cut into lines of one width, as text taken from a PDF is (session 22): a name the
wrap splits (桑海 / 燕) is found whole, its finding spans the line break in the caller's
text, and text whose lines are paragraphs is read as it was."""

from __future__ import annotations

import json
import re
from pathlib import Path

import deid
from deid.normalize import normalize, unwrapped

JUDGMENTS = Path(__file__).parent / "judgments"


def _wrapped(text: str, width: int) -> str:
    lines = []
    for paragraph in text.split("\n"):
        lines += [paragraph[i : i + width] for i in range(0, max(len(paragraph), 1), width)]
    return "\n".join(lines)


def test_the_line_breaks_of_a_wrapped_text_are_dropped_and_offsets_kept() -> None:
    text = _wrapped("经审理查明：" + "被告人桑海燕与原告签订租赁合同，约定租期三年。" * 6, 20)
    norm = unwrapped(normalize(text))
    assert "\n" not in norm.text
    start = norm.text.index("桑海燕", 30)
    begin, end = norm.to_original(start, start + 3)
    assert text[begin:end].replace("\n", "") == "桑海燕"


def test_paragraphs_and_short_lines_stay_as_they_are() -> None:
    lines = "审判长　王伟\n审判员　李明\n书记员　张静\n" * 3
    norm = normalize(lines)
    assert unwrapped(norm) is norm
    judgment = (JUDGMENTS / "lease_appeal.txt").read_text(encoding="utf-8")
    assert unwrapped(normalize(judgment)).text == normalize(judgment).text


def test_every_name_a_wrap_splits_is_found_whole() -> None:
    people = next(
        case["people"]
        for case in json.loads((JUDGMENTS / "people.json").read_text(encoding="utf-8"))
        if case["file"] == "illegal_fundraising.txt"
    )
    text = _wrapped((JUDGMENTS / "illegal_fundraising.txt").read_text(encoding="utf-8"), 40)
    covered = {
        i for f in deid.analyze(text) if f.entity_type == "PERSON" for i in range(f.start, f.end)
    }
    mentions = [
        match
        for person in people
        for match in re.finditer("\n?".join(map(re.escape, person)), text)
    ]
    split = [m for m in mentions if "\n" in m.group()]
    assert len(split) >= 3  # (the wrap cuts 欧|阳红旗, 綦向|东, 粘晓|雨, 扎|西顿珠 …)
    missed = [m.group() for m in mentions if not set(range(*m.span())) <= covered]
    assert missed == []
