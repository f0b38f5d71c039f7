"""The subsidy arithmetic on worked examples, worked out by hand in the comments.

Policy of the examples: 合肥 3 % (300 bp), 阜阳 2.5 % (250 bp), every other city 2 %; northern
uplift 20 %; cap 50 000.00 yuan per vendor; collection, cleaning and labeling count, dataset
sales do not; rounding half up to a whole fen once per vendor-year.
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

from app.anhui import ANHUI_CITIES
from app.ledger import subsidy

POLICY_DATA: dict[str, Any] = {
    "year": 2026,
    "version": "test-1",
    "counted_kinds": ["collection", "cleaning", "labeling"],
    "rate_bp": {city: 200 for city in ANHUI_CITIES} | {"合肥": 300, "阜阳": 250},
    "northern_uplift_bp": 2000,
    "cap_fen": 5_000_000,
    "provincial_reward_fen": {city: 100_000 * (i + 1) for i, city in enumerate(ANHUI_CITIES)},
}
POLICY = subsidy.policy_from_dict(POLICY_DATA)


class Log:
    """Builds ledger leaf records the way the append service writes them."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []

    def declare(self, vendor: int, kind: str, fen: int, contract: str) -> int:
        seq = len(self.records) + 1
        self.records.append(
            {
                "seq": seq,
                "type": "declaration",
                "vendor_id": vendor,
                "kind": kind,
                "amount_fen": fen,
                "contract_date": contract,
                "recorded_at": f"{contract}T02:00:00Z",
            }
        )
        return seq

    def status(self, entry_type: str, target: int, at: str) -> int:
        seq = len(self.records) + 1
        vendor = self.records[target - 1]["vendor_id"]
        self.records.append(
            {
                "seq": seq,
                "type": entry_type,
                "vendor_id": vendor,
                "refers_to": target,
                "recorded_at": at,
            }
        )
        return seq

    def subsidy(self, vendor: int, city: str, policy=POLICY) -> subsidy.VendorSubsidy:
        transactions = subsidy.transactions_from_records(self.records)
        return subsidy.vendor_subsidy(policy, vendor, city, transactions)


def test_southern_vendor_in_hefei() -> None:
    log = Log()
    a = log.declare(1, "labeling", 1_234_567, "2026-03-01")
    b = log.declare(1, "cleaning", 800_001, "2026-06-30")
    log.status("confirmation", a, "2026-03-05T01:00:00Z")
    log.status("confirmation", b, "2026-07-02T01:00:00Z")
    result = log.subsidy(1, "合肥")
    # volume 12 345.67 + 8 000.01 = 20 345.68 yuan = 2 034 568 fen
    # × 3 % = 61 037.04 fen exactly; no uplift in 合肥; rounds to 61 037 fen = 610.37 yuan
    assert result.volume_fen == 2_034_568
    assert result.volume_by_kind["labeling"] == 1_234_567
    assert [step.value_fen for step in result.steps] == [
        2_034_568,
        Fraction(6_103_704, 100),
        Fraction(6_103_704, 100),
        61_037,
        61_037,
    ]
    assert result.subsidy_fen == 61_037 and not result.capped
    assert result.steps[1].formula == "20345.68 × 3% (合肥)"


def test_northern_vendor_in_fuyang_gets_the_uplift_and_rounds_half_up() -> None:
    log = Log()
    a = log.declare(2, "collection", 1_000_050, "2026-05-20")
    log.status("confirmation", a, "2026-05-21T08:00:00Z")
    result = log.subsidy(2, "阜阳")
    # 1 000 050 fen × 2.5 % = 25 001.25 fen; × 120 % = 30 001.5 fen; half up → 30 002 fen
    assert [step.value_fen for step in result.steps[1:4]] == [
        Fraction(2_500_125, 100),
        Fraction(300_015, 10),
        30_002,
    ]
    assert result.subsidy_fen == 30_002
    assert result.steps[2].formula == "250.0125 × (100% + 20%)"


def test_the_same_volume_in_a_southern_city_gets_no_uplift() -> None:
    log = Log()
    a = log.declare(3, "collection", 1_000_050, "2026-05-20")
    log.status("confirmation", a, "2026-05-21T08:00:00Z")
    # 2 % of 1 000 050 fen = 20 001 fen exactly
    assert log.subsidy(3, "芜湖").subsidy_fen == 20_001


def test_a_capped_vendor_gets_the_cap() -> None:
    log = Log()
    a = log.declare(4, "labeling", 200_000_000, "2026-02-01")
    log.status("confirmation", a, "2026-02-02T00:00:00Z")
    result = log.subsidy(4, "合肥")
    # 2 000 000.00 yuan × 3 % = 60 000.00 yuan, above the 50 000.00 cap
    assert result.steps[3].value_fen == 6_000_000
    assert result.subsidy_fen == 5_000_000 and result.capped


def test_a_reversed_entry_nets_out_and_a_late_reversal_does_not() -> None:
    log = Log()
    kept = log.declare(5, "cleaning", 500_000, "2026-04-01")
    wrong = log.declare(5, "cleaning", 300_000, "2026-04-02")
    late = log.declare(5, "cleaning", 100_000, "2026-04-03")
    for seq in (kept, wrong, late):
        log.status("confirmation", seq, "2026-04-10T00:00:00Z")
    reversal = log.status("reversal", wrong, "2026-09-01T00:00:00Z")
    log.status("reversal", late, "2027-01-15T00:00:00Z")
    result = log.subsidy(5, "合肥")
    assert result.volume_fen == 600_000  # 500 000 + 300 000 − 300 000 + 100 000
    reversal_line = next(line for line in result.lines if line.seq == reversal)
    assert reversal_line.amount_fen == -300_000 and reversal_line.counted
    assert reversal_line.refers_to == wrong
    assert [line.reason for line in result.lines if line.amount_fen < 0] == [
        subsidy.REVERSAL,
        subsidy.REVERSED_LATE,
    ]
    assert result.subsidy_fen == 18_000  # 600 000 × 3 %


