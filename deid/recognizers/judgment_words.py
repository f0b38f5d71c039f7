"""Words of a court judgment's narrative and headings that the name models read as names and
no name is (由东向西行驶, 於民國112年, 嗣經, 审查查明, 主　文, 陈述), a weather forecast's
(多云转雷阵雨), and the bench titles a short guess may lie inside (仲 of 仲　裁　员): the
document pass drops such guesses (``deid.guesses``)."""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable

from deid.recognizers.judgment_rules import SPACED_TITLE

# Words of a judgment's narrative that the name models read as names (at the judgment
# threshold) and no name is: a direction of travel (由东向西行驶), the Republic of China's
# era before a year (於民國112年: the preposition 於 read as the surname 于), an adverb of
# sequence opening a clause of a Taiwan judgment (嗣經店員報警, 嗣後, 旋即, 迨至), none of
# whose first characters is a surname, the court's formulas 查明 (审查查明, 查明：, 与查明的
# 事实不符), a Taiwan judgment's heading 主　文, and 陈述
# (某某的陈述, 陈述申辩: jieba tags 陈述 a name), a street before its house number, and the
# issuer of a document number standing on its own line (its signatory signs elsewhere).
_NOT_NAMES = re.compile(
    # (after 由, 自 or 从, or before 行驶, 方向 …: not the officer 南向东)
    "[由自从][东南西北東][向往][东南西北東]|[东南西北東][向往][东南西北東](?=[行驶走侧]|方向)"
    r"|[於于]?民[国國](?=前?[\d〇零一二三四五六七八九十]+年)"
    r"|[嗣旋迨俟][经經后後即至因]"  # (opening a clause: checked after)
    # the court's formula of its findings (经依法审查查明：, 经查，查明被执行人无财产)
    r"|审?查查明|另查明|审理查明|查明(?=[:：被其该]|的?事实|原告|申请|上述|本案|涉案)"
    r"|[经，,。；;\n]查明"
    # both parties (原被告双方, 判决原被告离婚), a modal verb (鉴定人应当出庭: 应 is a surname)
    # and an accomplice (同案犯供述)
    r"|原被告|应当|应该|同案(?=犯|人)"
    # an alley (胡同: jieba tags it a name, 1,762), arbitration (仲裁委员会仲裁, 全部仲裁请求)
    # and a labour arbitration's document numbers with their issuer (苏吴劳人仲案字〔2020〕)
    r"|胡同|仲裁|[\u4e00-\u9fff]{0,2}劳人仲"
    # a rate (日万分之五: 万 read as the surname), a forest right (林权证), any (任何一户), a
    # register of names (花名册: jieba tags it a name), Alipay (支付宝账户), the victims' money
    # (二十名被害人钱款共计: 钱 read as the surname)
    r"|[百千万]分之|林权|任何|花名册|支付宝|钱款"
    # a Taiwan judgment's idioms: 遲延 (delay), 須於 (must … within), 具狀陳明, 陳明願 and 陳稱
    # (state: 審理時陳稱：, not 陈称心), and 伊 (he, she) opening a testimony (證稱：伊於110年6月)
    r"|[遲迟]延|[須须]於|[狀状][陳陈]明|[陳陈]明(?=願|愿)"
    r"|(?<=[時时])[陳陈][稱称]|[陳陈][稱称](?=[：:])"
    r"|[：:，,]伊(?=[於于當当係系並并即在亦])"
    # the drugs of a drug case (贩卖海洛因: transliterated, read as a foreign name)
    r"|海洛因|可卡因|吗啡|氯胺酮|甲基苯丙胺|冰毒|麻古|摇头丸|大麻"
    # the heading of a Taiwan judgment's operative part (主　文)
    r"|主[ \t\u3000]+文"
    # a party's statement among the evidence (被侵害人邝敏的陈述, 陈述申辩, 陈述和申辩)
    # (the bare 陈述 only after 的, 及, 和 or 、 …: checked after)
    r"|陈述[、和及]?申辩|陈述(?=理由|意见)|陈述"
    # a street before its house number (住所地上海市浦东新区张杨路1588号, 张江路某号)
    r"|[路街巷道弄](?=(?:\d+|某+)[号號])"
    # a right a civil case is about (因肖像权、名誉权纠纷: 肖 and 商 are surnames)
    r"|(?:肖像|名誉|荣誉|姓名|隐私|著作|署名|商标|专利|继承|监护|抚养|探视|经营|承包|优先|追偿)权"
    # a date after 于 (其父亲于当月25日, 于次日: 于 is a surname too)
    r"|于(?:当[日月天年晚]|次日|同[日月年]|翌日)"
    # shops of a case about online sales (在京东、卓越亚马逊、淘宝天猫等网店)
    r"|淘宝|天猫|卓越亚马逊|亚马逊|拼多多|唯品会|闲鱼|抖音"
)
# A weather forecast's words (多云转雷阵雨, 小到中雨), which the name models read as names at
# the ``recall`` profile's threshold (雷 and 阴 are surnames): after 有 (有阵雨或雷阵雨), one
# turning into another (多云转阴), or before a temperature (北京多云２２℃／３３℃), 天气 or
# 等强对流.  Not before 等 or 或 alone, nor after 或: 小雨 and 小雪 are given names too
# (张小雨等人, 小雨或小雪).
_WEATHER = (
    "(?:多云|晴|阴|雷阵雨|雷雨大风|雷雨|雨夹雪|冻雨|沙尘暴|扬沙|浮尘|大雾"
    "|[小中大暴阵](?:到[中大暴])?[雨雪])"
)
_WEATHER_WORDS = re.compile(
    f"(?<=有){_WEATHER}(?:或{_WEATHER})?"
    f"|{_WEATHER}(?:转{_WEATHER})+"
    rf"|{_WEATHER}(?=[-−－]?[\d０-９]{{1,2}}℃|天气|等强对流)"
)
_CLAUSE_START = frozenset("\n。，,；;：:")
# (当事人陈述, 如实陈述, 出庭陈述, 当庭陈述, 同学“思琪”陈述称, 李某陈述, 上述陈述, and 陈述
# opening a clause: 邻居，陈述曾多次听到; or before a colon, 其 or 了: 昝琮陈述：, 陈述其曾于)
_BEFORE_STATEMENT = frozenset('的及和、人实庭，,”"某述告')
# ... or before a conjunction, a verb of saying or a clause's end (原告陈述和经审理确认的事实,
# 陈述称, 陈述中; not a party named 陈述 as a judgment introduces one: 被告陈述，男)
_AFTER_STATEMENT = re.compile("[、和及]?申辩|理由|意见|[:：其了和及、与称中时内]")
_INTRODUCED = re.compile("[，,（(][男女]")
# the issuer of a document number on a line of its own (穗公天行罚决字〔2023〕01562号,
# 嘉公（南）行罚决字〔2023〕00318号): the characters from the line's start to the bracket
_DOCUMENT_NUMBER_LINE = re.compile(r"[〔【\[]\d{4}[〕】\]]\d{1,6}[号號][ \t\u3000]*(?:\n|$)")
_ISSUER = re.compile("[\u4e00-\u9fa5（）()]{1,16}")


