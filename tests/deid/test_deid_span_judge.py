"""The span judge: candidate runs, features, storage, the shipped judge, cross-validation,
and training on the platform's own annotation."""

from __future__ import annotations

import bisect
import json
from pathlib import Path

import numpy as np
import pytest

from deid import analyze, engine
from deid.boundaries import LONGER_SHARE, best_boundaries
from deid.name_tagger import TaggerOutput, grown_runs, tagger_runs
from deid.span_features import (
    _PROB_CUTS,
    Candidate,
    Probabilities,
    batch_candidates,
    candidates,
    hashed,
    span_features,
    sureness,
)
from deid.span_judge import SpanJudge
from deid.training.corpus import read_annotations
from deid.training.name_tagger import JUDGE_BLOCK, Extra, Holdout, load_records


def _probs(inside: list[float], begins: list[bool] | None = None) -> np.ndarray:
    """O/B/I rows with the given name probability, B where ``begins`` says."""
    begins = begins or [False] * len(inside)
    rows = [
        [1 - p, p * 0.9, p * 0.1] if b else [1 - p, p * 0.1, p * 0.9]
        for p, b in zip(inside, begins, strict=True)
    ]
    return np.array(rows, dtype=np.float32)


def _output(probs: np.ndarray) -> TaggerOutput:
    """A tagger's output for one text whose two models agree."""
    return TaggerOutput(probs, probs, probs, np.zeros(1, dtype=np.int64))


def _runs(probs: np.ndarray, threshold: float, grow: float | None = None) -> list[tuple[int, int]]:
    inside, begins = probs[:, 1] + probs[:, 2], probs[:, 1] > probs[:, 2]
    firsts = np.zeros(len(probs), dtype=bool)
    firsts[0] = True
    starts, ends = tagger_runs(inside, begins, firsts, threshold)
    if grow is not None:
        starts, ends = grown_runs(starts, ends, inside, firsts, grow)
    return list(zip(starts.tolist(), ends.tolist(), strict=True))


def test_runs_split_at_a_begin_and_grow_over_doubtful_neighbours() -> None:
    probs = _probs(
        [0.0, 0.9, 0.8, 0.03, 0.0, 0.9, 0.9, 0.0],
        [False, True, False, False, False, True, False, False],
    )
    assert _runs(probs, 0.5) == [(1, 3), (5, 7)]
    # 0.03 joins the first run as it grows (≥ 0.02)
    assert _runs(probs, 0.5, grow=0.02) == [(1, 4), (5, 7)]
    glued = _probs([0.9, 0.9, 0.9, 0.9], [True, False, True, False])
    assert _runs(glued, 0.5) == [(0, 2), (2, 4)]  # two names side by side
    single = _probs([0.0, 0.9, 0.01])
    assert _runs(single, 0.5, grow=0.001) == [(1, 2)]  # a lone character does not grow


def test_a_text_has_the_same_candidates_alone_and_in_a_batch() -> None:
    rng = np.random.default_rng(5)
    texts = ["局长王小明今天说", "", "李娜", "他说记者张伟报道了这件事"]
    probs = _probs(
        rng.uniform(0, 1, sum(map(len, texts))).tolist(),
        (rng.uniform(0, 1, sum(map(len, texts))) < 0.3).tolist(),
    )
    offsets = np.cumsum([0] + [len(t) for t in texts[:-1]]).tolist()
    batch = batch_candidates(texts, probs, offsets)
    for text, offset, found in zip(texts, offsets, batch, strict=True):
        assert candidates(text, probs[offset : offset + len(text)]) == found
        assert all(0 <= c.start < c.end <= len(text) for c in found)
    assert batch[1] == [] and batch[2]  # the empty text has none; 李娜 (random) some


