"""Identifiers known by their label: vehicle identification and engine numbers, social
security cards, medical records, QQ and WeChat accounts.

Only a VIN has a check digit (ISO 3779, position 9): a checksum-valid VIN with a letter is
found anywhere (``VinRecognizer``); every other value here is an arbitrary string of letters
and digits, found only right after its label (车架号：LSV…, 住院号 2023004512, QQ号 12345678),
so a document number, date or amount is never one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deid import checksums
from deid.recognizers.base import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, ChinesePatternRecognizer

LABELLED_SCORE = 0.85
# Between a label and its value: spaces, a colon, 为/是, an opening bracket (NFKC: ASCII).
_JOIN = r"(?:号码|编号|号|代码|账号|ID|id)?\s*(?:[:：]|为|是)?\s*"
_VIN_ALPHABET = "[A-HJ-NPR-Z0-9]"


@dataclass(frozen=True)
class Label:
    """``entity`` for a value matching ``value`` right after a label matching ``label``."""

    entity: str
    label: str
    value: str


LABELS = (
    Label(
        "CN_VIN", "车架号|车辆识别代号|车辆识别代码|车辆识别号|底盘号|VIN", f"{_VIN_ALPHABET}{{17}}"
    ),
    Label(
        "CN_ENGINE_NUMBER",
        "发动机号|发动机编号|发动机号码",
        r"(?=[A-Z-]*\d)[A-Z0-9][A-Z0-9-]{4,19}",
    ),
    Label(
        "CN_SOCIAL_SECURITY",
        "社会保障卡号|社会保障卡卡号|社会保障号码|社会保障号|社保卡号|社保卡|社保号|社保编号",
        r"(?=[A-Z]*\d)[A-Z0-9]{6,20}",
    ),
    Label(
        "CN_MEDICAL_RECORD",
        "病历号|住院号|门诊号|病案号|就诊卡号|住院病历号|门诊病历号",
        r"(?=[A-Z-]*\d)[A-Z0-9][A-Z0-9-]{3,19}",
    ),
    Label("CN_QQ", "QQ(?!群)", r"[1-9]\d{4,11}"),
    Label(
        "CN_WECHAT",
        "微信(?!群|公众号|支付|小程序)",
        r"(?:[A-Za-z][-_A-Za-z0-9]{5,19}|1[3-9]\d{9})",
    ),
)
LABELLED_ENTITIES = tuple(dict.fromkeys(label.entity for label in LABELS))


def _compile(label: Label) -> re.Pattern[str]:
    return re.compile(
        f"(?:{label.label}){_JOIN}(?<![A-Za-z0-9])({label.value})(?![A-Za-z0-9_-])",
        re.IGNORECASE if label.entity in ("CN_QQ", "CN_WECHAT") else 0,
    )


_PATTERNS = tuple((label.entity, _compile(label)) for label in LABELS)
_ANY_LABEL = re.compile("|".join(label.label for label in LABELS), re.IGNORECASE)


class LabelledIdRecognizer(LocalRecognizer):
    """The values of ``LABELS`` after their labels, one recognizer for all of them (one
    search for any label per text: most sentences have none)."""

    def __init__(self, language: str = "zh") -> None:
        super().__init__(
            supported_entities=list(LABELLED_ENTITIES),
            supported_language=language,
            name=f"CN_LABELLED_ID_{language}",
        )
        self.label = f"CN_LABELLED_ID_{language}"

    def load(self) -> None:
        """Nothing to load: the patterns are compiled with the module."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """One result per labelled value of a wanted entity type."""
        if not _ANY_LABEL.search(text):
            return []
        meta = {
            RecognizerResult.RECOGNIZER_NAME_KEY: self.label,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }
        return [
            RecognizerResult(
                entity, *match.span(1), LABELLED_SCORE, recognition_metadata=dict(meta)
            )
            for entity, pattern in _PATTERNS
            if entity in entities
            for match in pattern.finditer(text)
        ]


class VinRecognizer(ChinesePatternRecognizer):
    """``CN_VIN`` anywhere: 17 characters of the VIN alphabet, at least one a letter, with
    a valid ISO 3779 check digit (GB 16735-2019 makes it mandatory in China).  A pure
    17-digit number is not taken for a VIN without its label (``LabelledIdRecognizer``)."""

    def __init__(self, language: str = "zh") -> None:
        super().__init__(
            "CN_VIN",
            [
                (
                    "vin",
                    NOT_AFTER_ALNUM + f"(?=[0-9]*[A-Z]){_VIN_ALPHABET}{{17}}" + NOT_BEFORE_ALNUM,
                    0.5,
                )
            ],
            context=["车架号", "车辆识别", "vin", "底盘号"],
            language=language,
            needs=f"{_VIN_ALPHABET}{{17}}",
        )

    def validate_result(self, pattern_text: str) -> bool:
        """True when the check digit (position 9) is right."""
        return checksums.is_vin(pattern_text.upper())
