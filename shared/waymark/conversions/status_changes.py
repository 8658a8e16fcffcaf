"""Operators changing a conversion's status: pending | held → approved | rejected, approved → reversed.

One conditional UpdateItem on the status read, so two operators acting at once cannot both
move the same conversion; every change appends who, when, from, to and why to `history`.
The admin API calls `change_status`; a function that does so needs dynamodb:GetItem and
dynamodb:UpdateItem on ConversionsTable.
"""

from datetime import datetime

from pynamodb.exceptions import UpdateError

from waymark.conversions.attribution import check_transition
from waymark.conversions.vocabulary import ConversionStatus
from waymark.core.times import iso, utcnow
from waymark.models import Conversion, StatusChange

MAX_NOTE_LENGTH = 1000


class ConversionNotFound(LookupError):
    pass


class TransitionRefused(ValueError):
    """The change is not allowed (or lost a race with another change); the message says why."""


def change_status(
    conversion_id: str,
    to_status: str,
    *,
    by: str,
    reason: str | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> Conversion:
    """Move a conversion to `to_status`; returns the updated conversion.

    `by` names the operator (e.g. their email); `reason` is a waymark.conversions.attribution.Reason
    value, required for rejected and reversed; `note` is free text for the audit trail.
    """
    if not by:
        raise TransitionRefused("say who changes the status")
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        raise TransitionRefused(f"the note is longer than {MAX_NOTE_LENGTH} characters")
    try:
        conversion = Conversion.get(conversion_id, consistent_read=True)
    except Conversion.DoesNotExist:
        raise ConversionNotFound(conversion_id) from None
    from_status = conversion.status
    try:
        check_transition(from_status, to_status, reason)
    except ValueError as error:
        raise TransitionRefused(str(error)) from None
    at = iso(now or utcnow())
    change = StatusChange(at=at, by=by, from_status=from_status, to_status=to_status, reason=reason, note=note)
    actions = [
        Conversion.status.set(to_status),
        Conversion.updated_at.set(at),
        Conversion.history.set(Conversion.history.append([change])),
    ]
    if reason is not None:
        actions.append(Conversion.reason.set(reason))
    elif from_status == ConversionStatus.HELD:
        actions.append(Conversion.reason.remove())  # approved: the rule that held it stays in the history
    try:
        conversion.update(actions=actions, condition=Conversion.status == from_status)
    except UpdateError as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            raise TransitionRefused(f"the conversion is no longer {from_status}: someone changed it just now") from None
        raise
    return conversion
