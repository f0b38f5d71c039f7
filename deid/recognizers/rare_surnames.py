"""Names with a rare surname written more than once in a court's document (朋友甯跃进 … 甯跃进
答应 … 本院依法向甯跃进进行了询问): the models read few such surnames in news and miss a
name whose given name is a word (跃进, 国庆) wherever it stands.  The surnames are those of
the table that open no word of jieba's dictionary of frequency 100 or more (甯, 仉, 逄, 亓,
覃 …: 2026-12-05, from ``deid.recognizers.word_tables``), and surnames the table lacks that
open none either (禤, 缑, 眭, 郄, 芈 …), so their character and the two after it are no
word's."""

from __future__ import annotations

import re
from collections import Counter

from deid.recognizers.base import HAN
from deid.recognizers.surnames import SINGLE_SURNAMES

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


def rare_surname_spans(text: str) -> list[tuple[int, int]]:
    """Each occurrence of a rare surname and two characters written ``_REPEATED`` times or
    more in ``text`` (the caller reads court documents only)."""
    matches = list(_NAME.finditer(text))
    counts = Counter(match.group() for match in matches)
    return [match.span() for match in matches if counts[match.group()] >= _REPEATED]
