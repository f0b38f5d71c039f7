"""The rules of ``PERSON`` for Chinese: names that the words around them mark.

Dotted foreign names (西德尼·鲁迈特), a foreign name before a title (维埃拉总统), personnel and
case forms (黄家学,男,), the bench of a judgment (审判员　　唐　勇), bylines (记者江建国报道), a
name after the role word of a form or letter (来信人马平静，), a surname a title or 姓 marks
(毛主席, 姓樊的), and surname and given name before a title (王小明同志).  Each rule
consults jieba's dictionary only to rule out common words; masked names (张某某) are
``deid.recognizers.masked``'s, names after a title (经理韩朝晖是)
``deid.recognizers.titled_names``'.
"""

from __future__ import annotations

import re

from deid.dictionary import jieba_tables
from deid.divisions import division_names
from deid.recognizers.base import HAN, anchored_matches, holds_any, is_han
from deid.recognizers.compound_names import compound_surname_spans
from deid.recognizers.japanese_names import japanese_name_spans
from deid.recognizers.judgment_rules import is_judgment, judgment_name_spans
from deid.recognizers.narrative_names import narrative_name_spans
from deid.recognizers.quoted_names import quoted_person_spans
from deid.recognizers.rare_surnames import rare_surname_spans
from deid.recognizers.role_surnames import role_only_surname_spans
from deid.recognizers.syllable_names import syllable_name_spans
from deid.recognizers.yi_names import yi_name_spans
from deid.surnames import (
    SINGLE_SURNAMES,
    SURNAME_PATTERN,
    surname_length,
)
from deid.transliteration import TRANSLITERATION_CHARS

# jieba dictionary frequency from which a word the tagger calls a name is taken for a word.
COMMON_WORD_FREQ = 300

