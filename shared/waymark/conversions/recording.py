"""Recording a reported sale: one read (the session), the attribution, fraud and price rules, one write.

A sale in another currency is converted first, at the day's rate (waymark.conversions.exchange:
one cached Query); a coupon code costs one cached GetItem (waymark.conversions.coupons).

Program and partner come from the warm container's cache (waymark.catalog). The write is a
conditional PutItem (with the remarketing customer, one TransactWriteItems) on the key
"<advertiser>:<order id>", so a repeated or concurrent report of the same order writes
nothing and gets the stored conversion back from DynamoDB's own answer.

The program's fraud rules (waymark.conversions.fraud) run here: the pure ones hold the sale
before it is written; caps and bursts are conditional counters in the same transaction, and
when one refuses, the sale is written again capped (rejected) or held, without that counter.
"""

import os
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from waymark import catalog
from waymark.conversions import attribution, commissions, coupons, exchange, fraud, postback_wording
from waymark.conversions.attribution import Attribution, Reason, Report
from waymark.conversions.vocabulary import Channel, ConversionStatus
from waymark.core import aws, currencies, durable, ids
from waymark.core.times import iso, utcnow
from waymark.models import Advertiser, Conversion, Customer, Program, Session, as_dict

COUNTERS_TABLE = "FRAUD_COUNTERS_TABLE"  # the environment variable naming FraudCountersTable
REF_CANDIDATES = 10  # sessions read for a reference code: the newest of this program wins
CUSTOMER_RETENTION_DAYS = 365  # after the later of booking and service date, unless the program says otherwise


class ProgramMissing(LookupError):
    """The advertiser's program is not configured."""


class NoLiveClick(LookupError):
    """A pixel sale without a live click of this program: the pixel proves nothing else, so nothing is written."""


class NotATestClick(LookupError):
    """A postback signed with the test secret names no test click of this program: nothing is written."""


class WrongCurrency(ValueError):
    """The sale is in another currency than the program's and there is no rate to convert it
    (waymark.conversions.exchange): commissions, reports and statements add amounts of one
    currency, so nothing is recorded at a guess."""


@dataclass(frozen=True)
class Recorded:
    conversion: Conversion
    repeat: bool = False  # the order was recorded before: nothing written, the stored conversion returned
    same_sale: bool = True  # for a repeat: whether it reported the same amount, currency, channel and click
    kept_for_replay: bool = False  # the write failed and waits in the replay queue


def record(report: Report, advertiser: Advertiser, now: datetime | None = None) -> Recorded:
    now = now or utcnow()
    credited = credited_sale(report, advertiser, now)
    program, report, decision = credited.program, credited.report, credited.credit
    table = os.environ.get(COUNTERS_TABLE, "")
    limits = fraud.limits(credited.rules, decision, report.amount, program_id=program.program_id, table=table, now=now)
    if limits and not table:
        # A function recording sales without the counters' table would ignore the program's caps.
        raise RuntimeError(f"{COUNTERS_TABLE} is not set: this function cannot apply the program's caps and bursts")
    # Each refusal decides the sale anew: a cap rejects it (no counter written), a burst holds it
    # (the caps still counted); at most one retry per limit.
    for _ in range(len(limits) + 1):
        conversion = _conversion(credited, decision, advertiser, now)
        puts = [(Conversion.Meta.table_name, conversion.serialize())]
        customer = remarketing_customer(report, program, conversion, now)
        if customer is not None:
            puts.append((Customer.Meta.table_name, customer.serialize()))
        # A pending sale the public pixel recorded gives way to the advertiser's authenticated postback of
        # the same order: otherwise anyone holding a live click could claim orders before the merchant reports them.
        created = durable.create_new(
            puts,
            or_replace=None if report.reported_by == "pixel" else "pending_pixel_sale",
            counters=[limit.update for limit in limits],
        )
        if not created.refused:
            break
        decision, limits = _refused(decision, limits, created.refused)
    if created.stored:
        return Recorded(conversion)
    if created.kept_for_replay:
        return Recorded(conversion, kept_for_replay=True)
    # DynamoDB returns the stored item with the failed condition; read it only if it did not.
    stored = created.existing or _stored(conversion.conversion_id)
    if not stored:
        raise RuntimeError(f"{conversion.conversion_id} failed its condition but cannot be read")
    existing = Conversion.from_raw_data(stored)
    return Recorded(existing, repeat=True, same_sale=attribution.same_sale(existing, report))


