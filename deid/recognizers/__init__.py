"""Recognizer registry: every recognizer the engine can run, keyed by name.

``CHINESE_RECOGNIZERS`` are on by default for ``language="zh"``; ``OPT_IN_RECOGNIZERS`` only
when a caller asks for their entity types.
"""

from __future__ import annotations

from deid.recognizers.address import AddressRecognizer
from deid.recognizers.base import REPORT_THRESHOLD, RecognizerFactory
from deid.recognizers.contact import (
    AsciiEmailRecognizer,
    AsciiUrlRecognizer,
    BankAccountRecognizer,
    BankCardRecognizer,
    ChinesePhoneRecognizer,
    ValidatedIpRecognizer,
)
from deid.recognizers.identity import (
    HongKongMacaoPermitRecognizer,
    LicensePlateRecognizer,
    PassportRecognizer,
    ResidentIdRecognizer,
    UsccRecognizer,
)
from deid.recognizers.labelled import LABELLED_ENTITIES, LabelledIdRecognizer, VinRecognizer
from deid.recognizers.organization import DivisionLocationRecognizer, JiebaOrganizationRecognizer
from deid.recognizers.person import ChinesePersonRecognizer, recall_person_recognizer

CHINESE_RECOGNIZERS: dict[str, RecognizerFactory] = {
    "cn_resident_id": ResidentIdRecognizer,
    "cn_phone": ChinesePhoneRecognizer,
    "cn_bank_card": BankCardRecognizer,
    "cn_bank_account": BankAccountRecognizer,
    "cn_uscc": UsccRecognizer,
    "cn_passport": PassportRecognizer,
    "cn_hk_macau_permit": HongKongMacaoPermitRecognizer,
    "cn_license_plate": LicensePlateRecognizer,
    "cn_vin": VinRecognizer,
    "cn_labelled_id": LabelledIdRecognizer,
    "cn_address": AddressRecognizer,
    "email_address": AsciiEmailRecognizer,
    "ip_address": ValidatedIpRecognizer,
    "url": AsciiUrlRecognizer,
    "person": ChinesePersonRecognizer,
}

# Engine profiles: ``default`` balances recall, precision and speed; ``recall`` adds jieba's
# part-of-speech person tags and Baidu's pretrained LAC (``deid.lac``, about four times
# slower) for documents where a missed name costs more than review time; ``residual`` is
# ``recall`` without LAC, for a release's residual scan of every redacted document, which
# must keep the default profile's pace.
PROFILES: dict[str, dict[str, RecognizerFactory]] = {
    "default": CHINESE_RECOGNIZERS,
    "recall": {**CHINESE_RECOGNIZERS, "person": recall_person_recognizer},
    "residual": {**CHINESE_RECOGNIZERS, "person": recall_person_recognizer},
}
LAC_PROFILES = frozenset({"recall"})
# The profiles whose span judge has LAC's second opinion on its doubtful candidates
# (``deid.lac_review``).
REVIEWED_PROFILES = frozenset({"default"})
# The profiles a release's policy may ask for (``residual`` is its residual scan's own).
POLICY_PROFILES = ("default", "recall")

OPT_IN_RECOGNIZERS: dict[str, RecognizerFactory] = {
    "org": JiebaOrganizationRecognizer,
    "loc": DivisionLocationRecognizer,
}

DEFAULT_ENTITIES = (
    "PERSON",
    "CN_RESIDENT_ID",
    "CN_PHONE",
    "CN_BANK_CARD",
    "CN_USCC",
    "CN_PASSPORT",
    "CN_HK_MACAU_PERMIT",
    "CN_LICENSE_PLATE",
    "CN_ADDRESS",
    "EMAIL_ADDRESS",
    "IP_ADDRESS",
    "URL",
    *LABELLED_ENTITIES,
)

__all__ = [
    "CHINESE_RECOGNIZERS",
    "DEFAULT_ENTITIES",
    "OPT_IN_RECOGNIZERS",
    "PROFILES",
    "LAC_PROFILES",
    "REVIEWED_PROFILES",
    "POLICY_PROFILES",
    "REPORT_THRESHOLD",
    "RecognizerFactory",
]
