"""The yearly data-supplier subsidy: pure, deterministic, integer fen, explained line by line.

Policy (issue 12, after the provincial notice): each city subsidises a share of a supplier's
yearly data-transaction volume (按企业当年数据交易额的一定比例给予补贴); for the six northern
cities (皖北) the money is raised by 20 %; a cap per vendor applies; the province rewards each
city. The rules applied here, in order:

1. A transaction belongs to the year of its **contract date**.
2. It counts only if its kind is one the policy counts and it was **confirmed** by an auditor on
   or before the policy's confirmation deadline (31 December of the year unless the policy
   says otherwise, in Beijing time). Rejected or unconfirmed transactions never count.
3. A **reversal** recorded by the deadline nets out: the statement shows the original line and a
   negative line of the same amount. A reversal after the deadline is shown, not counted.
4. The vendor's city gives the rate; a northern city adds the uplift.
5. **Rounding, once per vendor-year**: with the rate and the uplift in whole basis points
   (1 bp = 0.01 %), the exact subsidy is ``volume × rate_bp × (10000 + uplift_bp) / 10⁸`` fen,
   computed as a fraction of integers; it is rounded to a whole fen **half up** (0.5 fen → 1 fen)
   once, then the cap is applied. Rounding once (not per line) keeps the total independent of
   how the volume was split into lines.

Pure: plain dataclasses and named tuples in and out; no Flask, no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from fractions import Fraction
from functools import lru_cache
from typing import Any, NamedTuple

from app.anhui import ANHUI_CITIES, NORTHERN_CITIES
from app.ledger.entries import KINDS, TRANSACTION_TYPES

BASIS = 10_000  # basis points in 100 %
BEIJING = timedelta(hours=8)  # China Standard Time has no daylight saving

COUNTED = "counted"
KIND_NOT_COUNTED = "kind_not_counted"
NOT_CONFIRMED = "not_confirmed_by_deadline"
REJECTED = "rejected"
REVERSAL = "reversal"
REVERSED_LATE = "reversed_after_deadline"
REVERSES_UNCOUNTED = "reverses_uncounted"


@dataclass(frozen=True)
class SubsidyPolicy:
    """One year's policy, as published by the bureau (see ``policy_from_dict``)."""

    year: int
    version: str
    counted_kinds: frozenset[str]
    rate_bp: Mapping[str, int]
    northern_uplift_bp: int
    cap_fen: int
    provincial_reward_fen: Mapping[str, int]
    confirmation_deadline: date
    northern_cities: frozenset[str] = frozenset(NORTHERN_CITIES)


class Transaction(NamedTuple):
    """A declared or delivered transaction and what became of it (dates in Beijing time).

    A named tuple, like ``StatementLine``: a vendor's year may hold 100,000 of them, and a
    frozen dataclass costs several times more to build.
    """

    seq: int
    vendor_id: int
    kind: str
    amount_fen: int
    contract_date: date
    confirmed_on: date | None = None
    rejected_on: date | None = None
    reversal_seq: int | None = None
    reversed_on: date | None = None


class StatementLine(NamedTuple):
    """One line of a statement: a transaction (or its reversal) and why it counts or not."""

    seq: int
    kind: str
    contract_date: date
    amount_fen: int
    counted: bool
    reason: str
    refers_to: int | None = None


@dataclass(frozen=True)
class Step:
    """One step of the computation: a code for the label, a formula, an exact value in fen."""

    code: str
    formula: str
    value_fen: Fraction


@dataclass(frozen=True)
class VendorSubsidy:
    """A vendor's subsidy for one year with every line and step that produced it."""

    vendor_id: int
    city: str
    year: int
    policy_version: str
    lines: tuple[StatementLine, ...]
    volume_by_kind: Mapping[str, int]
    volume_fen: int
    subsidy_fen: int
    capped: bool
    steps: tuple[Step, ...] = field(default=())


@dataclass(frozen=True)
class CityTotal:
    """One city's vendors, volume, subsidies and provincial reward for the year."""

    city: str
    vendors: int
    volume_fen: int
    subsidy_fen: int
    provincial_reward_fen: int


