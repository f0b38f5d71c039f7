"""``deid.segmenting`` keeps jieba's words and person tags per block: its output must be
jieba's own, word for word, on texts whose blocks repeat, are long, or hold the characters
that jieba's two block patterns treat differently (% and - are word characters for
``jieba.cut``, not for ``jieba.posseg``)."""

from __future__ import annotations

import jieba
import jieba.posseg
import pytest
from spacy.util import get_words_and_spaces

import deid
from deid import segmenting

Plain = tuple[jieba.Tokenizer, jieba.posseg.POSTokenizer]
TEXTS = [
    "来信人马平静，联系电话13912345678，反映户籍办理问题。",
    "各县区有关部门要按照户籍办理工作要求，优化办理流程，在12个工作日内完成办理并公开结果。"
    "各县区有关部门要按照户籍办理工作要求，优化办理流程，在7个工作日内完成办理并公开结果。",
    "增长率为12.5%-13%，王小明、欧阳平静和李娜出席。张伟说：“好。”",
    "Email: zhang.san@ahszf.gov.cn  IP 192.168.10.25\r\n\t　全角空格　后的刘德华",
    "审判长　　唐　勇\n书记员　　廖晓玲",
    # one block longer than the kept length: cut directly, same words
    "王小明" + "在合肥市蜀山区参加会议并讲话" * 20,
    "",
    "。，！",
]


@pytest.fixture(scope="module")
def plain() -> tuple[jieba.Tokenizer, jieba.posseg.POSTokenizer]:
    """A jieba tokenizer and tagger with jieba's own tables and methods: no kept blocks,
    no shared routes (``deid`` installs those on ``jieba.dt`` when it loads)."""
    deid.analyze("预热")  # loads jieba's tables as the engine does
    assert getattr(jieba.dt, "deid_shared_routes", False)
    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total, tokenizer.initialized = jieba.dt.FREQ, jieba.dt.total, True
    return tokenizer, jieba.posseg.POSTokenizer(tokenizer)


def _walked_posseg(tagger: jieba.posseg.POSTokenizer, text: str) -> list[tuple[int, int]]:
    spans, position = [], 0
    for word, flag in tagger.cut(text):
        if flag in segmenting.NAME_TAGS and len(word) >= 2:
            spans.append((position, position + len(word)))
        position += len(word)
    return spans


@pytest.mark.parametrize("text", TEXTS)
def test_words_are_jiebas_own_twice_over(plain: Plain, text: str) -> None:
    tokenizer, _ = plain
    assert segmenting.cut(text) == list(tokenizer.cut(text))
    assert segmenting.cut(text) == list(tokenizer.cut(text))  # the kept blocks, now
    assert list(jieba.cut(text)) == list(tokenizer.cut(text))  # the shared routes


@pytest.mark.parametrize("text", TEXTS)
def test_person_tags_are_posseg_walked_twice_over(plain: Plain, text: str) -> None:
    _, tagger = plain
    assert segmenting.posseg_name_spans(text) == _walked_posseg(tagger, text)
    assert segmenting.posseg_name_spans(text) == _walked_posseg(tagger, text)
    assert list(jieba.posseg.dt.cut(text)) == list(tagger.cut(text))  # the shared routes


def test_a_shared_route_is_calcs_own(plain: Plain) -> None:
    tokenizer, _ = plain
    for block in ["来信人马平静", "各县区有关部门要按照户籍办理工作要求", "王小明" * 80]:
        dag = jieba.dt.get_DAG(block)
        route: dict[int, tuple[float, int]] = {}
        jieba.dt.calc(block, dag, route)
        expected: dict[int, tuple[float, int]] = {}
        tokenizer.calc(block, tokenizer.get_DAG(block), expected)
        assert dag == tokenizer.get_DAG(block) and route == expected


def test_a_long_block_is_not_kept() -> None:
    long_block = "王小明" + "在合肥市参加会议" * 40
    assert len(long_block) > segmenting.KEPT_BLOCK_CHARS
    before = segmenting._block_words.cache_info().currsize
    segmenting.cut(long_block)
    assert segmenting._block_words.cache_info().currsize == before


@pytest.mark.parametrize("text", [*TEXTS, "a  b\t c ", "  前导空格 与 尾随 ", "王 小 明"])
def test_words_and_spaces_are_spacys(text: str) -> None:
    words = [word for word in jieba.cut(text) if word]
    assert segmenting.words_and_spaces(words, text) == get_words_and_spaces(words, text)
    stripped = [word for word in text.split(" ") if word]  # words without their spaces
    assert segmenting.words_and_spaces(stripped, text) == get_words_and_spaces(stripped, text)


def test_words_that_are_not_the_texts_are_refused() -> None:
    with pytest.raises(ValueError):
        segmenting.words_and_spaces(["王", "大明"], "王小明")
    with pytest.raises(ValueError):
        segmenting.words_and_spaces(["小明", "王"], "王小明")  # out of order
