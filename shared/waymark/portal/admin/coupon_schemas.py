"""What the console's coupon code routes accept and answer (pydantic)."""

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from waymark import wording
from waymark.conversions.coupons import CODE_PATTERN
from waymark.conversions.vocabulary import CouponPrecedence, CouponStatus
from waymark.portal.params import ID_PATTERN

PartnerCode = Field(min_length=4, max_length=64, pattern=ID_PATTERN, description="The partner's code it credits")
LAST_DAY = "Its last day (UTC, inclusive); none: it never expires"


class CouponCreate(BaseModel):
    """A new code for a partner; codes are unique per program in any case (summer10 is SUMMER10)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: str = Field(pattern=CODE_PATTERN, description="3 to 40 letters, digits, '-' or '_'; stored upper case")
    agent_id: str = PartnerCode
    expires_on: date | None = Field(default=None, description=LAST_DAY)
    note: str | None = Field(default=None, max_length=200)


class CouponPatch(BaseModel):
    """Fields left out stay as they are; expires_on or note null clears them."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    status: CouponStatus | None = Field(default=None, description="paused: it credits nobody until resumed")
    agent_id: str | None = Field(default=None, min_length=4, max_length=64, pattern=ID_PATTERN)
    expires_on: date | None = Field(default=None, description=LAST_DAY)
    note: str | None = Field(default=None, max_length=200)

    def changes(self) -> dict[str, Any]:
        given = {name: getattr(self, name) for name in self.model_fields_set}
        for name in ("status", "agent_id"):
            if name in given and given[name] is None:
                raise ValueError(wording.CANNOT_BE_CLEARED(field=name))
        return given


class CouponOut(BaseModel):
    code: str
    program_id: str
    agent_id: str
    status: CouponStatus
    expires_on: date | None
    note: str | None
    credits_today: bool = Field(description="Whether a sale bringing it today credits its partner")
    created_at: str
    updated_at: str | None


class CouponList(BaseModel):
    program_id: str
    coupon_precedence: CouponPrecedence = Field(description="The program's choice between a click and a coupon")
    coupons: list[CouponOut]