def policy_from_dict(data: Mapping[str, Any]) -> SubsidyPolicy:
    """Build and check a policy from its JSON form.

    Keys: ``year``, ``version``, ``counted_kinds``, ``rate_bp`` and ``provincial_reward_fen``
    (each naming all 16 cities), ``northern_uplift_bp`` (2000 = 20 %), ``cap_fen``, optional
    ``confirmation_deadline`` (ISO date, default 31 December). Raises ``ValueError``.
    """
    year = int(data["year"])
    rates = {str(city): int(bp) for city, bp in data["rate_bp"].items()}
    rewards = {str(city): int(fen) for city, fen in data["provincial_reward_fen"].items()}
    for name, table in (("rate_bp", rates), ("provincial_reward_fen", rewards)):
        if set(table) != set(ANHUI_CITIES):
            raise ValueError(f"{name} must name each of the 16 cities of Anhui exactly once")
    kinds = frozenset(str(kind) for kind in data["counted_kinds"])
    deadline = date.fromisoformat(data.get("confirmation_deadline", f"{year}-12-31"))
    policy = SubsidyPolicy(
        year=year,
        version=str(data["version"]),
        counted_kinds=kinds,
        rate_bp=rates,
        northern_uplift_bp=int(data["northern_uplift_bp"]),
        cap_fen=int(data["cap_fen"]),
        provincial_reward_fen=rewards,
        confirmation_deadline=deadline,
    )
    if not kinds <= set(KINDS) or deadline < date(year, 12, 31):
        raise ValueError("unknown counted kind, or a deadline before the year's end")
    if not all(0 <= bp <= BASIS for bp in [*rates.values(), policy.northern_uplift_bp]):
        raise ValueError("rates and the uplift are basis points between 0 and 10000")
    if policy.cap_fen < 0 or min(rewards.values()) < 0:
        raise ValueError("the cap and the rewards are never negative")
    return policy


@lru_cache(maxsize=4096)
def beijing_date(utc_timestamp: str) -> date:
    """The calendar date in Beijing of an ISO 8601 UTC timestamp such as ``…T16:30:00Z``.

    Remembered: entries appended together share their timestamp.
    """
    moment = datetime.fromisoformat(utc_timestamp.replace("Z", "+00:00"))
    if moment.utcoffset() is None:
        raise ValueError("a ledger timestamp carries its UTC offset")
    return (moment - moment.utcoffset() + BEIJING).date()  # type: ignore[operator]


def transactions_from_records(records: Iterable[Mapping[str, Any]]) -> list[Transaction]:
    """Fold ledger leaf records (in any order) into transactions with their fates.

    The first confirmation or rejection of a transaction decides it; the first reversal reverses
    it; status entries referring to unknown sequence numbers are ignored.
    """
    found: dict[int, dict[str, Any]] = {}
    for record in sorted(records, key=lambda r: int(r["seq"])):
        seq, kind_of_entry = int(record["seq"]), record["type"]
        if kind_of_entry in TRANSACTION_TYPES:
            found[seq] = {
                "seq": seq,
                "vendor_id": int(record["vendor_id"]),
                "kind": str(record["kind"]),
                "amount_fen": int(record["amount_fen"]),
                "contract_date": date.fromisoformat(record["contract_date"]),
            }
            continue
        target = found.get(int(record["refers_to"]))
        if target is not None:
            _add_status(target, kind_of_entry, seq, record["recorded_at"])
    return [Transaction(**fields) for fields in found.values()]


def _add_status(target: dict[str, Any], entry_type: str, seq: int, recorded_at: str) -> None:
    """Record a status entry's effect on the transaction ``target`` (its fields, in place)."""
    decided = "confirmed_on" in target or "rejected_on" in target
    if entry_type == "confirmation" and not decided:
        target["confirmed_on"] = beijing_date(recorded_at)
    elif entry_type == "rejection" and not decided:
        target["rejected_on"] = beijing_date(recorded_at)
    elif entry_type == "reversal" and "reversal_seq" not in target:
        target["reversal_seq"], target["reversed_on"] = seq, beijing_date(recorded_at)


def statement_lines(
    policy: SubsidyPolicy, transactions: Iterable[Transaction]
) -> list[StatementLine]:
    """The lines of the year's statement, by sequence number.

    Each transaction whose contract date lies in the policy year, then its reversal if any.
    """
    lines: list[StatementLine] = []
    for tx in sorted(transactions, key=lambda t: t.seq):
        if tx.contract_date.year != policy.year:
            continue
        reason = _transaction_reason(policy, tx)
        lines.append(
            StatementLine(
                tx.seq, tx.kind, tx.contract_date, tx.amount_fen, reason == COUNTED, reason
            )
        )
        if tx.reversal_seq is not None and tx.reversed_on is not None:
            late = tx.reversed_on > policy.confirmation_deadline
            why = REVERSES_UNCOUNTED if reason != COUNTED else REVERSED_LATE if late else REVERSAL
            lines.append(
                StatementLine(
                    tx.reversal_seq,
                    tx.kind,
                    tx.contract_date,
                    -tx.amount_fen,
                    why == REVERSAL,
                    why,
                    tx.seq,
                )
            )
    return lines


