"""Converting a sale into the program's currency (waymark.conversions.exchange), without AWS."""

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from waymark.conversions.ecb_rates import BadRatesFile, parse
from waymark.conversions.exchange import MAX_RATE_AGE_DAYS, DayRates, NoRate, convert, cross_rate, parse_rate

DAY = date(2026, 12, 1)
ECB = DayRates(DAY, "ecb", "EUR", {"USD": Decimal("1.0500"), "JPY": Decimal("160.00"), "GBP": Decimal("0.8400")})


def test_into_the_base_divides_by_the_rate():
    amount, exchanged = convert(Decimal("105.00"), "USD", "EUR", DAY, [ECB])
    assert amount == Decimal("100.00")
    assert (exchanged.original_amount, exchanged.original_currency) == (Decimal("105.00"), "USD")
    assert (exchanged.rate_date, exchanged.source) == (DAY, "ecb")
    assert exchanged.rate == Decimal("0.9523809524")  # 1 / 1.05 to ten significant digits


def test_out_of_the_base_multiplies():
    assert convert(Decimal("10.00"), "EUR", "USD", DAY, [ECB])[0] == Decimal("10.50")


def test_cross_rates_go_through_the_base_and_round_once_to_the_minor_unit():
    amount, exchanged = convert(Decimal("1000"), "JPY", "GBP", DAY, [ECB])
    assert exchanged.rate == Decimal("0.00525")  # 0.84 / 160
    assert amount == Decimal("5.25")
    # Half up, on the amount times the kept rate: the stored amount follows from the stored rate.
    assert convert(Decimal("1001"), "JPY", "GBP", DAY, [ECB])[0] == Decimal("5.26")  # 5.25525
    assert convert(Decimal("0.99"), "GBP", "JPY", DAY, [ECB])[0] == Decimal("189")  # 188.5714...


def test_the_rate_has_ten_significant_digits():
    assert cross_rate(ECB, "USD", "GBP") == Decimal("0.8000000000")
    assert cross_rate(ECB, "GBP", "USD") == Decimal("1.250000000")
    assert cross_rate(ECB, "CHF", "EUR") is None


def test_the_newest_rates_on_or_before_the_day_win_and_the_operator_before_the_ecb():
    older = DayRates(DAY - timedelta(days=2), "ecb", "EUR", {"USD": Decimal("2")})
    future = DayRates(DAY + timedelta(days=1), "ecb", "EUR", {"USD": Decimal("3")})
    operator = DayRates(DAY, "operator", "EUR", {"USD": Decimal("1.25")})
    assert convert(Decimal("10.00"), "EUR", "USD", DAY, [older, future, ECB])[0] == Decimal("10.50")
    _, exchanged = convert(Decimal("10.00"), "EUR", "USD", DAY, [ECB, operator, older])
    assert (exchanged.rate, exchanged.source) == (Decimal("1.25"), "operator")
    # A day's operator rates without the currency leave the ECB's of that day to answer.
    partial = DayRates(DAY, "operator", "EUR", {"CHF": Decimal("0.93")})
    assert convert(Decimal("10.00"), "EUR", "USD", DAY, [partial, ECB])[1].source == "ecb"


def test_an_operator_table_may_have_another_base():
    table = DayRates(DAY, "operator", "USD", {"EUR": Decimal("0.9"), "MXN": Decimal("18")})
    assert convert(Decimal("180.00"), "MXN", "EUR", DAY, [table])[0] == Decimal("9.00")


def test_no_rate_in_the_last_days_refuses_naming_the_currencies():
    oldest = DayRates(DAY - timedelta(days=MAX_RATE_AGE_DAYS), "ecb", "EUR", {"USD": Decimal("1.05")})
    assert convert(Decimal("1.05"), "USD", "EUR", DAY, [oldest])[0] == Decimal("1.00")
    stale = DayRates(DAY - timedelta(days=MAX_RATE_AGE_DAYS + 1), "ecb", "EUR", {"USD": Decimal("1.05")})
    with pytest.raises(NoRate, match="no exchange rate from USD to EUR for 2026-12-01"):
        convert(Decimal("1.00"), "USD", "EUR", DAY, [stale])
    with pytest.raises(NoRate, match="from CHF to EUR"):
        convert(Decimal("1.00"), "CHF", "EUR", DAY, [ECB])


@pytest.mark.parametrize("text", ["0", "-1", "abc", "NaN", "Infinity", "1e12", "1.12345678901", "1E-999999999"])
def test_rates_entered_must_be_plain_positive_decimals(text):
    with pytest.raises(ValueError, match=r"decimal|positive|significant"):
        parse_rate(text)


def test_a_rate_entered_is_kept_exactly_and_short():
    assert parse_rate(" 1.0845 ") == Decimal("1.0845")
    assert format(parse_rate("1.10" + "0" * 5000), "f") == "1.1"
    assert format(parse_rate("160"), "f") == "160"


# ----------------------------------------------------------------------------- the ECB's daily file

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "eurofxref-daily.xml"  # as the ECB published it


def test_the_ecb_sample_parses_into_the_days_rates_per_euro():
    rates = parse(SAMPLE.read_bytes())
    assert (rates.day, rates.source, rates.base) == (date(2017, 3, 8), "ecb", "EUR")
    assert rates.rates["USD"] == Decimal("1.0556") and rates.rates["JPY"] == Decimal("120.65")
    assert rates.rates["IDR"] == Decimal("14144.80")
    # The file's 31 but two that left ISO 4217's list for the euro (HRK in 2023, BGN in 2026).
    assert "HRK" not in rates.rates and "BGN" not in rates.rates
    assert len(rates.rates) == 29
    # Cross rates go through the euro: 100 USD in GBP.
    assert convert(Decimal("100.00"), "USD", "GBP", rates.day, [rates])[0] == Decimal("82.18")


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        (b"<not xml", "not XML"),
        ('<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16"), "not UTF-8"),
        (b'<!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "DTD"),
        (SAMPLE.read_bytes().replace(b"time='2017-03-08'", b"time='yesterday'"), "not a date"),
        (SAMPLE.read_bytes().replace(b"rate='1.0556'", b"rate='-1'"), "rate of USD"),
        (SAMPLE.read_bytes().replace(b"<Cube time='2017-03-08'>", b"<Cube>"), "has 0"),
    ],
)
def test_a_file_not_in_the_ecbs_shape_is_refused_whole(document, problem):
    with pytest.raises(BadRatesFile, match=problem):
        parse(document)
