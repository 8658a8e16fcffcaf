"""Conversion postbacks and the pixel: read the parameters, authenticate, validate, record.

Parameters come from the query string, and for a POST also from a form or JSON body; they
are merged into one dict and validated by one pydantic model, so GET, form and JSON obey
the same rules. Anything wrong answers a 4xx with a clear message and writes nothing. A
signed POST carries everything in its signed body: query parameters would ride unsigned.

The pixel is public (it sits in the thank-you page), so it proves nothing: it names its
advertiser, carries no secret, and records a sale only for a live click of that program
(the __Host-wm_click cookie or a click id), always pending, as a web sale. Whatever else it says
(partner, coupon code, channel, status, email, cart) is ignored. A postback token sent to it is refused
and the program is flagged, so the console tells operators the token has leaked.

Every answer but a new sale's goes in the advertiser's postback log (waymark.conversions.postback_log),
one write after the answer is decided, which never changes it. A new sale is its own record: the
integration page reads it from the conversion, so the sale's path writes nothing more.
"""

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from urllib.parse import parse_qsl

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError
from pydantic import AliasChoices, BaseModel, BeforeValidator, ConfigDict, EmailStr, Field, ValidationError

from waymark import catalog
from waymark.conversions import (
    advertisers,
    attribution,
    coupons,
    postback_auth,
    postback_log,
    postback_wording,
    recording,
)
from waymark.conversions.attribution import INITIAL_STATUSES, Report
from waymark.conversions.vocabulary import Channel, ConversionStatus
from waymark.core import currencies, field_messages, ids, phrases
from waymark.core.times import utcnow

logger = Logger(child=True)

MAX_BODY_BYTES = 64 * 1024
MAX_FIELDS = 64
MAX_ITEMS = 100
MAX_AMOUNT = Decimal(10) ** 12  # any order in any currency (10^12 VND is about 40 million USD)
ALIASES = {"transaction_id": "click_id", "adv_sub": "order_id"}
FORM = "application/x-www-form-urlencoded"
# The channels an advertiser may send: coupon is attribution's own (a coupon code credited the sale).
SENT_CHANNELS = tuple(channel for channel in Channel if channel is not Channel.COUPON)
_MONEY = re.compile(r"[0-9]{1,13}(\.[0-9]{1,6})?")  # ASCII digits: \d also matches other scripts


class BadRequest(Exception):
    def __init__(self, message: str, *, status: int = 400, code: str = "invalid_request", fields: list | None = None):
        super().__init__(message)
        self.status, self.code, self.fields = status, code, fields or []

    def body(self) -> dict:
        body: dict[str, Any] = {"error": self.code, "message": str(self)}
        if self.fields:
            body["fields"] = self.fields
        return body


def _money(value: Any) -> Decimal:
    if isinstance(value, bool | float):
        raise ValueError(postback_wording.AMOUNT_AS_STRING())
    text = str(value).strip() if isinstance(value, str | int | Decimal) else ""
    if not _MONEY.fullmatch(text):
        raise ValueError(postback_wording.AMOUNT_FORM())
    amount = Decimal(text)
    if amount > MAX_AMOUNT:
        raise ValueError(postback_wording.AMOUNT_MAX(maximum=f"{MAX_AMOUNT:f}"))
    return amount


Money = Annotated[Decimal, BeforeValidator(_money)]
Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{4,64}$")]


class CartLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True)

    product: str = Field(min_length=1, max_length=100)
    category: str | None = Field(None, max_length=100)
    quantity: int = Field(1, ge=1, le=10_000)
    price: Money | None = None  # unit price


OrderId = Annotated[
    str, Field(validation_alias=AliasChoices("order_id", "adv_sub"), min_length=1, max_length=100, pattern=r"^[!-~]+$")
]
Currency = Annotated[str, Field(min_length=3, max_length=3)]
ClickId = Annotated[
    str | None, Field(validation_alias=AliasChoices("click_id", "transaction_id"), pattern=r"^[A-Za-z0-9_-]{1,64}$")
]


