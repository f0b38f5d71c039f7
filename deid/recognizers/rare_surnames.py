"""Names with a rare surname written more than once in a court's document (朋友甯跃进 … 甯跃进
答应 … 本院依法向甯跃进进行了询问): the models read few such surnames in news and miss a
name whose given name is a word (跃进, 国庆) wherever it stands.  The surnames are those of
the table that open no word of jieba's dictionary of frequency 100 or more (甯, 仉, 逄, 亓,
覃 …: 2026-12-05, from ``deid.dictionary``), and surnames the table lacks that
open none either (禤, 缑, 眭, 郄, 芈 …), so their character and the two after it are no
word's."""

from __future__ import annotations

import re
from collections import Counter

from deid.dictionary import jieba_tables
from deid.recognizers.base import HAN, is_han
from deid.surnames import SINGLE_SURNAMES

_RARE = (
    "宓嵇竺乜仉訾逄郦笪禚邴郏酆钮钭贲璩殳羿莘昝綦谯虢郗郤佴蹇厍庾甯亓仝帅邬晏蔺禤冼邝覃逯郜阚"
    "缑眭郄琚麴郇芈隽檀桓"
)
# (a function character or a verb of the narrative ends a given name of one; 家 and 氏 make
# a family of the surname: 覃家抚养, 蔺家埭组)
# (those of them the surname table lacks, looked for after a title or a role as well)
UNTABLED_RARE = frozenset(_RARE) - SINGLE_SURNAMES
_NOT_GIVEN = "的了和与及等在于是系将被把让给跟向对从由称说为也都已曾某家氏"
_NAME = re.compile(f"[{_RARE}](?:(?![{_NOT_GIVEN}])[{HAN}]){{2}}")
_REPEATED = 2
# Those that are part of no word of jieba's dictionary of frequency 10 or more but names (not
# 檀, 桓, 隽: 檀香, 盘桓, 隽永; not 郏, 綦, 谯, 庾, 莘: 郏县, 綦江, 谯楼, 大庾岭, 莘庄): a surname
# wherever they stand, written once (同案人禤家豪（已判刑）, 经营手机维修店的郄国庆, 乜建在一旁),
# unless they make a word with a neighbour there (海晏县); the given name one character before a
# function character (家 and 氏 too: the 禤 family is a person's reference as well).
_ONLY_SURNAMES = (
    "宓嵇乜仉訾逄郦笪禚邴酆钭璩殳昝虢郗郤佴蹇厍甯亓仝邬晏蔺禤冼邝覃逯郜阚缑眭郄琚麴郇芈"
)
_ONLY_NAME = re.compile(
    f"[{_ONLY_SURNAMES}](?:(?![{_NOT_GIVEN.replace('家氏', '')}])[{HAN}]){{1,2}}"
)
_NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})
# (a title after the surname is no given name: 逯医生, 冼小姐 → the surname alone)
_TITLES = frozenset(
    "医生 主任 老师 小姐 先生 女士 经理 师傅 大爷 大妈 阿姨 老板 家长 律师 法官 警官 书记 村长 "
    "局长 科长 会计 校长 院长 老伯".split()
)
_WORD = 10


def rare_surname_spans(text: str) -> list[tuple[int, int]]:
    """Each occurrence of a rare surname and two characters written ``_REPEATED`` times or
    more in ``text``, and each of a surname no word holds (the caller reads court documents
    only)."""
    matches = list(_NAME.finditer(text))
    counts = Counter(match.group() for match in matches)
    spans = [match.span() for match in matches if counts[match.group()] >= _REPEATED]
    if any(char in text for char in _ONLY_SURNAMES):
        spans += [
            _only_name_span(text, match)
            for match in _ONLY_NAME.finditer(text)
            if not _in_word(text, match)
        ]
    return spans


def _only_name_span(text: str, match: re.Match[str]) -> tuple[int, int]:
    """``match``'s span, the surname alone before a title (逯医生), and a name of two where
    its third character opens a word (逄祎陈述) or the text writes the three once and the two
    alone elsewhere (冼芃现就读 beside 冼芃（乳名芃芃）)."""
    freq, _ = jieba_tables()
    start, end = match.span()
    if match.group()[1:] in _TITLES:
        return start, start + 1
    if end - start == 3 and (
        freq.get(text[end - 1 : end + 1], 0) >= _WORD
        or (text.count(match.group()) == 1 and _alone(text, match.group()))
    ):
        return start, end - 1
    return start, end


def _alone(text: str, three: str) -> bool:
    """True when ``text`` writes the first two of ``three`` before a mark or a function
    character somewhere else (冼芃（乳名芃芃）; not the 氏 of 郦林氏 itself)."""
    after = [text[m.end() : m.end() + 1] for m in re.finditer(three[:2], text)]
    return any(
        char != three[2] and (not is_han(char or "。") or char in _NOT_GIVEN) for char in after
    )


def _in_word(text: str, match: re.Match[str]) -> bool:
    """True when the surname at ``match`` makes a word of the dictionary, not a person's, with
    the character before or after it (海晏县, 乜斜), or names a family (覃家抚养)."""
    freq, tags = jieba_tables()
    start = match.start()
    if text[start + 1] in "家氏" and freq.get(text[start + 2 : start + 4], 0) >= _WORD:
        return True  # 覃家抚养, 厍家第三子: the family, not 禤家豪
    return any(
        freq.get(word) and tags.get(word) not in _NAME_TAGS
        for word in (text[start - 1 : start + 1] if start else "", text[start : start + 2])
    )
