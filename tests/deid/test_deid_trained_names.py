"""Names the training data labels as people, which the ``recall`` profile reports
(``deid.recognizers.trained_names``, built by ``deid.training.trained_names``)."""

from __future__ import annotations

import pytest

import deid
from deid.recognizers.base import DOTS, is_han
from deid.recognizers.trained_names import trained_name_spans, trained_names
from deid.training.corpus import LabelledText
from deid.training.trained_names import labelled_names


def _people(text: str, profile: str) -> list[str]:
    return [
        text[f.start : f.end]
        for f in deid.analyze(text, profile=profile)
        if f.entity_type == "PERSON"
    ]


def _record(text: str, *names: str, source: str = "MSRA NER train") -> LabelledText:
    spans = [(text.index(name), text.index(name) + len(name), "PER") for name in names]
    return LabelledText(text, tuple(spans), source)


@pytest.mark.parametrize(
    ("text", "name"), [("这是中江要介的家。", "中江要介"), ("二阶堂进和大家一起走了。", "二阶堂进")]
)
def test_a_listed_name_the_models_miss_is_found_by_the_recall_profile(text: str, name: str) -> None:
    # Japanese names MSRA train labels twice each, which the character models do not read
    # as names in a plain sentence
    assert name in [text[s:e] for s, e in trained_name_spans(text)]
    assert name not in _people(text, "default")
    assert name in _people(text, "recall")


def test_the_shipped_list_holds_chinese_names_and_no_common_word() -> None:
    names = trained_names()
    assert len(names) > 2000
    assert all(len(name) >= 2 and all(is_han(c) or c in DOTS for c in name) for name in names)
    assert all(int(count) >= 2 for count in names.values())
    for word in ("长城", "黄河", "中国", "人民"):
        assert word not in names


def test_a_name_is_listed_when_labelled_twice_in_most_of_its_places() -> None:
    records = [
        _record("记者王小明报道。", "王小明"),
        _record("王小明说，天气很好。", "王小明"),
        _record("王小明的书。"),  # written, not labelled: 2 of 3 places
        _record("张华来了。", "张华"),  # labelled once only
        _record("李白写诗。", "李白"),
        _record("李白是诗人。", "李白"),
        _record("李白菜一斤，李白的诗，李白酒。"),  # 2 of 5 places: mostly no name there
        _record("BJ说好的。", "BJ"),
        _record("BJ来了。", "BJ"),  # Latin: a handle, not a name of the list
        _record("小丸子来了。", "小丸子", source="Weibo NER train"),
        _record("小丸子说好。", "小丸子", source="Weibo NER train"),  # a private user
    ]
    assert labelled_names(records, min_labels=2, min_share=0.6) == {"王小明": 2}
    assert labelled_names(records, min_labels=2, min_share=0.7) == {}
