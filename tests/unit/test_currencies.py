"""The embedded ISO 4217 table agrees with the maintained `iso4217` package (ISO's list one)."""

from decimal import Decimal

import iso4217
import pytest

from waymark.core import currencies


def test_the_table_is_iso_list_one_with_numeric_minor_units():
    official = {
        code: int(entry["CcyMnrUnts"])
        for code, entry in iso4217.raw_table.items()
        if code and (entry["CcyMnrUnts"] or "").isdigit()
    }
    assert official == currencies.MINOR_UNITS, "regenerate waymark/core/currencies.py from the iso4217 package"
    assert iso4217.__published__.isoformat() == currencies.PUBLISHED


@pytest.mark.parametrize(("code", "units"), [("EUR", 2), ("JPY", 0), ("KWD", 3), ("CLF", 4)])
def test_minor_units(code, units):
    assert currencies.minor_units(code) == units


@pytest.mark.parametrize("code", ["XAU", "XXX", "XTS", "EUX", "eur", ""])
def test_non_money_and_unknown_codes_have_none(code):
    assert currencies.minor_units(code) is None


def test_rounding_is_half_up_to_the_minor_unit():
    assert currencies.round_money(Decimal("1.005"), "EUR") == Decimal("1.01")
    assert currencies.round_money(Decimal("1.0049"), "EUR") == Decimal("1.00")
    assert currencies.round_money(Decimal("2.5"), "JPY") == Decimal("3")
    assert currencies.round_money(Decimal("0.0005"), "KWD") == Decimal("0.001")
    assert str(currencies.round_money(Decimal("10"), "EUR")) == "10.00"
