"""The exchange rate table as the console's pages and JSON API show and change it."""

from datetime import date

from waymark import web, wording
from waymark.conversions import exchange
from waymark.models import ExchangeRates, Program, as_dict
from waymark.portal.admin.rate_schemas import RatesIn, RatesOut, RateTable


def rates_out(item: ExchangeRates) -> RatesOut:
    return RatesOut(
        day=date.fromisoformat(item.day),
        source=item.source,
        base=item.base,
        rates={currency: str(rate) for currency, rate in sorted(as_dict(item.rates).items())},
        updated_at=item.updated_at,
        updated_by=item.updated_by,
    )


def table() -> RateTable:
    return RateTable(days=[rates_out(item) for item in exchange.rate_table()])


def put(program: Program, body: RatesIn) -> RatesOut:
    if body.base in body.rates:
        raise web.BadRequest(wording.BASE_RATE(base=body.base))
    stored = exchange.set_operator_rates(
        body.day, body.base, body.rates, by=web.admin().email, program_id=program.program_id
    )
    assert stored is not None  # rates were given
    return rates_out(stored)


def remove(program: Program, day: date) -> None:
    """The operator's rates of `day` removed (the ECB's of that day stay); nothing to remove is no error."""
    exchange.set_operator_rates(day, "EUR", {}, by=web.admin().email, program_id=program.program_id)
