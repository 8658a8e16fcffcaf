"""Each advertiser's postback log: how Waymark answered its last postbacks and pixel hits.

The merchant's developer reads it on the console's integration page to see why a sale was
refused. One PutItem per answer, after it is decided; a failed write is logged and never
changes the answer. Entries hold the outcome, the message and the order id, never personal
data (no email, address, cart or customer), and expire after RETENTION_DAYS.

A new sale gets no line (`logged`): its conversion is its record, so recording a sale costs no
write beyond the sale's own, and a busy advertiser's sales do not all land on its one log
partition. The page reads the advertiser's new sales from the program's newest conversions
(`answers`: one Query on program-index, bounded) and shows them among the logged answers.

A request is logged under the advertiser it names only when that advertiser exists, and is
marked unauthenticated unless its credentials held: otherwise anyone could fill any id's log.
"""

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from aws_lambda_powertools import Logger

from waymark.core import aws
from waymark.models import Conversion, PostbackLogEntry

logger = Logger(child=True)

RETENTION_DAYS = 30
SHOWN = 100  # answers the integration page shows
SALES_READ = 100  # the program's newest conversions read for an advertiser's new sales (one Query)
RECORDED = "Recorded"  # the outcome of a postback or pixel hit that stored a new conversion
REPORTERS = ("postback", "pixel")  # Conversion.reported_by of a sale that answered a request (not the console's)
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


def logged(outcome: str, *, test: bool) -> bool:
    """Whether an answer gets a line: every one but a new sale's (the conversion records that one).
    A test sale keeps its line: the page leaves test conversions out of the sales it reads."""
    return outcome != RECORDED or test


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


@dataclass(frozen=True)
class Answers:
    """What the integration page shows: logged answers and new sales merged, newest first."""

    entries: list[PostbackLogEntry | Conversion]  # at most SHOWN
    since: datetime  # nothing older is shown; later than RETENTION_DAYS ago when a read had more than it kept
    complete: bool  # every answer since RETENTION_DAYS ago is shown
    sales_read: int  # the program's conversions read to find the advertiser's new sales


def answers(advertiser_id: str, program_id: str, now: datetime) -> Answers:
    """The advertiser's newest answers: the log's newest SHOWN (one Query) and its new sales among the
    program's newest SALES_READ conversions of the retention period (one Query), merged."""
    start = now.astimezone(UTC) - timedelta(days=RETENTION_DAYS)
    logged_entries = recent(advertiser_id)
    found = aws.client("dynamodb").query(
        TableName=Conversion.Meta.table_name,
        IndexName=Conversion.by_program.Meta.index_name,
        KeyConditionExpression="program_id = :program AND created_at >= :start",
        # Other advertisers' sales of the program are read and dropped; test sales have their line.
        FilterExpression="advertiser_id = :advertiser AND reported_by IN (:postback, :pixel)"
        " AND (attribute_not_exists(test) OR test = :false)",
        ExpressionAttributeValues={
            ":program": {"S": program_id},
            ":start": {"S": start.isoformat(timespec="milliseconds")},
            ":advertiser": {"S": advertiser_id},
            ":postback": {"S": REPORTERS[0]},
            ":pixel": {"S": REPORTERS[1]},
            ":false": {"BOOL": False},
        },
        ScanIndexForward=False,
        Limit=SALES_READ,
    )
    sales = [Conversion.from_raw_data(raw) for raw in found.get("Items", [])]
    more_sales = found.get("LastEvaluatedKey", {}).get("created_at", {}).get("S")
    return merged(
        logged_entries,
        sales,
        start=start,
        log_had_more=len(logged_entries) >= SHOWN,
        sales_read_until=datetime.fromisoformat(more_sales) if more_sales else None,
        sales_read=int(found.get("ScannedCount", 0)),
    )


def merged(
    logged_entries: list[PostbackLogEntry],
    sales: list[Conversion],
    *,
    start: datetime,
    log_had_more: bool,
    sales_read_until: datetime | None,
    sales_read: int,
) -> Answers:
    """Both reads merged newest first, cut where the shorter-reaching one stops: below that point one
    list would go on and the other not, and the page would show a false history."""
    since = start
    if log_had_more and logged_entries:
        since = max(since, _logged_at(logged_entries[-1]))
    if sales_read_until is not None:
        since = max(since, sales_read_until)
    timed = [(_logged_at(entry), entry) for entry in logged_entries]
    timed += [(datetime.fromisoformat(sale.created_at), sale) for sale in sales]
    timed = sorted((pair for pair in timed if pair[0] >= since), key=lambda pair: pair[0], reverse=True)
    if len(timed) > SHOWN:
        since, timed = timed[SHOWN - 1][0], timed[:SHOWN]
    return Answers([entry for _, entry in timed], since, since == start, sales_read)


def answered_at(entry: PostbackLogEntry) -> str:
    """When the entry's answer was given (ISO 8601, UTC): its sort key without the tie-breaker."""
    return entry.logged_at.split("#", 1)[0]


def _logged_at(entry: PostbackLogEntry) -> datetime:
    return datetime.fromisoformat(answered_at(entry))