class PostbackParams(BaseModel):
    """One reported sale (the `token`/`advertiser` credentials are read before this).

    Each field's docstring is its description: the console's integration page lists them from here.
    """

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, coerce_numbers_to_str=True, use_attribute_docstrings=True
    )

    order_id: OrderId
    """Your order id, printable ASCII, at most 100 characters; with the advertiser it is the sale's identity."""
    amount: Money
    """The sale's amount as a decimal string ("178.00"): digits and one optional point, at most the
    currency's minor units."""
    currency: Currency
    """ISO 4217 code; another currency than the program's converts at the day's rate (what you sent is kept)."""
    click_id: ClickId = None
    """The click id your landing page received."""
    ref: str | None = Field(None, max_length=16)
    """The 6-character reference code a customer quotes by phone or chat."""
    channel: Channel = Channel.WEB
    """Where the sale was made: web (default), chat, phone, concierge, inside_sales or remarketing
    (coupon is Waymark's, for a sale a coupon code credited)."""
    coupon: str | None = Field(None, max_length=40)
    """The coupon code the customer used (any case): it credits the code's partner as the program's
    coupon precedence says."""
    agent: Code | None = None
    """The partner code, for a sale without a click on an offline channel."""
    status: Literal[tuple(status.value for status in INITIAL_STATUSES)] | None = None  # type: ignore[valid-type]
    """The initial status: pending (default) or approved."""
    items: list[CartLineIn] = Field(default_factory=list, max_length=MAX_ITEMS)
    """Cart lines [{"product", "category", "quantity", "price"}] (unit price, at most 100 lines); JSON text
    in a query string or form."""
    email: EmailStr | None = Field(None, max_length=254)
    """The customer's email, only for the program's remarketing emails."""
    lang: str | None = Field(None, pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
    """The customer's language (en, de-CH), for remarketing."""
    service_date: date | None = None
    """The day of the booked service (YYYY-MM-DD), for remarketing."""
    booking_ref: str | None = Field(None, max_length=100)
    """Your booking reference, for remarketing."""


# The credentials, read before the sale's parameters (name, description).
AUTH_PARAMETERS = (
    ("token", "Your postback token (or the Authorization: Bearer header), unless the request is signed."),
    ("advertiser", "Your advertiser id, for a signed request without the X-Waymark-Advertiser header."),
)
AUTH_FIELDS = tuple(name for name, _ in AUTH_PARAMETERS)


class PixelParams(BaseModel):
    """What the pixel may say: whose pixel it is, the sale, and its click. Anyone can load a pixel
    URL with any parameters, so the rest of a postback's parameters are ignored, not trusted."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True, coerce_numbers_to_str=True)

    advertiser: str = Field(min_length=1, max_length=postback_auth.MAX_ID_LENGTH, pattern=r"^[A-Za-z0-9_-]+$")
    order_id: OrderId
    amount: Money
    currency: Currency
    click_id: ClickId = None


@dataclass(frozen=True)
class PostbackRequest:
    method: str
    raw_query: str = ""
    body: bytes = b""
    content_type: str = ""
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    source_ip: str = ""
    cookie_click_id: str | None = None  # the pixel's __Host-wm_click cookie
    pixel: bool = False


@dataclass(frozen=True)
class PostbackOutcome:
    status: int
    body: dict
    # for metrics: Recorded, Repeated, Conflict, Queued, Invalid, Unauthorized, Forbidden, Unavailable;
    # the pixel also: NoClick (no live click, nothing written), TokenExposed (a secret sent to it)
    outcome: str
    replayed: bool = False  # a repeat answered from the stored conversion


@dataclass
class _Seen:
    """What the postback log needs to know of a request, filled in as it is read."""

    advertiser_id: str | None = None  # named by the request; proven once `authenticated`
    authenticated: bool = False
    program_id: str | None = None  # the proven advertiser's: its languages are the answer's choices
    order_id: str | None = None
    test: bool = False  # the sale of a console test click


def handle(request: PostbackRequest, now: datetime | None = None) -> PostbackOutcome:
    """Authenticate, validate and record one postback or pixel hit, and log the answer; never
    raises for bad input."""
    now = now or utcnow()
    seen = _Seen()
    outcome = _answer(request, now, seen)
    try:
        line = _log_line(request, outcome, seen)
        if line is not None:
            postback_log.keep(line, now)
    except Exception:  # the log serves the merchant's developer; the answer stands without it
        logger.warning("the postback log line was not made", exc_info=True)
    return replace(outcome, body=phrases.in_language(outcome.body, _language(request, seen)))


def _language(request: PostbackRequest, seen: _Seen) -> str:
    """The answer's language: the caller's Accept-Language among its program's languages (before the
    program is known, among the shipped ones), else the program's default, else English."""
    accept = request.headers.get("accept-language", "")
    if not accept:
        return phrases.DEFAULT_LANGUAGE
    try:
        program = catalog.program(seen.program_id) if seen.program_id else None  # cached: recording read it
    except (BotoCoreError, ClientError):
        program = None
    if program is None:
        return phrases.choose_language(accept, phrases.SHIPPED, None)
    return phrases.choose_language(accept, list(program.languages or []), program.default_language)


