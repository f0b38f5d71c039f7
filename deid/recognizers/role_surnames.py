"""Names whose surname is too much a common word for the surname table, read only right
after a party's role or a post in a judgment's narrative: 由 (被告人由喜贵伙同), the Dai
surname 刀 (被告人刀建华), 暴, 粘, 水, 过 and 幸 (材料员暴小川, 出纳粘晓雨, 舅舅过国庆: 暴力,
粘贴, 过错), and the first syllable of a Dai name without a surname, 岩 and 召 for a man, 依
and 咪 for a woman (被害人岩温在)."""

from __future__ import annotations

import re

from deid.dictionary import jieba_tables
from deid.recognizers.base import HAN, is_han
from deid.recognizers.judgment_lists import dictionary_word
from deid.recognizers.judgment_rules import is_judgment
from deid.surnames import WORD_SURNAMES, surname_length

ROLE_ONLY_SURNAMES = WORD_SURNAMES
_ROLE_ONLY_SURNAME = re.compile(f"[{ROLE_ONLY_SURNAMES}](?=[{HAN}])")
_PARTY_ROLES = frozenset(
    "被告人 被害人 罪犯 犯罪嫌疑人 嫌疑人 证人 原告 被告 上诉人 被上诉人 申请人 被申请人 "
    "第三人 被执行人 申请执行人 死者".split()
)
# A criminal judgment's verbs of accomplices: a name after one is as sure as after a role
# (亢建设伙同麻东升结伙作案).
_ACCOMPLICE_VERBS = frozenset("伙同 纠集 指使 教唆 雇佣 雇请 串通".split())
# ... and a relative of someone named before (鲍春风之妻麻桂兰已垫付).
_KIN_OF = frozenset("之父 之母 之妻 之夫 之子 之女 之兄 之弟 之姐 之妹".split())
_SURE_BEFORE = _PARTY_ROLES | _ACCOMPLICE_VERBS | _KIN_OF
# … and in a court's document, a party's child, parent or spouse (生育女儿冼芃, 被告生父厍铁柱,
# 被告母亲邝玉兰; a memoir's 母亲马不停蹄 is no name)
_SURE_IN_COURT = _SURE_BEFORE | frozenset(
    "女儿 儿子 母亲 父亲 妻子 丈夫 婚生子 婚生女 长子 次子 长女 次女 养子 养女 生父 生母 祖父 "
    "祖母 父母 一子 一女".split()
)
_NARRATIVE_ROLES = (
    _PARTY_ROLES
    | _ACCOMPLICE_VERBS
    | frozenset(
        # … or a post (司法所所长刀建华出具了调查评估意见, 材料员暴小川出具)
        "所长 局长 处长 科长 主任 书记 院长 经理 民警 干警 辅警 会计 医生 老师 村长 "
        "检察员 检察官 审判员 法官 书记员 材料员 保管员 出纳 出纳员 驾驶员 业务员 兽医 医师 "
        # … or a firm's (法定代表人过建平已于2018年离职)
        "法定代表人 负责人 董事长 总经理 实际控制人 股东 "
        # … or a relative (我妻子粘文静也同意)
        "妻子 丈夫 之妻 之夫 其妻 其夫 父亲 母亲 舅舅 叔叔 伯父 "
        # (其表哥刀建新指使)
        "表哥 表弟 表姐 表妹 堂哥 堂弟 哥哥 弟弟 姐姐 妹妹".split()
    )
)
# Characters that are no given name's first and end one where they follow it (被害人岩温在).
_AFTER_NAME = "其此于她他我你的了在是和与及将把被对向因从到等所以也都还又即该本原系持用某犯"


def after_party_role(text: str, start: int) -> bool:
    """True when a party's role ends at ``start`` (系被害人|隗红旗之父) and the surname there
    is no masked party's (被告人王到案 after 王某某: the reference 王): a name the title rule
    reads there is as sure as a rule's, and is looked for wherever else the text has it."""
    if not any(text[start - n : start] in _SURE_BEFORE for n in (2, 3, 4, 5)) and not (
        any(text[start - n : start] in _SURE_IN_COURT for n in (2, 3)) and is_judgment(text)
    ):
        return False
    surname = text[start : start + max(1, surname_length(text, start))]
    return not re.search(f"{surname}[某*＊×XＸ]", text)


_PREPOSITIONS = frozenset("由依")


def role_only_surname_spans(text: str) -> list[tuple[int, int]]:
    """A name of ``ROLE_ONLY_SURNAMES`` right after a party's role (``_NARRATIVE_ROLES``):
    two characters when a mark, a function character or a common word follows them
    (被害人岩温在, 岩温受伤, 罪犯岩温予以假释), else three (被告人刀建华与); nothing when
    the "surname" makes a word with the next character (被告人由于, 依法, 召集) or a
    function character follows it (被害人由其), nor 由 before a surname (由张某陪同), nor 由
    or 依 before a common word (原告依侵权行为)."""
    freq, _ = jieba_tables()
    spans = []
    for match in _ROLE_ONLY_SURNAME.finditer(text):
        start = match.start()
        if not any(text[start - n : start] in _NARRATIVE_ROLES for n in (2, 3, 4, 5)):
            continue
        if text[start + 1] in _AFTER_NAME or dictionary_word(text[start : start + 2]):
            continue
        if text[start] == "由" and surname_length(text, start + 1):
            continue  # 所长由张某陪同: by someone, not Mr 由
        if text[start] in _PREPOSITIONS and (
            freq.get(text[start + 1 : start + 3], 0) >= 100
            or freq.get(text[start : start + 2], 0) > 0
        ):
            continue  # 原告依侵权行为, 原告依约, 被告由公司: a preposition before a word
        end = start + 3
        if _ends_name(text, start + 2) or freq.get(text[start + 2 : start + 4], 0) >= 100:
            end = start + 2
        if end <= len(text) and not dictionary_word(text[start:end]):
            spans.append((start, end))
    return spans


def _ends_name(text: str, position: int) -> bool:
    """True when a name ends at ``position``: the text's end, no CJK character, or a
    function character (``_AFTER_NAME``)."""
    return position >= len(text) or not is_han(text[position]) or text[position] in _AFTER_NAME
