"""Names in the titles of works and in what people call someone, for the ``recall`` profile:
the name in the title of a person's works or life (《舒同字帖》, 《王昆评传》), of a letter or a
memoir to or of a person (《致江绍原》, 《怀念曹禺》); a surname with 氏 (庄氏祖业) and a surname
quoted with a kinship word (“尚妈妈”).

The name models read the inside of 《》 as a title, not as a sentence, and miss such names;
on the judge block (MSRA train, out of fold) 8 of the profile's 34 misses were inside 《》.
A title that is only a surname-led word of two or three characters (《红娘》, but also
《宣言》, 《文汇报》, 《白鹿原》) is not read: out of fold it covered no missed name and made 46
false alarms (model card, item 23, with the figures that chose each form).
"""

from __future__ import annotations

import re

from deid.recognizers.base import HAN
from deid.surnames import SINGLE_SURNAMES, surname_length

# A title in 《》 (not a nested one).
_TITLE = re.compile(r"《([^《》\n]{2,12})》")
# What follows a name in the title of a person's works or life (《杜重远文集》, 《彭德怀年谱》).
_WORKS = (
    "评传 自传 画传 传奇 传 文集 选集 全集 书法集 画集 诗集 诗选 文选 诗词选 作品选 作品集 "
    "字帖 年谱 日记 书信集 的故事 之路"
).split()
_NAME_AND_WORKS = re.compile(
    f"([{HAN}]{{2,3}}?)(?:{'|'.join(sorted(_WORKS, key=len, reverse=True))})"
)
# What opens the title of a letter, an elegy or a memoir to or of a person (《致牟小东》).
_TO_OR_OF = re.compile(f"(?:致|忆|怀念|纪念|悼念|追忆|悼|哭|送|访|回忆)([{HAN}]{{2,3}})")

# A surname with 氏 (庄氏祖业, 杜氏), not a clan (氏族).
_SURNAME_SHI = re.compile(f"([{''.join(sorted(SINGLE_SURNAMES))}])氏(?!族)")
# A surname quoted with what children or neighbours call a person by it (“尚妈妈”).
_QUOTED_KIN = re.compile(
    f'[“"]([{HAN}])(?:妈妈|爸爸|奶奶|爷爷|阿姨|叔叔|大姐|大哥|大妈|大爷|老师)[”"]'
)


def work_title_spans(text: str) -> list[tuple[int, int]]:
    """Names in the titles of works: the name before a work's kind (《舒同|字帖》) or after a
    letter's or memoir's opening (《致|江绍原》)."""
    if "《" not in text:
        return []
    spans = []
    for match in _TITLE.finditer(text):
        start = match.start(1)
        title = match.group(1)
        for pattern in (_NAME_AND_WORKS, _TO_OR_OF):
            named = pattern.fullmatch(title)
            if named and (pattern is _TO_OR_OF or surname_length(named.group(1), 0)):
                spans.append((start + named.start(1), start + named.end(1)))
                break
    return spans


def surname_form_spans(text: str) -> list[tuple[int, int]]:
    """Surnames standing for a person or a family: 庄|氏 and “尚|妈妈”."""
    spans = []
    if "氏" in text:
        spans += [match.span(1) for match in _SURNAME_SHI.finditer(text)]
    if "“" in text or '"' in text:
        spans += [match.span(1) for match in _QUOTED_KIN.finditer(text)]
    return spans
