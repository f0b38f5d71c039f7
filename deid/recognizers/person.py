"""``PERSON`` for Chinese: the trained name model, jieba's person tags and rules, combined.

Missing a name is a legal incident, a false alarm is a reviewer's click, so the sources are
united, not voted: any one of them is enough to report a span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deid.dictionary import jieba_tables
from deid.recognizers.judgment_rules import (
    BENCH_TITLES,
    ORGANIZATION_AFTER,
    is_judgment,
)
from deid.recognizers.lac_names import lac_allows, lac_person_spans
from deid.recognizers.masked import masked_name_spans
from deid.recognizers.model_names import model_name_spans
from deid.recognizers.person_rules import (
    NAME_DOTS,
    TITLE_WORDS,
    is_cjk,
    rule_name_spans,
)
from deid.recognizers.person_words import (
    jieba_name_spans,
    posseg_name_spans,
    tagged_name_spans,
    word_source_plausible,
)
from deid.recognizers.rare_surnames import UNTABLED_RARE
from deid.recognizers.role_surnames import after_party_role
from deid.recognizers.titled_names import (
    name_after_life_word_spans,
    name_after_title_spans,
    name_after_title_word_spans,
    party_named_again_spans,
    surname_and_title_spans,
)
from deid.recognizers.trained_names import trained_name_spans
from deid.recognizers.work_titles import surname_form_spans, work_title_spans
from deid.surnames import surname_length

MODEL_SCORE = 0.85
RULE_SCORE = 0.8
# A masked name (张某某, 王××) is certain, and beats the model's piece of it (王×).
MASKED_SCORE = 0.9
JIEBA_SCORE = 0.55
# A person LAC tags (the recall profile, ``deid.recognizers.lac_names``): above the models'
# score, so that a longer candidate of theirs around it (州市市长|钱兴中) does not swallow it.
LAC_SCORE = 0.86
# The role words of forms, letters and judgments: never a name themselves.  At the start of a
# text the name model read 申请人 as a surname and a given name (申 + 请人), and a name found
# once is looked for in the whole document, so every 申请人 of a judgment was reported.
ROLE_WORDS = frozenset(
    "申请人 被申请人 申请执行人 被执行人 上诉人 被上诉人 原告 被告 被告人 原审被告人 第三人 "
    "证人 被害人 受害人 罪犯 犯罪嫌疑人 嫌疑人 当事人 行为人 违法行为人 辩护人 代理人 "
    "委托代理人 法定代表人 负责人 联系人 委托人 经办人 承办人 收件人 寄件人 报案人 监护人 "
    "来信人 来访人 信访人 投诉人 举报人 反映人 求助人 咨询人 申报人 申诉人 被申诉人 "
    "自诉人 反诉人 借款人 出借人 保证人 担保人 收款人 付款人 驾驶人 死者 户名 "
    "婚生子 婚生女 非婚生子 养子 养女 继子 继女 "
    "户主 姓名".split()
) | frozenset(
    # A judgment's formulas and the words that introduce a party's other names: the name
    # model read 查明 of 经审理查明 and 曾用名 as names.
    "审理查明 另查明 经查明 还查明 又查明 再查明 本院查明 曾用名 别名 化名 绰号 外号".split()
)
_ROLE_WORD = re.compile("|".join(sorted(ROLE_WORDS, key=len, reverse=True)))
# Names listed next to a name already found (证人蓝雯、伊命正的证言; 与叶某2、黄从文在): a
# surname and one or two characters between a list mark and a mark that ends a list item.
_LIST_MARK = "、"
_LIST_END = "、，,。；;的等在与和及（(证称"


# Relatives named as a list (被告父母牛长河、仝秀梅照顾).
_KIN_BEFORE_LIST = frozenset("父母 公婆 岳父母 祖父母 夫妻 子女 兄弟 姐妹".split())


def listed_names(text: str, found: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Names in a list with a found name: right after ``found``'s ``、`` or before a ``、``
    that a found name follows."""
    if _LIST_MARK not in text:
        return []
    spans = []
    found = list(found)
    for _, end in found:
        if text[end : end + 1] == _LIST_MARK and surname_length(text, end + 1):
            spans += _list_item(text, end + 1)
    starts = {start for start, _ in found}
    for position in (i for i, char in enumerate(text) if char == _LIST_MARK and i + 1 in starts):
        for begin in (position - 3, position - 2):
            if (
                begin >= 0
                and surname_length(text, begin)
                and is_cjk(text[begin:position])
                and (
                    text[begin - 1 : begin] in "与和及，,、：:"
                    or text[begin - 2 : begin] in _KIN_BEFORE_LIST
                    or _opens_list(text, begin)
                )
            ):
                spans.append((begin, position))
                break
    return spans