_SURNAME = SURNAME_PATTERN
_TITLES = (
    "同志|先生|女士|小姐|局长|副局长|主任|副主任|书记|副书记|部长|厅长|处长|科长|县长|市长|省长|"
    "镇长|乡长|村长|主席|院长|校长|经理|总经理|董事长|教授|老师|医生|律师|警官|法官|检察官|委员"
)
# Surname and given name before a title, the given name without function characters
# (爆破班的同志), nor ending in 副 or 委 (原副院长, 自治区副主席, 原市委书记: a title's
# own start), and the title not the first word of 委员会 (和欧洲委员会, 自治区人民委员会).
_TITLED = re.compile(
    _SURNAME
    + f"[{HAN}]{{1,2}}?(?<![的了是在和与之为副委])(?="
    + _TITLES
    + r")(?!委员会|律师事务所)"
)
# The titles a _TITLED match's lookahead asks for: a match (surname and given name) starts
# at most _TITLED_REACH characters before one.
_TITLE_AT = re.compile(_TITLES)
_TITLED_REACH = 4
# Words a name follows: official titles, bylines and kinship (记者张胜男, 老伴石粉兰).
_TITLE_WORDS = frozenset(_TITLES.split("|")) - {"同志", "先生", "女士", "小姐"} | frozenset(
    "记者 通讯员 实习生 编辑 摄影 老伴 妻子 丈夫 儿子 女儿 母亲 父亲 爱人 患者 当事人 "
    "政委 司令员 参谋长 名将 选手 被告人 嫌疑人 判处 人员 "
    # the parties of a judgment and its kinship words (被害人江山经营, 婚生子马双元由)
    "被害人 证人 罪犯 被执行人 申请执行人 第三人 辩护人 死者 驾驶人 借款人 出借人 被继承人 "
    "被扶养人 被监护人 监护人 "
    "婚生子 婚生女 养子 养女 继子 继女 长子 次子 三子 四子 幼子 独子 长女 次女 三女 四女 幼女 独女 "
    "孙子 孙女 儿媳 女婿 "
    # a criminal judgment's accomplices (伙同麻东升结伙作案, 纠集暴小川等人)
    "伙同 纠集 指使 教唆 雇佣 雇请 串通 "
    # posts of a judgment's narrative (心理咨询师宫白云出具, 公司会计花白云已于)
    "咨询师 评估师 鉴定师 医师 兽医 会计 出纳 公证员 调解员 组长 管家 助产士 护士 护士长 "
    # … and a village's or a production team's cadres (大队支书孙援朝)
    "支书 队长 大队长 生产队长".split()
)
# The people of a narrative's life, read before a name in a court's document only (同班工友
# 闻红旗可以证明, 其表哥刀建新, 房东阚建民; news: 朋友来向我, 业主管人员).
LIFE_WORDS = frozenset(
    "工友 同事 邻居 室友 同学 老乡 朋友 表哥 表弟 表姐 表妹 堂哥 堂弟 堂姐 堂妹 徒弟 师傅 雇主 "
    "房东 租客 店主 车主 包工头 工头 班组长 "
    # … and of its work and money (司机包金山驾车, 现场施工员全海涛核对, 股东纳兰卫东出具)
    "司机 施工员 技术员 安全员 保安 厨师 店员 收银员 营业员 服务员 监理 股东 "
    "合伙人 介绍人 中间人 担保人 保证人 经办人 收款人 承包人 发包人 实际施工人 "
    # … and of a firm (该公司法定代表人杜斌强是其同学)
    "法定代表人 实际控制人 负责人".split()
)
# The relatives of a narrative (邵光明之母卜桂兰, 遗漏其弟沙玉林的份额): a name follows them
# as it follows a title, unless the "surname" is an adverb or verb there (其妹曾在, 哥哥那次,
# 弟弟来上学) or makes a word with the kinship character (其父母, 岳父母).
KIN_WORDS = frozenset(
    "之父 之母 之妻 之夫 之子 之女 之兄 之弟 之姐 之妹 其父 其母 其妻 其夫 其子 其女 其兄 其弟 "
    "其姐 其妹 胞兄 胞弟 胞姐 胞妹 哥哥 姐姐 弟弟 妹妹 前妻 前夫 侄子 侄女 外甥 岳父 岳母 继父 "
    "继母 养父 养母 姐夫 嫂子 弟媳 配偶 一子 一女 女友 男友 未婚妻 未婚夫 亲属 家属 "
    "舅舅 舅妈 叔叔 婶婶 姑姑 姑父 姨妈 姨父 伯父 伯母 叔父 生父 生母 祖父 祖母 外祖父 外祖母 "
    "爷爷 奶奶 外公 外婆 父母 祖父母 公婆 大哥 大姐 二哥 二姐 "
    # (and as Taiwan's courts write them: 妹婿古國輝, 姊夫邱文雄)
    "妹夫 妹婿 姐婿 姊夫 姊姊 表兄 堂兄 兄嫂 连襟 "
    # (the family words among the titles: 妇女儿童 is no daughter 童)
    "老伴 妻子 丈夫 儿子 女儿 母亲 父亲 爱人".split()
)
# A relative's name without a Chinese surname (敖登格日勒之夫宝音代为支付: Mongolian names have
# none): two to four characters, no common word, up to a mark or a common word.
_KIN_ANY = re.compile(f"[之其][夫妻子女父母兄弟姐妹]([{HAN}]{{2,4}})")
_RARE = 10
_KIN_NAME_ENDS = "，,。；;、（(的"
_TITLE_WORDS |= KIN_WORDS
TITLE_WORDS = _TITLE_WORDS  # never a name themselves (deid.guesses)
# Transliterated foreign names joined by a middle dot (卡莱维·海米莱), or by what a clerk typed
# for one: a full stop or a black dot (买买提江.吐尔地, 艾力●买买提), both halves of the
# name's characters.
_DOTS = "·•・‧●."
NAME_DOTS = _DOTS  # for deid.recognizers.person
# Characters of Uyghur and Kazakh names as registers transliterate them (买买提·艾力,
# 阿依古丽·吐尔逊, 努尔兰·别克): dotted names only, the name models' features keep the table.
MINORITY_CHARS = (
    "买提力热合曼古丽努吐逊依麦帕玉素甫吾孜木库班吉洪迪巴哈别克加娜赛江汗则衣然姑排来肉拜"
    "罕默再萨乎牙孜居阿不都艾尔拉斯米沙夏西尼亚卡坎布瓦伊达塔叶波托勒森汉赫扎玛丁泽仁措"
    "卓嘎旦司义卜敏外"  # (司马义: Ismail; 阿卜杜: Abdu; 麦麦提敏: Mehmetimin; 外力: Wali)
)
_NAME_CHARS = "".join(sorted(set(TRANSLITERATION_CHARS + MINORITY_CHARS)))
# ... and such a name written without its dot, or a given name alone (热依汗古丽, 阿依努尔),
# after a title or kinship word, four characters or more of the register's, up to a mark:
# 监狱干警热依汗古丽，.
_MINORITY_TITLED_AFTER = r"(?=[，,。、；;的（(\s]|$)"
# ... and, in a dotted name only, the characters of train/'s dotted names the two sets lack
# that are no common word (three uncovered names or more each: 冯·皮勒, 阿不都·黑力力,
# 班禅额尔德尼·确吉坚赞, 阿沛·阿旺晋美, 切萨雷·罗米蒂; not 可, 何, 新, 他, 美 …).
_DOTTED_CHARS = "".join(sorted(set(_NAME_CHARS + "冯切旺铁儒觉葛歇柯魏黑卫派沛晋哇猜翁禅额确坚赞")))
_FOREIGN = re.compile(f"[{_DOTTED_CHARS}]{{1,6}}(?:[{_DOTS}][{_DOTTED_CHARS}]{{1,8}})+")
# A transliterated name without a middle dot before a title (维埃拉总统), unless it is a
# place jieba knows (斯里兰卡总统).
_FOREIGN_TITLES = (
    "总统|总理|首相|国王|女王|议长|外长|外交大臣|大使|秘书长|主席|先生|女士|夫人|教授|博士"
)
_FOREIGN_TITLED = re.compile(f"[{TRANSLITERATION_CHARS}]{{3,8}}(?={_FOREIGN_TITLES})")
_FOREIGN_TITLE_AT = re.compile(_FOREIGN_TITLES)
# A bare surname addressed with an honorific (顾先生出任总经理): the surname is the name.
_HONORED = re.compile(f"(?:(?<![{HAN}])|(?<=[和与及对向由称]))" + _SURNAME + r"(?=先生|女士|小姐)")
# A surname alone with a title, an honorific or 姓 (毛主席, 吕老, 金教授, 温先生, 姓樊): the
# surname is the name the sentence gives.
_SURNAME_ROLES = (
    "主席|总理|委员长|总书记|书记|部长|外长|局长|市长|省长|县长|区长|镇长|乡长|村长|厂长|校长|"
    "院长|所长|司令|政委|主任|经理|老师|教授|医生|大夫|律师|师傅|同志|太太|夫人|大娘|大爷|大妈|"
    "大伯|大叔|大嫂|阿姨|老|先生|女士|小姐"
)
_SURNAME_REFERENCE = re.compile(
    "(?:(?<=姓)(["
    + "".join(sorted(SINGLE_SURNAMES))
    + "])(?=[的,，。、]|$))|(["
    + "".join(sorted(SINGLE_SURNAMES))
    + "])(?="
    + _SURNAME_ROLES
    + ")(?!律师事务所)"
)
# Where a _SURNAME_REFERENCE match may start at the earliest: right after 姓, or one
# character before a role.
_SURNAME_ROLE_AT = re.compile(f"姓|{_SURNAME_ROLES}")
# Bylines: the names after 记者/通讯员 up to the closing bracket (记者肖丹通讯员宋云辉王爽), or one
# name right before 报道/摄 (记者江建国报道), whatever words they are made of (记者金融).
_BYLINE_WORD = "记者|通讯员|实习生|摄影"
_BYLINE = re.compile(
    f"(?:{_BYLINE_WORD})(?:([{HAN}]{{2,4}})(?={_BYLINE_WORD})"
    f"|([{HAN}]{{2,3}})" + r"(?=报道|摄[)）\s]|摄$)"
    f"|((?:(?!{_BYLINE_WORD})[{HAN}]){{2,12}})(?=[)）]))"
)
# Personnel and case forms: 黄家学,男,……
_SEX_FORM = re.compile(
    f"(?<![{HAN}])" + _SURNAME + f"[{HAN}]{{1,2}}" + r"(?=[,，]\s*[男女][,，、])"
)
# A name a form or a letter introduces with the person's role and closes with punctuation
# (来信人马平静，联系电话…; 申请人：高明。): a surname and one or two characters between the
# role word and the mark, whatever words they make (平静 and 高明 are dictionary words).
_FORM_ROLES = (
    "来信人|来访人|信访人|投诉人|举报人|反映人|求助人|咨询人|申请人|申报人|联系人|委托人|"
    "代理人|经办人|负责人|法定代表人|承办人|收件人|寄件人|报案人|受害人|被害人|监护人|"
    "借款人|出借人|保证人|担保人|收款人|付款人|驾驶人|死者|户名|"
    r"(?:户主|姓名)(?=[:：\s])"
)
_FORM_NAME = re.compile(
    f"(?:{_FORM_ROLES})[:：]?[ \t\u3000]*"
    f"({_SURNAME}[{HAN}]{{1,2}})" + r"(?=[,，。;；、:：(（)）\s]|$)"
)
# Parts of speech of a common word that is no name in a form's name position (本人, 电话,
# 同意, 无): pronouns, nouns, verbs, adverbs, conjunctions, prepositions, numerals.
_NOT_NAME_TAGS = frozenset({"r", "n", "v", "vn", "vd", "d", "c", "p", "m", "q", "f", "u"})
NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})
_PROPER_TAGS = NAME_TAGS | {"ns", "nz"}
# Surnames that after a title word are nearly always function words (主任向记者, 教授和日本).
FUNCTION_SURNAMES = frozenset("和向都时及与为是")
# Surnames that alone before a title are a word (原院长, 任委员长, 那厂长, 党主席, 付主任 for
# 副主任, 有位女士): never a lone gold name in MSRA train.
_NO_LONE_SURNAME = frozenset("原任那现前代党国付位")
# (the run is looked for first, its title after: a pattern opening with the titles was
# tried at every character of every text)
_MINORITY_RUN = re.compile(f"[{MINORITY_CHARS}]{{4,8}}" + _MINORITY_TITLED_AFTER)
_MINORITY_TITLES = _TITLE_WORDS | {"干警", "民警"}


