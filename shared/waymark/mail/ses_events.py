"""SES's configuration-set events (through MailEventsTopic) into the send log.

A permanent bounce or a complaint also suppresses the address for good
(waymark.remarketing.suppression, keyed by its hash): no remarketing or optional email goes to
it again, which keeps the account's bounce and complaint rates where SES wants them. A
transient bounce (a full mailbox) is logged only.
"""

from datetime import UTC, datetime

from waymark.mail import log
from waymark.mail.log import MailEvent
from waymark.remarketing.suppression import suppress_email
from waymark.remarketing.tokens import email_hash


def _when(value: str | None) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)


def _tag(mail: dict, name: str) -> str | None:
    values = (mail.get("tags") or {}).get(name) or []
    return values[0] if values else None


def handle(notification: dict) -> list[MailEvent]:
    """One SES event; returns what it logged (one line per recipient it names)."""
    kind = str(notification.get("eventType") or notification.get("notificationType") or "").lower()
    mail = notification.get("mail") or {}
    common = {
        "stream": _tag(mail, "stream") or "remarketing",
        "message_id": mail.get("messageId"),
        "program_id": _tag(mail, "program"),
        "kind": _tag(mail, "kind") or _tag(mail, "profile"),
    }
    logged = []
    if kind == "delivery":
        delivery = notification.get("delivery") or {}
        for address in delivery.get("recipients") or []:
            log.record(MailEvent.DELIVERED, at=_when(delivery.get("timestamp")), email=address, **common)
            logged.append(MailEvent.DELIVERED)
    elif kind == "bounce":
        bounce = notification.get("bounce") or {}
        permanent = bounce.get("bounceType") == "Permanent"
        detail = f"{bounce.get('bounceType')}/{bounce.get('bounceSubType')}"
        for recipient in bounce.get("bouncedRecipients") or []:
            address = recipient.get("emailAddress")
            if not address:
                continue
            if permanent:
                suppress_email(address, source="bounce")
            log.record(
                MailEvent.BOUNCED,
                at=_when(bounce.get("timestamp")),
                email=address,
                email_hash=email_hash(address),
                detail=detail + (" (suppressed)" if permanent else ""),
                **common,
            )
            logged.append(MailEvent.BOUNCED)
    elif kind == "complaint":
        complaint = notification.get("complaint") or {}
        for recipient in complaint.get("complainedRecipients") or []:
            address = recipient.get("emailAddress")
            if not address:
                continue
            suppress_email(address, source="complaint")
            log.record(
                MailEvent.COMPLAINED,
                at=_when(complaint.get("timestamp")),
                email=address,
                email_hash=email_hash(address),
                detail=(complaint.get("complaintFeedbackType") or "complaint") + " (suppressed)",
                **common,
            )
            logged.append(MailEvent.COMPLAINED)
    return logged
