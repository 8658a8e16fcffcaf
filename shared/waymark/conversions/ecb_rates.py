"""The ECB's euro reference rates: fetched every working day, parsed, stored as the day's `ecb` rates.

The ECB publishes them around 16:00 CET on TARGET working days at ECB_DAILY_URL (1 EUR = rate units
of each currency). EcbRatesFunction imports them at 16:30 and 17:30 UTC (the second in case the
first found yesterday's file: rewriting a day is harmless). Only `fetch` touches the network, so
tests parse the shipped sample (tests/data/eurofxref-daily.xml). The document is refused whole if
it is not the ECB's shape; a currency outside ISO 4217's list (HRK, BGN: now the euro) is skipped.
"""

import urllib.request
from datetime import date
from decimal import Decimal

# parse() refuses any DTD or entity before ElementTree sees the document (bandit B405/B314).
from xml.etree import ElementTree  # nosec B405

from waymark.conversions.exchange import DayRates, forget, parse_rate
from waymark.core import currencies
from waymark.core.times import iso, utcnow
from waymark.models import ExchangeRates

ECB_DAILY_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml"
MAX_BYTES = 64 * 1024  # the file is under 2 kB
TIMEOUT_SECONDS = 10
_NS = "{http://www.ecb.int/vocabulary/2002-08-01/eurofxref}"


class BadRatesFile(ValueError):
    """The document is not the ECB's daily reference rates."""


def fetch() -> bytes:
    """The daily file from the ECB (the one network call; tests parse the sample instead)."""
    # A fixed https URL: no scheme a caller could choose (bandit B310).
    request = urllib.request.Request(ECB_DAILY_URL, headers={"User-Agent": "Waymark exchange rates"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 # nosec B310
        body = response.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise BadRatesFile(f"the ECB's answer is larger than {MAX_BYTES} bytes")
    return body


def parse(document: bytes) -> DayRates:
    """The day and its rates per EUR."""
    try:
        text = document.decode("utf-8")  # the ECB's encoding; UTF-16 could hide a DTD from the check below
    except UnicodeDecodeError:
        raise BadRatesFile("the rates file is not UTF-8") from None
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise BadRatesFile("the rates file declares a DTD or entities, which the ECB's never does")
    try:
        # No DTD (refused above), so no entity to expand: defusedxml's guards have nothing left to stop.
        root = ElementTree.fromstring(text)  # noqa: S314 # nosec B314
    except ElementTree.ParseError as error:
        raise BadRatesFile(f"the rates file is not XML: {error}") from None
    days = root.findall(f"{_NS}Cube/{_NS}Cube[@time]")
    if len(days) != 1:
        raise BadRatesFile(f"the daily rates file has one day; this one has {len(days)}")
    try:
        day = date.fromisoformat(days[0].get("time", ""))
    except ValueError:
        raise BadRatesFile("the rates file's day is not a date") from None
    rates: dict[str, Decimal] = {}
    for cube in days[0].findall(f"{_NS}Cube"):
        currency, rate = cube.get("currency", ""), cube.get("rate", "")
        if currencies.minor_units(currency) is None or currency == "EUR":
            continue
        try:
            rates[currency] = parse_rate(rate)
        except ValueError:
            raise BadRatesFile(f"the rate of {currency} is not a positive decimal: {rate!r}") from None
    if not rates:
        raise BadRatesFile("the rates file has no rate")
    return DayRates(day, "ecb", "EUR", rates)


def store(rates: DayRates) -> ExchangeRates:
    item = ExchangeRates(
        *ExchangeRates.key(rates.day.isoformat(), "ecb"),
        day=rates.day.isoformat(),
        source="ecb",
        base="EUR",
        rates={currency: format(rate, "f") for currency, rate in sorted(rates.rates.items())},
        updated_at=iso(utcnow()),
    )
    item.save()
    forget()
    return item


def import_daily(document: bytes | None = None) -> DayRates:
    """Fetch (unless given), parse and store the day's rates."""
    rates = parse(document if document is not None else fetch())
    store(rates)
    return rates
