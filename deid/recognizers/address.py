"""``CN_ADDRESS``: the identifying tail of a Chinese address.

The administrative divisions (安徽省合肥市蜀山区) are public and stay; what identifies a
household is what follows: road and number, building, unit and room, or village and group.
"""

from __future__ import annotations

import re

from presidio_analyzer import LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from deid.divisions import division_prefix_end
from deid.recognizers.base import HAN

_CJK = f"[{HAN}]"
_NUM = r"(?:\d+|[一二三四五六七八九十]{1,3})"
_BUILDING = rf"(?:(?:{_NUM}|[A-Z])(?:栋|幢|号楼|座))?(?:{_NUM}单元)?(?:\d+(?:室|号房|户)?)?"

# Each pattern of ``_TAILS`` with characters one of which every match holds (号 for a
# road's number, the building words, 村): a text without them is not searched.
_TAILS = (
    # road + number [+ building, unit, room]
    (
        "号",
        re.compile(
            rf"(?P<head>{_CJK}{{1,20}}?(?:路|街|大道|大街|巷|弄|胡同)(?:[东西南北中]段)?)"
            rf"(?P<rest>\d+(?:-\d+)?号(?:院)?{_BUILDING})(?![0-9])"
        ),
    ),
    # residential compound + building
    (
        "栋幢楼座",
        re.compile(
            rf"(?P<head>{_CJK}{{2,16}}?(?:小区|花园|公寓|家园|新村|苑|大厦|园))"
            rf"(?P<rest>(?:{_NUM}|[A-Z])(?:栋|幢|号楼|座){_BUILDING})(?![0-9])"
        ),
    ),
    # village [+ group, house number]
    (
        "村",
        re.compile(
            rf"(?P<head>{_CJK}{{2,16}}?村)(?:委会)?"
            rf"(?P<rest>(?:{_NUM}(?:组|队)|村民组)?(?:\d+号)?)"
        ),
    ),
)
# A road or village name with its suffix has at least three characters (黄山路, 杨婆村), and a
# village's name at most eight (白马寺新营村).
_MIN_NAME = 3
_LONGEST_VILLAGE = 8
# Where the address proper starts: after the last division suffix or introducing word.
_CUT = re.compile(r".*(?:省|市|区|县|镇|乡|街道|地址|住址|位于|住在|家住|现住|为|是|在|于)")


def _tail_start(head: str) -> tuple[int, bool]:
    """Offset in ``head`` where the identifying part begins, and whether a division or
    introducing word was seen before it."""
    cut = _CUT.match(head)
    start = cut.end() if cut else 0
    if len(head) - start < _MIN_NAME:  # the cut fell inside the name (市府路, 望江东路)
        start = 0
    start += division_prefix_end(head[start:], keep=_MIN_NAME)
    return start, start > 0


class AddressRecognizer(LocalRecognizer):
    """Finds road/number/building/room and village/group tails; scores 0.85 after a known
    division (``deid/data/divisions.tsv``) or an introducing word such as 住址, else 0.6."""

    def __init__(self, language: str = "zh") -> None:
        super().__init__(
            supported_entities=["CN_ADDRESS"],
            supported_language=language,
            name=f"CN_ADDRESS_{language}",
        )
        self.label = f"CN_ADDRESS_{language}"

    def load(self) -> None:
        """Nothing to load: the division table is read on first use."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """Return one result per address tail found in ``text``."""
        if "CN_ADDRESS" not in entities:
            return []
        results = []
        for needed, pattern in _TAILS:
            if not any(char in text for char in needed):
                continue
            for match in pattern.finditer(text):
                head, rest = match.group("head"), match.group("rest")
                offset, anchored = _tail_start(head)
                name_length = len(head) - offset
                if name_length < 2 or (not rest and not anchored):
                    continue
                if head.endswith("村") and not rest and not re.search("[镇乡]$", head[:offset]):
                    continue
                if head.endswith("村") and name_length > _LONGEST_VILLAGE:
                    continue  # 镇纪委书记闵卫华接到村民: a sentence, not a village's name
                start = match.start("head") + offset
                results.append(
                    RecognizerResult(
                        "CN_ADDRESS",
                        start,
                        match.end(),
                        0.85 if anchored else 0.6,
                        recognition_metadata={
                            RecognizerResult.RECOGNIZER_NAME_KEY: self.label,
                            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                        },
                    )
                )
        return results
