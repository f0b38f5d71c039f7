"""Wanbiao's de-identifier: Chinese-first PII recognition on Presidio, and anonymization.

``analyze(text, language="zh")`` and ``analyze_batch(texts)`` return ``Finding`` lists;
``anonymize(text, findings, policy)`` returns a ``Redaction``; ``name_key(name)`` is the form
in which names are compared (allow-lists, pseudonyms).
"""

from deid.anonymize import OPERATORS, Policy, Redaction, anonymize
from deid.consistency import name_key
from deid.engine import analyze, analyze_batch
from deid.findings import Finding

__all__ = [
    "OPERATORS",
    "Finding",
    "Policy",
    "Redaction",
    "analyze",
    "analyze_batch",
    "anonymize",
    "name_key",
]