def _answer(request: PostbackRequest, now: datetime, seen: _Seen) -> PostbackOutcome:
    try:
        if request.pixel:
            return _pixel(request, now, seen)
        seen.advertiser_id = _named_advertiser(request, {})
        params = parameters(request)
        seen.advertiser_id = _named_advertiser(request, params)
        seen.order_id = _order_id_of(params)
        if request.method == "POST" and request.headers.get(postback_auth.SIGNATURE_HEADER) and request.raw_query:
            raise BadRequest(postback_wording.SIGNED_QUERY())
        proof = postback_auth.prove(credentials(request, params), now=now.timestamp())
        advertiser = proof.advertiser
        seen.advertiser_id, seen.authenticated = advertiser.advertiser_id, True
        seen.program_id = advertiser.program_id
        report = validate(params)
        if proof.test_only:
            report = test_sale(report)
        return _shaped(recording.record(report, advertiser, now), seen)
    except BadRequest as error:
        return PostbackOutcome(error.status, error.body(), "Invalid")
    except postback_auth.Unauthorized as error:
        return PostbackOutcome(401, {"error": "unauthorized", "message": str(error)}, "Unauthorized")
    except postback_auth.Forbidden as error:
        seen.authenticated = True  # the allow-list is checked only once the credentials held
        return PostbackOutcome(403, {"error": "forbidden", "message": str(error)}, "Forbidden")
    except recording.WrongCurrency as error:
        body = {"error": "invalid_request", "message": str(error), "fields": ["currency"]}
        return PostbackOutcome(400, body, "Invalid")
    except recording.NotATestClick as error:
        return PostbackOutcome(403, {"error": "forbidden", "message": str(error)}, "Forbidden")
    except recording.NoLiveClick as error:
        return PostbackOutcome(422, {"error": "no_live_click", "message": str(error)}, "NoClick")
    except recording.ProgramMissing as error:
        logger.error("advertiser without a program", extra={"error": str(error)})
        body = {"error": "forbidden", "message": postback_wording.PROGRAM_NOT_CONFIGURED()}
        return PostbackOutcome(403, body, "Forbidden")
    except (BotoCoreError, ClientError):
        logger.exception("a lookup failed; the advertiser is asked to retry")
        body = {"error": "unavailable", "message": postback_wording.UNAVAILABLE()}
        return PostbackOutcome(503, body, "Unavailable")


def _pixel(request: PostbackRequest, now: datetime, seen: _Seen) -> PostbackOutcome:
    params = parameters(request)
    named = params.get("advertiser")
    seen.advertiser_id = named if isinstance(named, str) else None
    seen.order_id = _order_id_of(params)
    token = params.get("token") or _bearer(request.headers)
    if token:
        exposed = postback_auth.token_owner(token) if isinstance(token, str) else None
        if exposed is not None:
            logger.warning("a postback token was sent to the public pixel", extra={"advertiser": exposed.advertiser_id})
            advertisers.flag_exposed_token(exposed)
        body = {"error": "token_exposed", "message": postback_wording.TOKEN_EXPOSED()}
        return PostbackOutcome(400, body, "TokenExposed")
    advertiser_id, report = validate_pixel(params, request.cookie_click_id)
    advertiser = postback_auth.named_advertiser(advertiser_id)
    if report.click_id is None:
        return PostbackOutcome(422, {"error": "no_live_click", "message": postback_wording.NO_CLICK()}, "NoClick")
    return _shaped(recording.record(report, advertiser, now), seen)