def is_cjk(text: str) -> bool:
    """Whether every character of ``text`` is a Han character (``HAN``; an empty text is)."""
    return not text or is_han(text)


def rule_name_spans(text: str, token_starts: set[int] | None = None) -> list[tuple[int, int]]:
    """Dotted foreign names (西德尼·鲁迈特), names opening a personnel form (黄家学,男,) and
    surname + given name before a title (王小明同志); masked names (张某某) are
    ``deid.recognizers.masked``'s.

    With ``token_starts`` (the tokenizer's word starts), a titled name must start and end on
    word boundaries, which rules out 公司副总经理 → 司副 and 习近平总书记 → 平总; without
    them, it must not start inside a dictionary word nor be one (美国财政部长 → 国财政,
    纪委的同志 → 纪委的).
    """
    spans = []
    if holds_any(text, _DOTS):
        spans += [
            _from_word_start(_past_word_end(text, m.start()), m.end(), token_starts)
            for m in _FOREIGN.finditer(text)
        ]
    if holds_any(text, "男女"):
        spans += [m.span() for m in _SEX_FORM.finditer(text)]
    spans += minority_titled_spans(text)
    if holds_any(text, "之其"):
        spans += kin_name_spans(text)
    spans += judgment_name_spans(text)
    spans += role_only_surname_spans(text)
    spans += compound_surname_spans(text)
    spans += narrative_name_spans(text)
    spans += _court_name_spans(text)
    if holds_any(text, "生士姐"):  # 先生, 女士, 小姐
        spans += [m.span() for m in _HONORED.finditer(text)]
    spans += surname_reference_spans(text)
    if holds_any(text, "记讯习摄"):  # 记者, 通讯员, 实习生, 摄影
        spans += byline_spans(text)
    spans += form_name_spans(text)
    spans += foreign_titled_spans(text)
    return spans + _titled_spans(text, token_starts)


