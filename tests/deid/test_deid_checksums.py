"""Check characters against the standards' own worked examples."""

from __future__ import annotations

import pytest

from deid import checksums


def test_gb11643_worked_example_is_valid() -> None:
    # GB 11643-1999, appendix example: 11010519491231002X.
    assert checksums.resident_id_check_char("11010519491231002") == "X"
    assert checksums.is_resident_id("11010519491231002X")
    assert checksums.is_resident_id("11010519491231002x")


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",  # wrong check character
        "110105194902300026",  # 30 February
        "990105194912310028",  # no province 99
        "11010519491231002",  # 17 characters
    ],
)
def test_resident_id_rejects_malformed_numbers(number: str) -> None:
    assert not checksums.is_resident_id(number)


def test_legacy_resident_id_needs_a_real_date() -> None:
    assert checksums.is_legacy_resident_id("110105491231002")
    assert not checksums.is_legacy_resident_id("110105491331002")


def test_gb32100_check_character() -> None:
    # A published code of a Fuzhou enterprise.
    assert checksums.uscc_check_char("91350100M000100Y4") == "3"
    assert checksums.is_uscc("91350100M000100Y43")
    assert not checksums.is_uscc("91350100M000100Y44")
    assert not checksums.is_uscc("91350100M000100I43")  # I is not in the alphabet


def test_uscc_check_char_refuses_foreign_letters() -> None:
    with pytest.raises(ValueError):
        checksums.uscc_check_char("91350100M000100O4")


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("79927398713", True),  # the classic Luhn example
        ("79927398710", False),
        ("4111111111111111", True),
        ("6222021234567890123", False),
    ],
)
def test_luhn(digits: str, valid: bool) -> None:
    assert checksums.luhn_valid(digits) is valid
