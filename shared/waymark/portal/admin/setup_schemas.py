"""What the console's set-up pages and JSON API accept and answer: programs, advertisers, operators, changes.

A program is validated whole: creating checks the body, changing checks the program as it would
be after the change (`ProgramPatch.merged`), so rules between fields (the landing page on an
allowed domain, the default language among the languages) hold after every edit.
"""

import ipaddress
import re
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from waymark import wording
from waymark.click.destinations import AllowedDomains, UnsafeDestination, check_destination
from waymark.conversions.advertisers import MAX_GRACE_HOURS
from waymark.conversions.fraud import DEFAULT_BURST_MINUTES
from waymark.conversions.vocabulary import AdvertiserStatus, CouponPrecedence
from waymark.core.currencies import minor_units
from waymark.portal.schemas import MAX_COMMISSION_RULES, CommissionRuleIn, CommissionRuleOut, EmailAddress, _text

IDENTIFIER = r"^[A-Za-z0-9_-]+$"
MAX_DOMAINS = 50
MAX_LANGUAGES = 20
MAX_BANNERS = 10
MAX_CIDRS = 50
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
_CLICK_PARAM = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")

ProgramIdentifier = Annotated[
    str, Field(min_length=2, max_length=64, pattern=IDENTIFIER, description="Letters, digits, - and _")
]


def _web_url(value: str | None, *, field: str) -> str | None:
    """An absolute https URL (http only for localhost, the local stack)."""
    value = _text(value, field=field, maximum=2048, required=False)
    if value is None:
        return None
    if any(ch.isspace() or ch in "\\<>\"'`" for ch in value):
        raise ValueError(wording.URL_CHARACTERS(field=field))
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as error:
        raise ValueError(wording.URL_INVALID(field=field)) from error
    local = parts.hostname in ("localhost", "127.0.0.1")
    if not parts.hostname or "@" in parts.netloc or parts.scheme not in (("http", "https") if local else ("https",)):
        raise ValueError(wording.URL_HTTPS(field=field))
    return value


class BannerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    image_url: str = Field(max_length=2048, description="https address of the banner image")
    width: int | None = Field(default=None, ge=1, le=4000)
    height: int | None = Field(default=None, ge=1, le=4000)
    alt: str | None = Field(default=None, max_length=1000)

    @field_validator("image_url")
    @classmethod
    def _image(cls, value: str) -> str:
        return _web_url(value, field="the banner's image URL") or ""

    @field_validator("alt")
    @classmethod
    def _alt(cls, value: str | None) -> str | None:
        return _text(value, field="the banner's alternative text", maximum=200, required=False)

    def stored(self) -> dict[str, Any]:
        return {k: v for k, v in self.model_dump().items() if v is not None}


class FraudRulesIn(BaseModel):
    """A program's fraud and quality rules (waymark.conversions.fraud); a rule left out or null is off."""

    model_config = ConfigDict(extra="forbid")

    self_referral: bool = Field(
        default=True, description="Hold a sale whose customer email or IP hash is the partner's own"
    )
    min_seconds: int | None = Field(
        default=None, ge=1, le=30 * 86400, description="Hold a sale made sooner than this after its click (seconds)"
    )
    day_count: int | None = Field(
        default=None, ge=1, le=1_000_000, description="Most conversions a partner earns a day"
    )
    day_amount: Decimal | None = Field(
        default=None, gt=0, max_digits=14, decimal_places=2, description="Most sales amount a partner earns a day"
    )
    month_count: int | None = Field(default=None, ge=1, le=10_000_000, description="Most conversions a month")
    month_amount: Decimal | None = Field(
        default=None, gt=0, max_digits=14, decimal_places=2, description="Most sales amount a month"
    )
    burst_count: int | None = Field(
        default=None, ge=1, le=10_000, description="Hold sales beyond this many from one IP hash in the window"
    )
    burst_minutes: int = Field(default=DEFAULT_BURST_MINUTES, ge=1, le=1440, description="The burst window (minutes)")

    def stored(self) -> dict[str, Any]:
        """Only the rules that are on (and self_referral, which is on by default); amounts as exact strings."""
        values: dict[str, Any] = {"self_referral": self.self_referral}
        for name in ("min_seconds", "day_count", "month_count", "burst_count"):
            if getattr(self, name) is not None:
                values[name] = getattr(self, name)
        for name in ("day_amount", "month_amount"):
            if getattr(self, name) is not None:
                values[name] = format(getattr(self, name), "f")
        if self.burst_count is not None:
            values["burst_minutes"] = self.burst_minutes
        return values


