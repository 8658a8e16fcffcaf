"""The stats consumer's writes: stream records of sessions and conversions into StatsTable counters.

Exactly once per stream record: a record's counter updates and a marker for its eventID go
in ONE TransactWriteItems, conditional on the marker not existing. A retried or re-delivered
batch finds the marker and changes nothing. The marker outlives the stream's 24-hour
retention, after which no record can come again.

Unique clicks: a click is unique when no unique click from the same visitor (ip_hash + user
agent) on the same link was counted in the hour before it. The window is fixed from that
counted unique click; repeats inside it do not extend it. A conditional marker item per
visitor and link holds the time of the last counted unique click, so the rule is checked
off the click path in the same transaction that counts the click.
"""

import hashlib
import os
import time
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from waymark.click import useragents
from waymark.core import aws
from waymark.reporting import counters

logger = Logger(child=True)

EVENT_MARKER_TTL_SECONDS = 2 * 24 * 3600  # longer than the stream's 24-hour retention
UNIQUE_WINDOW_MS = 3600 * 1000
UNIQUE_MARKER_TTL_SECONDS = 2 * 3600  # the condition reads `at`; TTL only tidies up, whenever it runs
MAX_TRANSACTION_ITEMS = 100


class Outcome(StrEnum):
    COUNTED = "counted"
    ALREADY_COUNTED = "already_counted"  # a retried or re-delivered record
    NOTHING_TO_COUNT = "nothing_to_count"  # e.g. a conversion change that moves no money, a session update


@dataclass(frozen=True)
class ClickCount:
    outcome: Outcome
    bot: bool
    unique: bool
    visitor: useragents.Visitor


def _stats_table() -> str:
    return os.environ["STATS_TABLE"]


def _client():
    return aws.client("dynamodb", background=True)


def table_of(event_source_arn: str) -> str:
    """The table name in a stream ARN (arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>)."""
    return event_source_arn.split(":table/", 1)[-1].split("/stream/", 1)[0]


def count_record(
    event_source_arn: str, event_name: str, event_id: str, old: dict | None, new: dict | None
) -> ClickCount | Outcome:
    """Count one stream record of SessionsTable or ConversionsTable (the handler's one call)."""
    table = table_of(event_source_arn)
    if table == os.environ["SESSIONS_TABLE"]:
        # Only new sessions are clicks: audit write-backs (MODIFY) and TTL deletions are not, nor the
        # console's test clicks, nor an operator's visit from the inside-sales directory (the partner's
        # sale, not its traffic).
        counted = event_name == "INSERT" and new and not new.get("test") and not new.get("inside_sales_by")
        return count_click(event_id, new) if counted else Outcome.NOTHING_TO_COUNT
    if table == os.environ["CONVERSIONS_TABLE"]:
        return count_conversion(event_id, old, new)
    raise ValueError(f"records from {table!r} are not counted here")


# ------------------------------------------------------------------------------------------ sessions


def count_click(event_id: str, session: dict) -> ClickCount:
    """Count one new session: bot or click, unique or repeat. Writes the audit fields back onto the session."""
    visitor = useragents.classify(session.get("user_agent"))
    unique = False
    if visitor.bot:
        outcome = _apply(event_id, counters.click_deltas(session, bot=True, unique=False))
    else:
        marker = _unique_marker(session)
        outcome = _apply(event_id, counters.click_deltas(session, bot=False, unique=True), condition=marker)
        if outcome is _CONDITION_FAILED:
            outcome = _apply(event_id, counters.click_deltas(session, bot=False, unique=False))
        else:
            unique = outcome is Outcome.COUNTED
    _write_back(session["click_id"], visitor)
    return ClickCount(outcome, visitor.bot, unique, visitor)


def _unique_marker(session: dict) -> dict:
    agent_digest = hashlib.sha256((session.get("user_agent") or "").encode()).hexdigest()[:16]
    at = int(counters.utc(session["created_at"]).timestamp() * 1000)
    # Kept two hours past the click, or past now for a click counted late (a replayed one).
    expires = int(max(at / 1000, time.time())) + UNIQUE_MARKER_TTL_SECONDS
    return {
        "Update": {
            "TableName": _stats_table(),
            "Key": {
                "pk": {"S": f"UNIQUE#{session.get('link_code')}#{session['ip_hash']}#{agent_digest}"},
                "sk": {"S": "UNIQUE"},
            },
            "UpdateExpression": "SET #at = :at, #ttl = :ttl",
            "ConditionExpression": "attribute_not_exists(pk) OR #at <= :window_start",
            "ExpressionAttributeNames": {"#at": "at", "#ttl": "ttl"},
            "ExpressionAttributeValues": {
                ":at": {"N": str(at)},
                ":ttl": {"N": str(expires)},
                ":window_start": {"N": str(at - UNIQUE_WINDOW_MS)},
            },
        }
    }


