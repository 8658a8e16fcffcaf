"""What the portal, admin console and signup accept and answer: pydantic models.

Pages and the JSON API validate with the same models, and the OpenAPI description at
/api/openapi.json is generated from them.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, field_validator, model_validator

from waymark import wording
from waymark.click.sessions import SUB_ID_FIELDS
from waymark.conversions.vocabulary import Channel
from waymark.core import times
from waymark.partners.links import MAX_NAME_LENGTH
from waymark.partners.vocabulary import LinkStatus, PartnerStatus, PartnerType
from waymark.programs import time_zones

# Money leaves as a string: exact, and never a float on the way.
Money = Annotated[Decimal, PlainSerializer(lambda value: str(value), return_type=str, when_used="json")]
MAX_PARTNER_NAME = 120
MAX_WEBSITE = 300
MAX_COMMISSION_RULES = 20


def _text(value: str | None, *, field: str, maximum: int, required: bool) -> str | None:
    if value is None:
        if required:
            raise ValueError(wording.FIELD_REQUIRED(field=field))
        return None
    value = value.strip()
    if not value:
        if required:
            raise ValueError(wording.FIELD_REQUIRED(field=field))
        return None
    if len(value) > maximum:
        raise ValueError(wording.FIELD_TOO_LONG(field=field, maximum=maximum))
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F or 0x202A <= ord(ch) <= 0x202E for ch in value):
        raise ValueError(wording.FIELD_CONTROL_CHARACTERS(field=field))
    return value


def normalize_email(value: str) -> str:
    if len(value) > 254:
        raise ValueError(wording.EMAIL_TOO_LONG())
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(wording.EMAIL_INVALID(detail=str(error))) from error
    return checked.normalized.lower()


# An address people type (signup, an invited operator, a customer to erase): checked and normalised.
EmailAddress = Annotated[str, Field(max_length=1000), AfterValidator(normalize_email)]


def normalize_website(value: str | None) -> str | None:
    """An http(s) address with a plain host; a bare domain gets https:// in front."""
    value = _text(value, field="website", maximum=MAX_WEBSITE, required=False)
    if value is None:
        return None
    if "://" not in value:
        value = "https://" + value
    if any(ch.isspace() or ch in "\\<>\"'`" for ch in value):
        raise ValueError(wording.WEBSITE_CHARACTERS())
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError as error:
        raise ValueError(wording.WEBSITE_INVALID()) from error
    host = parts.hostname or ""
    if parts.scheme.lower() not in ("http", "https") or "." not in host or "@" in parts.netloc:
        raise ValueError(wording.WEBSITE_SCHEME())
    return value


# ----------------------------------------------------------------------------- in


class SignupRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    program: str | None = Field(default=None, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(max_length=1000)
    email: EmailAddress
    password: str = Field(min_length=1, max_length=256)
    website: str | None = Field(default=None, max_length=1000)
    partner_type: PartnerType = PartnerType.AFFILIATE
    accept_terms: bool = Field(
        default=False,
        validate_default=True,  # left out is refused like false, naming the field
        description="Must be true: the partner accepts the program's terms page (its terms_url)",
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _text(value, field="name", maximum=MAX_PARTNER_NAME, required=True)  # type: ignore[return-value]

    @field_validator("website")
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        return normalize_website(value)

    @field_validator("accept_terms")
    @classmethod
    def _terms(cls, value: bool) -> bool:
        if not value:
            raise ValueError(wording.ACCEPT_TERMS())
        return value


class VerifyEmailRequest(BaseModel):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=256, description="The password chosen at signup")
    code: str = Field(min_length=1, max_length=16, description="The code emailed after signup")


class ResendCodeRequest(BaseModel):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=256, description="The password chosen at signup")


class LoginRequest(BaseModel):
    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=256)


class LinkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    destination: str = Field(min_length=1, max_length=2048, description="Any page of the merchant's site")
    name: str | None = Field(default=None, max_length=1000)
    sub_defaults: dict[str, str] | None = Field(
        default=None, description=f"Sub-IDs used when a click has none: {', '.join(SUB_ID_FIELDS)}"
    )

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return _text(value, field="name", maximum=MAX_NAME_LENGTH, required=False)


class LinkStatusChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: LinkStatus


