"""The ingestion's read-ahead thread: values in order, bounded, errors and early stops."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from app.corpora.read_ahead import read_ahead
from app.storage import StorageUnavailable


def test_values_come_in_order_and_the_reader_waits_for_the_writer() -> None:
    emitted: list[int] = []

    def produce(emit: Callable[[int], None]) -> None:
        for n in range(20):
            emit(n)
            emitted.append(n)

    taken = []
    for value in read_ahead(produce, depth=2):
        # The reader is at most the queue's depth and the value in its hand ahead.
        assert len(emitted) <= value + 3
        taken.append(value)
    assert taken == list(range(20))


def test_an_error_of_the_reader_is_raised_after_the_values_before_it() -> None:
    def produce(emit: Callable[[str], None]) -> None:
        emit("first batch")
        raise StorageUnavailable("connection reset")

    taken = []
    with pytest.raises(StorageUnavailable, match="connection reset"):
        for value in read_ahead(produce):
            taken.append(value)
    assert taken == ["first batch"]


def test_a_writer_that_stops_early_stops_the_reader() -> None:
    emitted: list[int] = []

    def produce(emit: Callable[[int], None]) -> None:
        for n in range(1_000_000):
            emit(n)
            emitted.append(n)

    values = read_ahead(produce, depth=1)
    with pytest.raises(RuntimeError, match="the database failed"):
        for value in values:
            if value == 3:
                raise RuntimeError("the database failed")
    values.close()  # what the garbage collector does to the abandoned generator
    assert not [t for t in threading.enumerate() if t.name == "ingestion-read-ahead"]
    assert len(emitted) < 10


def test_a_reader_that_emits_nothing_ends_the_iteration() -> None:
    assert list(read_ahead(lambda emit: None)) == []
