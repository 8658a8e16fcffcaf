"""Who earns a reported sale, and the conversion item that records it. Pure rules, no I/O.

recording.py does the reads and the write around these functions; the rules here are tested
in microseconds without AWS.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from waymark.click.sessions import SUB_ID_FIELDS
from waymark.conversions.commissions import Price
from waymark.conversions.vocabulary import Channel, ConversionStatus
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


@dataclass(frozen=True)
class Attribution:
    agent_id: str | None
    status: ConversionStatus
    reason: Reason | None = None
    attributed_by: str | None = None  # click | ref | agent | operator (a reassignment)
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
    trusted = report.status in INITIAL_STATUSES and report.reported_by != "pixel"
    status = report.status if trusted else ConversionStatus.PENDING
    return Attribution(agent_id, status, None, by, session)


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
        history=[
            StatusChange(
                at=at,
                by=f"{report.reported_by}:{advertiser_id}",
                to_status=attribution.status,
                reason=attribution.reason.value if attribution.reason else None,
            )
        ],
    )
    if session is not None:
        for name in SUB_ID_FIELDS:
            setattr(conversion, name, getattr(session, name))
        if session.test:
            conversion.test = True
    return conversion


def same_sale(stored: Conversion, report: Report) -> bool:
    """Whether a repeat of an order reports the same sale (otherwise it is a conflicting duplicate)."""
    return (
        stored.amount == report.amount
        and stored.currency == report.currency
        and stored.channel == report.channel
        and (report.click_id is None or stored.click_id == report.click_id)
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
    }


class UndoNeedsNote(ValueError):
    """Undoing a rejection or a reversal without saying why."""


def check_transition(from_status: str, to_status: str, reason: str | None, note: str | None = None) -> None:
    """Raise ValueError unless an operator may move a conversion from `from_status` to `to_status`."""
    if to_status not in TRANSITIONS.get(from_status, ()):
        allowed = ", ".join(TRANSITIONS.get(from_status, ())) or "nothing"
        raise ValueError(f"a {from_status} conversion can become {allowed}, not {to_status}")
    if from_status in UNDONE and not (note or "").strip():
        raise UndoNeedsNote(f"say why the {from_status} decision is undone: write a note")
    if to_status in NEEDS_REASON:
        if reason is None:
            raise ValueError(f"say why the conversion is {to_status} (a reason code)")
        Reason(reason)  # ValueError for codes outside the taxonomy
