"""Layout that is no part of a text (session 22): lines cut to one width, as text taken from
a PDF is (a name the wrap splits, 桑海 / 燕, is found whole, its finding spanning the line
break in the caller's text), Windows line ends (CRLF) and indented paragraphs (　　) read as
the same text without them; text whose lines are paragraphs is read as it was."""

from __future__ import annotations

import json
import re
from pathlib import Path

import deid
from deid.normalize import normalize, without_layout
from tests.deid.person_findings import missed_mentions

JUDGMENTS = Path(__file__).parent / "judgments"


def _wrapped(text: str, width: int) -> str:
    lines = []
    for paragraph in text.split("\n"):
        lines += [paragraph[i : i + width] for i in range(0, max(len(paragraph), 1), width)]
    return "\n".join(lines)


def test_the_line_breaks_of_a_wrapped_text_are_dropped_and_offsets_kept() -> None:
    text = _wrapped("经审理查明：" + "被告人桑海燕与原告签订租赁合同，约定租期三年。" * 6, 20)
    norm = without_layout(normalize(text))
    assert "\n" not in norm.text
    start = norm.text.index("桑海燕", 30)
    begin, end = norm.to_original(start, start + 3)
    assert text[begin:end].replace("\n", "") == "桑海燕"


def test_paragraphs_and_short_lines_stay_as_they_are() -> None:
    lines = "审判长　王伟\n审判员　李明\n书记员　张静\n" * 3
    norm = normalize(lines)
    assert without_layout(norm) is norm
    judgment = (JUDGMENTS / "lease_appeal.txt").read_text(encoding="utf-8")
    assert without_layout(normalize(judgment)).text == normalize(judgment).text


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


# (the first two lost names read with CRLF, the third read indented: 邓明月出庭作证称)
_LAID_OUT = (
    "criminal_civil_claim.txt",
    "supreme_court_administrative.txt",
    "shaoyang_flat_sale_cousins_2019.txt",
)


def test_windows_line_ends_and_indented_paragraphs_change_nothing() -> None:
    cases = json.loads((JUDGMENTS / "people.json").read_text(encoding="utf-8"))
    for case in cases:
        if case["file"] not in _LAID_OUT:
            continue
        text = (JUDGMENTS / case["file"]).read_text(encoding="utf-8")
        assert missed_mentions(text.replace("\n", "\r\n"), case["people"]) == []
        indented = "\n".join("\u3000\u3000" + line if line else line for line in text.split("\n"))
        assert missed_mentions(indented, case["people"]) == []


def test_a_text_whose_characters_are_set_apart_is_read_together() -> None:
    case = next(
        case
        for case in json.loads((JUDGMENTS / "people.json").read_text(encoding="utf-8"))
        if case["file"] == "criminal_civil_claim.txt"
    )
    text = (JUDGMENTS / case["file"]).read_text(encoding="utf-8")
    spaced = "\n".join(" ".join(line) for line in text.split("\n"))
    covered = {
        i for f in deid.analyze(spaced) if f.entity_type == "PERSON" for i in range(f.start, f.end)
    }
    people = [person for person in case["people"] if "\u3000" not in person]
    mentions = [
        match
        for person in people
        for match in re.finditer(" ".join(map(re.escape, person)), spaced)
    ]
    missed = [m.group() for m in mentions if not set(range(*m.span())) <= covered]
    assert len(mentions) > 20
    assert len(missed) <= len(mentions) // 20
    # a court's ordinary text, a few spaced titles in its footer, is read as it is
    assert without_layout(normalize(text)).text == normalize(text).text
