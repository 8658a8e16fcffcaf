"""Who earns a reported sale, and the conversion item that records it. Pure rules, no I/O.

recording.py does the reads and the write around these functions; the rules here are tested
in microseconds without AWS.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from waymark import wording
from waymark.click.sessions import SUB_ID_FIELDS
from waymark.conversions.commissions import Price
from waymark.conversions.exchange import Exchange
from waymark.conversions.vocabulary import Channel, ConversionStatus, CouponPrecedence
from waymark.core.times import iso
from waymark.models import Agent, CartLine, Conversion, Session, StatusChange
from waymark.partners.vocabulary import PartnerStatus


class Reason(StrEnum):
    """Why a conversion earns nothing, or is held for review: the fixed taxonomy operators and partners see.

    Most are decided when the sale is recorded (`test` for a console test click's sale); `self_referral`,
    `bot`, `too_fast` and `ip_burst` hold a sale (status held) for an operator, `cap` rejects it
    (waymark.conversions.fraud). Operators also use `duplicate`, `cancelled`, `fraud` and `other` when
    they reject or reverse one (waymark.conversions.status_changes).
    """

    EXPIRED = "expired"  # the click's attribution window had closed
    UNKNOWN_CLICK = "unknown_click"  # no session for the click id or reference code (in this program)
    UNKNOWN_AGENT = "unknown_agent"  # the partner code names no partner of this program
    AGENT_SUSPENDED = "agent_suspended"  # the partner is not active
    SELF_REFERRAL = "self_referral"  # held: the customer looks like the partner (same email or IP hash)
    BOT = "bot"  # held: the click's user agent is a bot's (the verdict the stats consumer counts by)
    TOO_FAST = "too_fast"  # held: less time between click and sale than the program's minimum
    IP_BURST = "ip_burst"  # held: too many sales from one visitor IP hash in the program's window
    CAP = "cap"  # rejected: over the partner's daily or monthly cap
    NO_ATTRIBUTION = "no_attribution"  # no click, reference code or (offline channel) partner named
    DUPLICATE = "duplicate"  # the same sale reported twice under two order ids
    CANCELLED = "cancelled"  # the order was cancelled or refunded
    FRAUD = "fraud"
    OTHER = "other"
    TEST = "test"  # the sale of a test click from the console's integration page: it never earns


INITIAL_STATUSES = (ConversionStatus.PENDING, ConversionStatus.APPROVED)  # what an advertiser may report
# What an operator may decide, from each status.
TRANSITIONS = {
    ConversionStatus.PENDING: (ConversionStatus.APPROVED, ConversionStatus.REJECTED),
    ConversionStatus.HELD: (ConversionStatus.APPROVED, ConversionStatus.REJECTED),
    ConversionStatus.APPROVED: (ConversionStatus.REVERSED,),
    # Undoing a decision (a real sale misjudged): the history keeps both entries.
    ConversionStatus.REJECTED: (ConversionStatus.PENDING, ConversionStatus.APPROVED),
    ConversionStatus.REVERSED: (ConversionStatus.APPROVED,),
}
# What a decision may ask for (TRANSITIONS says from which status); pending only to undo a rejection.
DECISIONS = (ConversionStatus.PENDING, ConversionStatus.APPROVED, ConversionStatus.REJECTED, ConversionStatus.REVERSED)
NEEDS_REASON = (ConversionStatus.REJECTED, ConversionStatus.REVERSED)  # they take the earnings away: say why
UNDONE = (ConversionStatus.REJECTED, ConversionStatus.REVERSED)  # leaving these undoes a decision: say why (a note)
# Channels where the advertiser's word names the partner: orders taken by people, not browsers.
CLICKLESS_CHANNELS = (Channel.CHAT, Channel.PHONE, Channel.CONCIERGE, Channel.INSIDE_SALES, Channel.REMARKETING)


@dataclass(frozen=True)
class Report:
    """A sale as the advertiser reported it, validated (waymark.conversions.postbacks builds it)."""

    order_id: str
    amount: Decimal
    currency: str
    channel: Channel = Channel.WEB
    click_id: str | None = None
    ref_code: str | None = None  # normalized (waymark.core.ids.normalize_ref_code)
    agent: str | None = None
    status: ConversionStatus | None = None
    items: tuple[dict, ...] = ()  # {"product", "category", "quantity", "price"}
    email: str | None = None
    lang: str | None = None
    service_date: date | None = None
    booking_ref: str | None = None
    reported_by: str = "postback"  # postback | pixel | console (an operator, waymark.conversions.offline_sales)
    coupon: str | None = None  # normalized (waymark.conversions.coupons.normalize); the pixel never sets it
    # The sale as reported in another currency, and the rate that converted it into the program's
    # (amount and currency are then the converted ones); None: reported in the program's currency.
    exchange: Exchange | None = None
    # Signed with the test secret: recorded only for a test click (waymark.conversions.recording).
    test_only: bool = False


@dataclass(frozen=True)
class Attribution:
    agent_id: str | None
    status: ConversionStatus
    reason: Reason | None = None
    attributed_by: str | None = None  # click | ref | agent | coupon | operator (a reassignment)
    session: Session | None = field(default=None, compare=False)
    evidence: str | None = None  # for a held or capped sale: what the rule saw, in words operators read

    @property
    def earns(self) -> bool:
        return self.status != ConversionStatus.REJECTED


def attribute(
    report: Report, *, program_id: str, session: Session | None, agent: Agent | None, now: datetime
) -> Attribution:
    """Last click wins and the click id decides when given; without a click, a reference code
    (phone, chat) or, on offline channels, the partner code the advertiser names.

    A sale credited here may still be held or capped by the program's fraud rules
    (waymark.conversions.fraud), which recording applies next."""
    if report.click_id or report.ref_code:
        by = "click" if report.click_id else "ref"
        if session is None or session.program_id != program_id:
            return Attribution(None, ConversionStatus.REJECTED, Reason.UNKNOWN_CLICK, by)
        if session.test:
            return Attribution(None, ConversionStatus.REJECTED, Reason.TEST, by, session)
        agent_id = session.agent_id
        if session.expires_at < now.timestamp():
            return Attribution(agent_id, ConversionStatus.REJECTED, Reason.EXPIRED, by, session)
    elif report.agent and report.channel in CLICKLESS_CHANNELS:
        by, agent_id = "agent", report.agent
        if agent is None or agent.program_id != program_id:
            return Attribution(None, ConversionStatus.REJECTED, Reason.UNKNOWN_AGENT, by)
    else:
        return Attribution(None, ConversionStatus.REJECTED, Reason.NO_ATTRIBUTION)
    if agent is None or agent.status != PartnerStatus.ACTIVE:
        return Attribution(agent_id, ConversionStatus.REJECTED, Reason.AGENT_SUSPENDED, by, session)
    return Attribution(agent_id, _initial_status(report), None, by, session)


def _initial_status(report: Report) -> ConversionStatus:
    trusted = report.status in INITIAL_STATUSES and report.reported_by != "pixel"
    return report.status if trusted else ConversionStatus.PENDING  # type: ignore[return-value]


# ----------------------------------------------------------------------------- coupon codes


class ClickState(StrEnum):
    """What the sale's click (or reference code, or named partner) amounts to, for the coupon precedence."""

    LIVE = "live"  # it credits a partner
    EXPIRED = "expired"  # given, but it cannot credit: the window closed or its partner is not active
    NONE = "none"  # no click given, or one that names nothing in this program


class CouponState(StrEnum):
    ACTIVE = "active"  # credits its partner (the code and the partner are active, not past its expiry)
    PAUSED = "paused"  # paused by an operator, or its partner is not active
    EXPIRED = "expired"  # past its last day
    UNKNOWN = "unknown"  # no such code in this program


@dataclass(frozen=True)
class CouponCredit:
    """A coupon code as the postback found it (waymark.conversions.coupons.credit_of builds it)."""

    code: str
    agent_id: str | None
    state: CouponState


def click_state(credit: Attribution) -> ClickState:
    if credit.earns:
        return ClickState.LIVE
    if credit.reason in (Reason.EXPIRED, Reason.AGENT_SUSPENDED):
        return ClickState.EXPIRED
    return ClickState.NONE


def coupon_credits(precedence: CouponPrecedence, click: ClickState, coupon: CouponState) -> bool:
    """Whether the coupon code, not the click, credits the sale."""
    if coupon != CouponState.ACTIVE:
        return False
    if precedence == CouponPrecedence.COUPON_WINS:
        return True
    if precedence == CouponPrecedence.COUPON_IF_NO_CLICK:
        return click == ClickState.NONE
    return click != ClickState.LIVE  # click_wins


def with_coupon(
    credit: Attribution, report: Report, coupon: CouponCredit | None, precedence: CouponPrecedence
) -> tuple[Attribution, Report]:
    """The credit once the coupon code had its say, and the report as recorded: a sale the coupon
    credits is a coupon sale (its channel `coupon`), without the other partner's click. A console
    test click's sale stays a test, whatever code it brings."""
    if coupon is None or credit.reason == Reason.TEST:
        return credit, report
    if not coupon_credits(precedence, click_state(credit), coupon.state):
        return credit, report
    coupon_sale = replace(report, channel=Channel.COUPON, click_id=None, ref_code=None)
    return Attribution(coupon.agent_id, _initial_status(report), None, "coupon"), coupon_sale


def new_conversion(
    report: Report,
    *,
    advertiser_id: str,
    program_id: str,
    attribution: Attribution,
    price: Price,
    now: datetime,
) -> Conversion:
    session = attribution.session
    at = iso(now)
    conversion = Conversion(
        Conversion.make_id(advertiser_id, report.order_id),
        advertiser_id=advertiser_id,
        order_id=report.order_id,
        program_id=program_id,
        agent_id=attribution.agent_id,
        click_id=session.click_id if session else None,
        link_code=session.link_code if session else None,
        channel=report.channel,
        attributed_by=attribution.attributed_by,
        reported_by=report.reported_by,
        amount=report.amount,
        currency=report.currency,
        commission=price.commission if attribution.earns else Decimal(0),
        commission_rule=price.rule if attribution.earns else None,
        status=attribution.status,
        reason=attribution.reason.value if attribution.reason else None,
        hold_evidence=attribution.evidence,
        created_at=at,
        items=[CartLine(**line) for line in report.items],
        booking_ref=report.booking_ref,
        coupon=report.coupon,
        history=[
            StatusChange(
                at=at,
                by=f"{report.reported_by}:{advertiser_id}",
                to_status=attribution.status,
                reason=attribution.reason.value if attribution.reason else None,
            )
        ],
    )
    if report.exchange is not None:
        conversion.original_amount = report.exchange.original_amount
        conversion.original_currency = report.exchange.original_currency
        conversion.exchange_rate = report.exchange.rate
        conversion.rate_date = report.exchange.rate_date.isoformat()
        conversion.rate_source = report.exchange.source
    if session is not None:
        for name in SUB_ID_FIELDS:
            setattr(conversion, name, getattr(session, name))
        if session.test:
            conversion.test = True
    return conversion


def same_sale(stored: Conversion, report: Report) -> bool:
    """Whether a repeat of an order reports the same sale (otherwise it is a conflicting duplicate).

    A sale in another currency is compared as reported (another day's rate would convert it to
    another amount); a coupon sale matches a repeat bringing the same code."""
    amount, currency = report.amount, report.currency
    if report.exchange is not None:
        amount, currency = report.exchange.original_amount, report.exchange.original_currency
    if stored.original_currency:
        stored_amount, stored_currency = stored.original_amount, stored.original_currency
    else:
        stored_amount, stored_currency = stored.amount, stored.currency
    coupon_sale = stored.channel == Channel.COUPON and stored.coupon is not None and stored.coupon == report.coupon
    return (
        stored_amount == amount
        and stored_currency == currency
        and (stored.channel == report.channel or coupon_sale)
        and (report.click_id is None or stored.click_id == report.click_id or coupon_sale)
    )


def answer(conversion: Conversion) -> dict:
    """What the advertiser is told; built from the stored item, so a repeat gets the same answer."""
    return {
        "conversion_id": conversion.conversion_id,
        "order_id": conversion.order_id,
        "status": conversion.status,
        "reason": conversion.reason,
        "agent": conversion.agent_id,
        "channel": conversion.channel,
        "amount": str(conversion.amount),
        "currency": conversion.currency,
        "commission": str(conversion.commission),
        "created_at": conversion.created_at,
        **({"coupon": conversion.coupon} if conversion.coupon else {}),
        **(
            {
                "original_amount": str(conversion.original_amount),
                "original_currency": conversion.original_currency,
                "exchange_rate": str(conversion.exchange_rate),
                "rate_date": conversion.rate_date,
                "rate_source": conversion.rate_source,
            }
            if conversion.original_currency
            else {}
        ),
    }


class UndoNeedsNote(ValueError):
    """Undoing a rejection or a reversal without saying why."""


def check_transition(from_status: str, to_status: str, reason: str | None, note: str | None = None) -> None:
    """Raise ValueError unless an operator may move a conversion from `from_status` to `to_status`."""
    if to_status not in TRANSITIONS.get(from_status, ()):
        allowed = ", ".join(TRANSITIONS.get(from_status, ())) or wording.TRANSITION_NOTHING()
        raise ValueError(wording.TRANSITION_NOT_ALLOWED(from_status=from_status, allowed=allowed, to_status=to_status))
    if from_status in UNDONE and not (note or "").strip():
        raise UndoNeedsNote(wording.UNDO_NEEDS_NOTE(from_status=from_status))
    if to_status in NEEDS_REASON:
        if reason is None:
            raise ValueError(wording.STATUS_NEEDS_REASON_CODE(to_status=to_status))
        Reason(reason)  # ValueError for codes outside the taxonomy
