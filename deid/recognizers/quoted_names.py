"""Names a court's text quotes, marks or sets before a claim: a quoted person after what he
is or before what is said of him (其表哥“老三”, “尕娃”等人, “小美”（工号07）), what people call
someone (都喊他“杰哥”, “远哥”就是洪志远), a pseudonym (乐乐（化名）), and a party opening a line
with its claim (原告乌云其木格诉称)."""

from __future__ import annotations

import re

from deid.recognizers.base import DOTS, HAN
from deid.recognizers.judgment_lists import common_word
from deid.surnames import SURNAME_PATTERN

_SURNAME = SURNAME_PATTERN
_CJK = HAN

# A quoted name after a person it is (其表哥“老三”, 缅甸籍男子“岩香”) or before what
# follows a person (“尕娃”等人, “阿龙”（真实身份不详）, “阿吾”（姓名不详）, “何本建”（身份不明）,
# “龙哥”（另案处理）, “小美”（工号07）, “阿水”（即林某1）; not “台费”（即抽头）), or is called
# before one (一名叫“岩香”的男子), or what people call someone (都喊他“杰哥”, 称陈某某为“强哥”,
# “远哥”就是洪志远); not what one does for them (帮朋友“跑分”).
_QUOTED_PERSON = re.compile(
    r"(?:(?<![帮替])(?:男子|女子|朋友|同伙|老乡|上线|下线|买家|卖家|网友|同事|马仔|工友|"
    r"[表堂其][哥弟姐妹]|哥哥|弟弟|姐姐|妹妹|表兄|表叔|舅舅|叔叔|上家|下家|小弟|手下|技术员|"
    r"老板)[“\"]([^”\"\n，。]{2,4})[”\"])"
    r"|(?:[“\"]([^”\"\n，。]{2,4})[”\"](?=等人|一方|的手下|的小弟|[（(](?:真实身份|真实姓名|"
    rf"身份不详|身份不明|姓名不详|姓名不明|另案|在逃|经辨认|绰号|工号|系|即(?:{_SURNAME})[^）)]{{1,3}}"
    r"[）)])))"
    # (一名叫“岩香”的男子, 一个叫“老头”的QQ好友)
    r"|(?:叫[“\"]([^”\"\n，。]{2,4})[”\"](?:的(?:男子|女子|男人|女人|人|男孩|女孩|[QＱ][QＱ]"
    r"好友|好友|网友|朋友)|[（(]经辨认))"
    # (都喊他“杰哥”, 称陈某某为“强哥”, 大家都习惯称呼其“OV”, “远哥”就是洪志远)
    r"|(?:称呼(?:其|他|她)[“\"]([^”\"\n，。]{2,4})[”\"])"
    rf"|(?:(?:喊他|喊她|叫他|叫她|称(?:其|他|她|[{_CJK}]{{1,2}}某{{1,2}}[甲乙丙丁1-9]?)为)"
    r"[“\"]([^”\"\n，。]{2,4})[”\"])"
    r"|(?:[“\"]([^”\"\n，。]{2,4})[”\"](?=就是|即是|即为))"
    # (其辨认韩忠健就是“韩狗比”)
    r"|(?:辨认出?[^，。“”\n]{2,6}?(?:就是|即是|即为|系)[“\"]([^”\"\n，。]{2,4})[”\"])"
)


# A name given in place of the real one (6岁的乐乐（化名）在小区玩耍): a person, wherever.
_PSEUDONYM = re.compile(rf"([{_CJK}]{{2,3}})[（(]化名[）)]")


def pseudonym_spans(text: str) -> list[tuple[int, int]]:
    """The names a text marks as pseudonyms (``_PSEUDONYM``): 乐乐（化名）."""
    if "化名" not in text:
        return []
    spans = []
    for match in _PSEUDONYM.finditer(text):
        start, end = match.span(1)
        if end - start == 3 and text[start] in _BEFORE_PSEUDONYM:
            start += 1  # 6岁的|乐乐
        spans.append((start, end))
    return spans


_BEFORE_PSEUDONYM = frozenset("的是叫为和与及被将把让给对向")


def quoted_person_spans(text: str) -> list[tuple[int, int]]:
    """Quoted names of people (``_QUOTED_PERSON``: 其表哥“老三”, “尕娃”等人); the caller reads
    court documents only (news quotes what people are called: 靓妹“洗头妹”)."""
    if not any(map(text.__contains__, '“"')):
        return []
    return [m.span(m.lastindex or 1) for m in _QUOTED_PERSON.finditer(text)]


# A party opening a line or a sentence with what it claims (原告乌云其木格诉称：, 被告皇甫立新辩称
# …, 原告冷向阳向本院提出诉讼请求, 上诉人X上诉请求): the name between the role and the verb, no
# firm's nor body's.
_CLAIMANT = re.compile(
    rf"(?:^|(?<=[\n。；]))(?:原告|被告|第三人|上诉人|被上诉人|申请人|被申请人|原告人|自诉人)"
    rf"([{_CJK}{DOTS}]{{2,8}}?)(?=诉称|辩称|述称|(?<![辩诉述陈声宣证])称|向本院提出|向本院提起|上诉请求|申请再审)",
    re.MULTILINE,
)
# (a firm, a body or a village's group: 锦悦物业辩称, 荀山村委会, 第五组; not a common word:
# 原告共同诉称)
_BODIES = "公司 局 院 厂 店 委员会 委会 政府 中心 银行 社 学校 集团 所 物业 组 村".split()
# … nor a party's counsel or representative (被告委托诉讼代理人辩称)
_BODIES += "代理人 辩护人 代表人 负责人".split()


# … or without the role, a surname's name opening the line or sentence (查平和辩称，父亲…).
_CLAIMANT_BARE = re.compile(
    rf"(?:^|(?<=[\n。；]))[ \t\u3000]*({_SURNAME}[{_CJK}]{{1,2}}?)(?=辩称|诉称|述称)", re.MULTILINE
)
_ROLES = frozenset("原告 被告 原审 第三人 申请人 公诉人 代理人 辩护人".split())


def claimant_spans(text: str) -> list[tuple[int, int]]:
    """The parties named before what they claim (``_CLAIMANT``, ``_CLAIMANT_BARE``), no firm,
    body, village's group, masked name (the masks' own rule), role or common word."""
    if not any(map(text.__contains__, _CLAIMS)):
        return []  # (most texts claim nothing: the patterns are not run over them)
    bare = [
        m.span(1)
        for m in _CLAIMANT_BARE.finditer(text)
        if "某" not in m.group(1)
        and m.group(1) not in _ROLES
        and not any(body in m.group(1) for body in _BODIES)
        and not common_word(m.group(1), _COMMON_CLAIMANT)
    ]
    return bare + [
        m.span(1)
        for m in _CLAIMANT.finditer(text)
        if not any(body in m.group(1) for body in _BODIES)
        and "某" not in m.group(1)
        and m.group(1)[0] not in _ADVERBS  # 被告虽辩称
        and not common_word(m.group(1), _COMMON_CLAIMANT)  # (乌云其木格 is a name of 256)
    ]


_COMMON_CLAIMANT = 100
_CLAIMS = ("称", "本院", "上诉请求", "申请再审")
_ADVERBS = frozenset("虽也还均亦则又仍对并另未已曾就即再")
