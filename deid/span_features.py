"""The span judge's candidates (``batch_candidates``) and the features it reads of each
(``span_features``; the judge is ``deid.span_judge``).

Candidates are the tagger's runs at several thresholds (``CANDIDATE_THRESHOLDS``; a low
one proposes names the tagger doubts, a high one cuts a run that swallowed a neighbour),
each as found and as grown over doubtful neighbours, and a short run that begins with a
surname completed to two and three characters (原正|市: a given name the models doubt),
and every person a dictionary names (``deid.famous``: 包公, whom the models read as a word).
The rules (masked names 张某某, dotted foreign names, bylines, a name after a title or
kinship word …) do not pass through the judge: they are rarely wrong and rare in the
training data, so a judge would know too little about them (it dropped 老伴石粉兰,
although names after a title word are names three times out of four in train/).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from deid.dictionary import jieba_tables
from deid.famous import famous_people, famous_spans
from deid.lexicon import SURNAME_TABLE, Floats, jieba_lexicon
from deid.name_tagger import TaggerOutput, grown_runs, tagger_runs
from deid.recognizers.person_words import place_like
from deid.surnames import trained_surname_length
from deid.transliteration import TRANSLITERATION_CHARS

CANDIDATE_THRESHOLDS = (0.05, 0.2, 0.5)
# A run of one or two characters from this threshold on that begins with a surname is also
# proposed completed to two and three characters (原正|市, 许|有才: a given name the
# models doubt after a surname they are sure of); ``None``: not.
COMPLETED_FROM: float | None = 0.2
_PROB_CUTS = (0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9)
_TRANSLIT = frozenset(TRANSLITERATION_CHARS)


@dataclass(frozen=True)
class Candidate:
    """A span proposed as a name and the sources that proposed it (``t0.05``: the tagger's
    run at threshold 0.05; ``g0.05``: that run grown over doubtful neighbours)."""

    start: int
    end: int
    sources: frozenset[str]


def batch_candidates(
    texts: Sequence[str], probs: Floats, offsets: Sequence[int]
) -> list[list[Candidate]]:
    """The candidate spans of each of ``texts``, whose tagger O/B/I probabilities are the
    rows of ``probs`` from ``offsets[i]`` on (``NameTagger.probabilities``), in order of
    position; every name of ``deid.famous`` in a text is one too (source ``f``)."""
    inside = probs[:, 1] + probs[:, 2]
    begins = probs[:, 1] > probs[:, 2]
    firsts = np.zeros(len(inside), dtype=bool)
    firsts[np.asarray(offsets, dtype=np.intp)[[len(t) > 0 for t in texts]]] = True
    found: list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], str]] = []
    for threshold in CANDIDATE_THRESHOLDS:
        # the run as found and as grown (阴衍江 and 阴衍江有: growing may overshoot)
        starts, ends = tagger_runs(inside, begins, firsts, threshold)
        found.append((starts, ends, f"t{threshold}"))
        found.append((*grown_runs(starts, ends, inside, firsts), f"g{threshold}"))
        if threshold == COMPLETED_FROM:
            found += _completed(texts, offsets, starts, ends)
    per_text: list[dict[tuple[int, int], set[str]]] = [{} for _ in texts]
    bounds = np.asarray(offsets, dtype=np.intp)
    for starts, ends, source in found:
        owners = np.searchsorted(bounds, starts, side="right") - 1
        for owner, start, end in zip(owners.tolist(), starts.tolist(), ends.tolist(), strict=True):
            first = offsets[owner]
            per_text[owner].setdefault((start - first, end - first), set()).add(source)
    # people a dictionary names, whatever the models make of them (包公戏)
    for spans, famous in zip(per_text, famous_spans(texts), strict=True):
        for span in famous:
            spans.setdefault(span, set()).add("f")
    return [
        [Candidate(s, e, frozenset(f)) for (s, e), f in sorted(sources.items())]
        for sources in per_text
    ]


def _completed(
    texts: Sequence[str],
    offsets: Sequence[int],
    starts: npt.NDArray[np.intp],
    ends: npt.NDArray[np.intp],
) -> list[tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], str]]:
    """The runs ``starts``–``ends`` of one or two characters that begin with a surname,
    completed to two and to three characters within their text (sources ``s2``, ``s3``)."""
    joined = "".join(texts)
    first_chars = np.fromiter((ord(joined[i]) for i in starts.tolist()), np.int64, len(starts))
    short = starts[(ends - starts < 3) & (SURNAME_TABLE[first_chars] > 0)]
    bounds = np.asarray(offsets, dtype=np.intp)
    lengths = np.fromiter((len(t) for t in texts), np.intp, len(texts))
    text_ends = (bounds + lengths)[np.searchsorted(bounds, short, side="right") - 1]
    return [
        (short[short + size <= text_ends], (short + size)[short + size <= text_ends], f"s{size}")
        for size in (2, 3)
    ]


def candidates(text: str, probs: Floats) -> list[Candidate]:
    """``batch_candidates`` of one text."""
    return batch_candidates([text], probs, [0])[0]


def _frequency(count: int) -> int:
    return 0 if count <= 0 else 1 if count < 10 else 2 if count < 100 else 3 if count < 1000 else 4


def _word(
    text: str, start: int, end: int, tables: tuple[dict[str, int], dict[str, str]] | None = None
) -> str:
    """``freq-bucket:tag`` of ``text[start:end]`` in jieba's dictionary (``-`` off the text);
    ``tables``: ``jieba_tables()`` if the caller has them."""
    if start < 0 or end > len(text):
        return "-"
    freq, tags = tables or jieba_tables()
    word = text[start:end]
    count = freq.get(word, 0)
    return f"{_frequency(count)}:{tags.get(word, '?') if count else ''}"


@dataclass(frozen=True)
class Probabilities:
    """The tagger's probabilities over one text as Python lists, for ``span_features`` of
    one candidate at a time: of being in a name, of beginning one, and of being in a name by
    each model alone (where the two disagree, a span is doubtful).  ``SpanJudge.judged``
    reads a whole batch's arrays instead (``sureness``)."""

    inside: list[float]
    begins: list[float]
    linear: list[float]
    network: list[float]

    @classmethod
    def of(cls, output: TaggerOutput, first: int, length: int) -> Probabilities:
        """The rows ``first`` to ``first + length`` of a tagger's output."""
        end = first + length
        network = output.network[first:end] if output.network is not None else None
        return cls._of(output.mixed[first:end], output.linear[first:end], network)

    @classmethod
    def of_batch(cls, output: TaggerOutput) -> Probabilities:
        """All rows of a tagger's output (``rows`` cuts out one text's)."""
        return cls._of(output.mixed, output.linear, output.network)

    @classmethod
    def _of(cls, mixed: Floats, linear: Floats, network: Floats | None) -> Probabilities:
        inside, begins, alone, network_alone = probability_columns(mixed, linear, network)
        return cls(inside.tolist(), begins.tolist(), alone.tolist(), network_alone.tolist())

    def rows(self, first: int, length: int) -> Probabilities:
        """The rows ``first`` to ``first + length``."""
        end = first + length
        return Probabilities(
            self.inside[first:end],
            self.begins[first:end],
            self.linear[first:end],
            self.network[first:end],
        )


