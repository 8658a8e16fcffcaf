"""Sales reported in another currency: the day's rate, and the amount in the program's currency.

Rates are ExchangeRates items of two sources: the ECB's euro reference rates, imported every
working day (waymark.conversions.ecb_rates), and the rate table operators keep in the console
(`source` operator). A sale converts at the newest rates dated on or before its day (UTC) and at
most MAX_RATE_AGE_DAYS older (the ECB publishes none on weekends and TARGET holidays); on one day
the operator's rates come before the ECB's. Between two currencies neither of which is the
rates' base, the rate is the cross rate across the base (via EUR for the ECB's).

Money stays Decimal: the rate kept is the cross rate rounded half up to RATE_DIGITS significant
digits, and the amount is amount x rate rounded once, half up, to the program currency's minor
unit, so the stored amount follows from the stored rate. No rate for the day: the sale is refused
(NoRate), never recorded at a guess.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from typing import Any

from pynamodb.transactions import TransactWrite

from waymark import wording
from waymark.conversions import postback_wording
from waymark.core import aws, currencies
from waymark.core.cache import TTLCache
from waymark.core.times import iso, utcnow
from waymark.models import RATES_PARTITION, ExchangeRates, as_dict, connection
from waymark.programs import changes

MAX_RATE_AGE_DAYS = 5
RATE_DIGITS = 10
MIN_RATE, MAX_RATE = Decimal("0.000000001"), Decimal(10) ** 9  # beyond any currency pair's
RATES_TTL_SECONDS = 60.0  # a warm postback sees an operator's new rate within a minute
SOURCES = ("operator", "ecb")  # on one day, the first that has both currencies wins


class NoRate(LookupError):
    """No rate between the sale's currency and the program's for the sale's day or the days before."""


@dataclass(frozen=True)
class Exchange:
    """A converted sale as the advertiser reported it, and the rate that converted it."""

    original_amount: Decimal
    original_currency: str
    rate: Decimal  # units of the program's currency for one unit of original_currency
    rate_date: date
    source: str  # ecb | operator


@dataclass(frozen=True)
class DayRates:
    """One day's rates from one source: 1 `base` = rates[currency]."""

    day: date
    source: str
    base: str
    rates: Mapping[str, Decimal]

    def per_base(self, currency: str) -> Decimal | None:
        return Decimal(1) if currency == self.base else self.rates.get(currency)


def cross_rate(rates: DayRates, from_currency: str, to_currency: str) -> Decimal | None:
    """Units of `to_currency` for one `from_currency`, rounded to RATE_DIGITS significant digits."""
    given, wanted = rates.per_base(from_currency), rates.per_base(to_currency)
    if not given or not wanted:
        return None
    with localcontext() as context:
        context.prec, context.rounding = RATE_DIGITS, ROUND_HALF_UP
        return wanted / given


def convert(
    amount: Decimal, from_currency: str, to_currency: str, day: date, candidates: Iterable[DayRates]
) -> tuple[Decimal, Exchange]:
    """The amount in `to_currency` and how it was converted, from the newest usable rates; NoRate if none."""
    oldest = day - timedelta(days=MAX_RATE_AGE_DAYS)
    usable = [rates for rates in candidates if oldest <= rates.day <= day]
    usable.sort(key=lambda rates: (rates.day, -SOURCES.index(rates.source)), reverse=True)
    for rates in usable:
        rate = cross_rate(rates, from_currency, to_currency)
        if rate is not None:
            converted = currencies.round_money(amount * rate, to_currency)
            return converted, Exchange(amount, from_currency, rate, rates.day, rates.source)
    raise NoRate(
        postback_wording.NO_RATE(
            from_currency=from_currency, to_currency=to_currency, day=day.isoformat(), days=MAX_RATE_AGE_DAYS
        )
    )


