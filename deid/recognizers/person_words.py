"""What jieba says about names, for ``PERSON``: its unknown surname-initial words and its
person tags (the ``recall`` profile's sources), and the dictionary filters that rule out the
name model's spans that are common words (厂长, 俱乐|部) or places (本报波恩5月25日电).
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt

from deid import segmenting
from deid.dictionary import jieba_tables
from deid.recognizers.base import HAN
from deid.recognizers.person_rules import COMMON_WORD_FREQ, NAME_TAGS, is_cjk
from deid.surnames import surname_length

# ... and from which a word containing a tagger span (俱乐部 around 俱乐) rules the span out.
PIECE_OF_WORD_FREQ = 100
# Tagger confidence (mean name probability of a span) above which the word filters are off.
CONFIDENT = 0.5

# The recall profile's word sources (jieba's unknown surname-initial words, its person tags,
# names after a title) propose many words that are no name (多云, 小雨, 文明, 洪水: jieba
# tags them ``nr``).  A word of theirs the dictionary knows is reported only when it is rare
# (frequency below WORD_SOURCE_COMMON) and the name models give one of its characters at
# least WORD_SOURCE_CHANCE.  On the judge block (MSRA train, out of fold) this drops 58 % of
# the sources' false alarms and none of the 50 names they alone cover.
WORD_SOURCE_COMMON = 500
WORD_SOURCE_CHANCE = 0.01

# Function characters jieba's HMM glues to a surname-like first character (曾任, 万人, 全是):
# a two-character unknown word ending in one of them is not a name (from dev/ false alarms).
_NOT_A_GIVEN_NAME = frozenset("任人是在于的了及上中为年")


def jieba_name_spans(
    tokens: list[tuple[str, int]], use_tags: bool = False
) -> list[tuple[int, int]]:
    """Spans of tokens that look like names to jieba: 2–4 Chinese characters starting with a
    surname that jieba's dictionary does not know (its HMM put them together, which is what
    it does with names) or, with ``use_tags``, that the dictionary tags ``nr``.

    The dictionary tags alone are too noisy to use by default (一审判决 is ``nr``); measured
    on dev/, see ``deid/model/MODEL_CARD.md``.
    """
    freq, tags = jieba_tables()
    spans = []
    for word, start in tokens:
        if not 2 <= len(word) <= 4 or not surname_length(word, 0) or not is_cjk(word):
            continue
        if len(word) == 2 and word[1] in _NOT_A_GIVEN_NAME:
            continue
        if not freq.get(word) or (use_tags and tags.get(word) in NAME_TAGS):
            spans.append((start, start + len(word)))
    return spans


def tagged_name_spans(tokens: list[tuple[str, int]]) -> list[tuple[int, int]]:
    """Tokens of two characters or more that jieba's dictionary tags as person names
    (``nr``, ``nrfg``, ``nrt``): ``posseg_name_spans`` without its tagging pass, from the
    tokens the recognizer segmented anyway."""
    _, tags = jieba_tables()
    return [
        (start, start + len(word))
        for word, start in tokens
        if len(word) >= 2 and tags.get(word) in NAME_TAGS
    ]


def posseg_name_spans(text: str) -> list[tuple[int, int]]:
    """Spans jieba's part-of-speech tagger (``jieba.posseg``, whose HMM also tags words it has
    never seen) marks as person names (``nr``, ``nrfg``, ``nrt``), two characters or more
    (``deid.segmenting``: each clause tagged once per process)."""
    return segmenting.posseg_name_spans(text)


def word_source_plausible(
    text: str, start: int, end: int, chances: npt.NDArray[np.float32] | None
) -> bool:
    """Whether a span of the recall profile's word sources is reported: a word jieba's
    dictionary lacks always, a rare one when the name models' ``chances`` (each character's
    name probability; ``None``: not known, keep it) reach ``WORD_SOURCE_CHANCE`` in it."""
    count = jieba_tables()[0].get(text[start:end], 0)
    if not count or chances is None:
        return True
    return count < WORD_SOURCE_COMMON and float(chances[start:end].max()) >= WORD_SOURCE_CHANCE


def plausible_model_name(text: str, start: int, end: int, confidence: float = 0.0) -> bool:
    """False for tagger spans that are rarely names (measured on the tuning sets): a lone
    character, a piece cut out of a Latin word (Pers|pectives), and unless the tagger's
    ``confidence`` (mean name probability) is at least ``CONFIDENT``, a common word of
    jieba's dictionary (厂长, 主任; whatever its tag: jieba tags 师生, 诸如 and 张贴 as
    person names) or a piece of a common word it does not tag as a name (俱乐|部).  jieba's
    tags are not trusted beyond that: 周恩来 is a time word."""
    if end - start < 2:
        return False
    if (
        _latin(text, start - 1)
        and _latin(text, start)
        or _latin(text, end - 1)
        and _latin(text, end)
    ):
        return False
    if confidence >= CONFIDENT:
        return True
    freq, tags = jieba_tables()

    def common(word: str, minimum: int) -> bool:
        return freq.get(word, 0) >= minimum and tags.get(word) not in NAME_TAGS

    return freq.get(text[start:end], 0) < COMMON_WORD_FREQ and not any(
        common(text[first:last], PIECE_OF_WORD_FREQ)
        for first in range(max(0, start - 2), start + 1)
        for last in range(end, min(len(text), end + 2) + 1)
        if (first, last) != (start, end)
    )


# Place names the tagger takes for names: the place of a dateline (本报波恩5月25日电), and a
# span followed by an administrative or geographic suffix that is not a title (莱克伍德县法官,
# 薛埠镇党委; but 刘晓东县长, 王明镇委书记).
_DATELINE = re.compile(
    f"(?:本报|新华社|中新社|法新社|路透社|美联社)([{HAN}·]{{2,10}}?)"
    r"\d{1,2}月\d{1,2}日(?:电|讯)"
)
_PLACE_SUFFIX = frozenset("县州省镇乡村港岛湾堡郡族")
_TITLE_AFTER_PLACE = frozenset("长委")


def place_like(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` names a place, not a person, by its surroundings: it
    lies in a dateline's place, or it ends with (or is followed by) a suffix of
    ``_PLACE_SUFFIX`` that does not begin a title (县长, 镇委)."""
    for match in _DATELINE.finditer(text, max(0, start - 14), min(len(text), end + 14)):
        if match.start(1) <= start and end <= match.end(1):
            return True
    for suffix_at in (end - 1, end):
        if suffix_at < len(text) and text[suffix_at] in _PLACE_SUFFIX and suffix_at > start + 1:
            return text[suffix_at + 1 : suffix_at + 2] not in _TITLE_AFTER_PLACE
    return False


def _latin(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isascii() and text[index].isalpha()