def test_candidates_name_their_sources() -> None:
    text = "局长王小明今天说"
    probs = _probs([0, 0, 0.6, 0.3, 0.1, 0, 0, 0], [False] * 2 + [True] + [False] * 5)
    found = {(c.start, c.end): c.sources for c in candidates(text, probs)}
    # 明 (0.1) joins as it grows; the run 王小 at 0.2 begins with a surname: completed
    assert found[(2, 5)] == {"t0.05", "g0.05", "g0.2", "s3"}
    assert found[(2, 4)] == {"t0.2", "s2"}  # the run as found at 0.2
    assert found[(2, 3)] == {"t0.5", "g0.5"}  # a lone character does not grow
    assert candidates("美国政府", _probs([0.0] * 4)) == []
    # a person the dictionary names is a candidate whatever the models say
    assert candidates("克林顿政府", _probs([0.0] * 5)) == [Candidate(0, 3, frozenset({"f"}))]


def test_a_surname_the_models_are_sure_of_is_completed_to_a_full_name() -> None:
    text = "日本水稻专家原正市"
    probs = _probs([0.0] * 6 + [0.6, 0.3, 0.01], [False] * 6 + [True, False, False])
    found = {(c.start, c.end): c.sources for c in candidates(text, probs)}
    assert "s3" in found[(6, 9)]  # 原正市, although the models doubt 市
    # never past the end of its text, nor from a character that is no surname
    assert candidates("专家许", _probs([0.0, 0.0, 0.6], [False, False, True])) == [
        Candidate(2, 3, frozenset({"t0.05", "g0.05", "t0.2", "g0.2", "t0.5", "g0.5"}))
    ]
    assert not [c for c in candidates("记者说", _probs([0.0, 0.6, 0.0])) if c.end - c.start > 1]


def test_every_candidate_has_as_many_features() -> None:
    text = "白皮书呼吁以美中首脑会晤为动力"
    probs = Probabilities.of(_output(_probs([0.4] * 3 + [0.0] * 12)), 0, len(text))
    one = span_features(text, Candidate(0, 3, frozenset({"t0.2"})), probs)
    two = span_features(text, Candidate(0, 2, frozenset({"t0.2", "t0.05", "title"})), probs)
    assert len(one) == len(two)
    assert "span:白皮书" in one and "c+1:呼" in one and "c-1:" in one
    assert hashed(one, 18) == hashed(list(one), 18)  # stable: CRC-32, not Python's hash
    assert all(0 <= row < 2**18 for row in hashed(one, 18))


def test_the_judge_keeps_what_its_weights_favour(tmp_path: Path) -> None:
    text = "局长王小明今天说"
    probs = _probs([0, 0, 0.9, 0.9, 0.9, 0, 0, 0], [False, False, True] + [False] * 5)
    weights = np.zeros(2**10, dtype=np.float32)
    judge = SpanJudge(weights, 10, 0.5)
    output = _output(probs)
    assert [(s, e) for s, e, _ in judge.kept([text], output)[0]] == [(2, 5)]  # P = 0.5
    weights[hashed(["span:王小明"], 10)] = -5.0
    assert judge.kept([text], output) == [[]]
    path = tmp_path / "judge.npz"
    judge.save(path)
    loaded = SpanJudge.load(path)
    assert loaded.bits == 10 and loaded.threshold == 0.5
    assert loaded.kept([text], output) == [[]]


def test_of_overlapping_kept_spans_the_likeliest_exact_one_is_reported() -> None:
    spans = [(2, 5, 0.9), (2, 6, 0.8), (8, 10, 0.4), (9, 12, 0.7)]
    # 王小明 beats 王小明今 and wins; 9–12 beats 8–10 it overlaps
    assert best_boundaries(spans, [0.8, 0.3, 0.2, 0.5]) == [(2, 5, 0.9), (9, 12, 0.7)]
    # equal scores: the longer span, so no character of a name is lost
    assert best_boundaries(spans[:2], [0.5, 0.5]) == [(2, 6, 0.8)]
    assert best_boundaries([], []) == []