class ProfileUpdate(BaseModel):
    """A partner's own changes; fields left out stay as they are."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=1000)
    website: str | None = Field(default=None, max_length=1000)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return _text(value, field="name", maximum=MAX_PARTNER_NAME, required=True)

    @field_validator("website")
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        return normalize_website(value)

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class CommissionRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["percent", "fixed"]
    value: Decimal = Field(gt=0, max_digits=12, decimal_places=4, description="Percent of the amount, or a sum")
    channel: Channel | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    note: str | None = Field(default=None, max_length=1000)

    @field_validator("note")
    @classmethod
    def _note(cls, value: str | None) -> str | None:
        return _text(value, field="note", maximum=200, required=False)

    @model_validator(mode="after")
    def _consistent(self) -> "CommissionRuleIn":
        if self.kind == "percent" and self.value > 100:
            raise ValueError(wording.PERCENT_OVER_100())
        if self.valid_from and self.valid_until and self.valid_from > self.valid_until:
            raise ValueError(wording.RULE_DATES_REVERSED())
        return self

    def stored(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "value": self.value,
            "channel": self.channel,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "note": self.note,
        }


class PartnerUpdate(ProfileUpdate):
    """An operator's changes to a partner; fields left out stay, null clears an optional one."""

    partner_type: PartnerType | None = None
    attribution_window_days: int | None = Field(default=None, ge=1, le=3650)
    commission_rules: list[CommissionRuleIn] | None = Field(default=None, max_length=MAX_COMMISSION_RULES)

    @model_validator(mode="after")
    def _required_stay(self) -> "PartnerUpdate":
        if "partner_type" in self.model_fields_set and self.partner_type is None:
            raise ValueError(wording.PARTNER_TYPE_KEPT())
        return self

    def changes(self) -> dict[str, Any]:
        found = super().changes()
        if "commission_rules" in found:
            found["commission_rules"] = [rule.stored() for rule in self.commission_rules or []]
        return found


# ----------------------------------------------------------------------------- out


class CountersOut(BaseModel):
    """Report figures (waymark.reporting.reads.Counters): counts, and money as exact decimal strings.

    `conversions`, `sales` and `commission` count live conversions (pending + approved); held ones
    (flagged by a fraud rule, waiting for an operator; "under review" for partners) are apart;
    reversed ones were approved and later undone, rejected ones never counted.
    """

    clicks: int
    unique_clicks: int
    bot_clicks: int
    conversions: int
    conversions_pending: int
    conversions_held: int
    conversions_approved: int
    conversions_rejected: int
    conversions_reversed: int
    sales: str
    sales_pending: str
    sales_held: str
    sales_approved: str
    sales_rejected: str
    sales_reversed: str
    commission: str
    commission_pending: str
    commission_held: str
    commission_approved: str
    commission_rejected: str
    commission_reversed: str

    @classmethod
    def of(cls, counters: Any) -> "CountersOut":
        return cls.model_validate(counters.as_dict())


class CommissionRuleOut(BaseModel):
    kind: str
    value: Money
    channel: Channel | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    note: str | None = None


class EmailChoices(BaseModel):
    """A partner's own email choices (docs/partners.md "Emails")."""

    model_config = ConfigDict(extra="forbid")

    lang: str | None = Field(
        None, max_length=16, description="The language of your emails; null: the program's default"
    )
    turned_off: list[Literal["digest", "conversions"]] = Field(
        default_factory=list, description="Optional emails you do not want: the daily digest, conversion emails"
    )


class TimeZoneChoice(BaseModel):
    """The zone your pages show times in (docs/partners.md "Times")."""

    model_config = ConfigDict(extra="forbid")

    time_zone: str | None = Field(
        None,
        max_length=times.MAX_ZONE_LENGTH,
        description="An IANA time zone name such as Europe/Berlin; null: your browser's",
    )

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return time_zones.checked(value.strip() if value else None)


class TimeZoneOut(BaseModel):
    time_zone: str | None = Field(description="Your choice; null: your browser's zone, else UTC")


class EmailChoicesOut(BaseModel):
    lang: str | None
    languages: list[str] = Field(description="The program's languages")
    turned_off: list[str]
    optional: dict[str, str] = Field(description="The optional emails by name, with what each is")


class PartnerOut(BaseModel):
    agent_id: str
    program_id: str
    name: str
    email: str | None = Field(description="None: an agent without one, or erased")
    website: str | None
    partner_type: PartnerType
    status: PartnerStatus
    created_at: str
    updated_at: str | None
    attribution_window_days: int | None
    commission_rules: list[CommissionRuleOut] = Field(description="The partner's own rules (overrides)")
    program_commission_rules: list[CommissionRuleOut] = Field(
        default_factory=list, description="The program's standard rules, which apply where no override does"
    )
    partner_link: str = Field(description="Tracking link to the program's landing page (add ?url= for any page)")
    sales_link: str | None = Field(description="Concierges: tracking link to the merchant's order page")
    month_totals: CountersOut | None = Field(
        default=None, description="In partner listings: the partner's figures in the listing's month"
    )


class SnippetsOut(BaseModel):
    text: str = Field(description="HTML text link")
    banners: list[str] = Field(description="HTML banner links (<a><img></a>), one per banner the merchant offers")
    banner_is_placeholder: bool = Field(description="No banner configured: replace the image URL before use")


