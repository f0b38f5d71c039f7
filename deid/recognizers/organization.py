"""Opt-in ``ORG`` and ``LOC``: off by default (organisations and places at city level are
public in government documents), available when a release policy asks for them."""

from __future__ import annotations

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deid.dictionary import jieba_tables
from deid.divisions import division_names


class _TokenTagRecognizer(LocalRecognizer):
    """Reports tokens whose jieba dictionary tag is in ``tags`` or whose text is in ``names``."""

    entity = ""
    tags: frozenset[str] = frozenset()

    def __init__(self, language: str = "zh") -> None:
        super().__init__(
            supported_entities=[self.entity],
            supported_language=language,
            name=f"{self.entity}_{language}",
        )
        self.label = f"{self.entity}_{language}"

    def load(self) -> None:
        """Load jieba's tag table now."""
        jieba_tables()

    def names(self) -> frozenset[str]:
        """Extra words reported regardless of their tag."""
        return frozenset()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """One result per matching token of the NLP engine's tokenization."""
        if self.entity not in entities or nlp_artifacts is None or nlp_artifacts.tokens is None:
            return []
        _, tags = jieba_tables()
        extra = self.names()
        return [
            RecognizerResult(
                self.entity,
                t.idx,
                t.idx + len(t.text),
                0.6,
                recognition_metadata={
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.label,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                },
            )
            for t in nlp_artifacts.tokens
            if len(t.text) >= 2 and (tags.get(t.text) in self.tags or t.text in extra)
        ]


class JiebaOrganizationRecognizer(_TokenTagRecognizer):
    """``ORG``: tokens jieba's dictionary tags ``nt`` (organisation names)."""

    entity = "ORG"
    tags = frozenset({"nt"})


class DivisionLocationRecognizer(_TokenTagRecognizer):
    """``LOC``: tokens tagged ``ns`` by jieba, or named in the shipped division table."""

    entity = "LOC"
    tags = frozenset({"ns"})

    def names(self) -> frozenset[str]:
        """The administrative divisions of ``deid/data/divisions.tsv``."""
        return division_names()
