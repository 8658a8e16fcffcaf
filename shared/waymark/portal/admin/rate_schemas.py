"""What the console's exchange rate routes accept and answer (pydantic)."""

from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from waymark import wording
from waymark.conversions.exchange import MAX_RATE_AGE_DAYS, RATE_DIGITS, parse_rate
from waymark.core.currencies import minor_units

MAX_CURRENCIES = 60
Rate = Annotated[Decimal, BeforeValidator(parse_rate)]


def _currency(code: str) -> str:
    upper = code.strip().upper()
    if minor_units(upper) is None:
        raise ValueError(wording.NOT_A_CURRENCY(code=code))
    return upper


class RatesIn(BaseModel):
    """The operator's rates for one day: 1 `base` = rates[currency], replacing its earlier ones of that day.
    They come before the ECB's of that day."""

    model_config = ConfigDict(extra="forbid")

    day: date = Field(description="The day the rates are for (UTC); a sale uses the newest rates on or before its day")
    base: str = Field(default="EUR", max_length=3, description="The currency the rates are per unit of")
    rates: dict[str, Rate] = Field(
        min_length=1,
        max_length=MAX_CURRENCIES,
        description=f'Currency -> rate as a decimal string ("1.0845"): positive, at most {RATE_DIGITS} significant '
        "digits",
    )

    @field_validator("base")
    @classmethod
    def _base(cls, value: str) -> str:
        return _currency(value)

    @field_validator("rates")
    @classmethod
    def _rates(cls, value: dict[str, Decimal]) -> dict[str, Decimal]:
        return {_currency(code): rate for code, rate in value.items()}


class RemovedDay(BaseModel):
    day: date


class RatesOut(BaseModel):
    day: date
    source: str = Field(description="operator (this table) or ecb (the daily import)")
    base: str
    rates: dict[str, str]
    updated_at: str
    updated_by: str | None


class RateTable(BaseModel):
    max_age_days: int = Field(
        default=MAX_RATE_AGE_DAYS, description="A sale finds no rate when the newest is older than this"
    )
    days: list[RatesOut] = Field(description="Newest first; on one day the operator's before the ECB's")