@dataclass(frozen=True)
class Credited:
    """A report attributed and priced, before any write: what the counted limits then decide on."""

    program: Program
    report: Report  # as recorded (a web sale from the inside-sales directory is an inside sale)
    credit: Attribution  # after the program's pure fraud rules
    price: commissions.Price
    rules: fraud.FraudRules


def credited_sale(report: Report, advertiser: Advertiser, now: datetime) -> Credited:
    """The session read, who earns the sale (the program's pure fraud rules applied) and what it pays.

    The report comes back as recorded: a web sale on a session an operator opened from the
    inside-sales directory is an inside sale (docs/operators.md "Inside sales").
    """
    program = catalog.program(advertiser.program_id)
    if program is None:
        raise ProgramMissing(f"advertiser {advertiser.advertiser_id} has no program")
    if report.currency != program.currency:
        report = in_program_currency(report, program.currency, now)
    session = _session(report, program.program_id)
    if report.test_only and (session is None or not session.test or session.program_id != program.program_id):
        raise NotATestClick(postback_wording.NOT_A_TEST_CLICK())
    if session is not None and session.inside_sales_by and report.channel == Channel.WEB:
        report = replace(report, channel=Channel.INSIDE_SALES)
    agent_id = session.agent_id if session else report.agent
    agent = catalog.agent(agent_id) if agent_id and ids.is_code(agent_id) else None
    credited = attribution.attribute(report, program_id=program.program_id, session=session, agent=agent, now=now)
    if report.reported_by == "pixel" and not (credited.earns and credited.attributed_by == "click"):
        raise NoLiveClick(postback_wording.PIXEL_NO_LIVE_CLICK())
    if report.coupon and report.reported_by != "pixel":  # the pixel's word names no partner (docs/security.md)
        coupon = coupons.credit_of(program.program_id, report.coupon, now.date())
        credited, report = attribution.with_coupon(credited, report, coupon, coupons.precedence_of(program))
        if credited.attributed_by == "coupon":
            agent = catalog.agent(credited.agent_id) if credited.agent_id else None
    rules = fraud.FraudRules.of(program.settings)
    credited = fraud.check(credited, report, agent=agent, rules=rules, now=now)
    price = commissions.Price(Decimal(0), None)
    if credited.earns and agent is not None:
        price = commissions.price(
            report.amount,
            report.currency,
            report.channel,
            now.date(),
            program_rules=program.commission_rules,
            partner_rules=agent.commission_rules,
            program_currency=program.currency,
        )
    return Credited(program, report, credited, price, rules)


def in_program_currency(report: Report, currency: str, now: datetime) -> Report:
    """The report converted at the day's rate, keeping what was reported (WrongCurrency without a rate)."""
    try:
        amount, exchanged = exchange.exchange(report.amount, report.currency, currency, now.date())
    except exchange.NoRate as error:
        raise WrongCurrency(error.args[0]) from error
    items = tuple(
        {**line, "price": currencies.round_money(line["price"] * exchanged.rate, currency)}
        if line.get("price") is not None
        else line
        for line in report.items
    )
    return replace(report, amount=amount, currency=currency, items=items, exchange=exchanged)


def attributed(report: Report, advertiser: Advertiser, now: datetime) -> tuple[Program, Report, Conversion]:
    """The conversion a report makes (not written), for callers that write it themselves (an
    operator's offline sale: the operator vouches for it, so the counted caps and bursts do not apply)."""
    credited = credited_sale(report, advertiser, now)
    return credited.program, credited.report, _conversion(credited, credited.credit, advertiser, now)


def _conversion(credited: Credited, decision: Attribution, advertiser: Advertiser, now: datetime) -> Conversion:
    return attribution.new_conversion(
        credited.report,
        advertiser_id=advertiser.advertiser_id,
        program_id=credited.program.program_id,
        attribution=decision,
        price=credited.price,
        now=now,
    )


