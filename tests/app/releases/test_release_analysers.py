"""The analysis job's worker pools load their engines at once, before the first batch."""

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


def test_warm_up_gives_every_worker_of_every_profile_a_text() -> None:
    analysers = Analysers(3, ["default", RESIDUAL_PROFILE])
    for pool in analysers.pools.values():
        pool.shutdown()  # nothing was submitted: no process was started
    pools = {profile: RecordingPool() for profile in analysers.pools}
    analysers.pools = dict(pools)  # type: ignore[arg-type]
    analysers.warm_up()
    for profile, count in (("default", 1), (RESIDUAL_PROFILE, 2)):
        calls = pools[profile].calls
        assert len(calls) == count == analysers.workers(profile)
        assert all(a == ([WARM_UP_TEXT],) and k == {"profile": profile} for _, a, k in calls)


def test_in_process_analysers_load_nothing_ahead(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without worker processes the engine loads with the first batch, in this process."""
    called: list[Any] = []
    monkeypatch.setattr(scanning, "analyze_batch", lambda *a, **k: called.append(a) or [[]])
    analysers = Analysers(0, ["default", RESIDUAL_PROFILE])
    analysers.warm_up()
    assert analysers.pools == {} and called == []
    assert analysers.outcomes(analysers.submit(["一"], "default"), "default") == [[]]
    assert called == [(["一"],)]


def test_workers_are_replaced_after_their_calls_and_no_call_is_left_waiting() -> None:
    """A pool replaces its workers every ``tasks_per_worker`` calls.  Python 3.11's own
    ``max_tasks_per_child`` stopped starting workers after the first replacement, and the
    queued calls never ran (a 100,000-document release hung after 27,000 documents)."""
    analysers = Analysers(1, ["default"], tasks_per_worker=2)
    with analysers:
        first = analysers.pools["default"]
        submitted = [
            analysers.submit([f"联系人张伟，电话1391234567{n}。"], "default") for n in range(5)
        ]
        for batch in submitted:
            for _, future in batch:
                found = future.result(timeout=120)  # hung forever with max_tasks_per_child
                assert {f.entity_type for f in found[0]} >= {"PERSON", "CN_PHONE"}
        assert analysers.pools["default"] is not first  # replaced twice: 5 calls, 2 each
