"""Identity documents: resident ID, USCC, passport, Hong Kong/Macao permits, licence plates."""

from __future__ import annotations

from deid import checksums
from deid.recognizers.base import (
    CONTEXT_ONLY,
    NOT_AFTER_ALNUM,
    NOT_BEFORE_ALNUM,
    ChinesePatternRecognizer,
)

_DATE8 = r"(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
_DATE6 = r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
# An 18-character number shaped like a resident ID (province and prefecture codes, a real
# birth date) whose check character is wrong is still reported, with this lower score: in
# a published document it is nearly always a real ID copied with a typo, so the person is
# as identifiable as with the right digit.  It stays below a Luhn-valid bank card (1.0) and
# a valid ID, and a context word such as 身份证 lifts it (Presidio's context enhancer).
WRONG_CHECK_SCORE = 0.4


class ResidentIdRecognizer(ChinesePatternRecognizer):
    """``CN_RESIDENT_ID``: 18-character numbers valid under GB 11643-1999 (score 1.0), or
    shaped like one with a wrong check character (``WRONG_CHECK_SCORE``); 15-digit legacy
    numbers only next to a context word such as 身份证."""

    def __init__(self, language: str = "zh") -> None:
        super().__init__(
            "CN_RESIDENT_ID",
            [
                (
                    "id18",
                    NOT_AFTER_ALNUM + r"[1-9]\d{5}" + _DATE8 + r"\d{3}[0-9X]" + NOT_BEFORE_ALNUM,
                    WRONG_CHECK_SCORE,
                ),
                (
                    "id15",
                    NOT_AFTER_ALNUM + r"[1-9]\d{5}" + _DATE6 + r"\d{3}" + NOT_BEFORE_ALNUM,
                    CONTEXT_ONLY,
                ),
            ],
            context=["身份证", "身份号码", "证件号", "公民身份", "身份证号", "身份", "id"],
            language=language,
            needs="[0-9]{6}",  # [1-9]\d{5}
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        """True for a valid 18-character ID, None (the pattern's lower score) for one with
        a wrong check character but a real province and birth date, else False; for 15
        digits, None (context decides) or False."""
        if len(pattern_text) == 18:
            if checksums.is_resident_id(pattern_text):
                return True
            return None if checksums.is_resident_id_shape(pattern_text) else False
        return None if checksums.is_legacy_resident_id(pattern_text) else False


class UsccRecognizer(ChinesePatternRecognizer):
    """``CN_USCC``: 18-character Unified Social Credit Codes valid under GB 32100-2015."""

    def __init__(self, language: str = "zh") -> None:
        alphabet = "[0-9A-HJ-NPQRTUWXY]"
        super().__init__(
            "CN_USCC",
            [
                (
                    "uscc",
                    NOT_AFTER_ALNUM
                    + r"[1-9ANY][0-9A-HJ-NPQRTUWXY]\d{6}"
                    + alphabet
                    + "{10}"
                    + NOT_BEFORE_ALNUM,
                    0.5,
                )
            ],
            context=["统一社会信用代码", "信用代码", "社会信用"],
            language=language,
            needs="[0-9]{6}",
        )

    def validate_result(self, pattern_text: str) -> bool:
        """True when the code's GB 32100-2015 check character is right."""
        return checksums.is_uscc(pattern_text)


class PassportRecognizer(ChinesePatternRecognizer):
    """``CN_PASSPORT``: ordinary passports (E + 8 digits, E + letter + 7 digits) on their own;
    older and official ones (G/D/S/P + 7–8 digits) only next to 护照."""

    def __init__(self, language: str = "zh") -> None:
        super().__init__(
            "CN_PASSPORT",
            [
                (
                    "e_passport",
                    NOT_AFTER_ALNUM + r"E(?:\d{8}|[A-HJ-NP-Z]\d{7})" + NOT_BEFORE_ALNUM,
                    0.5,
                ),
                (
                    "older",
                    NOT_AFTER_ALNUM + r"[GDSP][A-Z]?\d{7,8}" + NOT_BEFORE_ALNUM,
                    CONTEXT_ONLY,
                ),
            ],
            context=["护照", "passport"],
            language=language,
            needs="[0-9]{7}",
        )


class HongKongMacaoPermitRecognizer(ChinesePatternRecognizer):
    """``CN_HK_MACAU_PERMIT``: 往来港澳通行证 (C/W + 8) and 港澳居民来往内地通行证 (H/M + 8 or 10
    digits); the letter-digit shapes are common, so a context word is required."""

    def __init__(self, language: str = "zh") -> None:
        super().__init__(
            "CN_HK_MACAU_PERMIT",
            [
                (
                    "exit_permit",
                    NOT_AFTER_ALNUM + r"[CW][0-9A-Z]\d{7}" + NOT_BEFORE_ALNUM,
                    CONTEXT_ONLY,
                ),
                (
                    "home_return",
                    NOT_AFTER_ALNUM + r"[HM]\d{8}(?:\d{2})?" + NOT_BEFORE_ALNUM,
                    CONTEXT_ONLY,
                ),
            ],
            context=["通行证", "港澳", "回乡证", "往来", "来往"],
            language=language,
            needs="[0-9]{7}",
        )


_PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"


class LicensePlateRecognizer(ChinesePatternRecognizer):
    """``CN_LICENSE_PLATE``: GA 36-2018 plates, 7 characters, or 8 for new-energy vehicles
    (D/F in the third or last position); at least one digit, no I or O."""

    def __init__(self, language: str = "zh") -> None:
        letter = "[A-HJ-NP-Z]"
        alnum = "[A-HJ-NP-Z0-9]"
        plate = (
            f"[{_PLATE_PROVINCES}]{letter}[·• ]?"
            f"(?:[DF]{alnum}\\d{{4}}|\\d{{5}}[DF]|(?={alnum}{{0,4}}\\d){alnum}{{4}}"
            f"[A-HJ-NP-Z0-9挂学警港澳])"
        )
        super().__init__(
            "CN_LICENSE_PLATE",
            [("plate", plate + NOT_BEFORE_ALNUM, 0.6)],
            context=["车牌", "号牌", "车辆", "牌照"],
            language=language,
            needs=f"[{_PLATE_PROVINCES}]{letter}",
        )
