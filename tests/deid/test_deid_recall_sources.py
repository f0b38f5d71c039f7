"""The dictionary's person tags of jieba tokens (``tagged_name_spans``), the cheap source
``deid.training.recall_sources`` weighs against ``jieba.posseg``."""

from __future__ import annotations

from deid.recognizers.person_words import tagged_name_spans


def test_tokens_the_dictionary_tags_as_names_are_spans() -> None:
    # 高明 is tagged nr in jieba's dictionary; 审理 (vn) and 查 (v) are not names.
    tokens = [("经", 0), ("审理", 1), ("查", 3), ("高明", 4), ("的", 6)]
    assert tagged_name_spans(tokens) == [(4, 6)]


def test_single_characters_and_unknown_words_are_not_tagged() -> None:
    assert tagged_name_spans([("王", 0), ("小明明", 1)]) == []