def _opens_list(text: str, begin: int) -> bool:
    """True when a verb that opens a list stands before ``begin`` and makes no word with the
    surname there (参赌人员有那日苏、綦长江; not 有关部门、)."""
    freq, _ = jieba_tables()
    return text[begin - 1 : begin] in "有为" and not freq.get(text[begin - 1 : begin + 1], 0)


def _list_item(text: str, start: int) -> list[tuple[int, int]]:
    surname = surname_length(text, start)
    for end in (start + surname + 2, start + surname + 1):
        if (
            text[end : end + 1] in _LIST_END
            and text[end - 1] not in _LIST_END  # 柯灵等，: the list ends with 等
            and is_cjk(text[start:end])
        ):
            return [(start, end)]
    return []


def without_role_words(
    text: str, scored: dict[tuple[int, int], float]
) -> dict[tuple[int, int], float]:
    """``scored`` without the spans that lie inside a role word of ``text`` (申请人, 申)."""
    if not scored:
        return scored
    roles = [m.span() for m in _ROLE_WORD.finditer(text)]
    return {
        (s, e): score
        for (s, e), score in scored.items()
        if not any(rs <= s and e <= re_ for rs, re_ in roles)
    }


# A preposition, conjunction or verb the name models run a known name into: 向高明借款,
# 高明与唐红梅, 高明借 (the character before, the character after).
_EDGE_BEFORE = frozenset("向与和及跟同对给被把将让由从在于为是经据令叫请替帮")
_EDGE_AFTER = frozenset(
    "向与和及跟同对给被把将让由从在于为是称说诉借还欠付收交出到已未也都又均因系的了等"
)


_DOT_CHARS = frozenset(NAME_DOTS)


def rule_ends_kept(
    text: str, scored: dict[tuple[int, int], float], ruled: set[tuple[int, int]]
) -> dict[tuple[int, int], float]:
    """``scored`` with a span that runs past the end of a name a rule found where it starts
    cut back to the rule's name (由审判员汪洋独任审判: 汪洋独 → 汪洋, 其木格独任 → 其木格):
    by one character, or by two that do not begin with a surname (汪洋李四 stays: 李四 may
    be the next person). ``ruled``: the rules' spans."""
    ends: dict[int, set[int]] = {}
    for start, end in ruled:
        # (not a dotted foreign name: the rule ends it where its characters end, 哈里·卡|门)
        if not set(text[start:end]) & _DOT_CHARS:
            ends.setdefault(start, set()).add(end)
    result = dict(scored)
    for (start, end), score in scored.items():
        if (start, end) in ruled:
            continue
        for cut in sorted(ends.get(start, ()), reverse=True):
            extra = end - cut
            if extra == 1 or (extra == 2 and not surname_length(text, cut)):
                del result[(start, end)]
                result[(start, cut)] = max(score, result.get((start, cut), 0.0))
                break
    return result


def edges_trimmed(
    text: str, scored: dict[tuple[int, int], float], names: set[str]
) -> dict[tuple[int, int], float]:
    """``scored`` with every span that is one of ``names`` (found by a rule in this text)
    plus a function word or verb at one edge, or the first character of a title after it,
    cut back to the name (向高明 → 高明, 陈静审|判员 → 陈静): the same person, written with
    the same pseudonym, and the word beside it left alone."""
    result = dict(scored)
    starts = name_starts(text, names)
    for (start, end), score in scored.items():
        if end - start < 3 or text[start:end] in names:
            continue
        if text[start] in _EDGE_BEFORE and text[start + 1 : end] in names:
            trimmed = (start + 1, end)
        elif lead := title_ending_in(text, start, end, starts):
            trimmed = (start + lead, end)
        elif text[start : end - 1] in names and (
            text[end - 1] in _EDGE_AFTER or _begins_title(text, end - 1)
        ):
            trimmed = (start, end - 1)
        else:
            continue
        del result[(start, end)]
        result[trimmed] = max(score, result.get(trimmed, 0.0))
    return result


# Offices whose first characters a name runs into (王副|局长, 李总|经理, 江总|书记, 陈常务|
# 副市长): the office the person holds, which the redaction must leave to read.
_DEPUTY_TITLES = {"副" + title for title in TITLE_WORDS}
_HEADED_TITLES = tuple(
    sorted(
        _DEPUTY_TITLES
        | {"常务" + title for title in _DEPUTY_TITLES | TITLE_WORDS}
        | set("总书记 总经理 总理 总统 总裁 总监 总编辑 总工程师 总指挥 总干事".split())
    )
)
_TITLE_HEADS = ("常务", "副", "总")


