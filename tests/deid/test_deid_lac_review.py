"""LAC's second opinion on the names the span judge doubts (``deid.lac_review``)."""

from __future__ import annotations

import numpy as np

from deid import lac
from deid.lac_review import DOUBT_CEILING, DOUBT_FLOOR, WINDOW, reviewed, windows
from deid.span_judge import Judged, SpanJudge
from tests.deid.person_findings import person_names


def test_names_the_judge_doubted_are_found_where_lac_reads_a_person() -> None:
    assert "温格" in person_names("温格的球队终于又踢了一场漂亮的比赛。")
    assert "沃尔科特" in person_names("上半场沃尔科特往往能够撕开对手的防线。")


def test_words_the_judge_half_believed_are_dropped_where_lac_reads_no_person() -> None:
    assert person_names("公园里种植了牡丹、月季、丁香、连翘等花卉。") == set()


def _judged(text: str, word: str, chance: float) -> Judged:
    start = text.index(word)
    return Judged(start, start + len(word), chance, 1.0)


def test_lac_drops_a_doubtful_kept_word_and_adds_a_doubted_person() -> None:
    text = "国家主席江泽民会见了美国总统克林顿。"
    found = [
        _judged(text, "江泽民", 0.9),  # sure: not read again
        _judged(text, "会见", (0.3 + DOUBT_CEILING) / 2),  # kept, no person to LAC
        _judged(text, "克林顿", 0.2),  # under the threshold, a person to LAC
    ]
    judge = SpanJudge(np.zeros(2, dtype=np.float32), 1, 0.3)
    model = lac.load()
    [alone] = reviewed([text], [found], [0.3], [False], judge, model)
    assert [text[s:e] for s, e, _ in alone] == ["江泽民", "会见"]
    [names] = reviewed([text], [found], [0.3], [True], judge, model)
    assert [text[s:e] for s, e, _ in names] == ["江泽民", "克林顿"]
    assert names[1][2] == 0.2  # reported with the judge's own probability


def test_candidates_outside_the_doubt_are_left_to_the_judge() -> None:
    text = "国家主席江泽民会见了美国总统克林顿。"
    found = [_judged(text, "会见", DOUBT_CEILING), _judged(text, "克林顿", DOUBT_FLOOR / 2)]
    judge = SpanJudge(np.zeros(2, dtype=np.float32), 1, 0.3)
    [names] = reviewed([text], [found], [0.3], [True], judge, lac.load())
    assert [text[s:e] for s, e, _ in names] == ["会见"]


def test_lac_reads_a_few_characters_around_each_doubt_within_its_sentence() -> None:
    text = "甲乙丙丁戊己庚辛壬癸。子丑寅卯辰巳午未申酉戌亥。"
    first = _judged(text, "丁戊", 0.2)
    near = _judged(text, "己庚", 0.2)  # overlaps the first one's window: joined
    after = _judged(text, "丑寅", 0.2)  # in the next sentence: a window of its own
    found = windows(text, [after, near, first])
    assert [text[w.start : w.end] for w in found] == ["甲乙丙丁戊己庚辛壬癸", "子丑寅卯辰巳"]
    joined, own = found
    # a person is believed only away from an edge cut inside a sentence
    assert (joined.low, joined.high) == (joined.start, joined.end - 1)
    assert (own.low, own.high) == (own.start, own.end - 1)
    assert own.end - after.end == WINDOW


def test_a_person_lac_reads_into_a_cut_word_is_not_taken() -> None:
    # the window starts inside 台湾: LAC reads 湾富绅林尔嘉 as a person
    text = "菽庄花园是台湾富绅林尔嘉的私家花园，是一座江南园林。"
    doubt = _judged(text, "林尔", 0.2)
    [window] = windows(text, [doubt])
    assert text[window.start : window.end] == "湾富绅林尔嘉的私"
    [words] = lac.load().sentence_words([text[window.start : window.end]])
    assert (0, 6, "PER") in words
    judge = SpanJudge(np.zeros(2, dtype=np.float32), 1, 0.3)
    assert reviewed([text], [[doubt]], [0.3], [True], judge, lac.load()) == [[]]
