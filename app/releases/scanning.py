"""Running the de-identifier for a release, without the database: findings of the original
texts, and the residual scan (the ``residual`` profile over the redacted output: the
``recall`` profile's sources but Baidu's LAC, at the default profile's pace).

A text the analyser fails on is reported, never skipped: the caller holds its document
back (fail closed).

``Analysers`` decides where ``deid.analyze_batch`` runs: in the calling process
(``processes=0``: tests, one-off calls), or in worker processes started for the job, one
per core, each running both profiles (their engines share the name models and jieba's
dictionary; the web app and the consumer hold no engine), so that the residual scan of a
document runs where its analysis did and reuses the name models' outputs of every sentence
redaction left unchanged.  The workers are spawned, not forked: they import ``deid``
alone, never the web app.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from itertools import groupby
from typing import Any

import deid
from app.releases.redaction import DocumentRedaction
from deid import Finding

RESIDUAL_PROFILE = "residual"
logger = logging.getLogger(__name__)


def analyze_batch(texts: Sequence[str], *, profile: str) -> list[list[Finding]]:
    """``deid.analyze_batch`` in this process; the engine (Presidio, spaCy, jieba) loads on
    the first call, not when the web app or the job consumer imports this module."""
    return deid.analyze_batch(texts, profile=profile)


def finding_row(finding: Finding) -> list[Any]:
    """A finding as stored: ``[start, end, entity_type, score]``."""
    return [finding.start, finding.end, finding.entity_type, round(finding.score, 4)]


def stored_finding(row: list[Any]) -> Finding:
    """The ``Finding`` of a stored row."""
    return Finding(int(row[0]), int(row[1]), str(row[2]), float(row[3]))


Outcome = list[Finding] | str


@dataclass(frozen=True)
class Part:
    """Texts given to one call of ``analyze_batch``, its future, and the worker process
    (``lane``) that runs it."""

    texts: list[str]
    future: Future[list[list[Finding]]]
    lane: int


Submitted = list[Part]
# Characters per call of the engine in a worker: its peak memory grows with a call's text
# (~280 MB at 8,000, ~370 MB at 128,000), its speed hardly.
PART_CHARS = 8_000
# Calls a worker process makes before it is replaced (bounds the growth of spaCy's string
# store over a long release; a new worker loads its engines in seconds).  Replaced here, lane by
# lane, not by ``ProcessPoolExecutor(max_tasks_per_child=…)``: on Python 3.11 that pool
# stops starting workers once one has exited at its limit, and the queued calls wait
# forever (CPython gh-115634, fixed only in later versions); a 100,000-document release hung
# after 27,000 documents.
TASKS_PER_WORKER = 2_000


# Touches the recognizers that load lazily (names, phone numbers, addresses).
WARM_UP_TEXT = "来信人张伟，联系电话13912345678，住合肥市蜀山区长江西路1号。"


def _error_text(error: BaseException) -> str:
    return f"{type(error).__name__}: {str(error)[:400]}"


class Analysers:
    """Where ``analyze_batch`` runs.  ``processes=0``: in this process, at once (each
    ``submit`` returns a finished future).  Otherwise in ``processes`` worker processes
    (lanes), each running every profile of ``profiles``: a call goes to the lane with the
    fewest calls waiting, and a residual scan to the lane that analysed its originals
    (``submit(…, lanes=…)``), whose engines still hold the name models' outputs of the
    sentences redaction left unchanged (``deid.tagger_memo``).  Use as a context manager:
    the workers stop at exit."""

    def __init__(
        self, processes: int, profiles: Sequence[str], tasks_per_worker: int = TASKS_PER_WORKER
    ) -> None:
        self.profiles = list(dict.fromkeys(profiles))
        self.pools: list[Executor] = [self._pool() for _ in range(max(0, processes))]
        self.started = [0 for _ in self.pools]  # calls given to each lane's current worker
        self.waiting: list[list[Future[list[list[Finding]]]]] = [[] for _ in self.pools]
        self.tasks_per_worker = tasks_per_worker

    @staticmethod
    def _pool() -> Executor:
        return ProcessPoolExecutor(
            1,
            mp_context=multiprocessing.get_context("spawn"),
            # One BLAS thread per worker: the workers already share the cores.
            initializer=os.putenv,
            initargs=("OPENBLAS_NUM_THREADS", "1"),
        )

    def __enter__(self) -> Analysers:
        return self

    def __exit__(self, *exc: object) -> None:
        for pool in self.pools:
            pool.shutdown(wait=True, cancel_futures=True)

    def warm_up(self) -> None:
        """Have every worker load its engines now, all at once: a pool starts its worker
        only as work arrives, so it would otherwise spend its seconds of loading while the
        first batches wait.  The warm-up's findings are dropped; a worker that cannot load
        fails the real batches, which report it."""
        for pool in self.pools:
            for profile in self.profiles:
                pool.submit(deid.analyze_batch, [WARM_UP_TEXT], profile=profile)

    def workers(self) -> int:
        """How many calls may run at once (0: in this process)."""
        return len(self.pools)

    def submit(self, texts: list[str], profile: str, lanes: Sequence[int] = ()) -> Submitted:
        """Start ``analyze_batch(…, profile=profile)`` over ``texts``, in parts of about
        ``PART_CHARS`` characters (the engine's working memory grows with a call's text);
        with ``lanes`` (one per text, as ``lanes_of`` gives them), each in its lane."""
        runs = groupby(zip(texts, lanes or [-1] * len(texts), strict=True), key=lambda x: x[1])
        return [
            self._start(part, profile, lane)
            for lane, run in runs
            for part in _parts([text for text, _ in run])
        ]

    @staticmethod
    def lanes_of(submitted: Submitted) -> list[int]:
        """The lane of each text of ``submitted``."""
        return [part.lane for part in submitted for _ in part.texts]

    def _start(self, texts: list[str], profile: str, lane: int = -1) -> Part:
        if not self.pools:
            future: Future[list[list[Finding]]] = Future()
            try:
                future.set_result(list(analyze_batch(texts, profile=profile)))
            except Exception as error:  # noqa: BLE001 - handed to ``outcomes``
                future.set_exception(error)
            return Part(texts, future, 0)
        lane = lane if 0 <= lane < len(self.pools) else self._free_lane()
        if self.started[lane] >= self.tasks_per_worker:
            # A fresh worker: the old one finishes the calls it was given (their futures
            # keep the results), then exits; only then does the new one start.
            self.pools[lane].shutdown(wait=True)
            self.pools[lane] = self._pool()
            self.started[lane] = 0
        self.started[lane] += 1
        # deid's own function: the worker unpickles it by name and imports deid alone.
        future = self.pools[lane].submit(deid.analyze_batch, texts, profile=profile)
        self.waiting[lane] = [f for f in self.waiting[lane] if not f.done()] + [future]
        return Part(texts, future, lane)

    def _free_lane(self) -> int:
        for waiting in self.waiting:
            waiting[:] = [f for f in waiting if not f.done()]
        return min(range(len(self.pools)), key=lambda lane: len(self.waiting[lane]))

    def outcomes(self, submitted: Submitted, profile: str) -> list[Outcome]:
        """Findings per text of a submitted batch, or the error (``type: message``) of a
        text the analyser fails on: when a part fails, each of its texts is tried alone (in
        its lane), so one bad document holds back only itself."""
        results: list[Outcome] = []
        for part in submitted:
            try:
                results += part.future.result()
                continue
            except Exception:  # noqa: BLE001 - any analyser failure is narrowed down below
                logger.warning("analysis batch failed; retrying document by document")
            for one in [self._start([text], profile, part.lane) for text in part.texts]:
                try:
                    results.append(one.future.result()[0])
                except Exception as error:  # noqa: BLE001 - recorded on the document
                    results.append(_error_text(error))
        return results


def _parts(texts: list[str]) -> Iterator[list[str]]:
    part: list[str] = []
    size = 0
    for text in texts:
        if part and size + len(text) > PART_CHARS:
            yield part
            part, size = [], 0
        part.append(text)
        size += len(text)
    if part:
        yield part


def analyse_texts(
    texts: list[str], profile: str, analysers: Analysers | None = None
) -> list[Outcome]:
    """Findings per text (``deid.analyze_batch`` with ``profile``, where ``analysers``
    runs it: this process by default), or the error of a text the analyser fails on (see
    ``Analysers.outcomes``)."""
    analysers = analysers or Analysers(0, [])
    return analysers.outcomes(analysers.submit(texts, profile), profile)


def residual_hits(
    result: DocumentRedaction,
    found: list[Finding],
    threshold: float,
    dismissed: Collection[tuple[int, int, str]] = (),
) -> list[list[Any]]:
    """What the residual scan found in one redacted document, as stored rows in the
    original text's offsets: findings scoring at least ``threshold`` that are not inside a
    replacement (a type tag or pseudonym), not an allow-listed name that was kept, and not
    a span a reviewer dismissed (``dismissed``: rejected ``(start, end, type)``)."""
    hits = []
    for finding in found:
        if finding.score < threshold or any(
            op.new_start <= finding.start and finding.end <= op.new_end
            for op in result.redaction.operations
        ):
            continue
        start = result.redaction.old_position(finding.start)
        end = result.redaction.old_position(finding.end)
        if (start, end, finding.entity_type) in dismissed or any(
            k.start <= start and end <= k.end for k in result.kept
        ):
            continue
        hits.append(finding_row(Finding(start, end, finding.entity_type, finding.score)))
    return hits


def residual_scan(
    results: list[DocumentRedaction],
    threshold: float,
    dismissed: Sequence[Collection[tuple[int, int, str]]] | None = None,
    analysers: Analysers | None = None,
) -> list[list[list[Any]] | str]:
    """The residual scan of redacted documents: per document its ``residual_hits``, or the
    error when the analyser failed on it."""
    found = analyse_texts([r.text for r in results], RESIDUAL_PROFILE, analysers)
    return residual_outcomes(results, found, threshold, dismissed)


def residual_outcomes(
    results: list[DocumentRedaction],
    found: list[Outcome],
    threshold: float,
    dismissed: Sequence[Collection[tuple[int, int, str]]] | None = None,
) -> list[list[list[Any]] | str]:
    """``residual_hits`` of each redacted document from the recall profile's ``found``."""
    dismissed = dismissed or [() for _ in results]
    return [
        f if isinstance(f, str) else residual_hits(r, f, threshold, d)
        for r, f, d in zip(results, found, dismissed, strict=True)
    ]
