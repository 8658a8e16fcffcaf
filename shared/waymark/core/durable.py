"""Writes that must not be lost: try once, and if DynamoDB fails, keep the write for replay.

The replay queue (ReplayQueue in template.yaml) holds what was to be written: which table (by
its role, never a name or a request from the message), the items, and the name of an optional
replace condition. ReplayFunction rebuilds the request from that, always conditional on the key
being new, so a replay that finds its item already written is a success, never a duplicate, and
a message cannot make it run any other write.
"""

import json
import os
from dataclasses import dataclass

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from waymark.core import aws

logger = Logger(child=True)

_ALREADY_DONE = {"ConditionalCheckFailedException"}
# The tables a kept write may go to, by the environment variable naming them, with their key's attributes
# (a replayed item must carry the whole key: a session's is its reference code and click id).
KEPT_TABLES = {
    "SESSIONS_TABLE": ("ref_code", "click_id"),
    "CONVERSIONS_TABLE": ("conversion_id",),
    "REMARKETING_TABLE": ("pk",),
}
# Conditions under which a new item may overwrite a stored one, by name, so a replay rebuilds them.
# pending_pixel_sale: a pending sale the public pixel recorded gives way to the advertiser's postback.
REPLACE_CONDITIONS = {
    "pending_pixel_sale": (
        "reported_by = :pixel AND #status = :pending",
        {"#status": "status"},
        {":pixel": {"S": "pixel"}, ":pending": {"S": "pending"}},
    ),
}
_PERSONAL = ("email",)  # attributes a log line never shows


def put_new(table: str, item: dict) -> bool:
    """Put `item` unless its key exists. True when stored now (or already), False when kept for replay."""
    _, request = _request([(table, item)])
    try:
        aws.client("dynamodb").put_item(**request)
        return True
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _ALREADY_DONE:
            return True
        logger.warning("write failed; keeping it for replay", extra={"error": str(error)})
    except BotoCoreError as error:
        logger.warning("write failed; keeping it for replay", extra={"error": str(error)})
    keep([(table, item)])
    return False


@dataclass(frozen=True)
class Created:
    """What became of a write of new items (create_new)."""

    stored: bool = False  # written now
    existing: dict | None = None  # the first item existed already: DynamoDB's copy of it ({} if it sent none)
    kept_for_replay: bool = False  # DynamoDB failed: the write waits in the replay queue
    refused: tuple[int, ...] = ()  # indexes of the `counters` whose condition failed: nothing was written


_CONTENDED_ATTEMPTS = 3


def create_new(
    writes: list[tuple[str, dict]], *, or_replace: str | None = None, counters: list[dict] | None = None
) -> Created:
    """Write new items all or nothing: (table, item) each, conditional on the table's key being new.

    One conditional PutItem for one item, else one TransactWriteItems. When the first item
    exists already, DynamoDB hands back its stored copy (no extra read). A transaction that
    lost to a concurrent one on the same item is tried again (it then finds the item); when
    DynamoDB fails, the write is kept for replay. `or_replace` names a REPLACE_CONDITIONS entry
    under which the first item may overwrite a stored one. `counters` are conditional Updates
    (fraud caps) in the same transaction; when one's condition fails nothing is written and
    `refused` names them. A kept write is replayed without its counters (they are limits, not data).
    """
    operation, request = _request(writes, or_replace)
    if counters:
        items = request["TransactItems"] if operation == "transact_write_items" else [{"Put": request}]
        operation, request = "transact_write_items", {"TransactItems": [*items, *({"Update": c} for c in counters)]}
    for _ in range(_CONTENDED_ATTEMPTS):
        try:
            getattr(aws.client("dynamodb"), operation)(**request)
            return Created(stored=True)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            reasons = error.response.get("CancellationReasons") or [{}]
            if code == "ConditionalCheckFailedException":
                return Created(existing=error.response.get("Item") or {})
            if code == "TransactionCanceledException" and reasons[0].get("Code") == "ConditionalCheckFailed":
                return Created(existing=reasons[0].get("Item") or {})
            first = len(writes)
            refused = tuple(
                i - first for i, r in enumerate(reasons) if i >= first and r.get("Code") == "ConditionalCheckFailed"
            )
            if code == "TransactionCanceledException" and refused:
                return Created(refused=refused)
            if code == "TransactionCanceledException" and any(r.get("Code") == "TransactionConflict" for r in reasons):
                continue
            logger.warning("write failed; keeping it for replay", extra={"error": str(error)})
            break
        except BotoCoreError as error:
            logger.warning("write failed; keeping it for replay", extra={"error": str(error)})
            break
    keep(writes, or_replace)
    return Created(kept_for_replay=True)