def _titled_spans(text: str, token_starts: set[int] | None) -> list[tuple[int, int]]:
    """``_TITLED``'s names (see ``rule_name_spans``), less a conjunction or preposition
    that a surname follows (王局长和|周主任, 会见了向|彭真同志; not 向学昭同志)."""
    spans = []
    for match in anchored_matches(_TITLED, _TITLE_AT, text, _TITLED_REACH):
        start, end = match.span()
        if token_starts is None:
            if _inside_words(text, start, end):
                continue
        elif start not in token_starts or end not in token_starts:
            continue
        if text[start] in FUNCTION_SURNAMES and surname_length(text, start + 1):
            start += 1
        spans.append((start, end))
    return spans


def _court_name_spans(text: str) -> list[tuple[int, int]]:
    """Yi and Japanese names, repeated names of a rare surname and quoted names of people,
    read in a court's document only (news names few such people, and it quotes what people
    are called); Tibetan, Mongolian and Uyghur names (``syllable_name_spans``) in any text."""
    if not is_judgment(text):
        return syllable_name_spans(text)
    return (
        syllable_name_spans(text)
        + yi_name_spans(text)
        + japanese_name_spans(text)
        + rare_surname_spans(text)
        + quoted_person_spans(text)
    )


def minority_titled_spans(text: str) -> list[tuple[int, int]]:
    """A minority name without its dot after a title or kinship word (``_MINORITY_RUN``:
    干警热依汗古丽，→ 热依汗古丽), unless jieba calls it a place or a common word (阿尔巴尼亚)."""
    freq, tags = jieba_tables()
    spans = []
    for match in _MINORITY_RUN.finditer(text):
        start, end = match.span()
        name = text[start:end]
        if tags.get(name) == "ns" or freq.get(name, 0) >= COMMON_WORD_FREQ:
            continue
        if any(text[start - length : start] in _MINORITY_TITLES for length in range(2, 6)):
            spans.append((start, end))
    return spans


