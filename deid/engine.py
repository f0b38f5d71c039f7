"""The analyzer: Presidio's ``AnalyzerEngine`` with an NLP engine that runs the project's
name models (``deid/model``: the character tagger and CNN, then the span judge over their
candidates; see the model card there) and segments with jieba only when a recognizer asks
for words (``deid.tagging_engine``), and the document pass over its findings.

The engine is built once per process (``get_engine``); nothing is downloaded, ever: the spaCy
pipelines are blank tokenizers, and Presidio is handed that NLP engine explicitly so it never
reaches for ``en_core_web_lg``.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import spacy
from presidio_analyzer import (
    AnalyzerEngine,
)
from presidio_analyzer.nlp_engine import NlpArtifacts
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
from spacy.language import Language

from deid import name_lists
from deid.char_cnn import CharCnn
from deid.consistency import complete_document
from deid.findings import Finding, resolve_overlaps
from deid.guesses import court_document
from deid.lac import load as load_lac
from deid.name_parts import grown_through_parts
from deid.name_tagger import NameTagger
from deid.normalize import NormalizedText, normalize, without_layout
from deid.presidio_adapters import (
    FixedRecognizerRegistry,
    LazyPipelines,
    SkipUncontextualAnalyzer,
)
from deid.recognizers import (
    DEFAULT_ENTITIES,
    LAC_PROFILES,
    OPT_IN_RECOGNIZERS,
    PROFILES,
    REPORT_THRESHOLD,
    REVIEWED_PROFILES,
)
from deid.recognizers.contact import AsciiEmailRecognizer
from deid.references import outside_references
from deid.span_judge import SpanJudge
from deid.tagger_memo import TaggerMemo
from deid.tagging_engine import TaggingNlpEngine

MODEL_PATH = Path(__file__).resolve().parent / "model" / "name_tagger.npz"
NETWORK_PATH = MODEL_PATH.with_name("char_cnn.npz")
JUDGE_PATH = MODEL_PATH.with_name("span_judge.npz")
# Longest text handed to spaCy at once (its own limit is 1,000,000 characters); longer
# documents are analysed piece by piece, cut at sentence ends.
MAX_PIECE = 20_000
LANGUAGES = ("zh", "en")
# Weight of the character CNN's probabilities against the linear tagger's.
NETWORK_MIX = 0.5


def load_name_tagger(
    model_path: Path = MODEL_PATH, network_path: Path = NETWORK_PATH
) -> NameTagger:
    """Load the shipped name tagger from ``model_path`` with the character CNN of
    ``network_path`` averaged in (``NETWORK_MIX``).

    Raises ``OSError`` when a model file is missing: the engine never runs without its
    name models, because a release must not pass with names undetected.
    """
    if not model_path.is_file():
        raise OSError(f"name model missing: {model_path} (run python -m deid.training.name_tagger)")
    if not network_path.is_file():
        raise OSError(f"name model missing: {network_path} (run python -m deid.training.char_cnn)")
    tagger = NameTagger.load(model_path)
    return NameTagger(tagger.weights, tagger.table_bits, CharCnn.load(network_path), NETWORK_MIX)


def jieba_pipeline() -> Language:
    """``spacy.blank("zh")`` segmenting with jieba (no download, no trained component)."""
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})


def _english_pipeline() -> Language:
    return spacy.blank("en")


_ENGLISH_PATTERN_RECOGNIZERS = (
    CreditCardRecognizer,
    CryptoRecognizer,
    IbanRecognizer,
    IpRecognizer,
    UrlRecognizer,
    UsBankRecognizer,
    UsItinRecognizer,
    UsLicenseRecognizer,
    UsPassportRecognizer,
    UsSsnRecognizer,
    MedicalLicenseRecognizer,
)


def _english_recognizers() -> list[Any]:
    """Presidio's predefined English pattern recognizers; its e-mail recognizer is swapped for
    the offline one (Presidio's calls tldextract's module-level, downloading extractor)."""
    return [cls() for cls in _ENGLISH_PATTERN_RECOGNIZERS] + [AsciiEmailRecognizer("en")]


def build_analyzer(
    model_path: Path = MODEL_PATH,
    profile: str = "default",
    network_path: Path = NETWORK_PATH,
    judge_path: Path | None = JUDGE_PATH,
    memo: TaggerMemo | None = None,
) -> AnalyzerEngine:
    """Build the ``AnalyzerEngine`` for ``zh`` (the Chinese recognizers of ``profile``, opt-in
    ``ORG``/``LOC``) and ``en`` (Presidio's pattern recognizers).  The default profile has
    the span judge decide on the tagger's candidates and their boundaries; ``recall`` has
    it keep candidates from its lower recall threshold on, each whole.

    ``judge_path=None`` builds the default profile without a judge (to train one).
    ``memo``: the name models (and their kept outputs) to share with another engine; the
    model files are read otherwise.

    Raises ``OSError`` without a name model, ``KeyError`` for an unknown profile.
    """
    tagger = memo.tagger if memo is not None else load_name_tagger(model_path, network_path)
    if judge_path is not None and not judge_path.is_file():
        raise OSError(f"name model missing: {judge_path} (run python -m deid.training.span_judge)")
    judge = SpanJudge.load(judge_path) if judge_path else None
    if judge is not None and profile != "default":
        judge = judge.for_recall()  # a lower threshold, every kept candidate whole
    tokenizers = LazyPipelines({"zh": jieba_pipeline, "en": _english_pipeline})
    recognizers = [factory("zh") for factory in PROFILES[profile].values()]
    recognizers += [factory("zh") for factory in OPT_IN_RECOGNIZERS.values()]
    recognizers += _english_recognizers()
    for recognizer in recognizers:
        recognizer.load()
    registry = FixedRecognizerRegistry(recognizers=recognizers, supported_languages=list(LANGUAGES))
    return SkipUncontextualAnalyzer(
        registry=registry,
        nlp_engine=TaggingNlpEngine(
            tokenizers,
            tagger,
            judge=judge,
            memo=memo,
            lac=load_lac() if profile in LAC_PROFILES else None,
            reviewer=load_lac() if profile in REVIEWED_PROFILES else None,
        ),
        supported_languages=list(LANGUAGES),
    )


_ENGINES: dict[str, AnalyzerEngine] = {}
_MEMOS: list[TaggerMemo] = []
_ENGINE_LOCK = threading.Lock()


def get_engine(profile: str = "default") -> AnalyzerEngine:
    """The process-wide analyzer of ``profile``, built on first use (thread-safe).  The
    engines of all profiles share one set of name models and their kept outputs
    (``deid.tagger_memo``): the residual scan of a release reads the redacted texts again
    with the ``residual`` profile, and their unchanged sentences are not tagged twice.

    Once an engine is built, the process's objects are moved out of the garbage collector's
    sight (``gc.freeze``, after a collection): the engine's tables and models live as long
    as the process, and every full collection walked all of them again: over msra_test,
    two full collections in three runs, 37 ms a run (3 % of the default profile's time),
    1 ms once frozen.  Cyclic garbage among the objects of that moment is never collected;
    refcounting frees the rest as before.

    Raises ``ValueError`` for an unknown profile.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; use one of {sorted(PROFILES)}")
    with _ENGINE_LOCK:
        if profile not in _ENGINES:
            if not _MEMOS:
                _MEMOS.append(TaggerMemo(load_name_tagger()))
            _ENGINES[profile] = build_analyzer(profile=profile, memo=_MEMOS[0])
            gc.collect()
            gc.freeze()
        return _ENGINES[profile]


def forget_kept_outputs() -> None:
    """Empty the name models' kept outputs of this process's engines (``deid.tagger_memo``):
    the next call computes every sentence, as a release's first pass over new documents."""
    with _ENGINE_LOCK:
        for memo in _MEMOS:
            memo.clear()


def _entities_for(language: str, entities: Iterable[str] | None) -> list[str]:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}; use one of {LANGUAGES}")
    if entities is not None:
        return list(entities)
    if language == "zh":
        return list(DEFAULT_ENTITIES)
    return get_engine().get_supported_entities(language="en")


def _findings(
    engine: AnalyzerEngine,
    norm: NormalizedText,
    artifacts: NlpArtifacts,
    language: str,
    entities: list[str],
) -> list[Finding]:
    results = engine.analyze(
        norm.text,
        language=language,
        entities=entities,
        nlp_artifacts=artifacts,
        score_threshold=REPORT_THRESHOLD,
    )
    normalized = [
        Finding(*_trimmed(norm.text, r.start, r.end), r.entity_type, round(float(r.score), 4))
        for r in results
        if not norm.text[r.start : r.end].isspace()  # layout between a title and a name
    ]
    found = []
    for finding in outside_references(normalized, norm.text):
        start, end = norm.to_original(finding.start, finding.end)
        found.append(Finding(start, end, finding.entity_type, finding.score))
    return resolve_overlaps(found)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without the white space at its edges (审判员　　唐　勇 → 唐　勇): a
    name the model ran into the layout ends where its characters do."""
    while start < end - 1 and text[start].isspace():
        start += 1
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    return start, end


def analyze(
    text: str, language: str = "zh", entities: Iterable[str] | None = None, profile: str = "default"
) -> list[Finding]:
    """Find personal information in ``text``.

    Input: any string (full-width digits and letters are read as ASCII, NFKC).  Output:
    findings sorted by position, with ``start``/``end`` indexing ``text`` itself.  ``entities``
    narrows or widens the types (``ORG`` and ``LOC`` are opt-in).  The default profile has
    Baidu's pretrained LAC read the few characters around the names its span judge doubts
    (``deid.lac_review``); ``profile="recall"`` adds jieba's part-of-speech person tags and
    LAC over every sentence (more names found, more false alarms than the default, a
    sixth of its speed), ``profile="residual"`` the same but LAC (a release's residual
    scan).  Raises ``ValueError`` for an unsupported language or profile, ``OSError`` if a
    name model (or, but for ``residual``, LAC's weights) is missing;
    any recognizer error propagates so the caller can hold the document back (fail closed).
    """
    return analyze_batch([text], language, entities, profile=profile)[0]


def analyze_batch(
    texts: Iterable[str],
    language: str = "zh",
    entities: Iterable[str] | None = None,
    batch_size: int = 64,
    profile: str = "default",
    analyzer: AnalyzerEngine | None = None,
) -> list[list[Finding]]:
    """``analyze`` for many texts, tokenizing and tagging them together with ``nlp.pipe``.

    Each text is a document (a sentence or a whole judgment): a name found anywhere in it
    is found wherever else it occurs, with the bare surnames that refer back to it
    (``deid.consistency``), and a list of names printed without separators is cut into
    its names (``deid.name_lists``).  Returns one list of findings per input text, in
    input order.
    Raises as ``analyze``.
    ``analyzer`` (from ``build_analyzer``) replaces the process-wide engine of ``profile``:
    the training scripts score models that are not shipped with it.
    """
    wanted = _entities_for(language, entities)
    engine = analyzer if analyzer is not None else get_engine(profile)
    originals = list(texts)
    pieces = [
        (number, offset, piece)
        for number, text in enumerate(originals)
        for offset, piece in split_for_analysis(text)
    ]
    normalized = [without_layout(normalize(piece)) for _, _, piece in pieces]
    judgments = [court_document(text) for text in originals]
    artifacts: Iterator[tuple[str, NlpArtifacts]] = engine.nlp_engine.process_batch(
        [n.text for n in normalized],
        language=language,
        batch_size=batch_size,
        judgments=[judgments[number] for number, _, _ in pieces],
    )
    found: list[list[Finding]] = [[] for _ in originals]
    parts: list[list[tuple[int, NormalizedText]]] = [[] for _ in originals]
    for (number, offset, _), norm, (_, art) in zip(pieces, normalized, artifacts, strict=True):
        parts[number].append((offset, norm))
        found[number] += [
            Finding(f.start + offset, f.end + offset, f.entity_type, f.score)
            for f in _findings(engine, norm, art, language, wanted)
        ]
    if "PERSON" in wanted:
        found = [
            name_lists.in_name_lists(
                text, complete_document(text, part, grown_through_parts(text, f))
            )
            for text, part, f in zip(originals, parts, found, strict=True)
        ]
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