def keep(writes: list[tuple[str, dict]], or_replace: str | None = None) -> None:
    """Queue the write for ReplayFunction; if the queue fails too, log it (without personal data)."""
    message = {
        "writes": [{"table": _role(table), "item": item} for table, item in writes],
        "replace": or_replace,
    }
    body = json.dumps(message, separators=(",", ":"))
    try:
        aws.client("sqs").send_message(QueueUrl=os.environ["REPLAY_QUEUE_URL"], MessageBody=body)
    except (BotoCoreError, ClientError, KeyError):
        # Last resort: the write is in the log line, replayable by hand (docs/operators.md "Replaying a
        # lost write"), except personal data, which a log must not hold.
        logger.exception(
            "write lost from the queue too; replay it from this log line", extra={"unsaved": _redacted(message)}
        )


def replay(body: str) -> None:
    """Run a kept write again. Raises on failure so the queue redelivers it; refuses malformed messages."""
    message = json.loads(body)
    writes = [(_table_of(write["table"]), _item_of(write)) for write in message["writes"]]
    operation, request = _request(writes, message.get("replace"))
    client = aws.client("dynamodb", background=True)
    try:
        getattr(client, operation)(**request)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code")
        reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
        if code in _ALREADY_DONE or (code == "TransactionCanceledException" and "ConditionalCheckFailed" in reasons):
            return
        raise


def _request(writes: list[tuple[str, dict]], or_replace: str | None = None) -> tuple[str, dict]:
    """The one PutItem or TransactWriteItems of Puts for `writes`, each conditional on its key being new."""
    if not writes or len(writes) > 25:
        raise ValueError("a kept write has 1 to 25 items")
    puts = []
    for table, item in writes:
        key = KEPT_TABLES[_role(table)][0]  # no item holds the key when its hash key is absent
        puts.append(
            {
                "TableName": table,
                "Item": item,
                "ConditionExpression": "attribute_not_exists(#key)",
                "ExpressionAttributeNames": {"#key": key},
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        )
    if or_replace is not None:
        expression, names, values = REPLACE_CONDITIONS[or_replace]
        puts[0]["ConditionExpression"] = f"attribute_not_exists(#key) OR ({expression})"
        puts[0]["ExpressionAttributeNames"] = {**puts[0]["ExpressionAttributeNames"], **names}
        puts[0]["ExpressionAttributeValues"] = values
    if len(puts) == 1:
        return "put_item", puts[0]
    return "transact_write_items", {"TransactItems": [{"Put": put} for put in puts]}


def _role(table: str) -> str:
    for role in KEPT_TABLES:
        if os.environ.get(role) == table:
            return role
    raise ValueError(f"{table} is not a table kept writes may go to")


def _table_of(role: str) -> str:
    if role not in KEPT_TABLES:
        raise ValueError(f"{role!r} is not a table kept writes may go to")
    return os.environ[role]


def _item_of(write: dict) -> dict:
    item = write["item"]
    key = KEPT_TABLES[write["table"]]
    if not isinstance(item, dict) or not all(
        isinstance(item.get(name), dict) and isinstance(item[name].get("S"), str) for name in key
    ):
        raise ValueError(f"a kept write's item needs its key ({', '.join(key)}) as strings")
    return item


def _redacted(message: dict) -> str:
    writes = [
        {**write, "item": {k: v for k, v in write["item"].items() if k not in _PERSONAL}} for write in message["writes"]
    ]
    return json.dumps({**message, "writes": writes}, separators=(",", ":"))