class ProgramSettings(BaseModel):
    """Everything an operator sets on a program."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(max_length=1000)
    currency: str = Field(max_length=10, description="ISO 4217 code, e.g. EUR")
    allowed_domains: list[str] = Field(
        min_length=1,
        max_length=MAX_DOMAINS,
        description="Hosts links may point to: www.example.com, or *.example.com for its subdomains",
    )
    default_landing_url: str = Field(max_length=2048, description="https page on an allowed domain")
    order_page_url: str | None = Field(
        default=None, max_length=2048, description="Concierges' sales links open this page (on an allowed domain)"
    )
    click_param: str = Field(default="click_id", max_length=40, description="Query parameter carrying the click id")
    passthrough: bool = Field(default=True, description="Pass the click's other query parameters on to the page")
    attribution_window_days: int = Field(default=365, ge=1, le=3650)
    auto_approve: bool = Field(default=False, description="New partners are active at once")
    languages: list[str] = Field(default=["en"], min_length=1, max_length=MAX_LANGUAGES)
    default_language: str = Field(default="en", max_length=10)
    terms_url: str | None = Field(default=None, max_length=2048, description="The partner program's terms page")
    banners: list[BannerIn] = Field(default_factory=list, max_length=MAX_BANNERS)
    fraud_rules: FraudRulesIn = Field(default_factory=FraudRulesIn)
    coupon_precedence: CouponPrecedence = Field(
        default=CouponPrecedence.CLICK_WINS,
        description=(
            "Who credits a sale bringing both a click and a coupon code: click_wins (the coupon only without a live "
            "click), coupon_wins, or coupon_if_no_click (the coupon only when the sale names no click at all)"
        ),
    )
    commission_rules: list[CommissionRuleIn] = Field(default_factory=list, max_length=MAX_COMMISSION_RULES)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _text(value, field="name", maximum=120, required=True)  # type: ignore[return-value]

    @field_validator("currency")
    @classmethod
    def _currency(cls, value: str) -> str:
        code = value.strip().upper()
        if minor_units(code) is None:
            raise ValueError(wording.CURRENCY_CODE())
        return code

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, value: list[str]) -> list[str]:
        cleaned = []
        for entry in value:
            entry = entry.strip().lower()
            try:
                AllowedDomains.parse([entry])
            except ValueError as error:
                raise ValueError(wording.NOT_A_DOMAIN(entry=entry)) from error
            if entry not in cleaned:
                cleaned.append(entry)
        return cleaned

    @field_validator("click_param")
    @classmethod
    def _click_param(cls, value: str) -> str:
        if not _CLICK_PARAM.match(value):
            raise ValueError(wording.CLICK_PARAM())
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        for code in value:
            if not _LANGUAGE.match(code):
                raise ValueError(wording.NOT_A_LANGUAGE(code=code))
        if len(set(value)) != len(value):
            raise ValueError(wording.LANGUAGE_TWICE())
        return value

    @field_validator("order_page_url", "terms_url")
    @classmethod
    def _urls(cls, value: str | None, info) -> str | None:
        return _web_url(value, field=info.field_name)

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> "ProgramSettings":
        if self.default_language not in self.languages:
            raise ValueError(wording.DEFAULT_LANGUAGE_LISTED(languages=", ".join(self.languages)))
        domains = AllowedDomains.parse(self.allowed_domains)
        allow_http = bool((info.context or {}).get("allow_http"))  # local demo programs only
        for name in ("default_landing_url", "order_page_url"):
            value = getattr(self, name)
            if value is None:
                continue
            try:
                setattr(self, name, check_destination(value, domains, allow_http=allow_http))
            except UnsafeDestination as error:
                raise ValueError(wording.PAGE_ON_ALLOWED_DOMAINS(name=name, error=error.args[0])) from error
        return self

    def stored(self) -> dict[str, Any]:
        values = self.model_dump(exclude={"banners", "fraud_rules", "commission_rules"})
        values["banners"] = [banner.stored() for banner in self.banners]
        values["fraud_rules"] = self.fraud_rules.stored()
        values["coupon_precedence"] = self.coupon_precedence.value  # a plain string in the settings map
        values["commission_rules"] = [
            {k: v for k, v in rule.stored().items() if v is not None} for rule in self.commission_rules
        ]
        return values


class ProgramCreate(ProgramSettings):
    program_id: ProgramIdentifier

    @field_validator("program_id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value == "new":  # the console's /admin/programs/new
            raise ValueError(wording.PROGRAM_ID_RESERVED())
        return value

    def stored(self) -> dict[str, Any]:
        values = super().stored()
        values.pop("program_id", None)
        return values


_REQUIRED = ("name", "currency", "allowed_domains", "default_landing_url", "click_param", "passthrough")
_REQUIRED += ("attribution_window_days", "auto_approve", "languages", "default_language", "banners")
_REQUIRED += ("commission_rules", "fraud_rules", "coupon_precedence")


class ProgramPatch(BaseModel):
    """Fields left out stay as they are; null clears order_page_url or terms_url. Each field takes
    what ProgramSettings does, checked with the rest of the program (`merged`)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    currency: str | None = None
    allowed_domains: list[str] | None = None
    default_landing_url: str | None = None
    order_page_url: str | None = None
    click_param: str | None = None
    passthrough: bool | None = None
    attribution_window_days: int | None = None
    auto_approve: bool | None = None
    languages: list[str] | None = None
    default_language: str | None = None
    terms_url: str | None = None
    banners: list[BannerIn] | None = Field(default=None, max_length=MAX_BANNERS)
    fraud_rules: FraudRulesIn | None = Field(default=None, description="Replaces the program's fraud rules whole")
    coupon_precedence: CouponPrecedence | None = None
    commission_rules: list[CommissionRuleIn] | None = Field(default=None, max_length=MAX_COMMISSION_RULES)

    @model_validator(mode="after")
    def _required_stay(self) -> "ProgramPatch":
        cleared = [name for name in _REQUIRED if name in self.model_fields_set and getattr(self, name) is None]
        if cleared:
            raise ValueError(wording.FIELDS_CANNOT_BE_CLEARED(fields=", ".join(cleared)))
        return self

    def merged(self, current: dict[str, Any], *, allow_http: bool = False) -> ProgramSettings:
        """The program as it would be (raises pydantic's ValidationError naming each field)."""
        given = {name: getattr(self, name) for name in self.model_fields_set}
        for name in ("banners", "commission_rules"):
            if given.get(name) is not None:
                given[name] = [item.model_dump() for item in given[name]]
        if given.get("fraud_rules") is not None:
            given["fraud_rules"] = given["fraud_rules"].model_dump()
        return ProgramSettings.model_validate({**current, **given}, context={"allow_http": allow_http})


