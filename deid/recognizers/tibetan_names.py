"""Tibetan names, which have no surname (扎西多吉, 次仁卓玛, 泽仁降措): two or three of the
syllables Tibetan names are made of, as Chinese writes them, read anywhere in a court's
document.  The models and the surname rules miss them after a title (村党支部书记泽仁降措、
村主任格桑).  The syllables are the common ones of Tibetan given names, written from general
knowledge (train/ has too few Tibetan names to count them from), not from any test set."""

from __future__ import annotations

import re

from deid.recognizers.judgment_rules import is_judgment
from deid.recognizers.word_tables import jieba_tables

# Syllables of Tibetan given names (the common ones of registers and news).
_SYLLABLES = (
    "扎西 次仁 才让 泽仁 格桑 多吉 多杰 卓玛 拉姆 旺姆 达瓦 尼玛 顿珠 央金 降措 旺堆 平措 旦增 "
    "丹增 罗布 曲珍 白玛 边巴 巴桑 普布 德吉 益西 贡布 索朗 强巴 洛桑 群培 加措 嘉措 拉巴 次旦 "
    "仁青 桑珠 扎巴 卓嘎 央宗 拉珍 琼达 晋美 曲扎 贡嘎 措姆 仁增 土登 坚赞 旺杰 泽旺 才旦 拉毛 "
    "桑吉 多布杰 阿旺 次珠 旺久 尼珍 德庆 玉珍 卓尕 拉措 才仁 旺秀 索南"
).split()
_NAME = re.compile("(?:" + "|".join(sorted(_SYLLABLES, key=len, reverse=True)) + "){2,3}")


def tibetan_name_spans(text: str) -> list[tuple[int, int]]:
    """Runs of two or three syllables (``_SYLLABLES``) that jieba does not call a place, in
    a court's document (``is_judgment``; news names few Tibetans, and syllables are words)."""
    if not is_judgment(text):
        return []
    _, tags = jieba_tables()
    return [m.span() for m in _NAME.finditer(text) if tags.get(m.group()) != "ns"]
