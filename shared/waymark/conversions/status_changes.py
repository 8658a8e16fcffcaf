"""Operators changing a conversion's status: pending | held → approved | rejected, approved → reversed, and
undoing a rejection (→ pending | approved) or a reversal (→ approved) with a note saying why.

One transaction per change: the UpdateItem conditional on the status read (so two operators acting
at once cannot both move the same conversion) and the change record's item (waymark.programs.changes:
who, when, before → after). Every change also appends who, when, from, to and why to `history`.
A page of decisions (`decide_many`) changes each conversion the same way, each on its own condition.
A function that calls these needs dynamodb:GetItem and dynamodb:UpdateItem on ConversionsTable and
dynamodb:PutItem on ConfigTable's PROGRAM#* partitions.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from waymark import catalog, wording
from waymark.conversions import commissions
from waymark.conversions.attribution import UNDONE, UndoNeedsNote, check_transition
from waymark.conversions.vocabulary import ConversionStatus
from waymark.core.times import iso, utcnow
from waymark.models import Conversion, StatusChange, connection
from waymark.partners.vocabulary import PartnerStatus
from waymark.programs import changes

MAX_NOTE_LENGTH = 1000
MAX_DECISIONS = 100  # conversions changed by one page decision (a page of the list holds 50)
EARNING = (ConversionStatus.PENDING, ConversionStatus.APPROVED)


class ConversionNotFound(LookupError):
    pass


class TransitionRefused(ValueError):
    """The change is not allowed (or lost a race with another change); the message says why."""


class DecisionIncomplete(TransitionRefused):
    """The decision lacks what it needs (who, a note to undo): the caller's to complete, not a conflict."""


def load(conversion_id: str) -> Conversion:
    try:
        return Conversion.get(conversion_id, consistent_read=True)
    except Conversion.DoesNotExist:
        raise ConversionNotFound(conversion_id) from None


def price_for(conversion: Conversion, agent_id: str) -> commissions.Price:
    """What the sale pays `agent_id` under that partner's and the program's rules, on the day it was recorded."""
    program = catalog.program(conversion.program_id)
    agent = catalog.agent(agent_id)
    if program is None or agent is None or agent.status != PartnerStatus.ACTIVE:
        return commissions.Price(Decimal(0), None)
    return commissions.price(
        conversion.amount,
        conversion.currency,
        conversion.channel,
        date.fromisoformat(conversion.created_at[:10]),
        program_rules=program.commission_rules,
        partner_rules=agent.commission_rules,
        program_currency=program.currency,
    )


def commit(conversion: Conversion, actions: list[Action], *, condition, entry, lost: str) -> None:
    """The conversion's update (on its condition) and its change record, all or nothing.

    Raises TransitionRefused(`lost`) when the condition failed: someone changed the conversion just now.
    """
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.update(conversion, actions=actions, condition=condition)
            transaction.save(entry)
    except TransactWriteError as error:
        # The change record has no condition: a failed one is the conversion's.
        if any(reason is not None and reason.code == "ConditionalCheckFailed" for reason in error.cancellation_reasons):
            raise TransitionRefused(lost) from None
        raise


