"""The ledger's codes (entry types, kinds, statuses, statement steps and reasons) in the
reader's language; the codes themselves stay in the data, the CSV and the API."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

TERMS = {
    # entry types
    "declaration": _l("Declaration"),
    "delivery": _l("Delivery accepted"),
    "confirmation": _l("Confirmation"),
    "rejection": _l("Rejection"),
    "reversal": _l("Reversal"),
    # kinds
    "collection": _l("Data collection service"),
    "cleaning": _l("Data cleaning service"),
    "labeling": _l("Data labeling service"),
    "dataset_sale": _l("Dataset sale"),
    "dataset_licence": _l("Dataset licence"),
    # statuses
    "declared": _l("Declared, awaiting confirmation"),
    "confirmed": _l("Confirmed"),
    "rejected": _l("Rejected"),
    "reversed": _l("Reversed"),
    # statement steps
    "volume": _l("Counted volume"),
    "rate": _l("City rate"),
    "uplift": _l("Northern uplift"),
    "rounding": _l("Rounding"),
    "cap": _l("Cap"),
    # reasons
    "counted": _l("Counted"),
    "kind_not_counted": _l("Kind not counted by the policy"),
    "not_confirmed_by_deadline": _l("Not confirmed by the year's end"),
    "reversed_after_deadline": _l("Reversed after the year's end"),
    "reverses_uncounted": _l("Reverses an entry that did not count"),
}


def ledger_term(code: str | None) -> str:
    """``code`` in the reader's language; an unknown code is shown as it is."""
    if not code:
        return ""
    return str(TERMS.get(code, code))


# The English wording of the steps' formulas in the statement's data (``subsidy._steps``).
_ROUNDING = re.compile(r"(?P<value>\S+) rounded half up to a whole fen")
_CAP = re.compile(r"min\((?P<value>[^,]+), cap (?P<cap>[^)]+)\)")


def step_formula(step: Mapping[str, Any]) -> str:
    """A statement step's formula in the reader's language (the data keeps the English one);
    the figures are those of the data, and a formula of another shape is shown as it is."""
    code, formula = step.get("code"), str(step.get("formula", ""))
    if code == "volume" and formula == "Σ counted lines":
        return str(_("Σ of the counted lines"))
    if code == "rounding" and (found := _ROUNDING.fullmatch(formula)):
        return str(_("%(value)s rounded half up to a whole fen", value=found["value"]))
    if code == "cap" and (found := _CAP.fullmatch(formula)):
        return str(_("the smaller of %(value)s and the cap %(cap)s", **found.groupdict()))
    return formula