class ProgramOut(BaseModel):
    program_id: str
    name: str
    currency: str
    allowed_domains: list[str]
    default_landing_url: str
    order_page_url: str | None
    click_param: str
    passthrough: bool
    attribution_window_days: int
    auto_approve: bool
    languages: list[str]
    default_language: str
    terms_url: str | None
    banners: list[dict[str, Any]]
    fraud_rules: FraudRulesIn
    coupon_precedence: CouponPrecedence
    commission_rules: list[CommissionRuleOut]
    token_exposed_by: list[str] = Field(
        description="Advertisers whose postback token reached the public pixel: rotate their credentials"
    )


class ProgramList(BaseModel):
    programs: list[ProgramOut]


# ----------------------------------------------------------------------------- advertisers


def _cidrs(value: list[str]) -> list[str]:
    cleaned = []
    for entry in value:
        try:
            network = ipaddress.ip_network(entry.strip(), strict=False)
        except ValueError as error:
            raise ValueError(wording.NOT_A_NETWORK(entry=entry)) from error
        if str(network) not in cleaned:
            cleaned.append(str(network))
    return cleaned


class AdvertiserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    program_id: ProgramIdentifier
    name: str = Field(max_length=1000)
    advertiser_id: str | None = Field(
        default=None, min_length=2, max_length=40, pattern=IDENTIFIER, description="Default: made from the name"
    )
    allowed_cidrs: list[str] = Field(default_factory=list, max_length=MAX_CIDRS)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _text(value, field="name", maximum=120, required=True)  # type: ignore[return-value]

    @field_validator("allowed_cidrs")
    @classmethod
    def _allowed(cls, value: list[str]) -> list[str]:
        return _cidrs(value)


