"""Yi names of Liangshan as Chinese writes them (阿牛木呷, 俄木日哈, 沙马拉且, 吉克阿依): a clan
name of two characters (the 家支) and a given name of two syllables, a woman's sometimes
ending in 嫫, read anywhere in a court's document.  No surname of the table opens most of
them, and the models miss them in a narrative (朝俄木日哈腹部捅刺两刀).  The clan names and
syllables are common ones of Liangshan's registers, written from general knowledge (train/
has too few Yi names to count them from), not from any test set."""

from __future__ import annotations

import re

from deid.dictionary import jieba_tables
from deid.recognizers.judgment_rules import is_judgment

# Clan names (家支).  Not 的日 (的日子), 木乃 (木乃伊) nor 加拉 (加拉加斯).
_CLANS = (
    "阿苏 阿约 阿牛 阿的 阿尔 阿西 阿侯 阿力 阿克 阿鲁 阿吉 阿说 阿枝 阿木 阿各 阿居 阿比 阿什 "
    "阿洛 阿余 阿衣 吉克 吉伍 吉木 吉史 吉列 吉则 吉觉 吉地 吉尔 吉火 吉沙 吉日 吉牛 吉布 吉拉 "
    "吉子 吉好 吉吉 曲比 曲木 曲莫 曲尼 曲布 俄木 俄底 俄狄 俄比 俄尼 俄的 俄洛 俄其 沙马 沙玛 "
    "马海 马黑 马布 海来 勒古 勒格 木千 木苦 瓦扎 巴莫 巴且 倮伍 日火 日黑 补约 格吉 比曲 苏呷 "
    "尔古 尔布 金古 莫色 井曲 立布 海烈 果基 拉马 罗洪 的惹 阿普 阿苦 阿都"
).split()
# Characters of the syllables Yi given names are written with (木呷, 拉且, 日哈, 阿依, 阿果,
# 依作, 尔古, 子铁, 石布, 伍各, 史者, 阿卓, 此石, 么么 …).
_SYLLABLE = "阿呷且哈依果作日尔古拉体支各铁布者克几洛莫史惹约伍沙子石木牛比曲色格卓说么此达马衣吉则"
_NAME = re.compile("(?:" + "|".join(sorted(set(_CLANS))) + f")[{_SYLLABLE}]{{2}}嫫?")
CLANS = frozenset(_CLANS)


def yi_name_spans(text: str) -> list[tuple[int, int]]:
    """A clan name and two syllables (``_NAME``) that is no word nor place of jieba's
    dictionary, in a court's document (``is_judgment``)."""
    if not is_judgment(text):
        return []
    freq, tags = jieba_tables()
    return [
        m.span()
        for m in _NAME.finditer(text)
        if tags.get(m.group()) != "ns" and freq.get(m.group(), 0) == 0
    ]


def yi_given_name(name: str) -> str | None:
    """The given name of a Yi name of four characters (木呷 of 阿牛木呷), else ``None``."""
    if len(name) == 4 and name[:2] in CLANS and _NAME.fullmatch(name):
        return name[2:]
    return None