class LinkOut(BaseModel):
    code: str
    agent_id: str
    name: str | None
    destination: str | None = Field(description="null: the program's landing page")
    status: LinkStatus
    is_default: bool
    created_at: str
    tracking_url: str
    snippets: SnippetsOut
    stats: CountersOut | None = Field(
        default=None, description="In the partner's own listing: the link's figures since its first click"
    )


class LinkList(BaseModel):
    links: list[LinkOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page")


class PartnerList(BaseModel):
    program_id: str
    status: PartnerStatus | None
    month: str | None = Field(default=None, description="The month of each partner's month_totals")
    partners: list[PartnerOut]
    next_cursor: str | None


class DirectoryEntry(BaseModel):
    agent_id: str
    name: str
    email: str | None
    website: str | None
    sales_link: str


class Directory(BaseModel):
    program_id: str
    query: str | None
    concierges: list[DirectoryEntry]


class LoginResult(BaseModel):
    id_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - a scheme name, not a secret
    expires_in: int = Field(description="Seconds the token stays valid")


class SignupAccepted(BaseModel):
    """The same for every address: a new one gets a code by email, one with a login gets nothing."""

    message: str
    program_id: str
    verify_url: str = Field(description="Where to send the emailed code: POST {email, password, code}")


class SignupResult(BaseModel):
    agent_id: str
    program_id: str
    status: PartnerStatus = Field(
        description="pending (awaits an operator) or active (the program approves automatically)"
    )
    login_url: str


# ----------------------------------------------------------------------------- passwords

_PASSWORD = Field(min_length=1, max_length=256)


class NewPasswordRequest(BaseModel):
    """The first login's new password, with the session POST /api/login answered."""

    email: str = Field(min_length=1, max_length=254)
    session: str = Field(min_length=1, max_length=4096, description="`session` from POST /api/login's challenge")
    new_password: str = _PASSWORD


class NewPasswordChallenge(BaseModel):
    """POST /api/login's answer to a temporary password: choose one with POST /api/login/new-password."""

    challenge: Literal["NEW_PASSWORD_REQUIRED"] = "NEW_PASSWORD_REQUIRED"
    session: str = Field(description="Valid for three minutes; send it with the new password")
    message: str


# ----------------------------------------------------------------------------- authenticator app (operators)

_CODE = Field(max_length=16, description="The 6-digit code the authenticator app shows now", examples=["123456"])


def _six_digits(value: str) -> str:
    value = value.strip().replace(" ", "")
    if not (len(value) == 6 and value.isascii() and value.isdigit()):
        raise ValueError(wording.TOTP_CODE())
    return value


class CodeChallenge(BaseModel):
    """POST /api/login's answer for a login with an authenticator app: send a code to POST /api/login/code."""

    challenge: Literal["SOFTWARE_TOKEN_MFA"] = "SOFTWARE_TOKEN_MFA"
    session: str = Field(description="Valid for three minutes; send it with the code")
    message: str


class CodeRequest(BaseModel):
    email: str = Field(min_length=1, max_length=254)
    session: str = Field(min_length=1, max_length=4096, description="`session` from POST /api/login's challenge")
    code: str = _CODE

    _code = field_validator("code")(_six_digits)


class AuthenticatorChallenge(BaseModel):
    """POST /api/login's answer for an operator without an authenticator app: add the key to one, then
    confirm it with POST /api/login/authenticator. No ID token until then."""

    challenge: Literal["MFA_SETUP"] = "MFA_SETUP"
    setup_token: str = Field(description="Good only for setting up the app, for an hour; not a session")
    secret: str = Field(description="The TOTP key (base32) to type into the app")
    otpauth_uri: str = Field(description="The same key as an otpauth:// URI")
    message: str


class AuthenticatorRequest(BaseModel):
    setup_token: str = Field(min_length=1, max_length=4096, description="`setup_token` from POST /api/login")
    code: str = _CODE

    _code = field_validator("code")(_six_digits)


class ForgotPasswordRequest(BaseModel):
    email: str = Field(min_length=1, max_length=254)


class ResetPasswordRequest(BaseModel):
    email: str = Field(min_length=1, max_length=254)
    code: str = Field(min_length=1, max_length=64, description="The code emailed by POST /api/password/forgot")
    new_password: str = _PASSWORD

    @field_validator("code")
    @classmethod
    def _code(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError(wording.EMAIL_CODE())
        return value


class ChangePasswordRequest(BaseModel):
    current_password: str = _PASSWORD
    new_password: str = _PASSWORD
    code: str | None = Field(
        default=None, min_length=1, max_length=16, description="Operators: the code their authenticator app shows now"
    )


class Done(BaseModel):
    message: str
