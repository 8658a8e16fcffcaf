"""Each advertiser's postback log: how Waymark answered its last postbacks and pixel hits.

The merchant's developer reads it on the console's integration page to see why a sale was
refused. One PutItem per postback, after the answer is decided; a failed write is logged and
never changes the answer. Entries hold the outcome, the message and the order id, never
personal data (no email, address, cart or customer), and expire after RETENTION_DAYS.

A request is logged under the advertiser it names only when that advertiser exists, and is
marked unauthenticated unless its credentials held: otherwise anyone could fill any id's log.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aws_lambda_powertools import Logger

from waymark.core import aws
from waymark.models import PostbackLogEntry

logger = Logger(child=True)

RETENTION_DAYS = 30
SHOWN = 100  # entries the integration page shows
MAX_TEXT = 300  # characters kept of a message or a field's problem
KINDS = ("postback", "pixel", "test")


@dataclass(frozen=True)
class Line:
    """What one answer puts in the log (built by waymark.conversions.postbacks)."""

    advertiser_id: str
    kind: str  # one of KINDS
    method: str
    status: int
    outcome: str
    authenticated: bool
    signed: bool = False
    message: str | None = None
    fields: tuple[str, ...] = ()
    order_id: str | None = None
    conversion_status: str | None = None
    reason: str | None = None


def item(line: Line, now: datetime) -> dict:
    """The stored item (DynamoDB's wire format, PostbackLogEntry's schema), expiring RETENTION_DAYS
    after `now`. Built by hand: a PynamoDB model's serialize() would cost the postback ~0.1 ms."""
    at = now.astimezone(UTC)
    raw: dict[str, dict] = {
        "advertiser_id": {"S": line.advertiser_id},
        "logged_at": {"S": f"{at.isoformat(timespec='microseconds')}#{secrets.token_hex(4)}"},
        "kind": {"S": line.kind},
        "method": {"S": line.method},
        "signed": {"BOOL": line.signed},
        "authenticated": {"BOOL": line.authenticated},
        "status": {"N": str(line.status)},
        "outcome": {"S": line.outcome},
        "fields": {"L": [{"S": text[:MAX_TEXT]} for text in line.fields]},
        "ttl": {"N": str(int((at + timedelta(days=RETENTION_DAYS)).timestamp()))},
    }
    for name, value in (
        ("message", line.message[:MAX_TEXT] if line.message else None),
        ("order_id", line.order_id),
        ("conversion_status", line.conversion_status),
        ("reason", line.reason),
    ):
        if value:
            raw[name] = {"S": value}
    return raw


def keep(line: Line, now: datetime) -> None:
    """Write one entry; any failure is logged and swallowed, so the postback's answer stands."""
    try:
        aws.client("dynamodb").put_item(TableName=PostbackLogEntry.Meta.table_name, Item=item(line, now))
    except Exception:
        logger.warning("the postback log entry was not written", exc_info=True)


def recent(advertiser_id: str, limit: int = SHOWN) -> list[PostbackLogEntry]:
    """The advertiser's newest entries first (one Query)."""
    found = aws.client("dynamodb").query(
        TableName=PostbackLogEntry.Meta.table_name,
        KeyConditionExpression="advertiser_id = :advertiser",
        ExpressionAttributeValues={":advertiser": {"S": advertiser_id}},
        ScanIndexForward=False,
        Limit=limit,
    )
    return [PostbackLogEntry.from_raw_data(raw) for raw in found.get("Items", [])]
