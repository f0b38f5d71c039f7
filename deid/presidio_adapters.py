"""Presidio's parts adapted for speed without changing their output: artifacts that segment
only when a recognizer asks for words, a registry that chooses its recognizers once, and an
analyzer that enhances with context only the results of recognizers that have context words.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import jieba
from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.attrs import IDX, LENGTH
from spacy.language import Language

from deid import segmenting
from deid.lac import LacWords
from deid.lexicon import Floats


class LazyPipelines(Mapping[str, Language]):
    """spaCy pipelines by language, each built on first use (thread-safe): building the
    English one costs a cold process a fifth of a second, and most never use it."""

    def __init__(self, factories: Mapping[str, Callable[[], Language]]) -> None:
        self._factories = dict(factories)
        self._built: dict[str, Language] = {}
        self._lock = threading.Lock()

    def __getitem__(self, language: str) -> Language:
        if language not in self._built:
            factory = self._factories[language]  # KeyError for an unknown language
            with self._lock:
                if language not in self._built:
                    self._built[language] = factory()
        return self._built[language]

    def __iter__(self) -> Iterator[str]:
        return iter(self._factories)

    def __len__(self) -> int:
        return len(self._factories)


class Word:
    """A token as Presidio's context enhancer and the token-tag recognizers read it: its
    ``text``, its start ``idx`` and its length (a spaCy ``Token`` answers the same; a
    ``Doc`` built per text also grew spaCy's string store with every new word)."""

    __slots__ = ("idx", "text")

    def __init__(self, text: str, idx: int) -> None:
        self.text = text
        self.idx = idx

    def __len__(self) -> int:
        return len(self.text)


class LazyTokenArtifacts(NlpArtifacts):
    """``NlpArtifacts`` whose jieba tokens, lemmas and context keywords are computed on first
        use (with ``tokenizer[language]``), with the name tagger's spans in ``name_spans`` and,
        when a span judge chose them, each character's name probability in ``name_chances``, and
    in the ``recall`` profile LAC's words of the text in ``lac_words`` (``deid.lac``).

        Only recognizers that need words ask for them (a pattern match with context words, the
        opt-in ``ORG``/``LOC``), and most sentences have no such match: segmenting every
        sentence with jieba used to cost more than everything else together.
    """

    def __init__(
        self,
        *,
        text: str,
        tokenizer: Mapping[str, Language],
        name_spans: list[tuple[int, int, float]],
        nlp_engine: Any,
        language: str,
        judged: bool = False,
        name_chances: Floats | None = None,
        lac_words: LacWords | None = None,
    ) -> None:
        self._text = text
        self._tokenizer = tokenizer
        self._language = language
        self._words: list[Word] | None = None
        self._lemmas: list[str] = []
        self._indices: list[int] = []
        self._spaces: list[bool] | None = None
        self._keywords: list[str] | None = None
        self.name_spans = name_spans
        self.name_spans_judged = judged
        self.name_chances = name_chances
        self.lac_words = lac_words
        super().__init__(
            entities=[],
            tokens=None,  # type: ignore[arg-type]
            tokens_indices=[],
            lemmas=[],
            nlp_engine=nlp_engine,
            language=language,
            scores=[],
        )

    @staticmethod
    def set_keywords(nlp_engine: Any, lemmas: list[str], language: str) -> list[str]:
        """Deferred: see ``keywords``."""
        return []

    def _segment(self) -> None:
        """Token texts and starts.  Where the tokenizer is spaCy's jieba segmenter, they are
        its words laid on the text as spaCy lays them (``get_words_and_spaces``, in linear
        time: ``deid.segmenting.words_and_spaces``), without
        building a ``Doc``: the person rules need words, not spaCy's token objects."""
        if self._lemmas or not self._text:
            return
        pipeline = self._tokenizer[self._language]
        segmenter = getattr(pipeline.tokenizer, "jieba_seg", None)
        if segmenter is None or getattr(pipeline.tokenizer, "segmenter", None) != "jieba":
            doc = pipeline.make_doc(self._text)
            # Offsets through one array call: a Token object per token costs more.
            offsets = doc.to_array([IDX, LENGTH]).tolist() if len(doc) else []
            self._lemmas = [self._text[start : start + length] for start, length in offsets]
            self._indices = [start for start, _ in offsets]
            return
        if segmenter is jieba:  # spaCy's segmenter is the jieba module: its words, kept
            words = [word for word in segmenting.cut(self._text) if word]
        else:
            words = [word for word in segmenter.cut(self._text, cut_all=False) if word]
        self._lemmas, self._spaces = segmenting.words_and_spaces(words, self._text)
        position = 0
        for word, space in zip(self._lemmas, self._spaces, strict=True):
            self._indices.append(position)
            position += len(word) + space

    @property  # type: ignore[override]  # Presidio reads them as a Doc's: text, idx, len
    def tokens(self) -> list[Word]:
        """The tokens (jieba's words for Chinese), as ``Word``s: no spaCy ``Doc``."""
        if self._words is None:
            self._segment()
            self._words = [Word(w, i) for w, i in zip(self._lemmas, self._indices, strict=True)]
        return self._words

    @tokens.setter
    def tokens(self, value: Any) -> None:
        """Ignored: computed from the text."""

    @property
    def lemmas(self) -> list[str]:
        """Token texts (Chinese has no inflection: lemma = text, so context words match)."""
        self._segment()
        return self._lemmas

    @lemmas.setter
    def lemmas(self, value: list[str]) -> None:
        """Ignored: computed from the tokens."""

    @property
    def tokens_indices(self) -> list[int]:
        """Start offset of every token."""
        self._segment()
        return self._indices

    @tokens_indices.setter
    def tokens_indices(self, value: list[int]) -> None:
        """Ignored: computed from the tokens."""

    @property
    def keywords(self) -> list[str]:
        """Lower-cased token texts that are neither stop words nor punctuation."""
        if self._keywords is None:
            engine = self.nlp_engine
            self._keywords = [
                lemma.lower()
                for lemma in self.lemmas
                if not engine.is_stopword(lemma, self._language)
                and not engine.is_punct(lemma, self._language)
            ]
        return self._keywords

    @keywords.setter
    def keywords(self, value: list[str]) -> None:
        self._keywords = value or None


class FixedRecognizerRegistry(RecognizerRegistry):
    """A registry whose recognizers do not change after the engine is built, so the
    recognizers of a language and set of entities are looked up once, not per sentence
    (Presidio filters the whole list on every call)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._chosen: dict[tuple[str, tuple[str, ...] | None, bool], list[EntityRecognizer]] = {}

    def get_recognizers(
        self,
        language: str,
        entities: list[str] | None = None,
        all_fields: bool = False,
        ad_hoc_recognizers: list[EntityRecognizer] | None = None,
    ) -> list[EntityRecognizer]:
        """Presidio's choice, remembered per (language, entities, all_fields)."""
        if ad_hoc_recognizers:
            return super().get_recognizers(language, entities, all_fields, ad_hoc_recognizers)
        key = (language, tuple(entities) if entities is not None else None, all_fields)
        if key not in self._chosen:
            self._chosen[key] = super().get_recognizers(language, entities, all_fields)
        return list(self._chosen[key])

    def add_recognizer(self, recognizer: EntityRecognizer) -> None:
        """Presidio's, and forget the remembered choices."""
        self._chosen.clear()
        super().add_recognizer(recognizer)

    def remove_recognizer(self, recognizer_name: str, language: str | None = None) -> None:
        """Presidio's, and forget the remembered choices."""
        self._chosen.clear()
        super().remove_recognizer(recognizer_name, language)


_ASCII_ALNUM = re.compile("[0-9A-Za-z]")


class SkipUncontextualAnalyzer(AnalyzerEngine):
    """``AnalyzerEngine`` that runs context enhancement only on results of recognizers that
    have context words (the name and address recognizers have none): same output, without
    deep-copying every name finding of every sentence.  Its ``analyze`` settles duplicates
    in one pass per entity type (Presidio compares every result with every one kept, a
    twelfth of the engine's time on news sentences), with the same results."""

    def analyze(  # noqa: PLR0913 (Presidio's signature)
        self,
        text: str,
        language: str,
        entities: list[str] | None = None,
        correlation_id: str | None = None,
        score_threshold: float | None = None,
        return_decision_process: bool | None = False,
        ad_hoc_recognizers: list[EntityRecognizer] | None = None,
        context: list[str] | None = None,
        allow_list: list[str] | None = None,
        allow_list_match: str | None = "exact",
        regex_flags: int | None = re.DOTALL | re.MULTILINE | re.IGNORECASE,
        nlp_artifacts: NlpArtifacts | None = None,
    ) -> list[RecognizerResult]:
        """Presidio's ``analyze``; the calls the engine makes (artifacts given, no decision
        process, allow-list or ad-hoc recognizers) take the one-pass route."""
        if (
            nlp_artifacts is None
            or return_decision_process
            or ad_hoc_recognizers
            or allow_list
            or self.log_decision_process
        ):
            results: list[RecognizerResult] = super().analyze(
                text, language, entities, correlation_id, score_threshold,
                return_decision_process, ad_hoc_recognizers, context, allow_list,
                allow_list_match, regex_flags, nlp_artifacts,
            )  # fmt: skip
            return results
        recognizers = self.registry.get_recognizers(
            language=language, entities=entities, all_fields=not entities
        )
        wanted = entities or self.get_supported_entities(language=language)
        found: list[RecognizerResult] = []
        # most sentences of Chinese prose have no ASCII letter or digit: the recognizers
        # every match of which holds one are not called for them
        ascii_free = _ASCII_ALNUM.search(text) is None
        for recognizer in recognizers:
            if ascii_free and getattr(recognizer, "needs_ascii", False):
                continue
            if not recognizer.is_loaded:
                recognizer.load()
                recognizer.is_loaded = True
            current = recognizer.analyze(text=text, entities=wanted, nlp_artifacts=nlp_artifacts)
            for result in current or ():
                metadata = result.recognition_metadata or {}
                metadata.setdefault(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY, recognizer.id)
                metadata.setdefault(RecognizerResult.RECOGNIZER_NAME_KEY, recognizer.name)  # type: ignore[has-type]
                result.recognition_metadata = metadata
                found.append(result)
        found = self._enhance_using_context(text, found, nlp_artifacts, recognizers, context)
        threshold = self.default_score_threshold if score_threshold is None else score_threshold
        kept = [r for r in without_duplicates(found) if r.score >= threshold]
        for result in kept:
            result.analysis_explanation = None  # type: ignore[assignment]
        return kept

    def _enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        with_context = [r for r in recognizers if r.context]
        ids = {r.id for r in with_context}
        key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
        mine = [r for r in raw_results if r.recognition_metadata.get(key) in ids]
        rest = [r for r in raw_results if r.recognition_metadata.get(key) not in ids]
        if not mine:
            return rest
        enhanced: list[RecognizerResult] = super()._enhance_using_context(
            text, mine, nlp_artifacts, with_context, context
        )
        return enhanced + rest


def without_duplicates(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """``EntityRecognizer.remove_duplicates``, the same list in the same order: results by
    falling score (then position, longer first), less those scored 0, repeated, or inside
    one kept before of their type."""
    ordered = sorted(set(results), key=lambda r: (-r.score, r.start, r.start - r.end))
    kept: list[RecognizerResult] = []
    spans: dict[str, list[tuple[int, int]]] = {}  # each type's kept spans, by start
    longest: dict[str, int] = {}
    for result in ordered:
        if result.score == 0:
            continue
        of_type = spans.setdefault(result.entity_type, [])
        reach = longest.get(result.entity_type, 0)
        # only a kept span starting at most ``reach`` before it can hold it
        first = bisect.bisect_left(of_type, (result.start - reach, -1))
        last = bisect.bisect_right(of_type, (result.start, result.end + reach + 1))
        if any(start <= result.start and result.end <= end for start, end in of_type[first:last]):
            continue
        bisect.insort(of_type, (result.start, result.end))
        longest[result.entity_type] = max(reach, result.end - result.start)
        kept.append(result)
    return kept