def _shaped(recorded: recording.Recorded, seen: _Seen) -> PostbackOutcome:
    seen.test = bool(recorded.conversion.test)
    return shape(recorded)


_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _named_advertiser(request: PostbackRequest, params: dict[str, Any]) -> str | None:
    """The advertiser a request names (header, parameter or the token's prefix), proven or not."""
    named = request.headers.get(postback_auth.ADVERTISER_HEADER) or params.get("advertiser")
    token = params.get("token") or _bearer(request.headers)
    if not isinstance(named, str) and isinstance(token, str):
        named = advertisers.advertiser_id_of(token)
    return named if isinstance(named, str) else None


def _order_id_of(params: dict[str, Any]) -> str | None:
    order_id = params.get("order_id", params.get("adv_sub"))
    return order_id if isinstance(order_id, str) and re.fullmatch(r"[!-~]{1,100}", order_id) else None


def _log_line(request: PostbackRequest, outcome: PostbackOutcome, seen: _Seen) -> postback_log.Line | None:
    """The log entry of this answer: under the advertiser the request named, if there is one; none
    for a new sale."""
    if not postback_log.logged(outcome.outcome, test=seen.test):
        return None
    advertiser_id = seen.advertiser_id
    if not advertiser_id or not _ID.fullmatch(advertiser_id):
        return None
    if not seen.authenticated and catalog.advertiser(advertiser_id) is None:  # cached: authentication read it
        return None
    body = outcome.body
    conversion = body.get("conversion", body) if outcome.status in (200, 409) else {}
    fields = [
        f"{problem.get('field')}: {problem.get('message')}" if isinstance(problem, dict) else str(problem)
        for problem in body.get("fields", [])
    ]
    return postback_log.Line(
        advertiser_id=advertiser_id,
        kind="test" if seen.test else "pixel" if request.pixel else "postback",
        method=request.method,
        status=outcome.status,
        outcome=outcome.outcome,
        authenticated=seen.authenticated,
        signed=bool(request.headers.get(postback_auth.SIGNATURE_HEADER)),
        message=body.get("message") if outcome.status >= 400 or outcome.status == 202 else None,
        fields=tuple(fields),
        order_id=conversion.get("order_id") or seen.order_id,
        conversion_status=conversion.get("status"),
        reason=conversion.get("reason"),
    )


def validate_pixel(params: dict[str, Any], cookie_click_id: str | None) -> tuple[str, Report]:
    """The advertiser the pixel names, and its sale: a web sale for the click id given, else the
    cookie's; nothing else is read."""
    checked = _checked(PixelParams, params, postback_wording.THE_PIXEL())
    currency = _currency(checked.currency)
    _check_decimals("amount", checked.amount, currency)
    cookie = cookie_click_id if cookie_click_id and ids.is_click_id(cookie_click_id) else None
    return checked.advertiser, Report(
        order_id=checked.order_id,
        amount=currencies.round_money(checked.amount, currency),
        currency=currency,
        click_id=checked.click_id or cookie,
        reported_by="pixel",
    )


def shape(recorded: recording.Recorded) -> PostbackOutcome:
    answer = attribution.answer(recorded.conversion)
    if recorded.kept_for_replay:
        body = {
            "queued": True,
            "conversion_id": recorded.conversion.conversion_id,
            "message": postback_wording.QUEUED(),
        }
        return PostbackOutcome(202, body, "Queued")
    if recorded.repeat and not recorded.same_sale:
        body = {
            "error": "duplicate",
            "message": postback_wording.DUPLICATE(order_id=recorded.conversion.order_id),
            "conversion": answer,
        }
        return PostbackOutcome(409, body, "Conflict", replayed=True)
    return PostbackOutcome(
        200, answer, "Repeated" if recorded.repeat else postback_log.RECORDED, replayed=recorded.repeat
    )