def _refused(credit: Attribution, limits: list[fraud.Limit], refused: tuple[int, ...]):
    """The credit and the counters to write after the counters at `refused` said no."""
    said_no = [limits[i] for i in refused]
    cap = next((limit for limit in said_no if limit.reason == Reason.CAP), None)
    if cap is not None:
        return fraud.capped(credit, cap.evidence), []
    kept = [limit for i, limit in enumerate(limits) if i not in refused]
    if credit.status == ConversionStatus.HELD:
        return credit, kept  # already held by an earlier rule: its reason stands
    return fraud.held(credit, Reason.IP_BURST, said_no[0].evidence), kept


def remarketing_customer(report: Report, program: Program, conversion: Conversion, now: datetime) -> Customer | None:
    """The customer item for cross-selling, when the customer gave an email and the program sends emails."""
    settings = as_dict(as_dict(program.settings).get("remarketing"))
    if not report.email or not settings.get("email"):
        return None
    last = max(now.date(), report.service_date or now.date())
    days = int(settings.get("retention_days") or CUSTOMER_RETENTION_DAYS)
    expires = datetime.combine(last + timedelta(days=days), datetime.min.time(), tzinfo=now.tzinfo)
    return Customer(
        *Customer.key(conversion.conversion_id),
        conversion_id=conversion.conversion_id,
        program_id=conversion.program_id,
        agent_id=conversion.agent_id,
        channel=conversion.channel,
        email=report.email,
        lang=report.lang,
        booking_ref=report.booking_ref,
        service_date=report.service_date.isoformat() if report.service_date else None,
        booked_at=iso(now),
        amount=conversion.amount,
        currency=conversion.currency,
        items=list(conversion.items),
        ttl=int(expires.timestamp()),
    )


def _session(report: Report, program_id: str) -> Session | None:
    """The one read of the happy path: the session by click id, or the newest by reference code.

    A miss is read again from the sessions table an upgrade kept (PREVIOUS_SESSIONS_TABLE), if any:
    its sessions stay live until their attribution windows end (docs/operators.md "Upgrading").
    """
    if report.click_id:
        if not ids.is_click_id(report.click_id):
            return None
        return _by_click_id(report.click_id)
    if report.ref_code:
        newest_first = {
            "KeyConditionExpression": "ref_code = :code",
            "ExpressionAttributeValues": {":code": {"S": report.ref_code}},
            "ScanIndexForward": False,  # click ids sort by time
            "Limit": REF_CANDIDATES,
        }
        client = aws.client("dynamodb")
        found = client.query(TableName=Session.Meta.table_name, **newest_first).get("Items", [])
        session = next((s for s in map(Session.from_raw_data, found) if s.program_id == program_id), None)
        previous = os.environ.get("PREVIOUS_SESSIONS_TABLE")
        if session is None and previous:
            # The kept table is keyed by click id alone: its index by reference code is what a code reads.
            found = client.query(TableName=previous, IndexName="ref-index", **newest_first).get("Items", [])
            session = next((s for s in map(Session.from_raw_data, found) if s.program_id == program_id), None)
        return session
    return None


def _by_click_id(click_id: str) -> Session | None:
    client = aws.client("dynamodb")
    key = {"ref_code": {"S": ids.ref_code(click_id)}, "click_id": {"S": click_id}}
    found = client.get_item(TableName=Session.Meta.table_name, Key=key, ConsistentRead=True).get("Item")
    previous = os.environ.get("PREVIOUS_SESSIONS_TABLE")
    if not found and previous:
        found = client.get_item(TableName=previous, Key={"click_id": {"S": click_id}}, ConsistentRead=True).get("Item")
    return Session.from_raw_data(found) if found else None


def _stored(conversion_id: str) -> dict | None:
    return (
        aws.client("dynamodb")
        .get_item(
            TableName=Conversion.Meta.table_name, Key={"conversion_id": {"S": conversion_id}}, ConsistentRead=True
        )
        .get("Item")
    )
