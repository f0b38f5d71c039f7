"""Japanese names as Chinese documents write them, in kanji (渡边健一, 山田太郎, 佐藤美咲): a
family name of two characters and a given name of two (three when it ends in 子 or 郎:
桥本龙太郎), read in a court's document; and the family name alone once the document names
the person in full (渡边称, 山田先生: Japanese colleagues are called by it).  The surname
table has one-character Chinese surnames, so 渡 opens no name for the rules; the models
miss some of these.  The family names are the common ones of Japan, written from general
knowledge, less those that are common Chinese words (清水, 山下, 中山, 金子) and those a
Chinese nickname also writes (小林, 小山)."""

from __future__ import annotations

import re

from deid.dictionary import jieba_tables
from deid.recognizers.base import HAN
from deid.recognizers.judgment_rules import is_judgment
from deid.segmenting import NAME_TAGS

_FAMILY_NAMES = frozenset(
    "佐藤 铃木 高桥 田中 渡边 伊藤 山本 中村 加藤 吉田 山田 佐佐木 松本 井上 木村 斋藤 山崎 "
    "池田 桥本 阿部 石川 中岛 石井 前田 冈田 长谷川 藤田 后藤 近藤 村上 远藤 坂本 太田 西村 "
    "藤井 冈本 藤原 三浦 中野 原田 松田 竹内 田村 石田 森田 上田 内田 柴田 酒井 宫崎 横山 "
    "高木 安藤 宫本 大野 工藤 今井 高田 丸山 增田 杉山 村田 大冢 大塚 新井 平野 藤本 河野 "
    "上野 野口 武田 松井 千叶 岩崎 菅原 木下 久保 佐野 野村 松尾 菊地 杉本 市川 古川 大西 "
    "岛田 水野 樱井 高野 渡部 吉川 山内 西田 饭田 菊池 北村 安田 川口 平田 中川 服部 岩田 "
    "土屋 川崎 本田 樋口 秋山 荒木 宫田 须藤 野田 星野 三木 森本 细川 浅野 片山 永井 黑田".split()
)
_NAME = re.compile(
    "(" + "|".join(sorted(_FAMILY_NAMES, key=len, reverse=True)) + f")([{HAN}]{{2}}[子郎]?)"
)
# Characters no given name holds: marks' neighbours, function characters and verbs of a
# narrative (渡边称, 山田向公司).
_NOT_GIVEN = frozenset("的了和与及等在于是系将被把让给跟向对从由称说为也都已曾先女经某")
# A given name is no word of this frequency in jieba's dictionary (but one it tags a name).
_COMMON_WORD = 100


def japanese_name_spans(text: str) -> list[tuple[int, int]]:
    """A family name of ``_FAMILY_NAMES`` and a given name of two characters (three ending in
    子 or 郎) that holds no function character nor common word, in a court's document."""
    if not is_judgment(text):
        return []
    freq, tags = jieba_tables()
    spans = []
    for match in _NAME.finditer(text):
        given = match.group(2)
        if _NOT_GIVEN.intersection(given):
            continue
        if freq.get(given[:2], 0) >= _COMMON_WORD and tags.get(given[:2]) not in NAME_TAGS:
            continue
        spans.append(match.span())
    return spans


def japanese_family_name(name: str) -> str | None:
    """The family name of a Japanese name of four or five characters (渡边 of 渡边健一)."""
    for length in (3, 2):
        if name[:length] in _FAMILY_NAMES and 2 <= len(name) - length <= 3:
            return name[:length]
    return None
