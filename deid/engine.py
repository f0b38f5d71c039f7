"""The analyzer: Presidio's ``AnalyzerEngine`` over a jieba-segmented ``spacy.blank("zh")``
pipeline carrying the project's trained name model.

The engine is built once per process (``get_engine``); nothing is downloaded, ever: the spaCy
pipeline is blank plus the component in ``deid/model/name_ner``, and Presidio is handed that
NLP engine explicitly so it never reaches for ``en_core_web_lg``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import spacy
from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    RecognizerRegistry,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from presidio_analyzer.predefined_recognizers import (
    CreditCardRecognizer,
    CryptoRecognizer,
    IbanRecognizer,
    IpRecognizer,
    MedicalLicenseRecognizer,
    UrlRecognizer,
    UsBankRecognizer,
    UsItinRecognizer,
    UsLicenseRecognizer,
    UsPassportRecognizer,
    UsSsnRecognizer,
)
from spacy.attrs import IDX, LENGTH
from spacy.lang.zh.stop_words import STOP_WORDS as ZH_STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc

from deid.findings import Finding, resolve_overlaps
from deid.normalize import NormalizedText, normalize
from deid.recognizers import DEFAULT_ENTITIES, OPT_IN_RECOGNIZERS, PROFILES, REPORT_THRESHOLD
from deid.recognizers.contact import AsciiEmailRecognizer

MODEL_DIR = Path(__file__).resolve().parent / "model" / "name_ner"
# Longest text handed to spaCy at once (its own limit is 1,000,000 characters); longer
# documents are analysed piece by piece, cut at sentence ends.
MAX_PIECE = 20_000
LANGUAGES = ("zh", "en")


def load_chinese_pipeline(model_dir: Path = MODEL_DIR) -> Language:
    """Load the shipped pipeline (jieba tokenizer + name NER) from ``model_dir``.

    Raises ``OSError`` when the model directory is missing: the engine never runs without
    its name model, because a release must not pass with names undetected.
    """
    if not (model_dir / "config.cfg").is_file():
        raise OSError(f"name model missing: {model_dir} (run python -m deid.train_name_model)")
    return spacy.load(model_dir)


class LazyKeywordArtifacts(NlpArtifacts):
    """``NlpArtifacts`` whose context keywords are computed on first use.

    Presidio filters stop words out of every token list up front; only texts with a finding
    that has context words ever read them, and most sentences have none.
    """

    def __init__(self, *, language: str, **kwargs: Any) -> None:
        self._language = language
        self._keywords: list[str] | None = None
        super().__init__(language=language, **kwargs)

    @staticmethod
    def set_keywords(nlp_engine: Any, lemmas: list[str], language: str) -> list[str]:
        """Deferred: see ``keywords``."""
        return []

    @property
    def keywords(self) -> list[str]:
        """Lower-cased token texts that are neither stop words nor punctuation."""
        if self._keywords is None:
            engine = self.nlp_engine
            self._keywords = [
                lemma.lower() for lemma in self.lemmas
                if not engine.is_stopword(lemma, self._language)
                and not engine.is_punct(lemma, self._language)]
        return self._keywords

    @keywords.setter
    def keywords(self, value: list[str]) -> None:
        self._keywords = value or None


class SkipUncontextualAnalyzer(AnalyzerEngine):
    """``AnalyzerEngine`` that runs context enhancement only on results of recognizers that
    have context words (the name and address recognizers have none): same output, without
    deep-copying every name finding of every sentence."""

    def _enhance_using_context(self, text: str, raw_results: list[RecognizerResult],
                               nlp_artifacts: NlpArtifacts,
                               recognizers: list[EntityRecognizer],
                               context: list[str] | None = None) -> list[RecognizerResult]:
        with_context = [r for r in recognizers if r.context]
        ids = {r.id for r in with_context}
        key = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
        mine = [r for r in raw_results if r.recognition_metadata.get(key) in ids]
        rest = [r for r in raw_results if r.recognition_metadata.get(key) not in ids]
        if not mine:
            return rest
        enhanced: list[RecognizerResult] = super()._enhance_using_context(
            text, mine, nlp_artifacts, with_context, context)
        return enhanced + rest


class BlankChineseNlpEngine(SpacyNlpEngine):
    """Presidio NLP engine over already-built spaCy pipelines; lemma = token text (Chinese
    has no inflection), so Presidio's context words match the tokens themselves."""

    def __init__(self, pipelines: dict[str, Language]) -> None:
        super().__init__(
            models=[{"lang_code": lang, "model_name": f"deid-{lang}"} for lang in pipelines],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping={"PER": "PERSON"}, default_score=0.85),
        )
        self.pipelines = dict(pipelines)
        self.nlp = self.pipelines  # type: ignore[assignment]

    def load(self) -> None:
        """Nothing to load: the pipelines were passed in."""

    def is_stopword(self, word: str, language: str) -> bool:
        """True for spaCy's Chinese stop words (no vocabulary growth per token)."""
        return word in ZH_STOP_WORDS

    def is_punct(self, word: str, language: str) -> bool:
        """True when the token has no letter or digit."""
        return not any(c.isalnum() for c in word)

    def process_batch(  # type: ignore[override]
        self, texts: Iterable[str], language: str, batch_size: int = 64, n_process: int = 1,
        as_tuples: bool = False,
    ) -> Iterator[tuple[str, NlpArtifacts]]:
        """Run ``nlp.pipe`` over ``texts``; yield ``(text, artifacts)`` in input order."""
        pairs = ((text, text) for text in texts)
        docs = self.pipelines[language].pipe(pairs, as_tuples=True, batch_size=batch_size)
        for doc, text in docs:
            yield text, self._artifacts(doc, text, language)

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        return self._artifacts(doc, doc.text, language)

    def _artifacts(self, doc: Doc, text: str, language: str) -> NlpArtifacts:
        # Offsets through one array call (and the text passed in, not ``doc.text``): building
        # a Token object per token costs more than the whole regex pass.
        offsets = doc.to_array([IDX, LENGTH]).tolist() if len(doc) else []
        texts = [text[start : start + length] for start, length in offsets]
        entities = [e for e in doc.ents if e.label_ == "PER"]
        for ent in entities:
            ent.label_ = "PERSON"
        return LazyKeywordArtifacts(entities=entities, tokens=doc, lemmas=texts,
                                    tokens_indices=[start for start, _ in offsets],
                                    nlp_engine=self, language=language,
                                    scores=[0.85] * len(entities))