def _no_name_words(text: str) -> list[tuple[int, int]]:
    """The spans of ``_NOT_NAMES``' words in ``text`` and of the issuers of its document
    numbers, sorted.  (Each pattern opens with the characters it needs, so the text is not
    tried at every character for a lookbehind.)"""
    spans = []
    for match in _NOT_NAMES.finditer(text):
        start, word = match.start(), match.group()
        if word[0] in "嗣旋迨俟" and start and text[start - 1] not in _CLAUSE_START:
            continue
        if word == "陈述":
            after = text[match.end() : match.end() + 3]
            if _INTRODUCED.match(after):
                continue
            if not (start and text[start - 1] in _BEFORE_STATEMENT) and not (
                _AFTER_STATEMENT.match(after)
            ):
                continue
        spans.append(match.span())
    spans += [match.span() for match in _WEATHER_WORDS.finditer(text)]
    for match in _DOCUMENT_NUMBER_LINE.finditer(text):
        line = text.rfind("\n", 0, match.start()) + 1
        if _ISSUER.fullmatch(text, line, match.start()):
            spans.append((line, match.start()))
    return sorted(spans)


_TITLE = re.compile(SPACED_TITLE)
# A character of each of those words: where none is near a guess, none is looked for.
_NOT_NAME_CHARS = frozenset(
    "东南西北東於于民国國嗣旋迨俟查陈陳胡仲因啡酮胺毒古丸麻之权何册宝款遲迟須须伊路街巷道弄〔【[主"
    "原应同猫逊拼唯闲抖"
    "云晴阴雨雪雾尘沙"
)


