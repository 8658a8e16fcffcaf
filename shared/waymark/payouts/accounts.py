"""Payment details' rules: what a PayPal or Wise email, an IBAN and a BIC must look like, and their masks.

An IBAN is checked as ISO 13616 says: its country's length (the SWIFT IBAN registry's, for the
countries listed here; other countries 15 to 34 characters) and the mod-97 check digits, which
catch every single typo and nearly every swap of two characters. A BIC is ISO 9362: 4 letters of
the bank, 2 of the country, 2 letters or digits of the location, and optionally 3 of the branch.
Every answer but the pay file itself shows an account masked (`masked`).
"""

import re

from waymark import wording
from waymark.payouts.vocabulary import PayoutMethod

# SWIFT IBAN registry: the length of each country's IBAN (SEPA countries and the usual others).
# fmt: off
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GI": 23, "GL": 18, "GR": 27, "HR": 21,
    "HU": 28, "IE": 22, "IL": 23, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27,
    "MT": 31, "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SA": 24, "SE": 24, "SI": 19, "SK": 24,
    "SM": 27, "TR": 26, "VA": 22,
}
# fmt: on
IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")
BIC_SHAPE = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")


class InvalidAccount(ValueError):
    """The account is not one the method can pay to; the message says what is allowed."""


def normalize_iban(value: str) -> str:
    """The IBAN without spaces, in capitals, or InvalidAccount saying what is wrong."""
    iban = re.sub(r"[\s-]+", "", value).upper()
    if not IBAN_SHAPE.match(iban):
        raise InvalidAccount(wording.IBAN_SHAPE())
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        raise InvalidAccount(wording.IBAN_LENGTH(country=iban[:2], expected=expected, length=len(iban)))
    if not iban_checksum_ok(iban):
        raise InvalidAccount(wording.IBAN_CHECK_DIGITS())
    return iban


def iban_checksum_ok(iban: str) -> bool:
    """ISO 13616 / ISO 7064 mod 97-10: the country and check digits moved to the end, letters as 10..35, mod 97 is 1."""
    moved = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in moved)
    return int(digits) % 97 == 1


def normalize_bic(value: str) -> str:
    bic = re.sub(r"\s+", "", value).upper()
    if not BIC_SHAPE.match(bic):
        raise InvalidAccount(wording.BIC_SHAPE())
    return bic


def mask_email(email: str) -> str:
    """a***@example.com: enough for its owner to recognise, too little to use."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def mask_iban(iban: str) -> str:
    """The country and the last four characters: DE** **** 3000."""
    return f"{iban[:2]}** **** {iban[-4:]}"


def masked(method: str, account: str) -> str:
    return mask_iban(account) if method == PayoutMethod.BANK else mask_email(account)