def title_heads_trimmed(
    text: str, scored: dict[tuple[int, int], float]
) -> dict[tuple[int, int], float]:
    """``scored`` with every span that ends in the first characters of an office going on
    after it (``_HEADED_TITLES``) cut back before them: 王副局长 → 王, 张副主任 → 张,
    江总书记 → 江, 陈常务副市长 → 陈."""
    result = dict(scored)
    for (start, end), score in scored.items():
        cut = _before_title_heads(text, start, end)
        if cut < end:
            del result[(start, end)]
            result[(start, cut)] = max(score, result.get((start, cut), 0.0))
    return result


def _before_title_heads(text: str, start: int, end: int) -> int:
    """Where ``text[start:end]`` ends once the heads of an office that goes on after it are
    cut off, one after another (陈常务副|市长 → 陈), never to nothing."""
    cut = end
    while head := next(
        (
            head
            for head in _TITLE_HEADS
            if cut - len(head) > start
            and text.endswith(head, start, cut)
            and any(text.startswith(title, cut - len(head)) for title in _HEADED_TITLES)
        ),
        None,
    ):
        cut -= len(head)
    return cut


def name_starts(text: str, names: set[str]) -> dict[int, int]:
    """Where in ``text`` one of ``names`` starts, and where the longest that starts there
    ends."""
    starts: dict[int, int] = {}
    for name in names:
        at = text.find(name)
        while at != -1:
            starts[at] = max(starts.get(at, 0), at + len(name))
            at = text.find(name, at + 1)
    return starts


def title_ending_in(text: str, start: int, end: int, starts: dict[int, int]) -> int:
    """How many characters of ``text[start:end]`` end a title, role or kinship word before
    a name (人|葛长春 of 被告人葛长春, 次子|诸葛强), or before one that runs on past ``end``
    (母亲|王某 of 母亲王某某), or 0.  ``starts``: ``name_starts`` of the names."""
    for lead in range(1, min(4, end - start - 1)):
        if starts.get(start + lead, 0) >= end and any(
            len(word) >= lead and text.endswith(word, 0, start + lead) for word in _PRECEDING_TITLES
        ):
            return lead
    return 0


def _begins_title(text: str, position: int) -> bool:
    """True when a bench title or a party's role begins at ``position`` (陈静|审判员刘永福 of
    a footer run into one line; 高明|原告)."""
    return any(text.startswith(word, position) for word in _FOLLOWING_TITLES)


_FOLLOWING_TITLES = tuple(BENCH_TITLES) + tuple(sorted(ROLE_WORDS))
_PRECEDING_TITLES = tuple(sorted(set(_FOLLOWING_TITLES) | TITLE_WORDS))


# A common noun a model guessed is not looked for elsewhere (樱桃 n 353; not 汪洋 nr).
_SPREAD_WORD = 300
_NOUNS = frozenset({"n", "ng", "nz"})


def propagate_names(
    text: str, scored: dict[tuple[int, int], float], placed: Iterable[str] = ()
) -> dict[tuple[int, int], float]:
    """Add every other occurrence in ``text`` of a name found with model or rule confidence:
    a document that names 韩朝晖 once with his title names him bare further down; not one
    inside an organisation's or place's name (``ORGANIZATION_AFTER``), nor a common word
    that no rule found (``placed``: the models' one guess of 樱桃 in a judgment that
    writes it thirty times)."""
    result = dict(scored)
    strong: dict[str, float] = {}
    freq, tags = jieba_tables()
    for (s, e), score in scored.items():
        name = text[s:e]
        if score < RULE_SCORE or e - s < 2:
            continue
        if name not in placed and freq.get(name, 0) >= _SPREAD_WORD and tags.get(name) in _NOUNS:
            continue
        strong[name] = max(score, strong.get(name, 0.0))
    for name, score in strong.items():
        start = text.find(name)
        while start != -1:
            # with the name's own score: 王某平 found once beats the 王某 of its other mentions
            span = (start, start + len(name))
            if span in result or not ORGANIZATION_AFTER.match(text, span[1]):
                result[span] = max(result.get(span, 0.0), score)
            start = text.find(name, start + 1)
    return result


def court_titled_spans(text: str) -> list[tuple[int, int]]:
    """In a court's document, a name after the people of a narrative's life (同班工友闻红旗),
    a party's written again (被告战国栋驾驶), a surname before what people call its bearer
    (景老板, 冷奶奶), and after a title, role or kinship word with a rare surname the table
    lacks (被告人郄帅在明知: ``UNTABLED_RARE``)."""
    if not is_judgment(text):
        return []
    spans = (
        name_after_life_word_spans(text)
        + party_named_again_spans(text)
        + surname_and_title_spans(text)
    )
    if any(char in text for char in UNTABLED_RARE):
        spans += name_after_title_word_spans(text, UNTABLED_RARE)
    return spans


