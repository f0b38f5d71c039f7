"""What the ``recall`` profile takes from LAC (``deid.lac``, Baidu's pretrained lexical
analyser): the words it tags as a person are names; a span of the profile's word sources
(jieba's person tags and unknown words, ``deid.recognizers.person_words``) is dropped where
LAC reads every word over it as something other than a noun or a person (a place, an
organisation, a time, a verb, a function word: 弘扬, 拓宽, 招贤纳才), and so is a candidate
of the name models the span judge doubts (``without_contradicted``).

Chosen on the judge block of msra_train (9,000 sentences, 3,518 names; the model card, item
18), where the word sources' spans LAC reads as no noun nor person were 68 on a name and
1,087 on none.  Out of fold there (``deid.training.lac_curve``) the profile's covered
recall goes from 0.976 to 0.989 and its precision from 0.62 to 0.74.  LAC's nouns stay: a
given name alone is often one to it.
"""

from __future__ import annotations

from deid.lac import PERSON_TAG, LacWords

# LAC's tags of words that are no person: places, organisations and times, and the parts of
# speech other than nouns (verbs, adverbs, pronouns, numerals, measure words, function
# words, punctuation).
NOT_PERSON_TAGS = frozenset("LOC ORG TIME v vd vn ad an d r m q f p c u w xc s t".split())


def without_contradicted(
    names: list[tuple[int, int, float]], words: LacWords, doubt: float
) -> list[tuple[int, int, float]]:
    """The name models' candidates ``(start, end, probability)`` but those the span judge
    gives less than ``doubt`` and LAC reads as no noun nor person (``lac_allows``)."""
    return [name for name in names if name[2] >= doubt or lac_allows(words, name[0], name[1])]


def lac_person_spans(words: LacWords) -> list[tuple[int, int]]:
    """The spans of the words LAC tags as a person."""
    return [(start, end) for start, end, tag in words if tag == PERSON_TAG]


def lac_allows(words: LacWords, start: int, end: int) -> bool:
    """Whether a word source's span ``[start, end)`` may stand: some word LAC has over it
    is a noun or a person (or LAC has none there)."""
    tags = {tag for first, last, tag in words if first < end and start < last}
    return not tags or not tags <= NOT_PERSON_TAGS