_ENGLISH_PATTERN_RECOGNIZERS = (
    CreditCardRecognizer, CryptoRecognizer, IbanRecognizer, IpRecognizer, UrlRecognizer,
    UsBankRecognizer, UsItinRecognizer, UsLicenseRecognizer, UsPassportRecognizer,
    UsSsnRecognizer, MedicalLicenseRecognizer,
)


def _english_recognizers() -> list[Any]:
    """Presidio's predefined English pattern recognizers; its e-mail recognizer is swapped for
    the offline one (Presidio's calls tldextract's module-level, downloading extractor)."""
    return [cls() for cls in _ENGLISH_PATTERN_RECOGNIZERS] + [AsciiEmailRecognizer("en")]


def build_analyzer(model_dir: Path = MODEL_DIR, profile: str = "default") -> AnalyzerEngine:
    """Build the ``AnalyzerEngine`` for ``zh`` (the Chinese recognizers of ``profile``, opt-in
    ``ORG``/``LOC``) and ``en`` (Presidio's pattern recognizers).

    Raises ``OSError`` without the name model, ``KeyError`` for an unknown profile.
    """
    pipelines = {"zh": load_chinese_pipeline(model_dir), "en": spacy.blank("en")}
    recognizers = [factory("zh") for factory in PROFILES[profile].values()]
    recognizers += [factory("zh") for factory in OPT_IN_RECOGNIZERS.values()]
    recognizers += _english_recognizers()
    for recognizer in recognizers:
        recognizer.load()
    registry = RecognizerRegistry(recognizers=recognizers, supported_languages=list(LANGUAGES))
    return SkipUncontextualAnalyzer(registry=registry,
                                    nlp_engine=BlankChineseNlpEngine(pipelines),
                                    supported_languages=list(LANGUAGES))


