"""The send log: each email Waymark sent and what became of it, by day, for the console.

Lines are written when an email goes out (remarketing and partner emails), when SES reports it
delivered, bounced or complained about (waymark.mail.ses_events), and when its recipient
unsubscribes. They hold a masked address and the keyed hash, never the address itself, and
expire after KEEP_DAYS. Writing a line never fails the send it describes: the email is out.
"""

import uuid
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from aws_lambda_powertools import Logger

from waymark.models import MailLogEntry

logger = Logger(child=True)

KEEP_DAYS = 30
STREAMS = ("remarketing", "partner")


class MailEvent(StrEnum):
    SENT = "sent"
    DELIVERED = "delivered"
    BOUNCED = "bounced"
    COMPLAINED = "complained"
    UNSUBSCRIBED = "unsubscribed"


def mask(email: str | None) -> str | None:
    """Enough for an operator to recognise an address they were asked about, not to harvest it."""
    if not email or "@" not in email:
        return None
    local, _, domain = email.strip().rpartition("@")
    return f"{local[:1]}***@{domain.lower()}"


def record(
    event: MailEvent,
    *,
    stream: str,
    at: datetime | None = None,
    message_id: str | None = None,
    email: str | None = None,
    email_hash: str | None = None,
    program_id: str | None = None,
    kind: str | None = None,
    detail: str | None = None,
) -> MailLogEntry | None:
    at = (at or datetime.now(UTC)).astimezone(UTC)
    stamp = at.isoformat(timespec="milliseconds")
    entry = MailLogEntry(
        f"DAY#{at.date().isoformat()}",
        f"{stamp}#{message_id or uuid.uuid4().hex}#{event}",
        at=stamp,
        event=event,
        stream=stream,
        message_id=message_id,
        recipient=mask(email),
        email_hash=email_hash,
        program_id=program_id,
        kind=kind,
        detail=detail[:200] if detail else None,
        ttl=int((at + timedelta(days=KEEP_DAYS)).timestamp()),
    )
    try:
        entry.save()
    except Exception as error:  # the email is out: a lost log line is not worth failing (and repeating) it
        logger.warning("send log line not written", extra={"event": event, "error": str(error)})
        return None
    return entry


def recent(*, today: date, days: int = 7, event: str | None = None, limit: int = 200) -> list[MailLogEntry]:
    """The newest lines of the last `days` days, newest first: one Query per day, no scan."""
    found: list[MailLogEntry] = []
    for offset in range(days):
        day = (today - timedelta(days=offset)).isoformat()
        condition = MailLogEntry.event == event if event else None
        for entry in MailLogEntry.query(f"DAY#{day}", filter_condition=condition, scan_index_forward=False):
            found.append(entry)
            if len(found) >= limit:
                return found
    return found
