"""``deid.posseg``: jieba.posseg's tagging is jieba's own, state for state, with the faster
Viterbi and the engine's tag table; the tag table is not read from jieba's dictionary again."""

from __future__ import annotations

import random
import sys

import jieba
import pytest

from deid import posseg
from deid.dictionary import jieba_tables

# Runs jieba hands its HMM: unknown characters, names, mixed scripts, a character it has no
# states for (☃), one character, and long runs.
RUNS = [
    "莫嘉昉",
    "王小明",
    "欧阳平静",
    "的了是",
    "张某某",
    "ABC",
    "x",
    "☃",
    "蜀山区长江西路",
    "审判长唐勇书记员廖晓玲",
    "在合肥市参加会议并讲话" * 6,
]


@pytest.fixture(scope="module")
def module() -> object:
    return posseg.tagger()


def _tables(module: object) -> tuple[object, object, object, object]:
    return (
        module.char_state_tab_P,  # type: ignore[attr-defined]
        module.start_P,  # type: ignore[attr-defined]
        module.trans_P,  # type: ignore[attr-defined]
        module.emit_P,  # type: ignore[attr-defined]
    )


def _random_runs(count: int) -> list[str]:
    """Random runs of common and rare Chinese characters, 1 to 12 long (fixed seed)."""
    rng = random.Random(15)
    alphabet = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗伟芳娜敏静丽强磊军洋勇的了是在和与昉嘉旸犇"
    return ["".join(rng.choices(alphabet, k=rng.randint(1, 12))) for _ in range(count)]


@pytest.mark.parametrize("run", RUNS)
def test_viterbi_is_jiebas_own(module: object, run: str) -> None:
    tables = _tables(module)
    expected = posseg.jieba_viterbi()(run, *tables)
    prob, route = posseg.viterbi(run, *tables)
    assert (prob, list(route)) == expected
    assert posseg.viterbi(run, *tables) == (prob, route)  # kept, the same


def test_viterbi_agrees_on_many_random_runs(module: object) -> None:
    tables = _tables(module)
    for run in _random_runs(400):
        prob, route = posseg.viterbi(run, *tables)
        assert (prob, list(route)) == posseg.jieba_viterbi()(run, *tables), run


def test_viterbi_with_other_tables_is_not_kept(module: object) -> None:
    states, start, trans, emit = _tables(module)
    other_start = dict(start)  # type: ignore[call-overload]
    run = "王小明"
    expected = posseg.jieba_viterbi()(run, states, other_start, trans, emit)
    assert posseg.viterbi(run, states, other_start, trans, emit) == expected


def test_tagger_uses_the_engines_tag_table_and_viterbi(module: object) -> None:
    _, tags = jieba_tables()
    assert module.dt.word_tag_tab == tags  # type: ignore[attr-defined]
    assert module.viterbi is posseg.viterbi  # type: ignore[attr-defined]
    assert [(p.word, p.flag) for p in module.dt.cut("王小明在合肥市讲话")] == [  # type: ignore[attr-defined]
        ("王小明", "nr"),
        ("在", "p"),
        ("合肥市", "ns"),
        ("讲话", "n"),
    ]


def test_a_fresh_import_does_not_read_the_dictionary(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in sys.modules if n == "jieba.posseg" or n.startswith("jieba.posseg.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(jieba, "posseg", None, raising=False)
    posseg.tagger.cache_clear()
    read: list[int] = []
    original = jieba.dt.get_dict_file

    def counted() -> object:
        read.append(1)
        return original()

    monkeypatch.setattr(jieba.dt, "get_dict_file", counted)
    try:
        module = posseg.tagger()
        _, tags = jieba_tables()
        assert not read and module.dt.word_tag_tab is tags  # type: ignore[attr-defined]
    finally:
        posseg.tagger.cache_clear()