def kin_name_spans(text: str) -> list[tuple[int, int]]:
    """The surname-less name after a relation (``_KIN_ANY``: 之夫宝音代为 → 宝音): rare in the
    dictionary (宝音 is a word of 4), its first character no word with the relation's (其子女,
    其妻子, 之母亲), followed by a mark or a common word; names with a surname are
    ``deid.recognizers.titled_names``'."""
    freq, tags = jieba_tables()
    spans = []
    for match in _KIN_ANY.finditer(text):
        start = match.start(1)
        if surname_length(text, start) or freq.get(text[start - 1 : start + 1], 0) >= _RARE:
            continue
        for end in (start + 2, start + 3, start + 4):
            name = text[start:end]
            if end > len(text) or not is_cjk(name):
                break
            marked = end == len(text) or text[end] in _KIN_NAME_ENDS
            # a word of the dictionary only when it is a proper noun set off by a mark
            # (之夫扎西、之子旦增: jieba has 扎西 as a place)
            if freq.get(name, 0) >= _RARE and not (marked and tags.get(name) in _PROPER_TAGS):
                break
            if marked or freq.get(text[end : end + 2], 0) >= 100:
                spans.append((start, end))
                break
    return spans


def foreign_titled_spans(text: str) -> list[tuple[int, int]]:
    """A run of three or more transliteration characters right before a title
    (``_FOREIGN_TITLED``: 库马拉通加总统 → 库马拉通加), unless jieba calls the run a place
    (巴基斯坦总统), or with a character less or one or two more in front (委内瑞拉大使), or
    a common word (斯里兰卡, which jieba tags as a foreign name), or the run begins with a
    common word (谢谢肖秘书长)."""
    freq, tags = jieba_tables()
    spans = []
    for match in anchored_matches(_FOREIGN_TITLED, _FOREIGN_TITLE_AT, text, 8):
        start, end = match.span()
        places = [
            text[first:end] for first in (start - 2, start - 1, start, start + 1) if first >= 0
        ]
        if any(
            tags.get(place) == "ns" or freq.get(place, 0) >= COMMON_WORD_FREQ for place in places
        ):
            continue
        if freq.get(text[start : start + 2], 0) < COMMON_WORD_FREQ:
            spans.append((start, end))
    return spans