def parse_rate(value: Any) -> Decimal:
    """A rate as stored or entered: a positive decimal of at most RATE_DIGITS significant digits."""
    try:
        rate = Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(wording.RATE_NOT_DECIMAL(value=repr(value))) from None
    if not rate.is_finite() or not MIN_RATE <= rate < MAX_RATE:
        raise ValueError(wording.RATE_RANGE(minimum=f"{MIN_RATE:f}", maximum=f"{MAX_RATE:f}"))
    rate = rate.normalize()  # "1.10" and "1.1000" are one rate, kept short whatever the input's zeros
    if len(rate.as_tuple().digits) > RATE_DIGITS:
        raise ValueError(wording.RATE_DIGITS(digits=RATE_DIGITS))
    return rate


# ----------------------------------------------------------------------------- reads (the postback's)

_recent: TTLCache[list[DayRates]] = TTLCache(RATES_TTL_SECONDS, max_entries=64)


def recent_rates(day: date) -> list[DayRates]:
    """Every source's rates for `day` and the MAX_RATE_AGE_DAYS before: one Query, cached per day."""
    return _recent.get_or_load(day.isoformat(), lambda: _query(day))


def forget() -> None:
    """After this container changed the rate table: its next conversion reads it again."""
    _recent.clear()


def exchange(amount: Decimal, from_currency: str, to_currency: str, day: date) -> tuple[Decimal, Exchange]:
    return convert(amount, from_currency, to_currency, day, recent_rates(day))


def _query(day: date) -> list[DayRates]:
    oldest = day - timedelta(days=MAX_RATE_AGE_DAYS)
    found = aws.client("dynamodb").query(
        TableName=ExchangeRates.Meta.table_name,
        KeyConditionExpression="pk = :pk AND sk BETWEEN :oldest AND :newest",
        ExpressionAttributeValues={
            ":pk": {"S": RATES_PARTITION},
            ":oldest": {"S": f"DAY#{oldest.isoformat()}"},
            ":newest": {"S": f"DAY#{day.isoformat()}#~"},  # "~" sorts after every source's name
        },
        ScanIndexForward=False,
        Limit=(MAX_RATE_AGE_DAYS + 1) * len(SOURCES),
    )["Items"]
    return [day_rates(ExchangeRates.from_raw_data(item)) for item in found]


def day_rates(item: ExchangeRates) -> DayRates:
    return DayRates(
        date.fromisoformat(item.day),
        item.source,
        item.base,
        {currency: Decimal(str(rate)) for currency, rate in as_dict(item.rates).items()},
    )


# ----------------------------------------------------------------------------- the rate table


TABLE_DAYS_SHOWN = 30


def rate_table(limit: int = TABLE_DAYS_SHOWN * len(SOURCES)) -> list[ExchangeRates]:
    """The newest rate items of every source, newest first (one Query)."""
    found = ExchangeRates.query(
        RATES_PARTITION, scan_index_forward=False, limit=limit, page_size=limit, consistent_read=True
    )
    return list(found)


def set_operator_rates(
    day: date, base: str, rates: Mapping[str, Decimal], *, by: str, program_id: str
) -> ExchangeRates | None:
    """Replace the operator's rates for `day` (none: remove them), with the change in the record of the
    operator's program; the ECB's rates of that day stay, behind the operator's."""
    key = ExchangeRates.key(day.isoformat(), "operator")
    try:
        current: ExchangeRates | None = ExchangeRates.get(*key, consistent_read=True)
    except ExchangeRates.DoesNotExist:
        current = None
    shown = {currency: format(rate, "f") for currency, rate in sorted(rates.items())}
    before = {"base": current.base, "rates": as_dict(current.rates)} if current else None
    after = {"base": base, "rates": shown} if rates else None
    if before == after:
        return current
    entry = changes.record(
        program_id,
        by=by,
        subject=f"rates:{day.isoformat()}",
        action="update" if current and rates else "create" if rates else "remove",
        before=before,
        after=after,
    )
    item = ExchangeRates(
        *key, day=day.isoformat(), source="operator", base=base, rates=shown, updated_at=iso(utcnow()), updated_by=by
    )
    with TransactWrite(connection=connection()) as transaction:
        if rates:
            transaction.save(item)
        else:
            transaction.delete(item)
        transaction.save(entry)
    forget()
    return item if rates else None
