"""Recording a sale an operator took offline (phone, chat, concierge, inside sales) from the console.

The sale goes through the postback's own rules (waymark.conversions.recording.attributed: the
reference code's session or the partner code, the partner's status, the commission rules) with
`reported_by = "console"`, and is written in one transaction with its change record
(waymark.programs.changes): conditional on the order being new, so recording the same order
again writes nothing and answers the stored conversion.
"""

from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from waymark import wording
from waymark.conversions import attribution, recording
from waymark.conversions.attribution import Report
from waymark.conversions.recording import Recorded
from waymark.conversions.vocabulary import AdvertiserStatus, Channel
from waymark.core.times import utcnow
from waymark.models import Advertiser, Conversion, connection
from waymark.programs import changes

OFFLINE_CHANNELS = (Channel.PHONE, Channel.CHAT, Channel.CONCIERGE, Channel.INSIDE_SALES)
REPORTED_BY = "console"


class SaleRefused(ValueError):
    """The sale cannot be recorded as given (an inactive advertiser, the wrong currency); the message says why."""


@dataclass(frozen=True)
class OfflineSale:
    order_id: str
    amount: object  # Decimal, validated by the caller's schema
    currency: str
    channel: Channel
    ref_code: str | None = None  # normalized (waymark.core.ids.normalize_ref_code)
    agent: str | None = None
    status: str | None = None  # pending (default) or approved


def record_offline(sale: OfflineSale, advertiser: Advertiser, *, by: str, now: datetime | None = None) -> Recorded:
    """Record `sale` as reported by `advertiser`, taken by the operator `by`; a repeat of the order writes nothing."""
    if sale.channel not in OFFLINE_CHANNELS:
        raise SaleRefused(wording.OFFLINE_CHANNEL(channels=", ".join(OFFLINE_CHANNELS)))
    if not (sale.ref_code or sale.agent):
        raise SaleRefused(wording.NAME_THE_PARTNER())
    if advertiser.status == AdvertiserStatus.DISABLED:
        raise SaleRefused(wording.OFFLINE_ADVERTISER_DISABLED())
    now = now or utcnow()
    report = Report(
        order_id=sale.order_id,
        amount=sale.amount,  # type: ignore[arg-type]
        currency=sale.currency,
        channel=sale.channel,
        ref_code=sale.ref_code,
        agent=None if sale.ref_code else sale.agent,  # a reference code names the partner when both are given
        status=sale.status,  # type: ignore[arg-type]
        reported_by=REPORTED_BY,
    )
    try:
        program, report, conversion = recording.attributed(report, advertiser, now)
    except recording.WrongCurrency as error:
        raise SaleRefused(error.args[0] if error.args else str(error)) from None
    conversion.history[0].by = f"{REPORTED_BY}:{by}"
    entry = changes.record(
        program.program_id,
        by=by,
        subject=f"conversion:{conversion.conversion_id}",
        action="record",
        before=None,
        after=attribution.answer(conversion),
        now=now,
    )
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(conversion, condition=Conversion.conversion_id.does_not_exist())
            transaction.save(entry)
    except TransactWriteError as error:
        # The change record has no condition: a failed one is the conversion's (the order exists).
        failed = [reason.code for reason in error.cancellation_reasons if reason is not None]
        if "ConditionalCheckFailed" not in failed:
            raise
        stored = Conversion.get(conversion.conversion_id, consistent_read=True)
        return Recorded(stored, repeat=True, same_sale=attribution.same_sale(stored, report))
    return Recorded(conversion)
