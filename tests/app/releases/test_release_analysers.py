"""The analysis job's workers load their engines at once, before the first batch; a residual
scan runs in the worker that analysed its originals."""

from __future__ import annotations

from concurrent.futures import Future
from typing import Any

import pytest

from app.releases import scanning
from app.releases.scanning import RESIDUAL_PROFILE, WARM_UP_TEXT, Analysers


class RecordingPool:
    """Stands for a process pool: records what is submitted, runs nothing."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, tuple[Any, ...], dict[str, Any]]] = []

    def submit(self, fn: Any, *args: Any, **kwargs: Any) -> Future[Any]:
        self.calls.append((fn, args, kwargs))
        return Future()

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass


def test_warm_up_gives_every_worker_a_text_of_every_profile() -> None:
    analysers = Analysers(2, ["default", RESIDUAL_PROFILE])
    for pool in analysers.pools:
        pool.shutdown()  # nothing was submitted: no process was started
    pools = [RecordingPool(), RecordingPool()]
    analysers.pools = list(pools)  # type: ignore[arg-type]
    analysers.warm_up()
    assert analysers.workers() == 2
    for pool in pools:
        assert [(a, k) for _, a, k in pool.calls] == [
            (([WARM_UP_TEXT],), {"profile": "default"}),
            (([WARM_UP_TEXT],), {"profile": RESIDUAL_PROFILE}),
        ]


def test_a_residual_scan_goes_to_the_worker_that_analysed_its_originals() -> None:
    analysers = Analysers(2, ["default", RESIDUAL_PROFILE])
    for pool in analysers.pools:
        pool.shutdown()
    pools = [RecordingPool(), RecordingPool()]
    analysers.pools = list(pools)  # type: ignore[arg-type]
    texts = [f"第{n}号。" + "各县区要按照工作要求办理。" * 60 for n in range(12)]
    analysed = analysers.submit(texts, "default")
    lanes = analysers.lanes_of(analysed)
    assert set(lanes) == {0, 1}  # the parts were shared out
    scanned = analysers.submit([t.replace("第", "第 ") for t in texts], RESIDUAL_PROFILE, lanes)
    assert analysers.lanes_of(scanned) == lanes
    for number, pool in enumerate(pools):
        recalled = [a[0] for _, a, k in pool.calls if k == {"profile": RESIDUAL_PROFILE}]
        mine = [t for t, lane in zip(texts, lanes, strict=True) if lane == number]
        assert [t.replace("第 ", "第") for part in recalled for t in part] == mine


def test_in_process_analysers_load_nothing_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without worker processes the engine loads with the first batch, in this process."""
    called: list[Any] = []
    monkeypatch.setattr(scanning, "analyze_batch", lambda *a, **k: called.append(a) or [[]])
    analysers = Analysers(0, ["default", RESIDUAL_PROFILE])
    analysers.warm_up()
    assert analysers.pools == [] and called == []
    assert analysers.outcomes(analysers.submit(["一"], "default"), "default") == [[]]
    assert called == [(["一"],)]


def test_workers_are_replaced_after_their_calls_and_no_call_is_left_waiting() -> None:
    """A lane replaces its worker every ``tasks_per_worker`` calls.  Python 3.11's own
    ``max_tasks_per_child`` stopped starting workers after the first replacement, and the
    queued calls never ran (a 100,000-document release hung after 27,000 documents)."""
    analysers = Analysers(1, ["default"], tasks_per_worker=2)
    with analysers:
        first = analysers.pools[0]
        submitted = [
            analysers.submit([f"联系人张伟，电话1391234567{n}。"], "default") for n in range(5)
        ]
        for batch in submitted:
            for part in batch:
                found = part.future.result(timeout=120)  # hung forever with max_tasks_per_child
                assert {f.entity_type for f in found[0]} >= {"PERSON", "CN_PHONE"}
        assert analysers.pools[0] is not first  # replaced twice: 5 calls, 2 each