class AdvertiserUpdate(BaseModel):
    """Fields left out stay as they are. An empty allowed_cidrs accepts postbacks from any address."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=1000)
    allowed_cidrs: list[str] | None = Field(default=None, max_length=MAX_CIDRS)
    status: AdvertiserStatus | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return _text(value, field="name", maximum=120, required=True)

    @field_validator("allowed_cidrs")
    @classmethod
    def _allowed(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _cidrs(value)

    @model_validator(mode="after")
    def _required_stay(self) -> "AdvertiserUpdate":
        cleared = [
            n for n in ("name", "allowed_cidrs", "status") if n in self.model_fields_set and getattr(self, n) is None
        ]
        if cleared:
            raise ValueError(wording.ALLOW_LIST_CANNOT_BE_CLEARED(fields=", ".join(cleared)))
        return self

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class Rotation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grace_hours: int = Field(
        ge=0,
        le=MAX_GRACE_HOURS,
        description=f"How long the old token and HMAC secret keep working: 0 (at once) to {MAX_GRACE_HOURS} hours",
    )


class AdvertiserOut(BaseModel):
    """An advertiser as listed: never its token or HMAC secret."""

    advertiser_id: str
    program_id: str
    name: str
    status: str
    allowed_cidrs: list[str]
    created_at: str | None
    updated_at: str | None
    previous_valid_until: str | None = Field(
        description="Until when the credentials from before the last rotation are still accepted (ISO time)"
    )
    token_exposed: bool = Field(description="The token reached the public pixel: rotate it")


class AdvertiserCredentials(AdvertiserOut):
    """Only in the answer that makes them: store them now, Waymark keeps no copy of the token."""

    token: str = Field(description="Postback token (the token parameter or Authorization: Bearer)")
    hmac_secret: str = Field(description="Key for X-Waymark-Signature (HMAC-SHA256)")


class AdvertiserList(BaseModel):
    program_id: str
    advertisers: list[AdvertiserOut]


# ----------------------------------------------------------------------------- operators and changes


class OperatorInvite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailAddress = Field(description="Cognito emails this address a temporary password")


class OperatorOut(BaseModel):
    username: str = Field(description="The login's id in the user pool (the path of DELETE)")
    email: str
    status: str = Field(description="FORCE_CHANGE_PASSWORD until the first login, then CONFIRMED")
    enabled: bool
    created_at: str


class OperatorList(BaseModel):
    operators: list[OperatorOut]


class ChangeOut(BaseModel):
    at: str
    by: str
    subject: str = Field(description="program, advertiser:<id> or operator:<email>")
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class ChangeList(BaseModel):
    program_id: str
    changes: list[ChangeOut]
    next_cursor: str | None