def form_name_spans(text: str) -> list[tuple[int, int]]:
    """The name after a role word of a form or letter, closed by punctuation
    (``_FORM_NAME``: 来信人马平静，联系电话 → 马平静), unless it starts with a function word
    (申请人和…), or it or its first two characters are a common word that is no name
    (``_NOT_NAME_TAGS``: 申请人本人，, 负责人强调说，)."""
    if not holds_any(text, "人主名"):  # 来信人 …, 户主, 姓名
        return []
    freq, tags = jieba_tables()
    spans = []
    for match in _FORM_NAME.finditer(text):
        start, end = match.span(1)
        if text[start] in FUNCTION_SURNAMES or any(
            freq.get(word, 0) >= COMMON_WORD_FREQ and tags.get(word) in _NOT_NAME_TAGS
            for word in {text[start:end], text[start : start + 2]}
        ):
            continue
        spans.append((start, end))
    return spans


def byline_spans(text: str) -> list[tuple[int, int]]:
    """Names of a byline (``_BYLINE``): 记者江建国报道 → 江建国; (记者肖丹通讯员宋云辉王爽) →
    肖丹, 宋云辉王爽 (two names next to each other are one span: both are redacted)."""
    spans = []
    for match in _BYLINE.finditer(text):
        group = next(number for number in (1, 2, 3) if match.group(number))
        spans.append(match.span(group))
    return spans


def surname_reference_spans(text: str) -> list[tuple[int, int]]:
    """A single surname that a title, honorific or 姓 marks as a person (毛主席 → 毛,
    吕老去 → 吕, 姓樊的 → 樊), unless it ends a dictionary word with the character before
    it (国家主席) or a name of the dictionary (习近平总书记), or begins a word with the next
    character (古老: jieba's tags say nothing here, it calls 古老 a name), or is a function
    word there (司令员和政委)."""
    freq, _ = jieba_tables()
    spans = []
    for match in anchored_matches(_SURNAME_REFERENCE, _SURNAME_ROLE_AT, text, 1):
        start = match.start(1) if match.group(1) else match.start(2)
        if (
            text[start] in FUNCTION_SURNAMES | _NO_LONE_SURNAME
            or any(
                freq.get(text[first : first + 2], 0) >= 10
                for first in (start - 1, start)
                if first >= 0
            )
            or _ends_a_name(text, start)
        ):
            continue
        if text[start] in PLACE_ENDS and start and is_cjk(text[start - 1]):
            continue  # 禹会区老乔家面馆: the district, not Mr 区
        if text[max(0, start - 2) : start + 1] in division_names():
            continue  # 石家庄市长安区: the city, not Mayor 庄
        spans.append((start, start + 1))
    return spans


def _inside_words(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` starts inside a dictionary word (美国|财政), begins
    with one that is not a name (纪委|的), or is a function word before one (向|值班医生)."""
    freq, tags = jieba_tables()

    def common_word(word: str) -> bool:
        return bool(freq.get(word)) and tags.get(word) not in NAME_TAGS

    return (
        (start > 0 and common_word(text[start - 1 : start + 1]))
        or any(common_word(text[start:stop]) for stop in range(start + 2, end + 1))
        or (text[start] in FUNCTION_SURNAMES and common_word(text[start + 1 : end]))
        or _ends_a_name(text, start)
    )


def _ends_a_name(text: str, position: int) -> bool:
    """True when the character at ``position`` ends a person's name of jieba's dictionary
    with the characters before it (习近|平总书记: 平 is no surname there)."""
    _, tags = jieba_tables()
    return any(
        tags.get(text[position - before : position + 1]) in NAME_TAGS
        for before in (1, 2, 3)
        if position >= before
    )


def _past_word_end(text: str, start: int) -> int:
    """``start`` moved past a character that ends a common word with the one before it (邻居|
    阿依古丽·司马义: 居 is a register's character too)."""
    freq, tags = jieba_tables()
    word = text[start - 1 : start + 1] if start else ""
    common = freq.get(word, 0) >= _WORD_BEFORE_DOTTED and tags.get(word) not in NAME_TAGS
    return start + 1 if common else start


_WORD_BEFORE_DOTTED = 100


def _from_word_start(start: int, end: int, token_starts: set[int] | None) -> tuple[int, int]:
    """Move ``start`` forward to the first word start (部长卡莱维·… → 卡莱维·…)."""
    if token_starts is None or start in token_starts:
        return start, end
    later = [s for s in token_starts if start < s < end]
    return (min(later), end) if later else (start, end)


PLACE_ENDS = frozenset("市省县区州镇乡")
