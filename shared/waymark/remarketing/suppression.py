"""Addresses that must never get remarketing email again, keyed by the keyed email hash only."""

from pynamodb.exceptions import DoesNotExist

from waymark.core import durable
from waymark.core.times import iso, utcnow
from waymark.models import Suppression
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