def not_a_name(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` holds one of ``_NOT_NAMES`` (东向西行, 於民國, 嗣經) or
    lies inside a bench title (仲 of 仲　裁　员)."""
    return NoNames(text).holds(start, end)


class NoNames:
    """Where ``text`` has words that are no name (``not_a_name``), found once for all the
    guesses of a document."""

    def __init__(self, text: str) -> None:
        self.text = text

    @functools.cached_property
    def words(self) -> _Spans:
        return _Spans(_merged(_no_name_words(self.text)))

    @functools.cached_property
    def titles(self) -> _Spans:
        return _Spans(match.span() for match in _TITLE.finditer(self.text))

    def holds(self, start: int, end: int) -> bool:
        """True when ``[start, end)`` overlaps such a word or lies inside a bench title (a
        guess of one or two characters: the titles are looked for only then).  Neither is
        looked for in a document none of whose guesses has a character of them near it."""
        near = self.text[max(0, start - 4) : end + 12]  # 穗公天行|罚决字〔2023〕, 陈述、|申辩
        if not _NOT_NAME_CHARS.isdisjoint(near) and self.words.overlaps(start, end):
            return True
        return end - start <= 2 and self.titles.holds(start, end)

    def name_before(self, start: int, end: int) -> int | None:
        """Where a guess ``[start, end)`` that runs a name into such a word of two characters
        or more should end: at the word when two characters or more come before it (逄祎陈述：,
        覃桥生林权证), else ``None``."""
        if _NOT_NAME_CHARS.isdisjoint(self.text[start:end]):
            return None
        word = self.words.first_overlapping(start, end)
        if word is None or word[0] - start < 2 or word[1] - word[0] < 2:
            return None  # (not a street's 路 of 张江路某号: the street, no name)
        return word[0]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ``spans`` with those that overlap joined."""
    result: list[tuple[int, int]] = []
    for start, end in spans:
        if result and start < result[-1][1]:
            result[-1] = (result[-1][0], max(end, result[-1][1]))
        else:
            result.append((start, end))
    return result


class _Spans:
    """Sorted spans that do not overlap (a pattern's matches), searched by bisection."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        self.spans = list(spans)
        self.ends = [end for _, end in self.spans]

    def overlaps(self, start: int, end: int) -> bool:
        return self.first_overlapping(start, end) is not None

    def first_overlapping(self, start: int, end: int) -> tuple[int, int] | None:
        at = bisect.bisect_right(self.ends, start)  # the first span ending after ``start``
        return self.spans[at] if at < len(self.spans) and self.spans[at][0] < end else None

    def holds(self, start: int, end: int) -> bool:
        at = bisect.bisect_left(self.ends, end)  # the first span ending at ``end`` or after
        return at < len(self.spans) and self.spans[at][0] <= start
