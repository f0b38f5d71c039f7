"""The analyzer: Presidio's ``AnalyzerEngine`` with an NLP engine that runs the project's
name models (``deid/model``: the character tagger and CNN, then the span judge over their
candidates; see the model card there) and segments with jieba only when a recognizer asks
for words.

The engine is built once per process (``get_engine``); nothing is downloaded, ever: the spaCy
pipelines are blank tokenizers, and Presidio is handed that NLP engine explicitly so it never
reaches for ``en_core_web_lg``.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Mapping
from itertools import repeat
from pathlib import Path
from typing import Any

import spacy
from presidio_analyzer import (
    AnalyzerEngine,
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
from spacy.lang.zh.stop_words import STOP_WORDS as ZH_STOP_WORDS
from spacy.language import Language

from deid.char_cnn import CharCnn
from deid.consistency import complete_document
from deid.findings import Finding, resolve_overlaps
from deid.guesses import court_document
from deid.lac import Lac, LacWords
from deid.lac import load as load_lac
from deid.lexicon import Floats
from deid.name_tagger import NAME_GROW, NameTagger, TaggerOutput
from deid.normalize import NormalizedText, normalize, without_layout
from deid.presidio_adapters import (
    FixedRecognizerRegistry,
    LazyPipelines,
    LazyTokenArtifacts,
    SkipUncontextualAnalyzer,
)
from deid.recognizers import (
    DEFAULT_ENTITIES,
    LAC_PROFILES,
    OPT_IN_RECOGNIZERS,
    PROFILES,
    REPORT_THRESHOLD,
)
from deid.recognizers.contact import AsciiEmailRecognizer
from deid.recognizers.lac_names import without_contradicted
from deid.references import outside_references
from deid.span_judge import SpanJudge
from deid.tagger_memo import TaggerMemo

MODEL_PATH = Path(__file__).resolve().parent / "model" / "name_tagger.npz"
NETWORK_PATH = MODEL_PATH.with_name("char_cnn.npz")
JUDGE_PATH = MODEL_PATH.with_name("span_judge.npz")
# Longest text handed to spaCy at once (its own limit is 1,000,000 characters); longer
# documents are analysed piece by piece, cut at sentence ends.
MAX_PIECE = 20_000
# Characters tagged by the name models in one numpy pass: small enough that a pass's
# arrays stay in the processor's cache (50,000 ran a third slower: every pass wrote and
# read back tens of megabytes), large enough that numpy's per-call cost is spread.
TAGGER_CHUNK = 4000
LANGUAGES = ("zh", "en")
# Without a span judge (the recall profile), a character is part of a name when the tagger
# gives it at least this probability, and a found name takes in the neighbouring characters
# with at least NAME_GROW (deid.span_judge grows its candidates alike).
NAME_THRESHOLD = 0.2
# The span judge's keep threshold in a court's document (``is_judgment``), where no
# precision is asked of the engine and every name must be found (issue 15: person recall
# 0.96 on judgments): the lowest point of the out-of-fold curve the default threshold was
# chosen on (news names of the judge block: precision 0.887, covered recall 0.928, against
# 0.920 / 0.921 at the default 0.3).
JUDGMENT_THRESHOLD = 0.2
# Below this span judge probability (the default profile's threshold), a candidate of the
# recall profile that LAC reads as no noun nor person is dropped (deid.recognizers.lac_names).
LAC_DOUBT = 0.3
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


class TaggingNlpEngine(SpacyNlpEngine):
    """Presidio NLP engine that runs the character-level name tagger over whole batches and
    hands out lazily segmented tokens (jieba for ``zh``, spaCy's rules for ``en``); lemma =
    token text (Chinese has no inflection), so Presidio's context words match the tokens."""

    def __init__(
        self,
        tokenizers: Mapping[str, Language],
        tagger: NameTagger,
        name_threshold: float = NAME_THRESHOLD,
        name_grow: float = NAME_GROW,
        judge: SpanJudge | None = None,
        memo: TaggerMemo | None = None,
        lac: Lac | None = None,
    ) -> None:
        super().__init__(
            models=[{"lang_code": lang, "model_name": f"deid-{lang}"} for lang in tokenizers],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping={"PER": "PERSON"}, default_score=0.85
            ),
        )
        self.pipelines = tokenizers
        self.nlp = self.pipelines  # type: ignore[assignment]
        self.tagger = tagger
        self.name_threshold = name_threshold
        self.name_grow = name_grow
        self.judge = judge
        self.memo = memo
        self.lac = lac

    def load(self) -> None:
        """Nothing to load: the tokenizers and the tagger were passed in."""

    def is_stopword(self, word: str, language: str) -> bool:
        """True for spaCy's Chinese stop words (no vocabulary growth per token)."""
        return word in ZH_STOP_WORDS

    def is_punct(self, word: str, language: str) -> bool:
        """True when the token has no letter or digit."""
        return not any(c.isalnum() for c in word)

    def process_batch(  # type: ignore[override]
        self,
        texts: Iterable[str],
        language: str,
        batch_size: int = 64,
        n_process: int = 1,
        as_tuples: bool = False,
        judgments: Iterable[bool] | None = None,
    ) -> Iterator[tuple[str, NlpArtifacts]]:
        """Tag ``texts`` for names a chunk at a time; yield ``(text, artifacts)`` in order.
        ``judgments``: which texts are (pieces of) a court's document, judged with
        ``JUDGMENT_THRESHOLD``."""
        chunk: list[str] = []
        flags: list[bool] = []
        size = 0
        for text, judgment in zip(
            texts, judgments if judgments is not None else repeat(False), strict=False
        ):
            chunk.append(text)
            flags.append(judgment)
            size += len(text)
            if size >= TAGGER_CHUNK:
                yield from self._artifacts_of(chunk, language, flags)
                chunk, flags, size = [], [], 0
        yield from self._artifacts_of(chunk, language, flags)

    def _artifacts_of(
        self, texts: list[str], language: str, judgments: list[bool] | None = None
    ) -> Iterator[tuple[str, NlpArtifacts]]:
        judge = self.judge if language == "zh" and texts else None
        chances: list[Floats | None] = [None] * len(texts)
        if judge is not None:
            low = min(judge.threshold, JUDGMENT_THRESHOLD)
            levels = [
                low if flag else judge.threshold for flag in judgments or [False] * len(texts)
            ]
            output = self._tagger_outputs(texts)
            spans = judge.kept(texts, output, levels)
            inside = output.mixed[:, 1] + output.mixed[:, 2]
            chances = [inside[i : i + len(t)] for i, t in zip(output.firsts, texts, strict=True)]
        elif language == "zh":
            spans = self.tagger.scored_spans(texts, self.name_threshold, self.name_grow)
        else:
            spans = [[] for _ in texts]
        words: list[LacWords | None] = [None] * len(texts)
        if self.lac is not None and language == "zh":
            read = self.lac.words(texts)
            spans = [
                without_contradicted(names, lac_words, LAC_DOUBT)
                for names, lac_words in zip(spans, read, strict=True)
            ]
            words = list(read)
        for text, names, chance, lac_words in zip(texts, spans, chances, words, strict=True):
            yield text, self._artifacts(text, names, language, judge is not None, chance, lac_words)

    def _tagger_outputs(self, texts: list[str]) -> TaggerOutput:
        """The tagger's outputs, through the memo while it serves this engine's tagger."""
        if self.memo is not None and self.memo.tagger is self.tagger:
            return self.memo.outputs(texts)
        return self.tagger.outputs(texts)

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        """Artifacts of one text (see ``process_batch``)."""
        [(_, artifacts)] = list(self._artifacts_of([text], language))
        return artifacts

    def _artifacts(
        self,
        text: str,
        names: list[tuple[int, int, float]],
        language: str,
        judged: bool = False,
        chances: Floats | None = None,
        lac_words: LacWords | None = None,
    ) -> NlpArtifacts:
        return LazyTokenArtifacts(
            text=text,
            tokenizer=self.pipelines,
            name_spans=names,
            nlp_engine=self,
            language=language,
            judged=judged,
            name_chances=chances,
            lac_words=lac_words,
        )


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

    Raises ``ValueError`` for an unknown profile.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; use one of {sorted(PROFILES)}")
    with _ENGINE_LOCK:
        if profile not in _ENGINES:
            if not _MEMOS:
                _MEMOS.append(TaggerMemo(load_name_tagger()))
            _ENGINES[profile] = build_analyzer(profile=profile, memo=_MEMOS[0])
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
    narrows or widens the types (``ORG`` and ``LOC`` are opt-in); ``profile="recall"`` adds
    jieba's part-of-speech person tags and Baidu's pretrained LAC (more names found, more
    false alarms than the default, a fifth of its speed), ``profile="residual"`` the same
    but LAC (a release's residual scan).  Raises ``ValueError`` for an unsupported language
    or profile, ``OSError`` if a name model (or, for ``recall``, LAC's weights) is missing;
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
    (``deid.consistency``).  Returns one list of findings per input text, in input order.
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
            complete_document(text, part, f)
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