def test_a_chosen_name_grows_by_a_character_the_boundary_model_nearly_believes() -> None:
    # 宋瑞 beats 宋瑞环 on P(exact), but not by LONGER_SHARE: the name keeps its last character
    spans = [(2, 4, 0.9), (2, 5, 0.6)]
    assert LONGER_SHARE == 0.5
    assert best_boundaries(spans, [0.6, 0.35]) == [(2, 5, 0.6)]
    assert best_boundaries(spans, [0.6, 0.25]) == [(2, 4, 0.9)]
    # two characters longer, or growing into the next chosen name: never
    assert best_boundaries([(2, 4, 0.9), (2, 6, 0.8)], [0.6, 0.59]) == [(2, 4, 0.9)]
    names = [(0, 2, 0.9), (0, 3, 0.9), (3, 5, 0.9), (2, 5, 0.5)]
    assert best_boundaries(names, [0.8, 0.7, 0.8, 0.1]) == [(0, 3, 0.9), (3, 5, 0.9)]
    assert best_boundaries(names[:3] + [(2, 5, 0.9)], [0.8, 0.7, 0.3, 0.9]) == [
        (0, 2, 0.9),
        (2, 5, 0.9),
    ]


def test_the_boundary_model_picks_a_span_and_the_recall_judge_keeps_all(
    tmp_path: Path,
) -> None:
    text = "局长王小明今天说"
    probs = _probs([0, 0, 0.9, 0.9, 0.9, 0.1, 0, 0], [False, False, True] + [False] * 5)
    output = _output(probs)
    weights = np.zeros(2**10, dtype=np.float32)
    boundary = np.zeros(2**10, dtype=np.float32)
    boundary[hashed(["span:王小明"], 10)] = 3.0
    boundary[hashed(["span:王小明今"], 10)] = -1.0  # too doubtful to grow into (LONGER_SHARE)
    judge = SpanJudge(weights, 10, 0.5, boundary, recall_threshold=0.3)
    assert [(s, e) for s, e, _ in judge.kept([text], output)[0]] == [(2, 5)]
    boundary[hashed(["span:王小明今"], 10)] = 6.0
    assert [(s, e) for s, e, _ in judge.kept([text], output)[0]] == [(2, 6)]
    wide = judge.for_recall()
    assert wide.threshold == 0.3 and wide.boundary is None
    assert [(s, e) for s, e, _ in wide.kept([text], output)[0]] == [(2, 5), (2, 6)]
    path = tmp_path / "judge.npz"
    judge.save(path)
    loaded = SpanJudge.load(path)
    assert loaded.recall_threshold == 0.3 and loaded.boundary is not None
    assert loaded.kept([text], output) == judge.kept([text], output)


def test_the_shipped_engine_judges_the_taggers_spans() -> None:
    nlp = engine.get_engine().nlp_engine
    assert isinstance(nlp.judge, SpanJudge)
    text = "这次会议由副省长刘晓东主持,王晓红和赵建军出席。白皮书呼吁加强对话。"
    names = {text[f.start : f.end] for f in analyze(text) if f.entity_type == "PERSON"}
    assert names >= {"刘晓东", "王晓红", "赵建军"}
    assert not any("白皮" in name for name in names)


def test_cross_validation_blocks_cover_every_sentence_once() -> None:
    total = 23
    held = [[n for n in range(total) if Holdout(part=k, parts=5).holds(n, total)] for k in range(5)]
    assert sorted(n for block in held for n in block) == list(range(total))
    assert all(block == list(range(block[0], block[-1] + 1)) for block in held)  # contiguous
    assert Holdout(part=1).tuning_set("msra_train") == "msra_train_held"
    assert Holdout(part=1).tuning_set("weibo_train") is None  # trained on, unless …
    assert Holdout(part=1, every_file=True).tuning_set("weibo_train") == "weibo_train_held"
    # the shipped character models never see the last fifth of a file: the judge block
    assert [n for n in range(total) if JUDGE_BLOCK.holds(n, total)] == list(range(18, 23))


def test_missing_judge_fails_closed(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="span_judge"):
        engine.build_analyzer(judge_path=tmp_path / "span_judge.npz")