def parameters(request: PostbackRequest) -> dict[str, Any]:
    """The query string, merged with a form or JSON body; a name given twice is refused."""
    merged = _pairs(request.raw_query, "query string")
    if request.method == "POST" and request.body:
        if len(request.body) > MAX_BODY_BYTES:
            raise BadRequest(postback_wording.BODY_TOO_LARGE(limit=MAX_BODY_BYTES), status=413, code="too_large")
        media = request.content_type.split(";", 1)[0].strip().lower()
        if media == "application/json":
            body = _json_object(request.body)
        elif media == FORM:
            body = _pairs(_text(request.body), "form body")
        else:
            raise BadRequest(postback_wording.MEDIA_TYPE(form=FORM), status=415, code="unsupported_media_type")
        for name in body.keys() & merged.keys():
            raise BadRequest(postback_wording.GIVEN_IN_BOTH(name=name))
        merged.update(body)
    for alias, name in ALIASES.items():
        if alias in merged and name in merged:
            raise BadRequest(postback_wording.ALIAS_AND_NAME(name=name, alias=alias))
    return {k: v for k, v in merged.items() if v is not None}


def _bearer(headers: Mapping[str, str]) -> str | None:
    authorization = headers.get("authorization", "")
    return authorization[7:].strip() if authorization[:7].lower() == "bearer " else None


def credentials(request: PostbackRequest, params: dict[str, Any]) -> postback_auth.Credentials:
    bearer = _bearer(request.headers)
    token, advertiser = params.get("token"), params.get("advertiser")
    return postback_auth.Credentials(
        token=token if isinstance(token, str) else bearer,
        advertiser_id=request.headers.get(postback_auth.ADVERTISER_HEADER)
        or (advertiser if isinstance(advertiser, str) else None),
        signature=request.headers.get(postback_auth.SIGNATURE_HEADER),
        signed=request.body if request.method == "POST" else request.raw_query.encode(),
        source_ip=request.source_ip,
    )


def validate(params: dict[str, Any]) -> Report:
    fields = {k: v for k, v in params.items() if k not in AUTH_FIELDS}
    if isinstance(fields.get("items"), str):
        fields["items"] = _json_value(fields["items"], "items")
    checked = _checked(PostbackParams, fields, postback_wording.THE_POSTBACK())
    currency = _currency(checked.currency)
    for name, amount in [("amount", checked.amount)] + [
        (f"items.{i}.price", line.price) for i, line in enumerate(checked.items) if line.price is not None
    ]:
        _check_decimals(name, amount, currency)
    if checked.channel == Channel.COUPON:
        *sent, last = SENT_CHANNELS
        allowed = postback_wording.CHANNELS(channels=", ".join(sent), last=last)
        raise BadRequest(postback_wording.CHANNEL_COUPON(), fields=[_field("channel", allowed)])
    coupon = None
    if checked.coupon:
        coupon = coupons.normalize(checked.coupon)
        if coupon is None:
            raise BadRequest(
                postback_wording.NOT_A_COUPON(),
                fields=[_field("coupon", postback_wording.COUPON_RULE(rule=coupons.CODE_RULE))],
            )
    ref_code = None
    if checked.ref:
        ref_code = ids.normalize_ref_code(checked.ref)
        if ref_code is None:
            raise BadRequest(postback_wording.NOT_A_REF(), fields=[_field("ref", postback_wording.REF_RULE())])
    return Report(
        order_id=checked.order_id,
        amount=currencies.round_money(checked.amount, currency),
        currency=currency,
        channel=checked.channel,
        click_id=checked.click_id,
        ref_code=ref_code,
        agent=checked.agent,
        status=ConversionStatus(checked.status) if checked.status else None,
        items=tuple(
            {
                "product": line.product,
                "category": line.category,
                "quantity": line.quantity,
                "price": currencies.round_money(line.price, currency) if line.price is not None else None,
            }
            for line in checked.items
        ),
        email=str(checked.email).lower() if checked.email else None,
        lang=checked.lang,
        service_date=checked.service_date,
        booking_ref=checked.booking_ref,
        coupon=coupon,
    )


