"""Coupon codes: operators assign them to partners; a postback's `coupon` credits the code's partner.

A code is unique per program and case-insensitive: it is stored upper case as the sort key of an
item in the program's partition (models.Coupon), so creating one is a conditional PutItem that a
taken code refuses, and the postback finds it with one GetItem (cached in the warm container like
the other lookups, waymark.catalog: a pause or an expiry date takes effect within
catalog.LOOKUP_TTL_SECONDS, at once in the container that made it). Who wins when a sale brings
both a click and a code is the program's choice (waymark.conversions.attribution.coupon_credits).
Every change is in the change record, in the same transaction.
"""

import re
from datetime import date
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from waymark import catalog, wording
from waymark.conversions.attribution import CouponCredit, CouponState
from waymark.conversions.vocabulary import CouponPrecedence, CouponStatus
from waymark.core.times import iso, utcnow
from waymark.models import Agent, Coupon, Program, as_dict, connection
from waymark.partners.vocabulary import PartnerStatus
from waymark.programs import changes

CODE_PATTERN = r"^[A-Za-z0-9_-]{3,40}$"
_CODE = re.compile(CODE_PATTERN)
CODE_RULE = "3 to 40 letters, digits, '-' or '_'"
FIELDS = ("agent_id", "status", "expires_on", "note")


class CouponNotFound(LookupError):
    pass


class CouponTaken(ValueError):
    """The program has this code already (in any case)."""


class CouponRefused(ValueError):
    """The change cannot be made; the message says why and is safe to show."""


def normalize(code: str) -> str | None:
    """The code as stored and compared (upper case), or None when it cannot be a coupon code."""
    text = code.strip() if isinstance(code, str) else ""
    return text.upper() if _CODE.fullmatch(text) else None


def precedence_of(program: Program) -> CouponPrecedence:
    chosen = as_dict(program.settings).get("coupon_precedence")
    return CouponPrecedence(chosen) if chosen in CouponPrecedence else CouponPrecedence.CLICK_WINS


def state_of(coupon: Coupon | None, agent: Agent | None, today: date) -> CouponState:
    """What a code found (or not) amounts to on `today` (pure)."""
    if coupon is None:
        return CouponState.UNKNOWN
    if coupon.expires_on and date.fromisoformat(coupon.expires_on) < today:
        return CouponState.EXPIRED
    if coupon.status != CouponStatus.ACTIVE or agent is None or agent.status != PartnerStatus.ACTIVE:
        return CouponState.PAUSED
    return CouponState.ACTIVE


def credit_of(program_id: str, code: str, today: date) -> CouponCredit:
    """The postback's lookup: one GetItem of the code (cached), and its partner (cached)."""
    coupon = catalog.coupon(program_id, code)
    agent = catalog.agent(coupon.agent_id) if coupon is not None else None
    if agent is not None and agent.program_id != program_id:
        agent = None
    return CouponCredit(code, coupon.agent_id if coupon else None, state_of(coupon, agent, today))


# ----------------------------------------------------------------------------- operators


def fields_of(coupon: Coupon) -> dict[str, Any]:
    return {name: getattr(coupon, name) for name in FIELDS}


def coupons_of(program_id: str) -> list[Coupon]:
    """A program's codes, by code: one Query of its partition's COUPON# items (paged by PynamoDB)."""
    return list(Coupon.query(f"PROGRAM#{program_id}", Coupon.sk.startswith("COUPON#"), consistent_read=True))


def get_coupon(program_id: str, code: str) -> Coupon:
    normalized = normalize(code)
    if normalized is None:
        raise CouponNotFound(code)
    try:
        return Coupon.get(*Coupon.key(program_id, normalized), consistent_read=True)
    except Coupon.DoesNotExist as error:
        raise CouponNotFound(code) from error


def _partner_of(program_id: str, agent_id: str) -> Agent:
    try:
        agent = Agent.get(agent_id, consistent_read=True)
    except Agent.DoesNotExist:
        agent = None
    if agent is None or agent.program_id != program_id:
        raise CouponRefused(wording.COUPON_NO_PARTNER(agent_id=agent_id))
    return agent


def create_coupon(
    program_id: str,
    code: str,
    *,
    agent_id: str,
    expires_on: date | None = None,
    note: str | None = None,
    by: str,
) -> Coupon:
    normalized = normalize(code)
    if normalized is None:
        raise CouponRefused(wording.COUPON_RULE(rule=CODE_RULE))
    _partner_of(program_id, agent_id)
    now = iso(utcnow())
    coupon = Coupon(
        *Coupon.key(program_id, normalized),
        program_id=program_id,
        code=normalized,
        agent_id=agent_id,
        status=CouponStatus.ACTIVE,
        expires_on=expires_on.isoformat() if expires_on else None,
        note=note or None,
        created_at=now,
        updated_at=now,
    )
    entry = changes.record(
        program_id, by=by, subject=f"coupon:{normalized}", action="create", before=None, after=fields_of(coupon)
    )
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(coupon, condition=Coupon.sk.does_not_exist())
            transaction.save(entry)
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":
            raise CouponTaken(wording.COUPON_TAKEN(code=normalized)) from error
        raise
    catalog.forget_coupon(program_id, normalized)
    return coupon


def update_coupon(program_id: str, code: str, values: dict[str, Any], *, by: str) -> Coupon:
    """Pause, resume, move to another partner, set or clear the last day, or the note; recorded."""
    unknown = set(values) - set(FIELDS)
    if unknown:
        raise CouponRefused(wording.COUPON_FIELDS_FIXED(fields=", ".join(sorted(unknown))))
    coupon = get_coupon(program_id, code)
    wanted = dict(values)
    if isinstance(wanted.get("expires_on"), date):
        wanted["expires_on"] = wanted["expires_on"].isoformat()
    if "status" in wanted and wanted["status"] not in CouponStatus:
        raise CouponRefused(wording.COUPON_STATUS(choices=" or ".join(CouponStatus)))
    if wanted.get("agent_id") and wanted["agent_id"] != coupon.agent_id:
        _partner_of(program_id, wanted["agent_id"])
    before, after = changes.diff(fields_of(coupon), {**fields_of(coupon), **wanted})
    if not after:
        return coupon
    actions = [
        getattr(Coupon, name).remove() if value is None else getattr(Coupon, name).set(value)
        for name, value in after.items()
    ]
    actions.append(Coupon.updated_at.set(iso(utcnow())))
    subject = f"coupon:{coupon.code}"
    entry = changes.record(program_id, by=by, subject=subject, action="update", before=before, after=after)
    with TransactWrite(connection=connection()) as transaction:
        transaction.update(coupon, actions=actions, condition=Coupon.sk.exists())
        transaction.save(entry)
    catalog.forget_coupon(program_id, coupon.code)
    return get_coupon(program_id, coupon.code)


def delete_coupon(program_id: str, code: str, *, by: str) -> None:
    """Remove a code (its past sales keep it); the code is then free to be given again."""
    coupon = get_coupon(program_id, code)
    entry = changes.record(
        program_id, by=by, subject=f"coupon:{coupon.code}", action="remove", before=fields_of(coupon), after=None
    )
    with TransactWrite(connection=connection()) as transaction:
        transaction.delete(coupon, condition=Coupon.sk.exists())
        transaction.save(entry)
    catalog.forget_coupon(program_id, coupon.code)