def _write_back(click_id: str, visitor: useragents.Visitor) -> None:
    """Store what the consumer learnt about the visitor on the session, for audit (idempotent)."""
    fields = {"bot": {"BOOL": visitor.bot}, "device": {"S": visitor.device}}
    for name, value in (("os_name", visitor.os_name), ("browser", visitor.browser)):
        if value:
            fields[name] = {"S": value}
    try:
        _client().update_item(
            TableName=os.environ["SESSIONS_TABLE"],
            Key={"click_id": {"S": click_id}},
            UpdateExpression="SET " + ", ".join(f"#{name} = :{name}" for name in fields),
            ConditionExpression="attribute_exists(click_id)",
            ExpressionAttributeNames={f"#{name}": name for name in fields},
            ExpressionAttributeValues={f":{name}": value for name, value in fields.items()},
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        logger.info("session gone before its audit fields were written", extra={"click_id": click_id})


# ------------------------------------------------------------------------------------------ conversions


def count_conversion(event_id: str, old: dict | None, new: dict | None) -> Outcome:
    """Apply a conversion's change: a new one adds to its status's bucket; a status change moves it."""
    return _apply(event_id, counters.change(counters.conversion_deltas(old), counters.conversion_deltas(new)))


# ------------------------------------------------------------------------------------------ writing


_CONDITION_FAILED = object()  # the extra condition (the unique-click marker) did not hold


def transaction_items(event_id: str, deltas: counters.Deltas, condition: dict | None = None) -> list[dict]:
    """The TransactWriteItems of one record: its eventID marker, an optional condition item, its counters."""
    table = _stats_table()
    marker = {
        "Put": {
            "TableName": table,
            "Item": {
                "pk": {"S": f"EVENT#{event_id}"},
                "sk": {"S": "EVENT"},
                "ttl": {"N": str(int(time.time()) + EVENT_MARKER_TTL_SECONDS)},
            },
            "ConditionExpression": "attribute_not_exists(pk)",
        }
    }
    items = [marker] + ([condition] if condition else [])
    items += [counter_update(table, key, delta) for key, delta in deltas.items()]
    if len(items) > MAX_TRANSACTION_ITEMS:
        raise ValueError(f"record {event_id} would need {len(items)} transaction items")
    return items


def counter_update(table: str, key: counters.CounterKey, delta: counters.Delta) -> dict:
    names, values, adds = {}, {}, []
    for index, (field, amount) in enumerate(sorted(delta.items())):
        names[f"#c{index}"] = field
        values[f":c{index}"] = {"N": number(amount)}
        adds.append(f"#c{index} :c{index}")
    expression = "ADD " + ", ".join(adds)
    if key.sub_id:
        names.update({"#sf": "sub_field", "#sv": "sub_value"})
        values.update({":sf": {"S": key.sub_id[0]}, ":sv": {"S": key.sub_id[1]}})
        expression += " SET #sf = :sf, #sv = :sv"
    return {
        "Update": {
            "TableName": table,
            "Key": {"pk": {"S": key.pk}, "sk": {"S": key.sk}},
            "UpdateExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }
    }


def number(value: int | Decimal) -> str:
    """A DynamoDB number string, exact, never in exponent form."""
    return str(value) if isinstance(value, int) else format(Decimal(value), "f")


def _apply(event_id: str, deltas: counters.Deltas, condition: dict | None = None):
    if not deltas and condition is None:
        return Outcome.NOTHING_TO_COUNT  # nothing to write, so nothing can be written twice
    items = transaction_items(event_id, deltas, condition)
    try:
        _client().transact_write_items(TransactItems=items)
        return Outcome.COUNTED
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
            raise
        reasons = [reason.get("Code") for reason in error.response.get("CancellationReasons", [])]
        if reasons and reasons[0] == "ConditionalCheckFailed":
            return Outcome.ALREADY_COUNTED
        if condition is not None and len(reasons) > 1 and reasons[1] == "ConditionalCheckFailed":
            return _CONDITION_FAILED
        raise
