"""Which events a stream record makes, and what they say (pure: images in, events out).

A conversion makes `conversion.recorded` when it is stored, and `conversion.approved`,
`.rejected` or `.reversed` when its status becomes that (also when it is stored so). A partner
makes `partner.signed_up` when it first leaves `unverified` (or is created in another status, by
an operator) and `partner.approved` when it becomes active from anything but `suspended` (a
reinstatement approves nothing new). Anything else (a reassignment, an erasure, a profile edit)
makes none. Test conversions (the console's "send a test conversion") make none: they count nowhere.
A payout line makes `payout.paid` when it becomes paid (a run paid whole or line by line).

Details carry ids, statuses, sums and times only: never a customer's email, address or IP, nor a
partner's email or payment account. Sums are decimal strings ("249.90"), so no consumer rounds them.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from waymark.conversions.vocabulary import ConversionStatus
from waymark.events.vocabulary import EventType
from waymark.partners.vocabulary import PartnerStatus
from waymark.payouts.vocabulary import LineStatus

_STATUS_EVENTS = {
    ConversionStatus.APPROVED: EventType.CONVERSION_APPROVED,
    ConversionStatus.REJECTED: EventType.CONVERSION_REJECTED,
    ConversionStatus.REVERSED: EventType.CONVERSION_REVERSED,
}
# The statuses a partner is approved from: a suspended partner made active again was approved before.
_APPROVED_FROM = {None, PartnerStatus.UNVERIFIED, PartnerStatus.PENDING, PartnerStatus.DECLINED}


@dataclass(frozen=True)
class Fact:
    detail_type: EventType
    detail: dict[str, Any]


def _sum(value: Any) -> str | None:
    return None if value is None else str(Decimal(str(value)))


def conversion_facts(event_id: str, old: dict | None, new: dict | None) -> list[Fact]:
    if not new or new.get("test"):
        return []
    status = new.get("status")
    before = (old or {}).get("status")
    types = []
    if old is None:
        types.append(EventType.CONVERSION_RECORDED)
    if status in _STATUS_EVENTS and status != before:
        types.append(_STATUS_EVENTS[status])
    occurred_at = new.get("created_at") if old is None else (new.get("updated_at") or new.get("created_at"))
    detail = {
        "program_id": new["program_id"],
        "conversion_id": new["conversion_id"],
        "agent_id": new.get("agent_id"),
        "status": status,
        "previous_status": before,
        "amount": _sum(new.get("amount")),
        "commission": _sum(new.get("commission")),
        "currency": new.get("currency"),
        "channel": new.get("channel"),
        "occurred_at": occurred_at,
    }
    return [Fact(t, {**detail, "event_id": f"{event_id}:{t}"}) for t in types]


def partner_facts(event_id: str, old: dict | None, new: dict | None) -> list[Fact]:
    if not new:
        return []
    status = new.get("status")
    before = (old or {}).get("status")
    if status == before:
        return []
    types = []
    if status != PartnerStatus.UNVERIFIED and before in (None, PartnerStatus.UNVERIFIED):
        types.append(EventType.PARTNER_SIGNED_UP)
    if status == PartnerStatus.ACTIVE and before in _APPROVED_FROM:
        types.append(EventType.PARTNER_APPROVED)
    detail = {
        "program_id": new["program_id"],
        "agent_id": new["agent_id"],
        "status": status,
        "previous_status": before,
        "partner_type": new.get("partner_type"),
        "occurred_at": new.get("updated_at") or new.get("created_at"),
    }
    return [Fact(t, {**detail, "event_id": f"{event_id}:{t}"}) for t in types]


def is_payout_line(image: dict | None) -> bool:
    return str((image or {}).get("sk", "")).startswith("LINE#")


def payout_facts(event_id: str, old: dict | None, new: dict | None) -> list[Fact]:
    """A line of a run paid: what the partner got, never the account it went to."""
    if not is_payout_line(new) or new.get("status") != LineStatus.PAID or (old or {}).get("status") == LineStatus.PAID:
        return []
    detail = {
        "event_id": f"{event_id}:{EventType.PAYOUT_PAID}",
        "program_id": new["program_id"],
        "payout_id": new["payout_id"],
        "agent_id": new["agent_id"],
        "amount": _sum(new.get("amount")),
        "currency": new.get("currency"),
        "conversions": len(new.get("conversions") or []),
        "occurred_at": new.get("paid_at"),
    }
    return [Fact(EventType.PAYOUT_PAID, detail)]
