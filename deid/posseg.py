"""``jieba.posseg`` as the ``recall`` profile uses it: loaded without parsing jieba's
dictionary a second time, and tagging with an exact, faster Viterbi.

Importing ``jieba.posseg`` builds its tokenizer's part-of-speech table by reading jieba's
dictionary file again (~50 MB of Python strings per process, beside the same table
``deid.dictionary`` already holds).  ``tagger()`` imports it with that read
skipped and hands it the table the engine has.

jieba's HMM (``jieba.posseg.viterbi``) tries, for every state of a character, every state
of the character before, although a transition exists from only a few of them: the others
score ``-inf`` and can never win.  ``viterbi`` tries only those with a transition, in the
same arithmetic (the same sums in the same order), so it returns jieba's result: the same
probability and, on ties, the same state (the largest, as ``max`` over ``(score, state)``
pairs picks).  Its results are kept per character run (runs of unknown characters recur).
"""

from __future__ import annotations

import importlib
import io
import sys
import threading
from collections.abc import Mapping, Sequence
from functools import cache, lru_cache
from types import ModuleType
from typing import Any

import jieba

State = tuple[str, str]
# Character runs whose tags are kept (most are two or three characters long).
KEPT_RUNS = 16_384
MIN_FLOAT = -3.14e100  # jieba.posseg.viterbi's score of an emission it has never seen
_LOCK = threading.Lock()


@cache
def tagger() -> ModuleType:
    """``jieba.posseg``, its part-of-speech table the one of
    ``deid.dictionary.jieba_tables`` and its Viterbi ``viterbi`` (once per
    process; thread-safe)."""
    from deid.dictionary import jieba_tables

    _, tags = jieba_tables()
    with _LOCK:
        if "jieba.posseg" not in sys.modules:
            _import_without_dictionary()
        module = importlib.import_module("jieba.posseg")
        if not module.dt.word_tag_tab:
            module.dt.word_tag_tab = tags
        vars(module)["viterbi"] = viterbi  # the name jieba.posseg calls it by
    return module


def _import_without_dictionary() -> None:
    """Import ``jieba.posseg`` with its tokenizer reading an empty dictionary for its tags
    (``tagger`` gives it the engine's table)."""
    dictionary_file = jieba.dt.get_dict_file
    jieba.dt.get_dict_file = lambda: io.BytesIO(b"")
    try:
        importlib.import_module("jieba.posseg")
    finally:
        jieba.dt.get_dict_file = dictionary_file


_INCOMING: dict[int, tuple[Mapping[State, Mapping[State, float]], dict[State, Any]]] = {}


def _incoming(trans_p: Mapping[State, Mapping[State, float]]) -> dict[State, Any]:
    """Per state, the states with a transition into it and that transition's score (kept
    per transition table; jieba's tables never change)."""
    kept = _INCOMING.get(id(trans_p))
    if kept is not None and kept[0] is trans_p:
        return kept[1]
    incoming: dict[State, dict[State, float]] = {}
    for before, successors in trans_p.items():
        for after, score in successors.items():
            incoming.setdefault(after, {})[before] = score
    _INCOMING[id(trans_p)] = (trans_p, incoming)
    return incoming


def viterbi(
    obs: str,
    states: Mapping[str, Sequence[State]],
    start_p: Mapping[State, float],
    trans_p: Mapping[State, Mapping[State, float]],
    emit_p: Mapping[State, Mapping[str, float]],
) -> tuple[float, Sequence[State]]:
    """``jieba.posseg.viterbi.viterbi`` (same arguments, same result), trying only the
    states with a transition into each state; kept per ``obs`` when the tables are
    ``jieba.posseg``'s own."""
    module = sys.modules["jieba.posseg"]
    if (
        states is module.char_state_tab_P
        and start_p is module.start_P
        and trans_p is module.trans_P
        and emit_p is module.emit_P
    ):
        return _kept(obs)
    return _viterbi(obs, states, start_p, trans_p, emit_p)


@lru_cache(maxsize=KEPT_RUNS)
def _kept(obs: str) -> tuple[float, tuple[State, ...]]:
    module = sys.modules["jieba.posseg"]
    prob, route = _viterbi(
        obs, module.char_state_tab_P, module.start_P, module.trans_P, module.emit_P
    )
    return prob, tuple(route)


def _viterbi(
    obs: str,
    states: Mapping[str, Sequence[State]],
    start_p: Mapping[State, float],
    trans_p: Mapping[State, Mapping[State, float]],
    emit_p: Mapping[State, Mapping[str, float]],
) -> tuple[float, list[State]]:
    all_states = trans_p.keys()
    incoming = _incoming(trans_p)
    scores: dict[State, float] = {
        y: start_p[y] + emit_p[y].get(obs[0], MIN_FLOAT) for y in states.get(obs[0], all_states)
    }
    back: list[dict[State, Any]] = [dict.fromkeys(scores, "")]
    for char in obs[1:]:
        before = [x for x in back[-1] if trans_p[x]]
        expected: set[State] = set()
        for x in before:
            expected.update(trans_p[x])
        here = set(states.get(char, all_states)) & expected
        if not here:
            if not expected:  # jieba's own fails here (max of nothing): let it
                return jieba_viterbi()(obs, states, start_p, trans_p, emit_p)  # type: ignore[no-any-return]
            here = expected
        current: dict[State, float] = {}
        links: dict[State, State] = {}
        for y in here:
            into = incoming[y]
            emit = emit_p[y].get(char, MIN_FLOAT)
            # jieba adds trans_p[y0].get(y, -inf) for every y0 of ``before``; only those
            # with a transition are finite, and one always is (y is in ``expected``).
            current[y], links[y] = max(
                (scores[y0] + into[y0] + emit, y0) for y0 in before if y0 in into
            )
        scores = current
        back.append(links)
    prob, state = max((scores[y], y) for y in back[-1])
    route: list[State] = [("", "")] * len(obs)
    for i in range(len(obs) - 1, -1, -1):
        route[i] = state
        state = back[i][state]
    return prob, route


def jieba_viterbi() -> Any:
    """jieba's own Viterbi (``jieba.posseg.viterbi.viterbi``), which ``tagger`` replaces."""
    return sys.modules["jieba.posseg.viterbi"].viterbi
