"""An advertiser's integration page as data (the page and GET /api/admin/.../integration show the same),
and the test conversion, with the domain's refusals as HTTP errors. No secret is ever in them."""

from typing import Literal

from pydantic import BaseModel, Field

from waymark import web
from waymark.conversions import advertisers, integration, postback_log
from waymark.core.times import utcnow
from waymark.models import Conversion, PostbackLogEntry
from waymark.portal.admin import setup_actions


class ParameterOut(BaseModel):
    name: str
    aliases: list[str]
    required: bool
    description: str


class LogEntryOut(BaseModel):
    at: str = Field(description="When Waymark answered (ISO 8601, UTC)")
    source: Literal["log", "sale"] = Field(
        description="log: the answer's line in the postback log; sale: a new sale, read from the sale "
        "itself (Waymark logs no line for it): the request's method and signature are not kept"
    )
    kind: str = Field(description="postback, pixel, or test (a test conversion from this page)")
    method: str | None = None
    signed: bool | None = Field(None, description="Signed with the HMAC secret rather than sent with the token")
    authenticated: bool = Field(description="False: the request only named this advertiser, its credentials failed")
    status: int = Field(description="The HTTP status answered (for the pixel: the status it stands for)")
    outcome: str
    message: str | None = None
    fields: list[str] = []
    order_id: str | None = None
    conversion_status: str | None = None
    reason: str | None = None


class IntegrationOut(BaseModel):
    advertiser_id: str
    program_id: str
    name: str
    status: str
    postback_url: str
    parameters: list[ParameterOut]
    examples: dict[str, str] = Field(
        description="curl_token, curl_signed, python, pixel and script; credentials are placeholders "
        "($TOKEN, $HMAC_SECRET)"
    )
    log: list[LogEntryOut] = Field(
        description=f"The newest {postback_log.SHOWN} answers first: the postback log's lines merged with the "
        f"new sales found among the program's {postback_log.SALES_READ} newest conversions"
    )
    log_since: str = Field(description="No older answer is listed (ISO 8601, UTC)")
    log_complete: bool = Field(
        description=f"Every answer of the last {postback_log.RETENTION_DAYS} days is listed; false: more were "
        "read than shown, so the list stops at log_since"
    )
    sales_read: int = Field(description="The program's conversions read to find this advertiser's new sales")
    log_retention_days: int = postback_log.RETENTION_DAYS


class SentTestConversionOut(BaseModel):
    postback_url: str
    order_id: str
    click_id: str
    status: int | None = Field(description="The HTTP status /postback answered; null if it could not be reached")
    answer: dict | str | None = Field(description="Waymark's answer to the test postback")
    error: str | None = None


def _entry_out(entry: PostbackLogEntry | Conversion) -> LogEntryOut:
    if isinstance(entry, Conversion):
        return _sale_out(entry)
    return LogEntryOut(
        at=postback_log.answered_at(entry),
        source="log",
        kind=entry.kind,
        method=entry.method,
        signed=bool(entry.signed),
        authenticated=bool(entry.authenticated),
        status=int(entry.status),
        outcome=entry.outcome,
        message=entry.message,
        fields=list(entry.fields or []),
        order_id=entry.order_id,
        conversion_status=entry.conversion_status,
        reason=entry.reason,
    )


def _sale_out(sale: Conversion) -> LogEntryOut:
    """A new sale as its answer was: 200 Recorded, with the status and reason it was recorded with."""
    recorded = sale.history[0] if sale.history else None
    return LogEntryOut(
        at=sale.created_at,
        source="sale",
        kind=sale.reported_by or "postback",
        authenticated=sale.reported_by != "pixel",  # the pixel only names its advertiser, as its lines say
        status=200,
        outcome=postback_log.RECORDED,
        order_id=sale.order_id,
        conversion_status=recorded.to_status if recorded else sale.status,
        reason=recorded.reason if recorded else sale.reason,
    )


def integration_out(advertiser_id: str) -> IntegrationOut:
    advertiser = setup_actions.advertiser(advertiser_id)
    program = setup_actions.stored_program(advertiser.program_id)
    base = web.base_url()
    answers = postback_log.answers(advertiser.advertiser_id, advertiser.program_id, utcnow())
    return IntegrationOut(
        advertiser_id=advertiser.advertiser_id,
        program_id=advertiser.program_id,
        name=advertiser.name,
        status=advertiser.status,
        postback_url=f"{base}/postback",
        parameters=[ParameterOut(**vars(p) | {"aliases": list(p.aliases)}) for p in integration.parameters()],
        examples=integration.examples(base, advertiser, program),
        log=[_entry_out(entry) for entry in answers.entries],
        log_since=answers.since.isoformat(),
        log_complete=answers.complete,
        sales_read=answers.sales_read,
    )


def send_test_conversion(advertiser_id: str) -> SentTestConversionOut:
    setup_actions.advertiser(advertiser_id)  # a 404 for an unknown id
    advertiser, test_secret = advertisers.test_signing_advertiser(advertiser_id)
    try:
        sent = integration.send_test_conversion(advertiser, test_secret, web.base_url())
    except integration.CannotTest as error:
        raise web.Conflict(str(error)) from error
    return SentTestConversionOut(
        postback_url=sent.url,
        order_id=sent.order_id,
        click_id=sent.click_id,
        status=sent.status,
        answer=sent.answer,
        error=sent.error,
    )
