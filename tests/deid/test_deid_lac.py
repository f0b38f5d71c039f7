"""Baidu's LAC run in numpy (``deid.lac``), its weights read out of PyPI's source
distribution (``deid.training.lac_weights``), and what the ``recall`` profile takes from it.

``data/lac_reference.jsonl`` holds what LAC 2.1.2 itself (``LAC(mode="lac").run``, under
PaddlePaddle 2.6.2) gave for fourteen sentences written for this test; the numpy model must
give the same words and tags."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

import deid
from deid import lac
from deid.engine import build_analyzer
from deid.recognizers.lac_names import lac_allows, lac_person_spans
from deid.training.lac_weights import tensor
from tests.deid.person_findings import missed_mentions

_REFERENCE = Path(__file__).parent / "data" / "lac_reference.jsonl"


def _serialised(values: np.ndarray, data_type: int = 5) -> bytes:
    """A tensor as PaddlePaddle saves it (see ``deid.training.lac_weights.tensor``)."""
    desc = bytes([0x08, data_type]) + b"".join(bytes([0x10, d]) for d in values.shape)
    header = struct.pack("<IQIi", 0, 0, 0, len(desc))
    return header + desc + values.astype("<f4").tobytes()


def test_a_saved_tensor_is_read_with_its_shape_and_values() -> None:
    values = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
    assert np.array_equal(tensor(_serialised(values)), values)


def test_a_tensor_of_another_type_or_length_is_refused() -> None:
    values = np.ones((2, 2), dtype=np.float32)
    with pytest.raises(ValueError, match="float32"):
        tensor(_serialised(values, data_type=6))
    with pytest.raises(ValueError, match="length"):
        tensor(_serialised(values) + b"\0\0\0\0")


def test_text_is_cut_into_the_fewest_known_words_with_latin_runs_joined() -> None:
    words = {"人民": 2, "人民大会堂": 5, "大会": 2, "大会堂": 3}
    segments = lac.WordTable.of(words.items())
    assert lac.segment("在人民大会堂开会", segments, 10.0) == ["在", "人民大会堂", "开", "会"]
    assert lac.segment("GDP增长6.8", segments, 10.0) == ["GDP", "增", "长", "6", ".", "8"]


def test_the_crf_decodes_each_row_over_its_own_length() -> None:
    # two tags; the transitions forbid staying (0 → 0, 1 → 1): the path must alternate
    transitions = np.array([[0, -5], [0, 0], [-9, 0], [0, -9]], dtype=np.float32)
    emissions = np.zeros((2, 4, 2), dtype=np.float32)
    emissions[1, 0] = [-20, 0]  # the second row starts with tag 1
    best = lac.viterbi(emissions, np.array([4, 3]), transitions)
    assert best == [[0, 1, 0, 1], [1, 0, 1]]


def test_the_numpy_model_gives_what_lac_gives_under_paddlepaddle() -> None:
    rows = [json.loads(line) for line in _REFERENCE.read_text(encoding="utf-8").splitlines()]
    found = lac.load().words([row["text"] for row in rows])
    for row, words in zip(rows, found, strict=True):
        text = row["text"]
        assert [text[start:end] for start, end, _ in words] == row["words"]
        assert [tag for _, _, tag in words] == row["tags"]


def test_a_document_is_read_a_sentence_at_a_time_at_its_own_offsets() -> None:
    first, second = "原告张晓燕诉称借款未还。", "被告李建国辩称已经还清；"
    long = "，".join(["合肥市蜀山区人民法院依法审理"] * 30)
    pieces = lac.sentences(first + second + long)
    assert [piece for _, piece in pieces[:2]] == [first, second]
    assert all(len(piece) <= 300 for _, piece in pieces)
    assert "".join(piece for _, piece in pieces) == first + second + long
    model = lac.load()
    [words] = model.words([first + "\n" + second])
    [alone] = model.words([second])
    shift = len(first) + 1
    assert [(s - shift, e - shift, t) for s, e, t in words if s >= shift] == alone
    assert [(first + "\n" + second)[s:e] for s, e, t in words if t == "PER"] == ["张晓燕", "李建国"]


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n",
        "😀😀",
        "a" * 3000,
        "，" * 700,
        "\ue000张\ue001",
        "张" * 1000,
        "1" * 300 + "。",
    ],
)
def test_any_text_is_cut_into_words_that_cover_it_exactly(text: str) -> None:
    [words] = lac.load().words([text])
    assert "".join(text[start:end] for start, end, _ in words) == text
    assert all(start < end for start, end, _ in words)


def test_lac_tags_people_and_reads_places_and_verbs_as_no_person() -> None:
    text = "中共中央总书记、国家主席江泽民会见了美国总统克林顿。"
    [words] = lac.load().words([text])
    assert [text[s:e] for s, e in lac_person_spans(words)] == ["江泽民", "克林顿"]
    assert not lac_allows(words, text.index("中共"), text.index("中共") + 2)  # an organisation
    assert not lac_allows(words, text.index("会见"), text.index("会见") + 3)  # verbs
    assert lac_allows(words, text.index("江泽民"), text.index("江泽民") + 3)


def test_the_recall_profile_finds_a_name_a_longer_guess_ran_into() -> None:
    text = "这本书收录了温州市市长钱兴中的文章，认真读过的人都说好。"
    assert missed_mentions(text, ["钱兴中"], _recall_people(text)) == []


def test_the_recall_profile_drops_word_sources_lac_reads_as_no_person() -> None:
    # jieba's unknown words: verbs to LAC
    text = "学院采取走出去请进来的办法，不断拓宽研究生培养渠道，通过人才市场招贤纳才。"
    assert _recall_people(text) == []
    text = "主任委员黄毅诚和俄方主席沃尔斯基分别讲话，要求弘扬主旋律，提倡多样化。"
    found = {text[f.start : f.end] for f in _recall_people(text)}
    assert {"黄毅诚", "沃尔斯基"} <= found
    assert not found & {"弘", "弘扬"}


def _recall_people(text: str) -> list[deid.Finding]:
    return [f for f in deid.analyze(text, profile="recall") if f.entity_type == "PERSON"]


def test_the_recall_and_default_profiles_will_not_run_without_lacs_weights(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WANBIAO_LAC_WEIGHTS", str(tmp_path / "lac.npz"))
    for profile in ("recall", "default"):  # the default one for its review (deid.lac_review)
        with pytest.raises(OSError, match="make lac"):
            build_analyzer(profile=profile)
    build_analyzer(profile="residual")  # the residual scan's profile does without it


def test_lacs_embedding_is_mapped_from_its_file_not_read_into_memory() -> None:
    embedding = lac.load().embedding
    assert isinstance(embedding, np.memmap)
    assert not embedding.flags.writeable
    with np.load(lac.weights_path()) as stored:
        assert np.array_equal(
            embedding[[0, 5, len(embedding) - 1]], stored["embedding"][[0, 5, -1]]
        )


def test_a_compressed_archive_cannot_be_mapped(tmp_path: Path) -> None:
    path = tmp_path / "lac.npz"
    np.savez_compressed(path, embedding=np.ones((4, 2), dtype=np.float32))
    with pytest.raises(OSError, match="make lac"):
        lac._mapped(path, "embedding")
    np.savez(path, embedding=np.arange(8, dtype=np.float32).reshape(4, 2))
    assert lac._mapped(path, "embedding").tolist() == [[0, 1], [2, 3], [4, 5], [6, 7]]


def test_a_word_table_finds_short_and_long_words_and_nothing_else() -> None:
    table = lac.WordTable.of(
        [("人民", 7), ("人民大会堂", 9), ("张", 1), ("\x00张", 4), ("人民", 8)]
    )
    assert table.values(["人民", "人民大会堂", "张", "\x00张", "人", "大会堂", ""]) == [
        7,  # the first number of a repeated word
        9,
        1,
        4,
        None,
        None,
        None,
    ]
    assert table.get("OOV") is None
    assert table.longest == 5
    assert lac.WordTable.of([]).values(["张"]) == [None]
