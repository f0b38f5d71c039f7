"""The NLP engine Presidio calls (``TaggingNlpEngine``): the name models over whole batches
of texts (the character tagger and CNN, then the span judge over their candidates), Baidu's
LAC in the ``recall`` profile, and jieba's tokens only when a recognizer asks for words.
``deid.engine`` builds it into the analyzer."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from itertools import repeat

from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.lang.zh.stop_words import STOP_WORDS as ZH_STOP_WORDS
from spacy.language import Language

from deid.lac import Lac, LacWords
from deid.lac_review import reviewed
from deid.lexicon import Floats
from deid.name_tagger import NAME_GROW, NameTagger, TaggerOutput
from deid.presidio_adapters import LazyTokenArtifacts
from deid.recognizers.lac_names import without_contradicted
from deid.span_judge import Judged, SpanJudge
from deid.tagger_memo import TaggerMemo

# Characters tagged by the name models in one numpy pass: small enough that a pass's
# arrays stay in the processor's cache (50,000 ran a third slower: every pass wrote and
# read back tens of megabytes), large enough that numpy's per-call cost is spread.
TAGGER_CHUNK = 4000
# Characters judged before LAC reviews their doubtful names (``deid.lac_review``) at once:
# LAC reads a few characters around each, sixteen windows of similar lengths at a time, and
# the windows of more text than a tagger pass fill those batches with less padding.
REVIEW_CHUNK = 40_000
# Without a span judge (the recall profile), a character is part of a name when the tagger
# gives it at least this probability, and a found name takes in the neighbouring characters
# with at least NAME_GROW (deid.span_features grows its candidates alike).
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
        reviewer: Lac | None = None,
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
        self.reviewer = reviewer

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
            if size >= (REVIEW_CHUNK if self.reviewer is not None else TAGGER_CHUNK):
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
            flags = judgments or [False] * len(texts)
            levels = [low if flag else judge.threshold for flag in flags]
            judged: list[list[Judged]] = []
            chances = []
            for first, last in _slices(texts, TAGGER_CHUNK):
                output = self._tagger_outputs(texts[first:last])
                judged += judge.judged(texts[first:last], output)
                inside = output.mixed[:, 1] + output.mixed[:, 2]
                chances += [
                    inside[i : i + len(t)]
                    for i, t in zip(output.firsts, texts[first:last], strict=True)
                ]
            if self.reviewer is not None:
                reviewing = [not flag for flag in flags]
                spans = reviewed(texts, judged, levels, reviewing, judge, self.reviewer)
            else:
                spans = [
                    judge.chosen(found, level) for found, level in zip(judged, levels, strict=True)
                ]
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


def _slices(texts: list[str], size: int) -> Iterator[tuple[int, int]]:
    """``(first, last)`` index ranges of ``texts`` of about ``size`` characters each."""
    first, total = 0, 0
    for number, text in enumerate(texts):
        total += len(text)
        if total >= size:
            yield first, number + 1
            first, total = number + 1, 0
    if first < len(texts):
        yield first, len(texts)