def test_the_platforms_own_annotation_trains_beside_the_research_sets(tmp_path: Path) -> None:
    export = tmp_path / "project-7.jsonl"
    lines = [
        {
            "item_id": 1,
            "text": "经办人王小明签字。",
            "final": {"spans": [[3, 6, "人名"]]},
            "answers": [],
        },
        {"item_id": 2, "text": "尚无结论的条目。", "final": None, "answers": []},
        {"text": "联系人李娜。", "spans": [[3, 5, "人名"], [0, 2, "其他"]]},
    ]
    export.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8"
    )
    records = list(read_annotations(export, frozenset({"人名"})))
    assert [(r.text, r.spans) for r in records] == [
        ("经办人王小明签字。", ((3, 6, "PER"),)),
        ("联系人李娜。", ((3, 5, "PER"), (0, 2, "其他"))),
    ]
    assert {r.source for r in records} == {"wanbiao:project-7"}
    extra = Extra((export,), frozenset({"人名"}))
    training, _ = load_records(extra=extra)
    assert sum(r.source == "wanbiao:project-7" for r in training) == 2
    _, tuning = load_records(Holdout(part=0, parts=2, every_file=True), extra)
    assert [r.text for r in tuning["project-7_held"]] == ["经办人王小明签字。"]
    export.write_text(
        json.dumps({"text": "李娜", "final": {"spans": [[0, 9, "人名"]]}}) + "\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match="project-7.jsonl:1: span outside the text"):
        list(read_annotations(export))


def test_the_thresholds_are_chosen_on_counts_not_on_rounded_figures() -> None:
    from deid.training import span_judge as training

    def point(correct: int, predicted: int, covered: int, names: int) -> dict[str, float | int]:
        return {
            "p": round(correct / predicted, 4),
            "r": round(covered / names, 4),
            "correct": correct,
            "predicted": predicted,
            "covered": covered,
            "names": names,
        }

    # 3,449 of 3,749 is 0.91998: shown as 0.92, short of it
    curve = {
        str(t): {training.NEWS_SET: point(3449, 3749, 3240, 3518)} for t in training.THRESHOLDS
    }
    curve["0.35"] = {training.NEWS_SET: point(3450, 3750, 3222, 3518)}  # 0.92 exactly
    assert curve["0.3"][training.NEWS_SET]["p"] == 0.92
    assert training.default_threshold(curve) == 0.35
    # 98,996 of 100,000 is shown as 0.99 and is short of it; 99,000 reaches it (fewer names
    # covered at each higher threshold)
    recall = {
        str(t): {training.NEWS_SET: point(1, 2, 98997 - round(t * 100), 100000)}
        for t in training.RECALL_THRESHOLDS
    }
    assert recall["0.01"][training.NEWS_SET]["r"] == 0.99
    assert training.recall_threshold(recall) == min(training.RECALL_THRESHOLDS)
    # short of the target, a higher threshold covering as many names as the lowest is
    # taken: fewer false alarms for the same names
    recall["0.03"] = {training.NEWS_SET: point(1, 3, 98996, 100000)}
    assert training.recall_threshold(recall) == 0.03
    recall["0.06"] = {training.NEWS_SET: point(1, 2, 99000, 100000)}
    assert training.recall_threshold(recall) == 0.06


def test_sureness_buckets_the_sums_python_makes() -> None:
    rng = np.random.default_rng(5)
    columns = tuple(rng.random(40).astype(np.float32) for _ in range(4))
    starts = np.array([0, 3, 3, 10, 30, 39])
    ends = np.array([2, 4, 12, 11, 39, 40])
    firsts, lasts = np.array([0, 0, 0, 10, 20, 20]), np.array([10, 10, 20, 20, 40, 40])
    lists = [c.tolist() for c in columns]
    for (start, end, first, last), sure in zip(
        zip(starts, ends, firsts, lasts, strict=True),
        sureness(columns, starts, ends, firsts, lasts),
        strict=True,
    ):
        inside = lists[0][start:end]
        assert sure.mean == bisect.bisect_right(_PROB_CUTS, sum(inside) / len(inside))
        assert (sure.least, sure.most) == tuple(
            bisect.bisect_right(_PROB_CUTS, v) for v in (min(inside), max(inside))
        )
        assert sure.linear == bisect.bisect_right(
            _PROB_CUTS, sum(lists[2][start:end]) / len(inside)
        )
        assert sure.network == bisect.bisect_right(
            _PROB_CUTS, sum(lists[3][start:end]) / len(inside)
        )
        assert sure.begins == bisect.bisect_right(_PROB_CUTS, lists[1][start])
        assert (sure.before == "edge") == (start == first)
        assert (sure.after == "edge") == (end == last)
