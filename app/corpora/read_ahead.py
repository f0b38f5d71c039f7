"""Read ahead: parse the next batch of a corpus in a thread while the previous one is written.

The ingestion of a large text corpus alternates between Python work (reading the stream,
parsing, hashing, building rows) and the database's work (SQLite's inserts and fsync, or
PostgreSQL's ``COPY`` answered by the server). Both release the GIL while the database works,
so a reader thread that prepares batch n + 1 while batch n is inserted makes the pass take
about the longer of the two rather than their sum, with at most ``depth`` batches waiting.

The reader thread never touches the database session or an ORM object: it gets plain values
and hands back plain values; everything that writes stays on the caller's thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Generator
from queue import Empty, Full, Queue
from typing import Generic, TypeVar

T = TypeVar("T")
_POLL_S = 0.1


class _Stopped(Exception):
    """The consumer stopped early: the reader thread ends without emitting more."""


class _End:
    """The reader's last message: it finished, or failed with ``error``."""

    def __init__(self, error: BaseException | None) -> None:
        self.error = error


class _Reader(Generic[T]):
    def __init__(self, produce: Callable[[Callable[[T], None]], None], depth: int) -> None:
        self.produce = produce
        self.queue: Queue[T | _End] = Queue(maxsize=depth)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, name="ingestion-read-ahead", daemon=True)

    def put(self, value: T | _End) -> None:
        while not self.stop.is_set():
            try:
                self.queue.put(value, timeout=_POLL_S)
                return
            except Full:
                continue
        raise _Stopped

    def run(self) -> None:
        error: BaseException | None = None
        try:
            self.produce(self.put)
        except _Stopped:
            return
        except BaseException as exc:  # noqa: BLE001 - handed over to the caller's thread
            error = exc
        try:
            self.put(_End(error))
        except _Stopped:
            pass

    def take(self) -> T | _End:
        while True:
            try:
                return self.queue.get(timeout=_POLL_S)
            except Empty:
                if not self.thread.is_alive() and self.queue.empty():
                    raise RuntimeError("the read-ahead thread ended without a result") from None


def read_ahead(
    produce: Callable[[Callable[[T], None]], None], depth: int = 2
) -> Generator[T, None, None]:
    """Run ``produce(emit)`` in a thread of its own and yield each value it emits, in order.

    At most ``depth`` values wait in the queue (the reader blocks until the caller takes
    one), so memory stays bounded. An exception raised by ``produce`` is raised again here,
    after the values emitted before it; when this generator returns, the thread has ended.
    When the caller stops iterating early (an error while writing, ``close()``), the reader
    stops at its next ``emit`` and the thread is joined.
    """
    reader = _Reader(produce, depth)
    reader.thread.start()
    try:
        while True:
            value = reader.take()
            if isinstance(value, _End):
                if value.error is not None:
                    raise value.error
                return
            yield value
    finally:
        reader.stop.set()
        reader.thread.join()