class ChinesePersonRecognizer(LocalRecognizer):
    """Reports ``PERSON`` from the NLP engine's name tagger (``name_spans``) and rules.

    ``use_jieba`` adds the jieba-token sources (unknown surname-initial words, names after a
    title, byline or kinship word) and ``use_posseg`` jieba's part-of-speech person tags.
    On the tuning sets they add recall and cost precision, and segmenting every sentence
    halves the throughput, so they are the ``recall`` profile of the engine, not the default.
    """

    def __init__(
        self,
        language: str = "zh",
        use_jieba: bool = False,
        use_posseg: bool = False,
        use_tags: bool = False,
    ) -> None:
        super().__init__(
            supported_entities=["PERSON"], supported_language=language, name=f"PERSON_{language}"
        )
        self.label = f"PERSON_{language}"
        self.use_jieba = use_jieba
        self.use_posseg = use_posseg
        self.use_tags = use_tags

    def load(self) -> None:
        """Load jieba's tables now rather than on the first text."""
        jieba_tables()

    def scored_spans(
        self, text: str, nlp_artifacts: NlpArtifacts | None
    ) -> dict[tuple[int, int], float]:
        """Every source's spans with the best score any source gave them."""
        scored: dict[tuple[int, int], float] = {}
        tokens = self._tokens(nlp_artifacts)
        starts = {start for _, start in tokens} if tokens is not None else None
        court = court_titled_spans(text)
        titled = name_after_title_word_spans(text) + court
        # a name after a party's role (系被害人隗红旗之父) is as sure as a rule's
        for span in rule_name_spans(text, starts) + [
            span for span in titled if after_party_role(text, span[0])
        ]:
            scored[span] = RULE_SCORE
        ruled = {span for span in scored if span[1] - span[0] >= 2}
        placed = {text[s:e] for s, e in ruled}  # names where a rule found them
        for span in model_name_spans(text, nlp_artifacts):
            scored[span] = MODEL_SCORE
        weak = self._word_spans(text, tokens, nlp_artifacts)
        lac_words = getattr(nlp_artifacts, "lac_words", None)
        if lac_words is not None:
            weak = [span for span in weak if lac_allows(lac_words, *span)]
            for span in lac_person_spans(lac_words):
                scored[span] = max(scored.get(span, 0.0), LAC_SCORE)
        if self.use_posseg:  # names in works' titles, surnames standing for a person, and
            # names the training data labels
            weak += work_title_spans(text) + surname_form_spans(text) + trained_name_spans(text)
        # (the court's own spans in the recall profile too: jieba's title rule replaces only
        # the plain title rule there)
        weak += titled if not tokens else court
        for span in masked_name_spans(text):
            scored[span] = MASKED_SCORE
            placed.add(text[span[0] : span[1]])
            ruled.add(span)
        weak += listed_names(text, [span for span, score in scored.items() if score >= RULE_SCORE])
        for span in weak:
            scored.setdefault(span, JIEBA_SCORE)
        scored = rule_ends_kept(text, without_role_words(text, scored), ruled)
        trimmed = edges_trimmed(text, propagate_names(text, scored, placed), placed)
        return title_heads_trimmed(text, trimmed)

    def _word_spans(
        self, text: str, tokens: list[tuple[str, int]] | None, nlp_artifacts: NlpArtifacts | None
    ) -> list[tuple[int, int]]:
        """The word sources' spans (jieba's tokens and tags) that may be names."""
        weak: list[tuple[int, int]] = []
        if tokens:
            weak += jieba_name_spans(tokens) + name_after_title_spans(text, tokens)
        if self.use_posseg:
            weak += posseg_name_spans(text)
        if self.use_tags and tokens:
            weak += tagged_name_spans(tokens)
        chances = getattr(nlp_artifacts, "name_chances", None)
        return [span for span in weak if word_source_plausible(text, *span, chances)]

    def _tokens(self, nlp_artifacts: NlpArtifacts | None) -> list[tuple[str, int]] | None:
        """The NLP engine's tokens as ``(text, start)`` when this recognizer uses jieba."""
        if not self.use_jieba or nlp_artifacts is None:
            return None
        # The engine's lemmas are the token texts (see deid.presidio_adapters.LazyTokenArtifacts).
        return list(zip(nlp_artifacts.lemmas, nlp_artifacts.tokens_indices, strict=True))

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Return the union of the sources' spans, best score per span."""
        if "PERSON" not in entities:
            return []
        meta = {
            RecognizerResult.RECOGNIZER_NAME_KEY: self.label,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }
        return [
            RecognizerResult("PERSON", s, e, score, recognition_metadata=dict(meta))
            for (s, e), score in self.scored_spans(text, nlp_artifacts).items()
        ]


def recall_person_recognizer(language: str = "zh") -> ChinesePersonRecognizer:
    """The ``recall`` profile's ``PERSON`` recognizer: every source, jieba.posseg included."""
    return ChinesePersonRecognizer(language, use_jieba=True, use_posseg=True)
