"""The character-level name tagger: features, decoding, storage, training, laziness."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from deid import engine, name_tagger, tagging_engine
from deid.lexicon import Lexicon, encode, text_positions
from deid.name_tagger import (
    TEMPLATE_COUNT,
    NameTagger,
    feature_rows,
    grown_runs,
    tagger_runs,
    template_rows,
)
from deid.recognizers.person_words import plausible_model_name
from deid.training.corpus import LabelledText
from deid.training.name_tagger import (
    SKIPPED_FILES,
    char_labels,
    design_matrix,
    fit,
    load_records,
    with_other_names,
    without_titles,
)


def test_features_depend_on_the_window_only() -> None:
    codes, starts = encode(["记者张伟报道", "记者张伟报道"])
    rows = feature_rows(codes, text_positions(codes), 16)
    assert rows.shape == (12, TEMPLATE_COUNT)
    assert (rows >= 0).all() and (rows < 2**16).all()
    assert (rows[:6] == rows[6:]).all()
    assert starts.tolist() == [3, 12]
    other, _ = encode(["记者张伟说了"])
    # the first character sees three characters to its right: 伟 differs from 伟说了's window
    assert (feature_rows(other, text_positions(other), 16)[0] == rows[0]).all()
    assert not (feature_rows(other, text_positions(other), 16)[3] == rows[3]).all()


def test_template_rows_at_some_positions_are_those_of_all() -> None:
    codes, _ = encode(["记者张伟报道", "", "李娜说"])
    positions = text_positions(codes)
    every = template_rows(codes, positions, 16)
    assert every.shape == (TEMPLATE_COUNT, 9)
    assert (every.T == feature_rows(codes, positions, 16)).all()
    chosen = positions[[2, 5, 6]]  # across the boundary between two texts
    assert (template_rows(codes, chosen, 16) == every[:, [2, 5, 6]]).all()
    assert template_rows(codes, chosen[:0], 16).shape == (TEMPLATE_COUNT, 0)


def test_padded_weights_hold_the_weights_unchanged() -> None:
    weights = np.random.default_rng(2).normal(size=(2**8, 3)).astype(np.float32)
    tagger = NameTagger(weights, 8)
    assert (tagger.weights == weights).all()
    assert (tagger.padded[:, :3] == weights).all() and not tagger.padded[:, 3].any()


def test_lexicon_marks_words_and_names() -> None:
    lexicon = Lexicon.from_words(["记者", "报道"], ["张伟"])
    codes, _ = encode(["记者张伟报道"])
    words, names = lexicon.patterns(codes, text_positions(codes))
    assert [bool(w) for w in words] == [True] * 2 + [False] * 2 + [True] * 2
    assert [bool(n) for n in names] == [False, False, True, True, False, False]


def test_lexicon_patterns_at_some_positions_are_those_of_all() -> None:
    lexicon = Lexicon.from_words(["记者", "报道", "会议", "副省长"], ["张伟", "李娜"])
    codes, _ = encode(["记者张伟报道", "", "李娜会议", "副省长"])
    positions = text_positions(codes)
    every = lexicon.patterns(codes, positions)
    for chosen in ([0, 5, 6, 9], [11], []):
        some = lexicon.patterns(codes, positions[chosen])
        assert all((s == e[chosen]).all() for s, e in zip(some, every, strict=True))
    assert every[0][-1] and every[1][6]  # 长 ends 副省长, 李 begins 李娜


def test_given_name_levels_tell_name_characters_from_word_characters() -> None:
    lexicon = Lexicon.from_words(["我们", "他们", "明天"], ["张伟", "李伟", "王明"])
    levels = lexicon.given[[ord(c) for c in "伟明们张"]].tolist()
    assert levels == [3, 3, 0, 0]  # 明: one name, one word


def _first_only(length: int) -> np.ndarray:
    firsts = np.zeros(length, dtype=bool)
    firsts[0] = True
    return firsts


def test_runs_split_where_a_new_name_begins() -> None:
    named = np.array([0, 1, 1, 1, 1, 0, 1], dtype=np.float32)
    begins = np.array([0, 1, 0, 1, 0, 0, 0], dtype=bool)
    starts, ends = tagger_runs(named, begins, _first_only(7), 0.5)
    assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == [(1, 3), (3, 5), (6, 7)]
    starts, ends = tagger_runs(
        np.zeros(3, dtype=np.float32), np.zeros(3, dtype=bool), _first_only(3), 0.5
    )
    assert starts.tolist() == ends.tolist() == []


def test_a_span_grows_over_likely_neighbours() -> None:
    inside = np.array([0, 0.1, 0.9, 0.9, 0.1, 0, 0.9], dtype=np.float32)
    starts, ends = grown_runs(np.array([2, 6]), np.array([4, 7]), inside, _first_only(7), 0.05)
    assert list(zip(starts.tolist(), ends.tolist(), strict=True)) == [(1, 5), (6, 7)]


def test_saved_tagger_loads_and_refuses_other_features(tmp_path: Path) -> None:
    weights = np.random.default_rng(1).normal(size=(2**8, 3)).astype(np.float32)
    path = tmp_path / "tagger.npz"
    NameTagger(weights, 8).save(path)
    loaded = NameTagger.load(path)
    assert np.allclose(loaded.weights, weights, atol=1e-2)
    np.savez(path, weights=weights, table_bits=np.array(8), templates=np.array(3))
    with pytest.raises(ValueError, match="retrain"):
        NameTagger.load(path)


def _labelled(text: str, name: str) -> LabelledText:
    start = text.index(name)
    return LabelledText(text, ((start, start + len(name), "PER"),), "test")


def test_a_tagger_fitted_on_a_few_sentences_finds_their_names() -> None:
    records = [
        _labelled(f"记者{name}报道,会议在合肥召开。", name)
        for name in ["张伟", "李秀英", "王建国", "刘洋", "陈静怡", "杨帆"]
    ]
    weights = fit(
        design_matrix([r.text for r in records], 14), char_labels(records), l2=1e-4, iterations=60
    )
    tagger = NameTagger(weights, 14)
    assert tagger.spans(["记者赵敏报道,会议在合肥召开。"], 0.5) == [[(2, 4)]]


def test_foreign_names_are_swapped_for_transliterated_ones() -> None:
    record = LabelledText("克林顿说", ((0, 3, "PER"),), "test")
    [swapped] = with_other_names([record], ["张伟"], 1, random.Random(0), ["萨马兰奇"])
    assert swapped.text == "萨马兰奇说" and swapped.spans == ((0, 4, "PER"),)


def test_literature_names_lose_their_titles_as_msra_marks_them() -> None:
    record = LabelledText(
        "王老师和江泽民总书记、老师、张奶奶说。",
        ((0, 3, "PER"), (4, 10, "PER"), (11, 13, "PER"), (14, 17, "PER"), (0, 3, "ORG")),
        "Chinese Literature NER test",
    )
    stripped = without_titles(record)
    names = [record.text[s:e] for s, e, label in stripped.spans if label == "PER"]
    assert names == ["王", "江泽民", "老师", "张"]  # a title alone stays as labelled
    assert stripped.spans[-1] == (0, 3, "ORG")  # other labels untouched


def test_the_re_cut_msra_sentences_are_not_trained_twice() -> None:
    training, _ = load_records()
    assert "peoples_daily_part" in SKIPPED_FILES
    assert not any(r.source.startswith("People's Daily") for r in training)
    assert any(r.source.startswith("MSRA") for r in training)
    literature = [r for r in training if r.source.startswith("Chinese Literature NER")]
    assert literature and not any(
        r.text.endswith("同志", s, e)
        for r in literature
        for s, e, label in r.spans
        if label == "PER" and e - s > 2
    )


def test_name_swapping_keeps_spans_on_the_names() -> None:
    record = LabelledText(
        "张伟和Smith见了李娜。", ((0, 2, "PER"), (3, 8, "PER"), (10, 12, "PER")), "test"
    )
    [swapped] = with_other_names([record], ["欧阳修远"], 1, random.Random(0))
    assert swapped.text == "欧阳修远和Smith见了欧阳修远。"
    assert [swapped.text[s:e] for s, e, _ in swapped.spans] == ["欧阳修远", "Smith", "欧阳修远"]


def test_shipped_tagger_finds_names_mid_sentence() -> None:
    [spans] = engine.get_engine().nlp_engine.tagger.spans(
        ["这次会议由副省长刘晓东主持,王晓红和赵建军出席。"], tagging_engine.NAME_THRESHOLD
    )
    text = "这次会议由副省长刘晓东主持,王晓红和赵建军出席。"
    assert {"刘晓东", "王晓红", "赵建军"} <= {text[s:e] for s, e in spans}


def test_words_are_segmented_only_when_a_recognizer_asks() -> None:
    nlp = engine.get_engine().nlp_engine
    [(_, plain)] = list(nlp.process_batch(["王晓红今天出席了会议。"], "zh"))
    assert plain._words is None and not plain._lemmas  # type: ignore[attr-defined]
    assert plain.lemmas[:2] == ["王晓红", "今天"]
    assert [(t.text, t.idx, len(t)) for t in plain.tokens[:2]] == [("王晓红", 0, 3), ("今天", 3, 2)]


def test_context_words_cost_no_spacy_vocabulary() -> None:
    """A phone number's context (联系电话) is read from the words, without a spaCy ``Doc``
    per text, which added every new word and number to spaCy's string store for the life
    of the process."""
    analyzer = engine.get_engine()
    strings = analyzer.nlp_engine.pipelines["zh"].vocab.strings
    before = len(strings)
    for n in range(50):
        found = engine.analyze(f"联系电话1391234{n:04d}，编号{n * 7919}。")
        phone = [f for f in found if f.entity_type == "CN_PHONE"]
        assert phone and phone[0].score >= 0.9, found  # 0.6 without its context
    assert len(strings) == before


@pytest.mark.parametrize(
    ("text", "span", "confidence", "plausible"),
    [
        ("奥记者俱乐部新闻学院", (3, 5), 0.2, False),  # a piece of 俱乐部
        ("副厂长兼主任", (1, 3), 0.2, False),  # a common word
        ("副厂长兼主任", (1, 3), 0.9, True),  # ... unless the tagger is sure
        ("不张贴讣告", (1, 3), 0.3, False),  # a common word although jieba tags it nr
        ("尤以收录周恩来总理", (4, 7), 0.9, True),  # jieba tags 周恩来 as a time word
        ("AccountingPerspectives", (10, 14), 0.9, False),  # cut out of a Latin word
        ("张三说", (0, 1), 0.9, False),  # one character
        ("记者赵燕燕报道", (2, 5), 0.2, True),
    ],
)
def test_tagger_spans_that_are_rarely_names_are_dropped(
    text: str, span: tuple[int, int], confidence: float, plausible: bool
) -> None:
    assert plausible_model_name(text, *span, confidence) is plausible


def test_the_network_reads_only_near_characters_the_linear_model_doubts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tagger = engine.load_name_tagger()
    assert tagger.network is not None
    texts = [
        "本市今年新建公共充电桩一千二百个，覆盖全部乡镇。",
        "这次会议由副省长刘晓东主持，王晓红和赵建军出席，阴衍江作了发言。",
        "他说：“许有才和原正市一起去了合肥，宋瑞环留在家里。”",
    ]
    read: list[int] = []
    logits = type(tagger.network).logits

    def counted(network: object, codes: object, patterns: object, at: object = None) -> object:
        read.append(len(at))  # type: ignore[arg-type]
        return logits(network, codes, patterns, at)  # type: ignore[arg-type]

    monkeypatch.setattr(type(tagger.network), "logits", counted)
    gated = tagger.outputs(texts)
    assert read[-1] < 0.8 * sum(map(len, texts))
    names = [{(s, e) for s, e, _ in spans} for spans in tagger.scored_spans(texts, 0.05, 0.02)]
    monkeypatch.setattr(name_tagger, "NETWORK_GATE", 0.0)
    full = tagger.outputs(texts)
    assert read[-1] == sum(map(len, texts))
    assert names == [
        {(s, e) for s, e, _ in spans} for spans in tagger.scored_spans(texts, 0.05, 0.02)
    ]
    assert names[0] == set() and len(names[1]) >= 4 and len(names[2]) >= 2
    near = np.abs(gated.mixed - full.mixed).max(axis=1) > 1e-5
    assert (full.mixed[near, 1:].sum(axis=1) < 0.02).all()