_ENGINES: dict[str, AnalyzerEngine] = {}
_ENGINE_LOCK = threading.Lock()


def get_engine(profile: str = "default") -> AnalyzerEngine:
    """The process-wide analyzer of ``profile``, built on first use (thread-safe).

    Raises ``ValueError`` for an unknown profile.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; use one of {sorted(PROFILES)}")
    with _ENGINE_LOCK:
        if profile not in _ENGINES:
            _ENGINES[profile] = build_analyzer(profile=profile)
        return _ENGINES[profile]


def _entities_for(language: str, entities: Iterable[str] | None) -> list[str]:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; use one of {LANGUAGES}")
    if entities is not None:
        return list(entities)
    if language == "zh":
        return list(DEFAULT_ENTITIES)
    return get_engine().get_supported_entities(language="en")


def _findings(engine: AnalyzerEngine, norm: NormalizedText, artifacts: NlpArtifacts,
              language: str, entities: list[str]) -> list[Finding]:
    results = engine.analyze(norm.text, language=language, entities=entities,
                             nlp_artifacts=artifacts, score_threshold=REPORT_THRESHOLD)
    found = []
    for result in results:
        start, end = norm.to_original(result.start, result.end)
        found.append(Finding(start, end, result.entity_type, round(float(result.score), 4)))
    return resolve_overlaps(found)


def analyze(text: str, language: str = "zh", entities: Iterable[str] | None = None,
            profile: str = "default") -> list[Finding]:
    """Find personal information in ``text``.

    Input: any string (full-width digits and letters are read as ASCII, NFKC).  Output:
    findings sorted by position, with ``start``/``end`` indexing ``text`` itself.  ``entities``
    narrows or widens the types (``ORG`` and ``LOC`` are opt-in); ``profile="recall"`` adds
    jieba's part-of-speech person tags (more names found, more false alarms, half the speed).
    Raises ``ValueError`` for an unsupported language or profile, ``OSError`` if the name
    model is missing; any recognizer error propagates so the caller can hold the document
    back (fail closed).
    """
    return analyze_batch([text], language, entities, profile=profile)[0]


def analyze_batch(texts: Iterable[str], language: str = "zh",
                  entities: Iterable[str] | None = None, batch_size: int = 64,
                  profile: str = "default") -> list[list[Finding]]:
    """``analyze`` for many texts, tokenizing and tagging them together with ``nlp.pipe``.

    Returns one list of findings per input text, in input order.  Raises as ``analyze``.
    """
    wanted = _entities_for(language, entities)
    engine = get_engine(profile)
    originals = list(texts)
    pieces = [(number, offset, piece) for number, text in enumerate(originals)
              for offset, piece in split_for_analysis(text)]
    normalized = [normalize(piece) for _, _, piece in pieces]
    artifacts: Iterator[tuple[str, NlpArtifacts]] = engine.nlp_engine.process_batch(
        [n.text for n in normalized], language=language, batch_size=batch_size)
    found: list[list[Finding]] = [[] for _ in originals]
    for (number, offset, _), norm, (_, art) in zip(pieces, normalized, artifacts, strict=True):
        found[number] += [Finding(f.start + offset, f.end + offset, f.entity_type, f.score)
                          for f in _findings(engine, norm, art, language, wanted)]
    return [resolve_overlaps(f) for f in found]


def split_for_analysis(text: str, limit: int = MAX_PIECE) -> list[tuple[int, str]]:
    """Cut ``text`` into ``(offset, piece)`` pieces of at most ``limit`` characters, at the
    last line break or sentence end (。！？；) inside each window, so no identifier is cut
    unless a window has no sentence end at all.  An empty text is one empty piece.
    """
    pieces, position = [], 0
    while len(text) - position > limit:
        window = text[position : position + limit]
        cut = max(window.rfind(mark) for mark in "\n。！？；") + 1 or limit
        pieces.append((position, text[position : position + cut]))
        position += cut
    pieces.append((position, text[position:]))
    return pieces
