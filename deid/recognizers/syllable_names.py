"""Tibetan and Mongolian names, which have no surname (扎西多吉, 次仁卓玛, 泽仁降措; 巴特尔,
图门吉日嘎拉, 白音仓): two or three of the syllables such names are made of, as Chinese writes
them, read in any text, and in a court's document one syllable alone right after a title
or a role (村党支部书记更登组织, 嘎查牧民白音证明).  The models and the surname rules miss them
after a title (村党支部书记泽仁降措、村主任格桑).  Uyghur and Kazakh names written without
their middle dots (艾力买买提尼牙子): two to four of their parts together.  The syllables are
the common ones of such given names, written from general knowledge (train/ has too few
such names to count them from), not from any test set."""

from __future__ import annotations

import re

from deid.dictionary import jieba_tables
from deid.recognizers.judgment_rules import is_judgment

# Syllables of Tibetan given names (the common ones of registers and news).
_TIBETAN = (
    "扎西 次仁 才让 泽仁 格桑 多吉 多杰 卓玛 拉姆 旺姆 达瓦 尼玛 顿珠 央金 降措 旺堆 平措 旦增 "
    "丹增 罗布 曲珍 白玛 边巴 巴桑 普布 德吉 益西 贡布 索朗 强巴 洛桑 群培 加措 嘉措 拉巴 次旦 "
    "仁青 桑珠 扎巴 卓嘎 央宗 拉珍 琼达 晋美 曲扎 贡嘎 措姆 仁增 土登 坚赞 旺杰 泽旺 才旦 拉毛 "
    "桑吉 多布杰 阿旺 次珠 旺久 尼珍 德庆 玉珍 卓尕 拉措 才仁 旺秀 索南 尕藏 更登 贡保 完玛 "
    "华旦 东主 万玛 仁青"
).split()
# Syllables of Mongolian given names.
_MONGOLIAN = (
    "巴特尔 巴图 巴雅尔 巴音 白音 宝音 布和 朝鲁 朝格图 达来 道尔吉 额尔登 额尔敦 额尔德尼 "
    "格日勒 哈斯 呼和 吉日嘎拉 吉雅 那顺 那日苏 孟和 孟根 其木格 其其格 萨仁 斯琴 苏和 "
    "苏日古嘎 塔娜 特木尔 图门 图雅 乌日娜 乌力吉 乌云 阿拉坦 毕力格 德力格尔 满都拉 敖登 "
    "高娃 查干 达古拉 阿古拉 胡日查 敖其尔 青格乐 嘎拉 其勒木格 宝力道 阿木尔 都仁"
).split()
# Parts of Uyghur and Kazakh names, which documents also write without the middle dot
# (艾力买买提尼牙子 for 艾力·买买提·尼牙孜), read only two or more together (``_UYGHUR_NAME``).
_UYGHUR = (
    "买买提 买买提江 艾力 艾买提 艾合买提 阿不都 阿布都 阿卜杜 阿不力孜 热合曼 吐尔逊 吐尔洪 "
    "吐尔地 艾尔肯 艾克拜尔 尼牙孜 尼亚孜 尼牙子 阿依古丽 古丽 努尔 麦麦提 玉素甫 玉苏甫 依明 "
    "吾斯曼 肉孜 热依拉 帕提古丽 阿里木 阿力木 库尔班 伊力哈木 阿布拉 买合木提 麦合木提 托合提 "
    "阿迪力 卡德尔 阿斯亚 萨吾提 米吉提 司马义 依沙克 斯拉木 克里木 吾买尔 赛买提 吐拉克 热西提 "
    "艾山 亚森 哈力克 艾则孜 吾守尔 阿合买提 热孜万古丽 祖力皮亚 迪丽拜尔 米日古丽 阿依努尔 "
    "再努尔 巴哈古丽 阿布力米提 依力哈木 卡斯木 居来提 吐逊 艾散 穆罕默德 帕尔哈提 艾尼瓦尔 "
    "努尔兰 别克 叶尔兰 哈那提 加娜尔 阿依达尔"
).split()
_UYGHUR_SYLLABLE = "(?:" + "|".join(sorted(set(_UYGHUR), key=len, reverse=True)) + ")"
_UYGHUR_NAME = re.compile(
    f"(?=[{''.join(sorted({part[0] for part in _UYGHUR}))}])"
    f"{_UYGHUR_SYLLABLE}{_UYGHUR_SYLLABLE}{{1,3}}"
)
_SYLLABLES = sorted(set(_TIBETAN + _MONGOLIAN), key=len, reverse=True)
_SYLLABLE = "(?:" + "|".join(_SYLLABLES) + ")"
# Two or three syllables, the last of which may be one character of a name's end (尕藏措,
# 拉毛草, 白音仓, 宝音图).
# (the look-ahead at a syllable's first character lets the search skip most positions fast:
# the rule reads every text)
_FIRSTS = "".join(sorted({syllable[0] for syllable in _SYLLABLES}))
_NAME = re.compile(f"(?=[{_FIRSTS}]){_SYLLABLE}{{1,2}}(?:{_SYLLABLE}|[措草仓图])")
# One syllable alone after a title or a role, before a mark or a verb of the narrative.
_TITLES = (
    "书记|主任|村长|嘎查长|组长|会计|牧民|村民|邻居|证人|原告|被告|干部|民警|妻子|丈夫|儿子|女儿|"
    "父亲|母亲|之妻|之夫|技术员|调解员|老人"
)
_ALONE = re.compile(
    f"(?:{_TITLES})({_SYLLABLE})(?=[，,、。；;（(还也又就便先]|组织|出庭|证明|证实|称|到|等|和|与|在|抓获|发现|介绍|驾驶|陪同)"
)


# A syllable of three characters or more, a name alone wherever it stands (转交给其其格，其其格
# 系原告之妻): no word is made of one.
_LONG = re.compile("|".join(syllable for syllable in _SYLLABLES if len(syllable) >= 3))
# (jieba calls some names places: 乌云其木格; a title before one makes it the person)
_AFTER_TITLE = re.compile(f"(?:{_TITLES})$")


def syllable_name_spans(text: str) -> list[tuple[int, int]]:
    """Runs of two or three syllables (``_NAME``) that jieba does not call a place or that
    follow a title, a long syllable (``_LONG``) and Uyghur parts run together
    (``_UYGHUR_NAME``), in any text: on the train sets (MSRA, literature, CLUENER, Weibo,
    résumés; 100,000 sentences) they are 40 names and one false alarm (尼玛顿珠达木夏乡, a
    township).  One syllable after a title (``_ALONE``) is read
    in a court's document only (``is_judgment``): a syllable alone is a word in news."""
    _, tags = jieba_tables()
    spans = [
        m.span()
        for m in _NAME.finditer(text)
        if tags.get(m.group()) != "ns"
        or _AFTER_TITLE.search(text, max(0, m.start() - 3), m.start())
    ]
    spans += [m.span() for m in _LONG.finditer(text) if tags.get(m.group()) not in ("ns", "nz")]
    spans += [m.span() for m in _UYGHUR_NAME.finditer(text) if tags.get(m.group()) != "ns"]
    if is_judgment(text):
        spans += [m.span(1) for m in _ALONE.finditer(text)]
    return spans