class Sureness(NamedTuple):
    """How sure the models were of a candidate, as the judge reads it: the ``_PROB_CUTS``
    bucket of the mean, least and greatest name probability of its characters, of its first
    character's probability of beginning a name, of the characters just before and after it
    (``"edge"`` at its text's ends), and of each model's own mean."""

    mean: int
    least: int
    most: int
    begins: int
    before: int | str
    after: int | str
    linear: int
    network: int


def sureness(
    columns: tuple[Floats, Floats, Floats, Floats],
    starts: npt.NDArray[np.intp],
    ends: npt.NDArray[np.intp],
    firsts: npt.NDArray[np.intp],
    lasts: npt.NDArray[np.intp],
) -> list[Sureness]:
    """The ``Sureness`` of the candidates ``starts[i]``–``ends[i]`` (non-empty; their text
    runs from ``firsts[i]`` to ``lasts[i]``) over the probabilities ``columns`` (in a name,
    beginning one, in one by the linear model, by the network), all candidates at once.

    The means are the sums a Python ``sum`` makes (in double precision, character after
    character) over the length, and a bucket is ``bisect_right``'s index among the cuts:
    the very numbers the judge was trained on, without a list of Python floats per
    character and a few calls per candidate."""
    inside, begins = (np.asarray(c, dtype=np.float64) for c in columns[:2])
    # in a name by both models and by each alone, side by side: one gather a character
    summed = np.stack([inside, *(np.asarray(c, dtype=np.float64) for c in columns[2:])], axis=1)
    last = len(inside) - 1
    # longest first: the candidates still reading a character at an offset are a prefix
    order = np.argsort(starts - ends, kind="stable")
    reading = (ends - starts)[order]
    heads = starts[order]
    totals = summed[heads]  # a Python sum: 0.0 + the first, then each next in turn
    least, most = totals[:, 0].copy(), totals[:, 0].copy()
    for offset in range(1, int(reading.max(initial=1))):
        count = int(np.count_nonzero(reading > offset))
        block = summed[heads[:count] + offset]
        totals[:count] += block
        np.minimum(least[:count], block[:, 0], out=least[:count])
        np.maximum(most[:count], block[:, 0], out=most[:count])
    for values in (totals, least, most):
        values[order] = values.copy()  # back to the candidates' order
    cuts = np.array(_PROB_CUTS)

    def bucket(values: npt.NDArray[np.float64]) -> list[int]:
        buckets: list[int] = np.searchsorted(cuts, values, side="right").tolist()
        return buckets

    means = [bucket(totals[:, column] / (ends - starts)) for column in range(3)]
    before = zip(bucket(inside[np.maximum(starts - 1, 0)]), (starts > firsts).tolist(), strict=True)
    after = zip(bucket(inside[np.minimum(ends, last)]), (ends < lasts).tolist(), strict=True)
    return [
        Sureness(*fields)
        for fields in zip(
            means[0],
            bucket(least),
            bucket(most),
            bucket(begins[starts]),
            [b if inner else "edge" for b, inner in before],
            [a if inner else "edge" for a, inner in after],
            means[1],
            means[2],
            strict=True,
        )
    ]


