"""The name models' spans as a ``PERSON`` source (``model_name_spans``): the span judge's as
it kept them, cut where a name cannot go on (a clause's end, a Chinese-numeral date, a
kinship word between two people), without a span of function words or a lone character
ending a word, a compound surname given back whole."""

from __future__ import annotations

import re
import unicodedata

from presidio_analyzer.nlp_engine import NlpArtifacts

from deid.dictionary import jieba_tables
from deid.recognizers.base import DOTS
from deid.recognizers.judgment_rules import around_kinship, is_judgment
from deid.recognizers.person_rules import NAME_TAGS
from deid.recognizers.person_words import place_like, plausible_model_name
from deid.surnames import COMPOUND_SURNAMES

# Prepositions and adverbs the name model takes for a name between two names (经卢某某介绍,
# 朱某曾向侯某某催要): a span of one or two of them is none.
_FUNCTION_CHARS = frozenset("经向曾由与和将对把被给让从在于及同跟已又也其他她")


# A date in Chinese numerals (二〇一七年) a name runs into in a footer scraped into one line
# (审判员商德纯二〇一七年十二月三十日): the name ends where the date begins.
_CHINESE_YEAR = re.compile("[一二][〇零][〇零一二三四五六七八九]{2}年")


def without_dates(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` cut where a Chinese-numeral year begins inside it."""
    match = _CHINESE_YEAR.search(text, start + 1, end + 4)
    return (start, match.start()) if match and match.start() < end else (start, end)


def without_punctuation(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the punctuation at its edges (另查明， → 查明, then a judgment's
    formula); a middle dot inside a name (买买提·艾力) stays."""
    while start < end and _is_punctuation(text[start]):
        start += 1
    while end > start and _is_punctuation(text[end - 1]):
        end -= 1
    return start, end


def _is_punctuation(char: str) -> bool:
    return unicodedata.category(char).startswith("P") and char not in DOTS


_CLAUSE_ENDS = frozenset("。！？；：，!?;:,")


def _word_end(text: str, start: int, end: int) -> bool:
    """True for one character that ends a dictionary word with the one before it (同村工友|
    桂小川: not a name 友), not a place's (陪同江主席: 同江 is a city, 江 the president), in
    a court's document (news: MSRA's gold names 马 and 列 of 马列主义)."""
    if end - start != 1 or not start or not is_judgment(text):
        return False
    freq, tags = jieba_tables()
    word = text[start - 1 : end]
    return freq.get(word, 0) >= _WORD_END and tags.get(word) not in NAME_TAGS | {"ns"}


_WORD_END = 10


def _between_punctuation(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` itself, or, when a clause's end lies inside it, its pieces of two
    characters or more (岳麓区。曾因犯: no name runs across a full stop)."""
    if end <= start:
        return []
    marks = [i for i in range(start + 1, end - 1) if text[i] in _CLAUSE_ENDS]
    if not marks:
        return [(start, end)]
    edges = [start - 1, *marks, end]
    return [(a + 1, b) for a, b in zip(edges, edges[1:], strict=False) if b - a - 1 >= 2]


def model_name_spans(text: str, nlp_artifacts: NlpArtifacts | None) -> list[tuple[int, int]]:
    """The name models' spans in ``nlp_artifacts``: the span judge's as it kept them, the
    plain tagger's when they look like a name and not a place; none of one or two function
    words (经, 曾向), each without the punctuation and the date at its edges."""
    judged = getattr(nlp_artifacts, "name_spans_judged", False)
    spans = []
    for start, end, confidence in getattr(nlp_artifacts, "name_spans", ()):
        if function_word(text, start, end) or _word_end(text, start, end):
            continue
        if judged or (
            plausible_model_name(text, start, end, confidence) and not place_like(text, start, end)
        ):
            for bare in _between_punctuation(text, *without_punctuation(text, start, end)):
                # 敖登格日勒之夫宝音: two people, the wife and her husband
                spans += around_kinship(bare[0], text[bare[0] : bare[1]]) or [bare]
    return compound_surnames_whole(text, [without_dates(text, *span) for span in spans])


# Compound surnames that are no common word (not 东方, 第五, 西门, 百里, 单于, 司空).
_COMPOUND_NOT_WORDS = COMPOUND_SURNAMES - {"东方", "第五", "西门", "百里", "单于", "司空"}


def compound_surnames_whole(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """``spans`` with a compound surname the name models cut given back to its name: the
    first character of it ending one span and the second opening the next (诸葛建国的父母诸|
    葛长庚 → 诸葛长庚), or the surname left out before a given name (上官|秀兰 → 上官秀兰).
    The models learnt from news, where compound surnames are rare."""
    starts = {start for start, _ in spans}
    ends = {end for _, end in spans}
    result = []
    for start, end in spans:
        if end - start >= 3 and text[end - 1 : end + 1] in COMPOUND_SURNAMES and end in starts:
            end -= 1
        if text[start - 1 : start + 1] in COMPOUND_SURNAMES and start in ends:
            start -= 1
        elif start >= 2 and text[start - 2 : start] in _COMPOUND_NOT_WORDS:
            start -= 2
        result.append((start, end))
    return result


def function_word(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is one or two prepositions, adverbs or pronouns (经, 曾向,
    the 其 of 向其姐姐岑美华)."""
    return end - start <= 2 and all(char in _FUNCTION_CHARS for char in text[start:end])
