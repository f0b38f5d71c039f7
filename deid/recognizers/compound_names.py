"""Names with a compound surname that is no word (欧阳红旗, 上官红霞, 皇甫文), read wherever
they occur: the name models, trained on news where such names are rare, miss most of the
four-character ones (民警谭胜利、上官红霞等人, 插画师佘雨、上官明月绘制)."""

from __future__ import annotations

import re

from deid.dictionary import jieba_tables
from deid.recognizers.base import HAN, is_han

# The compound surnames of ``deid.surnames`` that are no word of their own
# (not 东方, 西门, 长孙, 百里, 闻人, 司空, 第五, 单于, 太史: east, west gate, eldest grandson …).
_SURNAMES = (
    "欧阳 上官 皇甫 诸葛 司马 公孙 慕容 令狐 端木 尉迟 宇文 司徒 夏侯 南宫 呼延 澹台 赫连 "
    "万俟 拓跋 完颜 申屠 公冶 钟离 东郭".split()
)
_NAME = re.compile(f"(?:{'|'.join(_SURNAMES)})(?=[{HAN}])")
# What ends a given name rather than continuing it: marks and function characters.
_STOP = frozenset(
    "，,。；;、：:（）()“”\"' \n\t的了和与及等在于是系将被把让给跟向对从由称说为也都已曾"
)
# A word of this frequency or more in jieba's dictionary starts after the given name.
_COMMON_WORD = 100
# Titles and forms of address after a bare compound surname (司马医生, 皇甫经理, 欧阳总):
# no given name follows.
_TITLES = frozenset(
    "医生 大夫 护士 律师 法官 警官 经理 主任 老师 先生 女士 同志 局长 处长 科长 所长 厂长 院长 "
    "校长 村长 队长 组长 部长 市长 县长 书记 主席 教授 师傅 老板 会计 董事 总裁 阿姨".split()
)
_ADDRESS = frozenset("总哥姐叔姨某")
# Parts of speech of a word that opens no given name (一个, 这些, 已经, 把…).
_NO_GIVEN_TAGS = frozenset({"m", "mq", "q", "r", "d", "p", "c", "u"})


def compound_surname_spans(text: str) -> list[tuple[int, int]]:
    """A compound surname and a given name of one character or two: one when the second
    ends the name (上官宇，), opens a common word (皇甫文负责) or the three make a name of
    jieba's dictionary (诸葛亮草船借箭), else two (上官红霞等人, 欧阳红旗负责, and 诸葛建国名下:
    建国 is a word, 国名 too)."""
    first = _NAME.search(text)
    if first is None:
        return []
    freq, tags = jieba_tables()
    spans = []
    for match in _NAME.finditer(text, first.start()):
        start, given = match.start(), match.end()
        if text[given : given + 2] in _TITLES or text[given] in _ADDRESS:
            continue
        if tags.get(text[given : given + 2]) in _NO_GIVEN_TAGS:
            continue  # 老司马一个人签: 一个, a numeral and a measure word
        second = text[given + 1 : given + 2]
        if (
            not second
            or second in _STOP
            or not is_han(second)
            or freq.get(text[start : given + 1], 0)
        ):
            spans.append((start, given + 1))
            continue
        after = text[given + 2 : given + 4]
        two_ends = not after or after[0] in _STOP or freq.get(after, 0) >= _COMMON_WORD
        pair = freq.get(text[given : given + 2], 0) >= _COMMON_WORD  # 诸葛建国名下
        if pair or two_ends or freq.get(text[given + 1 : given + 3], 0) < _COMMON_WORD:
            spans.append((start, given + 2))
        else:
            spans.append((start, given + 1))
    return spans