def test_a_transaction_crossing_the_year_end_counts_in_neither_year() -> None:
    log = Log()
    dec = log.declare(6, "labeling", 1_000_000, "2026-12-30")
    jan = log.declare(6, "labeling", 2_000_000, "2027-01-02")
    # 2026-12-31T16:30Z is 00:30 on 1 January 2027 in Beijing: after the deadline
    log.status("confirmation", dec, "2026-12-31T16:30:00Z")
    log.status("confirmation", jan, "2027-01-03T00:00:00Z")
    result_2026 = log.subsidy(6, "合肥")
    assert result_2026.volume_fen == 0
    assert [(line.seq, line.reason) for line in result_2026.lines] == [(dec, subsidy.NOT_CONFIRMED)]
    policy_2027 = subsidy.policy_from_dict(POLICY_DATA | {"year": 2027})
    result_2027 = log.subsidy(6, "合肥", policy_2027)
    assert [line.seq for line in result_2027.lines] == [jan]
    assert result_2027.volume_fen == 2_000_000


def test_a_confirmation_in_the_last_beijing_second_of_the_year_counts() -> None:
    log = Log()
    a = log.declare(7, "labeling", 1_000_000, "2026-12-30")
    log.status("confirmation", a, "2026-12-31T15:59:59Z")  # 23:59:59 in Beijing
    assert log.subsidy(7, "合肥").volume_fen == 1_000_000


def test_rejected_unconfirmed_and_uncounted_kinds_do_not_count() -> None:
    log = Log()
    rejected = log.declare(8, "labeling", 1_000, "2026-03-01")
    log.declare(8, "labeling", 2_000, "2026-03-01")
    sale = log.declare(8, "dataset_sale", 4_000, "2026-03-01")
    log.status("rejection", rejected, "2026-03-02T00:00:00Z")
    log.status("confirmation", rejected, "2026-03-03T00:00:00Z")  # too late: already decided
    log.status("confirmation", sale, "2026-03-03T00:00:00Z")
    result = log.subsidy(8, "合肥")
    assert [line.reason for line in result.lines] == [
        subsidy.REJECTED,
        subsidy.NOT_CONFIRMED,
        subsidy.KIND_NOT_COUNTED,
    ]
    assert result.volume_fen == 0 and result.subsidy_fen == 0


def test_other_vendors_lines_stay_out_of_a_statement() -> None:
    log = Log()
    mine = log.declare(9, "labeling", 1_000, "2026-03-01")
    theirs = log.declare(10, "labeling", 9_000, "2026-03-01")
    log.status("confirmation", mine, "2026-03-02T00:00:00Z")
    log.status("confirmation", theirs, "2026-03-02T00:00:00Z")
    assert [line.seq for line in log.subsidy(9, "合肥").lines] == [mine]


def test_city_totals_cover_all_sixteen_cities_with_their_rewards() -> None:
    log = Log()
    a = log.declare(1, "labeling", 1_000_000, "2026-03-01")
    b = log.declare(2, "labeling", 1_000_000, "2026-03-01")
    log.status("confirmation", a, "2026-03-02T00:00:00Z")
    log.status("confirmation", b, "2026-03-02T00:00:00Z")
    totals = subsidy.city_totals(POLICY, [log.subsidy(1, "合肥"), log.subsidy(2, "阜阳")])
    assert [t.city for t in totals] == list(ANHUI_CITIES)
    by_city = {t.city: t for t in totals}
    assert (by_city["合肥"].vendors, by_city["合肥"].subsidy_fen) == (1, 30_000)
    assert by_city["阜阳"].subsidy_fen == 30_000  # 2.5 % × 1.2 = 3 %
    assert by_city["芜湖"].vendors == 0
    assert by_city["淮北"].provincial_reward_fen == 100_000


def test_an_unknown_city_is_refused() -> None:
    with pytest.raises(ValueError):
        Log().subsidy(1, "南京")


@pytest.mark.parametrize(
    "change",
    [
        {"rate_bp": {"合肥": 300}},
        {"counted_kinds": ["gambling"]},
        {"northern_uplift_bp": 20_001},
        {"cap_fen": -1},
        {"confirmation_deadline": "2026-06-30"},
    ],
)
def test_a_malformed_policy_is_refused(change: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        subsidy.policy_from_dict(POLICY_DATA | change)


def test_the_shipped_policy_loads() -> None:
    path = Path(subsidy.__file__).parent / "policies" / "2026.json"
    policy = subsidy.policy_from_dict(json.loads(path.read_text(encoding="utf-8")))
    assert policy.year == 2026 and policy.northern_uplift_bp == 2000


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "0.00"),
        (5, "0.05"),
        (123_456, "1234.56"),
        (-300_000, "-3000.00"),
        (Fraction(2_500_125, 100), "250.0125"),
        (Fraction(1, 3), "0.0033333333 …"),
    ],
)
def test_yuan_is_exact(fen: int | Fraction, text: str) -> None:
    assert subsidy.yuan(fen) == text


def test_round_half_up() -> None:
    assert [subsidy.round_half_up(Fraction(n, 2)) for n in range(6)] == [0, 1, 1, 2, 2, 3]