def test_sale(report: Report) -> Report:
    """A sale signed with the test secret, as the console sends it, or BadRequest: order "test-<click id>"
    for a test click, an amount and currency, nothing more. Recording then checks the click is a test
    click, so at most a rejected `test` sale is written."""
    if not report.click_id or report.order_id != f"test-{report.click_id}":
        raise BadRequest(postback_wording.TEST_ORDER(), status=403, code="forbidden")
    if report.status not in (None, ConversionStatus.PENDING):
        raise BadRequest(postback_wording.TEST_STATUS(status=report.status), status=403, code="forbidden")
    extra = [
        name
        for name, value in (
            ("ref", report.ref_code),
            ("agent", report.agent),
            ("items", report.items),
            ("email", report.email),
            ("lang", report.lang),
            ("service_date", report.service_date),
            ("booking_ref", report.booking_ref),
        )
        if value
    ]
    if extra or report.channel != Channel.WEB:
        named = ", ".join(extra or ["channel"])
        raise BadRequest(postback_wording.TEST_ONLY_FIELDS(named=named), status=403, code="forbidden")
    return replace(report, test_only=True)


def _checked[M: BaseModel](model: type[M], params: dict[str, Any], what: str) -> M:
    try:
        return model.model_validate(params)
    except ValidationError as error:
        problems = [_problem(e) for e in error.errors(include_url=False, include_input=False)]
        raise BadRequest(postback_wording.INVALID_PARAMETERS(what=what), fields=problems) from None


def _currency(given: str) -> str:
    currency = given.upper()
    if currencies.minor_units(currency) is None:
        raise BadRequest(
            postback_wording.NOT_A_CURRENCY(), fields=[_field("currency", postback_wording.UNKNOWN_CURRENCY())]
        )
    return currency


def _check_decimals(name: str, amount: Decimal, currency: str) -> None:
    if amount != currencies.round_money(amount, currency):
        minor = currencies.minor_units(currency)
        raise BadRequest(
            postback_wording.TOO_MANY_DECIMALS(name=name, currency=currency, minor=minor),
            fields=[_field(name, postback_wording.DECIMALS())],
        )


def _pairs(text: str, where: str) -> dict[str, Any]:
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS, errors="strict")
    except (ValueError, UnicodeDecodeError):
        raise BadRequest(postback_wording.MALFORMED(where=where, limit=MAX_FIELDS)) from None
    out: dict[str, Any] = {}
    for name, value in pairs:
        if name in out:
            raise BadRequest(postback_wording.GIVEN_TWICE(name=name))
        out[name] = value if value != "" else None
    return out


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest(postback_wording.NOT_UTF8()) from None


def _json_value(text: str | bytes, where: str) -> Any:
    def refuse(constant: str) -> Any:
        raise ValueError(constant)

    try:
        return json.loads(text, parse_float=Decimal, parse_constant=refuse)
    except (ValueError, RecursionError):
        raise BadRequest(postback_wording.NOT_JSON(where=where)) from None


def _json_object(body: bytes) -> dict[str, Any]:
    value = _json_value(_text(body), "the body")
    if not isinstance(value, dict):
        raise BadRequest(postback_wording.JSON_NOT_OBJECT())
    if len(value) > MAX_FIELDS:
        raise BadRequest(postback_wording.TOO_MANY_FIELDS(limit=MAX_FIELDS))
    return value


def _field(name: str, message: str) -> dict:
    return {"field": name, "message": message}


def _problem(error: Any) -> dict:
    """A field's problem: its name for programs, and a plain sentence (said in the caller's language later)."""
    name = ".".join(str(part) for part in error["loc"]) or "body"
    if error["type"] == "extra_forbidden":
        return _field(name, postback_wording.UNKNOWN_PARAMETER())
    return _field(name, field_messages.Explained(error))
