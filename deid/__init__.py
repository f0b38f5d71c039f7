"""Wanbiao's de-identifier: Chinese-first PII recognition on Presidio, and anonymization.

``analyze(text, language="zh")`` and ``analyze_batch(texts)`` return ``Finding`` lists;
``anonymize(text, findings, policy)`` returns a ``Redaction``; ``name_key(name)`` is the form
in which names are compared (allow-lists, pseudonyms).

The public names load on first use (PEP 562): ``import deid`` or ``deid.checksums`` costs
nothing, and Presidio, spaCy and jieba (about 130 MB) load only in a process that analyses
or anonymizes.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from deid.anonymize import OPERATORS, Policy, Redaction, anonymize
    from deid.consistency import name_key
    from deid.engine import analyze, analyze_batch
    from deid.findings import Finding

#: Where each public name lives.
_HOMES = {
    "OPERATORS": "deid.anonymize",
    "Policy": "deid.anonymize",
    "Redaction": "deid.anonymize",
    "anonymize": "deid.anonymize",
    "name_key": "deid.consistency",
    "analyze": "deid.engine",
    "analyze_batch": "deid.engine",
    "Finding": "deid.findings",
}

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


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use and keep the name here."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


class _Package(types.ModuleType):
    """``deid.anonymize`` stays the function once its submodule is imported: the import
    system sets a package's attribute to each submodule it loads (``deid.anonymize`` the
    module is ``sys.modules["deid.anonymize"]``), which an eager ``from … import`` used to
    overwrite."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _HOMES and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