def _transaction_reason(policy: SubsidyPolicy, tx: Transaction) -> str:
    if tx.rejected_on is not None:
        return REJECTED
    if tx.confirmed_on is None or tx.confirmed_on > policy.confirmation_deadline:
        return NOT_CONFIRMED
    if tx.kind not in policy.counted_kinds:
        return KIND_NOT_COUNTED
    return COUNTED


def round_half_up(value: Fraction) -> int:
    """``value`` (>= 0) rounded to the nearest integer, halves upwards."""
    if value < 0:
        raise ValueError("a subsidy is never negative")
    return int((value * 2 + 1) // 2)


def vendor_subsidy(
    policy: SubsidyPolicy, vendor_id: int, city: str, transactions: Iterable[Transaction]
) -> VendorSubsidy:
    """The vendor's subsidy for ``policy.year`` with its lines and steps.

    The rules and the rounding are those of the module docstring. Raises ``ValueError`` for a
    city outside Anhui.
    """
    if city not in policy.rate_bp:
        raise ValueError(f"{city!r} is not one of the 16 cities of Anhui")
    mine = [tx for tx in transactions if tx.vendor_id == vendor_id]
    lines = tuple(statement_lines(policy, mine))
    by_kind = {kind: 0 for kind in KINDS}
    for line in lines:
        if line.counted:
            by_kind[line.kind] += line.amount_fen
    volume = sum(by_kind.values())
    steps = _steps(policy, city, volume)
    subsidy = int(steps[-1].value_fen)
    return VendorSubsidy(
        vendor_id=vendor_id,
        city=city,
        year=policy.year,
        policy_version=policy.version,
        lines=lines,
        volume_by_kind=by_kind,
        volume_fen=volume,
        subsidy_fen=subsidy,
        capped=subsidy < int(steps[-2].value_fen),
        steps=steps,
    )


def _steps(policy: SubsidyPolicy, city: str, volume: int) -> tuple[Step, ...]:
    rate = policy.rate_bp[city]
    uplift = policy.northern_uplift_bp if city in policy.northern_cities else 0
    base = Fraction(volume * rate, BASIS)
    raised = base * Fraction(BASIS + uplift, BASIS)
    rounded = round_half_up(raised)
    return (
        Step("volume", "Σ counted lines", Fraction(volume)),
        Step("rate", f"{yuan(volume)} × {percent(rate)} ({city})", base),
        Step("uplift", f"{yuan(base)} × (100% + {percent(uplift)})", raised),
        Step("rounding", f"{yuan(raised)} rounded half up to a whole fen", Fraction(rounded)),
        Step(
            "cap",
            f"min({yuan(rounded)}, cap {yuan(policy.cap_fen)})",
            Fraction(min(rounded, policy.cap_fen)),
        ),
    )


def city_totals(policy: SubsidyPolicy, subsidies: Sequence[VendorSubsidy]) -> list[CityTotal]:
    """Per city, in the order of ``ANHUI_CITIES``, the year's figures.

    Vendors with a counted volume, the volume, the subsidies, and the provincial reward the
    policy sets for that city.
    """
    totals = []
    for city in ANHUI_CITIES:
        mine = [s for s in subsidies if s.city == city]
        totals.append(
            CityTotal(
                city=city,
                vendors=sum(1 for s in mine if s.volume_fen),
                volume_fen=sum(s.volume_fen for s in mine),
                subsidy_fen=sum(s.subsidy_fen for s in mine),
                provincial_reward_fen=policy.provincial_reward_fen[city],
            )
        )
    return totals


def yuan(fen: int | Fraction) -> str:
    """Fen as yuan, exact: two decimals, more only when the amount has a fraction of a fen."""
    value = Fraction(fen)
    sign, value = ("-" if value < 0 else ""), abs(value)
    whole, rest = divmod(value, 100)
    text = f"{sign}{int(whole)}.{int(rest):02d}"
    fraction = rest - int(rest)
    digits = ""
    while fraction and len(digits) < 8:
        fraction *= 10
        digits += str(int(fraction))
        fraction -= int(fraction)
    return text + digits + (" …" if fraction else "")


def percent(bp: int) -> str:
    """Basis points as a percentage: 300 → ``3%``, 2050 → ``20.5%``."""
    whole, rest = divmod(bp, 100)
    return f"{whole}%" if not rest else f"{whole}.{rest:02d}".rstrip("0") + "%"
