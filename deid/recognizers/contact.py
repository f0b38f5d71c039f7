"""Contact and account numbers: phones, bank cards, e-mail, IP addresses, URLs."""

from __future__ import annotations

import ipaddress
from functools import cache

import tldextract

from deid import checksums
from deid.recognizers.base import (
    CONTEXT_ONLY,
    NOT_AFTER_ALNUM,
    NOT_BEFORE_ALNUM,
    ChinesePatternRecognizer,
)

# Service numbers that reach an office, not a person (MIIT numbering plan).
_PUBLIC_PREFIXES = ("400", "800", "95", "96", "12", "11")


class ChinesePhoneRecognizer(ChinesePatternRecognizer):
    """``CN_PHONE``: mobiles (1[3-9] + 9 digits, optional +86/0086, spaces or hyphens) and
    landlines with an area code, in parentheses or not, with an extension (转, -, 分机).

    Public numbers (12345, 110, 95xxx, 400-/800-) never match: they have no area code or
    mobile prefix; a bare 7–8 digit local number needs a context word such as 电话.
    """

    def __init__(self, language: str = "zh") -> None:
        mobile = r"(?:(?:\+|00)86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}"
        area = r"(?:\(0\d{2,3}\)|(?:(?:\+|00)86[ -]?)?0\d{2,3})"
        local = r"[2-8]\d{2,3}[ -]?\d{4}"
        extension = r"(?:(?:转|分机|-|ext\.?|x)\d{1,6})?"
        super().__init__(
            "CN_PHONE",
            [
                ("mobile", NOT_AFTER_ALNUM + mobile + NOT_BEFORE_ALNUM, 0.6),
                (
                    "landline",
                    NOT_AFTER_ALNUM + area + r"[ -]?" + local + extension + NOT_BEFORE_ALNUM,
                    0.5,
                ),
                (
                    "local",
                    NOT_AFTER_ALNUM + r"[2-8]\d{6,7}" + extension + NOT_BEFORE_ALNUM,
                    CONTEXT_ONLY,
                ),
            ],
            context=["电话", "手机", "联系", "座机", "传真", "热线", "tel", "phone", "号码"],
            language=language,
            needs="[0-9]{4}",  # the mobile's and the local number's last four
            min_digits=7,
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        """False for service numbers (400/800/95…) written without an area code."""
        digits = "".join(c for c in pattern_text if c.isdigit())
        if len(digits) <= 8 and digits.startswith(_PUBLIC_PREFIXES):
            return False
        return None


class BankCardRecognizer(ChinesePatternRecognizer):
    """``CN_BANK_CARD``: 16–19 digit card numbers (groups of four allowed) passing Luhn
    (ISO/IEC 7812-1)."""

    def __init__(self, language: str = "zh") -> None:
        card = r"[1-9]\d{3}(?:[ -]?\d{4}){3}(?:[ -]?\d{1,3})?"
        super().__init__(
            "CN_BANK_CARD",
            [("card", NOT_AFTER_ALNUM + card + NOT_BEFORE_ALNUM, 0.5)],
            context=["银行卡", "卡号", "账号", "帐号", "开户", "借记卡", "信用卡"],
            language=language,
            needs="[0-9]{4}",
            min_digits=16,
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        """True for 16–19 digits with a valid Luhn check digit; None (the pattern's score,
        below a checked ID's) when the 18 digits are also shaped like a resident ID: a
        context word (卡号 or 身份证) then decides which it is."""
        digits = "".join(c for c in pattern_text if c.isdigit())
        if not (16 <= len(digits) <= 19 and checksums.luhn_valid(digits)):
            return False
        return None if checksums.is_resident_id_shape(digits) else True


class BankAccountRecognizer(ChinesePatternRecognizer):
    """``CN_BANK_CARD`` for account numbers without a Luhn digit (corporate accounts):
    10–25 digits, reported only next to 账号, 开户行, 账户 and the like."""

    def __init__(self, language: str = "zh") -> None:
        super().__init__(
            "CN_BANK_CARD",
            [
                (
                    "account",
                    NOT_AFTER_ALNUM + r"\d{4}(?:[ -]?\d{2,4}){2,6}" + NOT_BEFORE_ALNUM,
                    CONTEXT_ONLY,
                )
            ],
            context=["账号", "帐号", "开户行", "账户", "帐户", "卡号", "银行"],
            language=language,
            name=f"CN_BANK_ACCOUNT_{language}",
            needs="[0-9]{4}",
            min_digits=8,
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        """False unless the number has 10–25 digits."""
        digits = sum(c.isdigit() for c in pattern_text)
        return None if 10 <= digits <= 25 else False


@cache
def offline_tld_extractor() -> tldextract.TLDExtract:
    """A ``TLDExtract`` that uses only the public-suffix snapshot bundled with tldextract:
    no download, no cache directory."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class AsciiEmailRecognizer(ChinesePatternRecognizer):
    """``EMAIL_ADDRESS`` with an ASCII local part (RFC 5322 atoms), so it never swallows the
    Chinese in front of it; the domain must end in a public suffix (offline snapshot)."""

    def __init__(self, language: str = "zh") -> None:
        local = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
        domain = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
        super().__init__(
            "EMAIL_ADDRESS",
            [("email", r"(?<![A-Za-z0-9._%+-])" + local + "@" + domain + r"(?![A-Za-z0-9-])", 0.5)],
            context=["邮箱", "邮件", "email", "e-mail"],
            language=language,
            needs="@",
        )

    def validate_result(self, pattern_text: str) -> bool:
        """True when the domain has a known public suffix (tldextract, offline)."""
        return bool(offline_tld_extractor()(pattern_text.rsplit("@", 1)[-1]).suffix)


class ValidatedIpRecognizer(ChinesePatternRecognizer):
    """``IP_ADDRESS``: IPv4 dotted quads and IPv6 (RFC 4291 text forms), checked with
    ``ipaddress``."""

    def __init__(self, language: str = "zh") -> None:
        super().__init__(
            "IP_ADDRESS",
            [
                ("ipv4", r"(?<![0-9.])\d{1,3}(?:\.\d{1,3}){3}(?!\.?\d|[A-Za-z])", 0.5),
                (
                    "ipv6",
                    r"(?<![0-9A-F:])(?:[0-9A-F]{0,4}:){2,7}[0-9A-F]{0,4}"
                    r"(?:\d{1,3}(?:\.\d{1,3}){3})?(?![0-9A-Za-z:])",
                    0.5,
                ),
            ],
            context=["ip", "地址"],
            language=language,
            needs=r"[0-9]\.[0-9]|:[0-9A-F]{0,4}:",
        )

    def validate_result(self, pattern_text: str) -> bool:
        """True for a valid IPv4 or IPv6 address (not the unspecified ``::``)."""
        try:
            address = ipaddress.ip_address(pattern_text)
        except ValueError:
            return False
        return not address.is_unspecified


class AsciiUrlRecognizer(ChinesePatternRecognizer):
    """``URL``: http(s)/ftp URLs and www. hosts, ASCII characters only (RFC 3986), so the
    match stops at the first Chinese character or full stop."""

    def __init__(self, language: str = "zh") -> None:
        body = r"[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]*[A-Za-z0-9/#=&_~%-]"
        super().__init__(
            "URL",
            [("url", NOT_AFTER_ALNUM + r"(?:(?:https?|ftp)://|www\.)" + body, 0.6)],
            context=["网址", "网站", "链接", "url"],
            language=language,
            needs=r"://|www\.",
        )
