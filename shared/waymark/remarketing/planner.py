"""A new booking's customer item -> its planned remarketing sends (the RemarketingTable stream consumer).

The sends are keyed by their send date on the sparse due-index, next to the opaque offer
reference the email links carry, and the customer item's TTL moves to the last send plus the
links' validity. Every write is conditional on its item being new, so a retried stream record
(or a crash half-way) repeats them harmlessly and never resets a send that already went out.
Plain conditional writes rather than one transaction: the planner is not on a budget, and
transactions would make large local data sets crawl on the embedded DynamoDB.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from aws_lambda_powertools import Logger
from pynamodb.exceptions import DoesNotExist, PutError, UpdateError
from pynamodb.models import Model

from waymark import catalog
from waymark.core.times import utcnow
from waymark.models import Customer, RemarketingOfferRef, RemarketingSend, Suppression
from waymark.remarketing import rules, store
from waymark.remarketing.tokens import email_hash, offer_id
from waymark.remarketing.vocabulary import SendStatus

logger = Logger(child=True)


@dataclass(frozen=True)
class PlanOutcome:
    planned: int  # sends written now
    reason: str  # planned | already planned | unknown program | no matching profile | no send day ahead | suppressed


def epoch(day: date) -> int:
    return int(datetime.combine(day, time(0), UTC).timestamp())


def plan(customer: Customer, *, today: date | None = None) -> PlanOutcome:
    today = today or utcnow().date()
    hashed = email_hash(customer.email)
    _index(customer, hashed)
    program = catalog.program(customer.program_id)
    if program is None:
        return _forget_soon(customer, today, "unknown program")
    cart = rules.Cart.of(
        customer.items, lang=customer.lang, channel=customer.channel, amount=customer.amount, currency=customer.currency
    )
    profiles = rules.matching_profiles(
        store.config(program.program_id, background=True).profiles,
        cart,
        kinds=rules.EMAIL_KINDS,
        program_currency=program.currency,
    )
    if not profiles:
        return _forget_soon(customer, today, "no matching profile")
    planned = rules.plan_sends(
        profiles,
        booked_on=rules.booking_date(customer.booked_at),
        service_date=rules.parse_date(customer.service_date),
        today=today,
    )
    if not planned:
        return _forget_soon(customer, today, "no send day ahead")
    if _suppressed(hashed):
        # The daily job checks again before each send, so an unsubscribe arriving now is caught too.
        return _forget_soon(customer, today, "suppressed")
    handle = offer_id(customer.conversion_id)
    keep_until = epoch(planned[-1].send_date + timedelta(days=rules.LINK_VALID_DAYS + 1))
    reference = RemarketingOfferRef(
        *RemarketingOfferRef.key(handle),
        offer_id=handle,
        conversion_id=customer.conversion_id,
        program_id=customer.program_id,
        ttl=keep_until,
    )
    _put_new(reference)
    written = sum(_put_new(_send_item(customer, p, hashed, handle)) for p in planned)
    Customer(*Customer.key(customer.conversion_id)).update(
        actions=[Customer.ttl.set(keep_until)], condition=Customer.pk.exists()
    )
    return PlanOutcome(written, "planned" if written else "already planned")


def _index(customer: Customer, hashed: str) -> None:
    """Put the customer on email-index, so an erasure by email finds this booking (the postback
    that wrote the item holds no hashing key)."""
    try:
        Customer(*Customer.key(customer.conversion_id)).update(
            actions=[Customer.email_hash.set(hashed)], condition=Customer.pk.exists()
        )
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise


def _suppressed(hashed: str) -> bool:
    try:
        Suppression.get(*Suppression.key(hashed), consistent_read=True)
    except DoesNotExist:
        return False
    return True


def _put_new(item: Model) -> bool:
    try:
        item.save(condition=type(item).pk.does_not_exist())
    except PutError as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            return False
        raise
    return True


def _send_item(customer: Customer, planned: rules.PlannedSend, hashed: str, handle: str) -> RemarketingSend:
    day = planned.send_date.isoformat()
    return RemarketingSend(
        customer.pk,
        f"SEND#{day}#{planned.profile_id}#{planned.step}",
        due_date=day,
        due_key=f"{customer.program_id}#{customer.conversion_id}#{planned.profile_id}#{planned.step}",
        send_date=day,
        status=SendStatus.PENDING,
        conversion_id=customer.conversion_id,
        program_id=customer.program_id,
        profile_id=planned.profile_id,
        step=planned.step,
        template_id=planned.template_id,
        offer_id=handle,
        email=customer.email,
        email_hash=hashed,
        lang=customer.lang,
        channel=customer.channel,
        booking_ref=customer.booking_ref,
        service_date=customer.service_date,
        booked_at=customer.booked_at,
        amount=customer.amount,
        currency=customer.currency,
        items=list(customer.items or []),
        ttl=epoch(planned.send_date + timedelta(days=rules.LINK_VALID_DAYS + 1)),
    )


def _forget_soon(customer: Customer, today: date, reason: str) -> PlanOutcome:
    """Nothing to send: the customer's personal data need not outlive a short grace period."""
    soon = epoch(today + timedelta(days=rules.UNPLANNED_KEEP_DAYS))
    try:
        Customer(*Customer.key(customer.conversion_id)).update(
            actions=[Customer.ttl.set(soon)], condition=Customer.pk.exists() & (Customer.ttl > soon)
        )
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
            raise
    logger.info("nothing planned", extra={"conversion_id": customer.conversion_id, "reason": reason})
    return PlanOutcome(0, reason)
