"""Check characters of Chinese identifiers and card numbers.

Pure functions, no I/O: each takes the identifier as printed (ASCII, already NFKC-normalised)
and answers whether it is well formed.
"""

from __future__ import annotations

import datetime as dt

# GB 11643-1999: weights 2^(17-i) mod 11 and the check character for each remainder.
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# GB/T 2260 province-level codes (first two digits of a resident ID); 81/82/83 are the
# residence permits of Hong Kong, Macao and Taiwan residents.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82 83".split()
)

# GB 32100-2015: 31-character alphabet (no I, O, S, V, Z) and position weights 3^i mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def resident_id_check_char(first17: str) -> str:
    """Return the GB 11643-1999 (ISO 7064 MOD 11-2) check character for 17 digits.

    Raises ``ValueError`` when ``first17`` is not exactly 17 ASCII digits.
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("a resident ID body is 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_real_date(year: int, month: int, day: int, latest: dt.date | None = None) -> bool:
    """True when the date exists, is not before 1900-01-01 and not after ``latest`` (today)."""
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= date <= (latest or dt.date.today())


def is_resident_id(number: str) -> bool:
    """Validate an 18-character resident identity number (GB 11643-1999).

    Checks a known province prefix (GB/T 2260), a real birth date (YYYYMMDD, digits 7–14) and
    the MOD 11-2 check character (``X`` accepted in either case).  Never raises.
    """
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        return False
    if number[:2] not in PROVINCE_CODES:
        return False
    if not is_real_date(int(number[6:10]), int(number[10:12]), int(number[12:14])):
        return False
    return resident_id_check_char(number[:17]) == number[17].upper()


def is_legacy_resident_id(number: str) -> bool:
    """Validate a 15-digit first-generation resident ID: province prefix and a 19YYMMDD date.

    There is no check digit, so callers should require context.  Never raises.
    """
    if len(number) != 15 or not number.isascii() or not number.isdigit():
        return False
    year, month, day = 1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])
    return number[:2] in PROVINCE_CODES and is_real_date(year, month, day)


def luhn_valid(digits: str) -> bool:
    """True when ``digits`` (ASCII digits only) pass the Luhn mod-10 check (ISO/IEC 7812-1)."""
    if not digits.isascii() or not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def uscc_check_char(first17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters of a USCC.

    Raises ``ValueError`` when a character is outside the 31-character code alphabet.
    """
    if len(first17) != 17:
        raise ValueError("a USCC body is 17 characters")
    try:
        total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    except ValueError as error:
        raise ValueError(f"character outside the GB 32100-2015 alphabet in {first17!r}") from error
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_uscc(code: str) -> bool:
    """Validate an 18-character Unified Social Credit Code (GB 32100-2015).

    Checks the alphabet, the registration-authority digit (1–9, A, N, Y), the six-digit
    administrative-division code (GB/T 2260 province prefix) and the check character.
    Never raises.
    """
    code = code.upper()
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        return False
    if code[0] not in "123456789ANY" or not code[2:8].isdigit():
        return False
    if code[2:4] not in PROVINCE_CODES and code[2:8] != "100000":
        return False
    return uscc_check_char(code[:17]) == code[17]


def is_resident_id_shape(number: str) -> bool:
    """True for 17 digits and a check character (digit or ``X``) that start with a known
    province code (GB/T 2260) and a prefecture code other than 00, and carry a real birth
    date, whatever the check character says.  Never raises."""
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        return False
    if number[17].upper() not in "0123456789X" or number[:2] not in PROVINCE_CODES:
        return False
    if number[2:4] == "00" and number[:2] not in ("81", "82", "83"):
        return False
    return is_real_date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


# ISO 3779 vehicle identification numbers: the letters' values and the position weights of
# the check digit (position 9), as GB 16735-2019 and 49 CFR 565 define them.
_VIN_VALUES = dict(
    zip(
        "ABCDEFGHJKLMNPRSTUVWXYZ",
        (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9),
        strict=True,
    )
)
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_char(vin: str) -> str:
    """Return the check character (position 9) of a 17-character VIN: the weighted sum of
    the characters' values mod 11, ``X`` for 10.

    Raises ``ValueError`` for a length other than 17 or a character outside the VIN
    alphabet (digits and capital letters but I, O and Q).
    """
    if len(vin) != 17:
        raise ValueError("a VIN has 17 characters")
    total = 0
    for char, weight in zip(vin.upper(), _VIN_WEIGHTS, strict=True):
        if char.isascii() and char.isdigit():
            value = int(char)
        elif char in _VIN_VALUES:
            value = _VIN_VALUES[char]
        else:
            raise ValueError(f"character {char!r} is outside the VIN alphabet")
        total += value * weight
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def is_vin(vin: str) -> bool:
    """Validate a 17-character VIN (ISO 3779) by its check digit (GB 16735-2019, the
    North American rule).  Never raises."""
    try:
        return vin_check_char(vin) == vin[8].upper()
    except ValueError:
        return False