def change_status(
    conversion_id: str,
    to_status: str,
    *,
    by: str,
    reason: str | None = None,
    note: str | None = None,
    expected: str | None = None,
    program_id: str | None = None,
    now: datetime | None = None,
) -> Conversion:
    """Move a conversion to `to_status`; returns the updated conversion.

    `by` names the operator (e.g. their email); `reason` is a waymark.conversions.attribution.Reason
    value, required for rejected and reversed; `note` is free text for the audit trail, required to
    undo. `expected` is the status the operator saw: if the conversion has another one now, nothing changes.
    With `program_id`, a conversion of another program is not found.
    """
    if not by:
        raise DecisionIncomplete(wording.SAY_WHO_CHANGES())
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        raise DecisionIncomplete(wording.NOTE_TOO_LONG(maximum=MAX_NOTE_LENGTH))
    conversion = load(conversion_id)
    if program_id is not None and conversion.program_id != program_id:
        raise ConversionNotFound(conversion_id)
    from_status = conversion.status
    if expected is not None and from_status != expected:
        raise TransitionRefused(wording.CONVERSION_MOVED_ON(status=from_status, expected=expected))
    try:
        check_transition(from_status, to_status, reason, note)
    except UndoNeedsNote as error:
        raise DecisionIncomplete(error.args[0] if error.args else str(error)) from None
    except ValueError as error:
        raise TransitionRefused(error.args[0] if error.args else str(error)) from None
    at = iso(now or utcnow())
    change = StatusChange(at=at, by=by, from_status=from_status, to_status=to_status, reason=reason, note=note)
    actions = [
        Conversion.status.set(to_status),
        Conversion.updated_at.set(at),
        Conversion.history.set(Conversion.history.append([change])),
    ]
    before: dict = {"status": from_status}
    after: dict = {"status": to_status}
    if from_status in UNDONE:
        actions.append(Conversion.reason.remove())  # it earns again: the old reason no longer says why not
        before["reason"] = conversion.reason
    elif reason is not None:
        actions.append(Conversion.reason.set(reason))
        after["reason"] = reason
    elif from_status == ConversionStatus.HELD:
        actions.append(Conversion.reason.remove())  # approved: the rule that held it stays in the history
        before["reason"] = conversion.reason
    if from_status in UNDONE and to_status in EARNING and conversion.agent_id and conversion.commission_rule is None:
        # Rejected when it was recorded (a bot, say), it was priced at nothing: price it now.
        price = price_for(conversion, conversion.agent_id)
        actions += [Conversion.commission.set(price.commission), Conversion.commission_rule.set(price.rule)]
        before["commission"], after["commission"] = conversion.commission, price.commission
    entry = changes.record(
        conversion.program_id,
        by=by,
        subject=f"conversion:{conversion.conversion_id}",
        action="undo" if from_status in UNDONE else "decide",
        before=before,
        after={**after, **({"note": note} if note else {})},
        now=now,
    )
    lost = wording.STATUS_CHANGED_MEANWHILE(status=from_status)
    commit(conversion, actions, condition=Conversion.status == from_status, entry=entry, lost=lost)
    return load(conversion_id)


@dataclass(frozen=True)
class Skipped:
    conversion_id: str
    why: str


@dataclass(frozen=True)
class Decided:
    changed: list[Conversion] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def decide_many(
    conversion_ids: list[str],
    to_status: str,
    *,
    expected: str,
    program_id: str,
    by: str,
    reason: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> Decided:
    """Move each of a page's conversions from `expected` (the status the operator saw) to `to_status`.

    Each change is conditional on its own, so one that someone changed meanwhile, or that is not of
    `program_id`, is skipped with why, and the rest still change.
    """
    if not 1 <= len(conversion_ids) <= MAX_DECISIONS:
        raise DecisionIncomplete(wording.CHOOSE_CONVERSIONS(maximum=MAX_DECISIONS))
    try:
        check_transition(expected, to_status, reason, note)
    except ValueError as error:  # the same for every conversion of the page: refuse before changing any
        raise DecisionIncomplete(error.args[0] if error.args else str(error)) from None
    done = Decided()
    for conversion_id in dict.fromkeys(conversion_ids):
        try:
            changed = change_status(
                conversion_id,
                to_status,
                by=by,
                reason=reason,
                note=note,
                expected=expected,
                program_id=program_id,
                now=now,
            )
        except ConversionNotFound:
            done.skipped.append(Skipped(conversion_id, "there is no such conversion in this program"))
        except TransitionRefused as error:
            done.skipped.append(Skipped(conversion_id, str(error)))
        else:
            done.changed.append(changed)
    return done
