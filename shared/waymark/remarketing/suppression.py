"""Addresses that must never get remarketing email again, keyed by the keyed email hash only: unsubscribed,
bounced for good, complained about (waymark.mail.ses_events), or suppressed by an operator. Partner emails
skip them too."""

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from waymark.core import durable
from waymark.core.times import iso, utcnow
from waymark.models import Suppression, connection
from waymark.programs import changes
from waymark.remarketing.tokens import email_hash

SOURCES = ("one-click", "link", "admin", "bounce", "complaint")


def suppress_hash(hashed: str, source: str) -> bool:
    """Store the suppression (idempotent). False when DynamoDB failed and the write waits for replay."""
    item = Suppression(*Suppression.key(hashed), email_hash=hashed, source=source, created_at=iso(utcnow()))
    return durable.put_new(Suppression.Meta.table_name, item.serialize())


def suppress_email(email: str, *, source: str = "admin") -> bool:
    """For operators (e.g. a request to the List-Unsubscribe mailbox): the address is hashed, not stored."""
    return suppress_hash(email_hash(email), source)


def is_suppressed(email: str) -> bool:
    try:
        Suppression.get(*Suppression.key(email_hash(email)), consistent_read=True)
    except DoesNotExist:
        return False
    return True


# ---------------------------------------------------------------------------- by hand, in the console


def _masked(email: str) -> str:
    from waymark.mail.log import mask

    return mask(email) or "?"


def add_by_operator(program_id: str, email: str, *, by: str) -> bool:
    """Suppress an address (a request to the List-Unsubscribe mailbox, a partner's wish); change-recorded
    under a masked address and the hash. False when it was suppressed already (nothing changes)."""
    hashed = email_hash(email)
    if is_suppressed(email):
        return False
    item = Suppression(*Suppression.key(hashed), email_hash=hashed, source="admin", created_at=iso(utcnow()))
    entry = changes.record(
        program_id,
        by=by,
        subject=f"suppression:{hashed[:12]}",
        action="create",
        before=None,
        after={"address": _masked(email), "source": "admin"},
    )
    with TransactWrite(connection=connection()) as transaction:
        transaction.save(item)
        transaction.save(entry)
    return True


def lift_by_operator(program_id: str, email: str, *, by: str) -> bool:
    """Let an address get email again (it was suppressed by mistake, or its mailbox works again);
    False when it was not suppressed. Change-recorded with the source it had."""
    hashed = email_hash(email)
    try:
        existing = Suppression.get(*Suppression.key(hashed), consistent_read=True)
    except DoesNotExist:
        return False
    entry = changes.record(
        program_id,
        by=by,
        subject=f"suppression:{hashed[:12]}",
        action="delete",
        before={"address": _masked(email), "source": existing.source},
        after=None,
    )
    with TransactWrite(connection=connection()) as transaction:
        transaction.delete(existing)
        transaction.save(entry)
    return True