def probability_columns(
    mixed: Floats, linear: Floats, network: Floats | None
) -> tuple[Floats, Floats, Floats, Floats]:
    """The probabilities of ``Probabilities`` from a tagger's O/B/I rows, as arrays."""
    network = network if network is not None else linear
    return (
        mixed[:, 1] + mixed[:, 2],
        mixed[:, 1],
        linear[:, 1] + linear[:, 2],
        network[:, 1] + network[:, 2],
    )


def span_features(text: str, candidate: Candidate, probs: Probabilities) -> list[str]:
    """The judge's features of one candidate, as strings (hashed by ``SpanJudge``)."""
    start, end = candidate.start, candidate.end
    low, high = max(0, start - 1), min(len(text), end + 1)  # the candidate and its neighbours
    columns = (
        np.array(probs.inside[low:high]),
        np.array(probs.begins[low:high]),
        np.array(probs.linear[low:high]),
        np.array(probs.network[low:high]),
    )
    [sure] = sureness(
        columns,
        np.array([start - low]),
        np.array([end - low]),
        np.array([0 - low]),
        np.array([len(text) - low]),
    )
    return features_with(text, candidate, sure)


def features_with(text: str, candidate: Candidate, sure: Sureness) -> list[str]:
    """``span_features`` of a candidate whose ``Sureness`` is known."""
    start, end = candidate.start, candidate.end
    span = text[start:end]
    length = min(end - start, 6)
    mean = sure.mean
    surname = trained_surname_length(text, start)
    given = jieba_lexicon().given
    levels = "".join(str(given[ord(c)]) for c in span[surname : surname + 2]) if surname else ""
    translit = sum(c in _TRANSLIT for c in span)
    kinds = "".join(
        sorted(
            {
                "h"
                if "\u4e00" <= c <= "\u9fa5"
                else "a"
                if c.isascii() and c.isalpha()
                else "d"
                if c.isdigit()
                else "o"
                for c in span
            }
        )
    )
    tables = jieba_tables()
    word, word_after = _word(text, start, end, tables), _word(text, start, end + 1, tables)
    features = [
        "bias",
        f"len:{length}",
        f"sources:{'+'.join(sorted(candidate.sources))}",
        # how sure the models were
        f"mean:{mean}",
        f"mean:{mean}|len:{length}",
        f"models:{sure.linear}|{sure.network}",
        f"min:{sure.least}",
        f"max:{sure.most}",
        f"b:{sure.begins}",
        f"before:{sure.before}",
        f"after:{sure.after}",
        # what the span looks like
        f"sur:{surname}|len:{length}",
        f"mean:{mean}|sur:{surname}",
        f"given:{levels}|len:{length}",
        f"translit:{translit == len(span)}|{translit > 0}",
        f"mean:{mean}|translit:{translit == len(span)}",
        f"kinds:{kinds}",
        f"first:{span[0]}",
        f"last:{span[-1]}",
        f"span:{span}",
        # the dictionary words it is, or makes with its neighbours
        f"w:{word}",
        f"w:{word}|mean:{mean}",
        f"w-1:{_word(text, start - 1, end, tables)}",
        f"w+1:{word_after}",
        f"mean:{mean}|w+1:{word_after}",
        f"w-2:{_word(text, start - 2, end, tables)}",
        f"w+2:{_word(text, start, end + 2, tables)}",
        # its surroundings
        f"c-1:{text[start - 1 : start]}",
        f"c+1:{text[end : end + 1]}",
        f"c-2:{text[max(0, start - 2) : start]}",
        f"c+2:{text[end : end + 2]}",
        f"place:{place_like(text, start, end)}",
        f"repeats:{min(text.count(span), 3)}",
    ]
    famous = famous_people().get(span)
    # a person a dictionary names (鲁迅), what follows it (鲁迅文学奖 is no person) and how
    # common a word it is (孙子 is more often a grandson than Sunzi); every
    # span has as many features (``SpanJudge`` stacks them), ``famous:-`` where it names none
    features += (
        [
            f"famous:{famous}",
            f"famous:{famous}|mean:{mean}",
            f"famous:{famous}|w+1:{word_after}",
            f"famous:{famous}|w:{word}",
        ]
        if famous
        else ["famous:-"] * 4
    )
    return features


def hashed(features: Iterable[str], bits: int) -> list[int]:
    """Row of each feature string in a table of ``2 ** bits`` rows (CRC-32, stable across
    processes, unlike Python's ``hash``)."""
    mask = (1 << bits) - 1
    return [zlib.crc32(feature.encode("utf-8")) & mask for feature in features]
