"""Writes that must not be lost: try once, and if DynamoDB fails, keep the exact request for replay.

The replay queue (ReplayQueue in template.yaml) holds the request; ReplayFunction runs it
again. Every kept request is conditional, so a replay that finds its item already written
is a success, never a duplicate.
"""

import json
import os
from dataclasses import dataclass

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from waymark.core import aws

logger = Logger(child=True)

_ALREADY_DONE = {"ConditionalCheckFailedException"}


def _new_item(table: str, item: dict, key_name: str) -> dict:
    """A Put that DynamoDB refuses when an item with this key exists, which makes it safe to replay."""
    return {
        "TableName": table,
        "Item": item,
        "ConditionExpression": "attribute_not_exists(#key)",
        "ExpressionAttributeNames": {"#key": key_name},
    }


def put_new(table: str, item: dict, key_name: str) -> bool:
    """Put `item` unless its key exists. True when stored now (or already), False when kept for replay."""
    return _write_or_keep("put_item", _new_item(table, item, key_name))


@dataclass(frozen=True)
class Created:
    """What became of a write of new items (create_new)."""

    stored: bool = False  # written now
    existing: dict | None = None  # the first item existed already: DynamoDB's copy of it ({} if it sent none)
    kept_for_replay: bool = False  # DynamoDB failed: the exact request waits in the replay queue


_CONTENDED_ATTEMPTS = 3


def create_new(puts: list[tuple[str, dict, str]], *, or_replace: tuple[str, dict, dict] | None = None) -> Created:
    """Write new items all or nothing: (table, item, key attribute) each, conditional on the key being new.

    `or_replace` (a condition expression, its names and its values) lets the first item also overwrite a
    stored one that meets the condition.

    One conditional PutItem for one item, else one TransactWriteItems. When the first item
    exists already, DynamoDB hands back its stored copy (no extra read). A transaction that
    lost to a concurrent one on the same item is tried again (it then finds the item); when
    DynamoDB fails, the request is kept for replay.
    """
    writes = [
        {**_new_item(table, item, key_name), "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}
        for table, item, key_name in puts
    ]
    if or_replace is not None:
        expression, names, values = or_replace
        writes[0]["ConditionExpression"] = f"attribute_not_exists(#key) OR ({expression})"
        writes[0]["ExpressionAttributeNames"] = {**writes[0]["ExpressionAttributeNames"], **names}
        writes[0]["ExpressionAttributeValues"] = values
    if len(writes) == 1:
        operation, request = "put_item", writes[0]
    else:
        operation, request = "transact_write_items", {"TransactItems": [{"Put": write} for write in writes]}
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
            if code == "TransactionCanceledException" and any(r.get("Code") == "TransactionConflict" for r in reasons):
                continue
            logger.warning("write failed; keeping it for replay", extra={"error": str(error)})
            break
        except BotoCoreError as error:
            logger.warning("write failed; keeping it for replay", extra={"error": str(error)})
            break
    keep(operation, request)
    return Created(kept_for_replay=True)


def _write_or_keep(operation: str, request: dict) -> bool:
    try:
        getattr(aws.client("dynamodb"), operation)(**request)
        return True
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _ALREADY_DONE:
            return True
        logger.warning("write failed; keeping it for replay", extra={"error": str(error)})
    except BotoCoreError as error:
        logger.warning("write failed; keeping it for replay", extra={"error": str(error)})
    keep(operation, request)
    return False


def keep(operation: str, request: dict) -> None:
    body = json.dumps({"operation": operation, "request": request}, separators=(",", ":"))
    try:
        aws.client("sqs").send_message(QueueUrl=os.environ["REPLAY_QUEUE_URL"], MessageBody=body)
    except (BotoCoreError, ClientError, KeyError):
        # Last resort: the whole request is in the log line, replayable by hand
        # (docs/operators.md "Replaying a lost write").
        logger.exception("write lost from the queue too; replay it from this log line", extra={"unsaved": body})


def replay(body: str) -> None:
    """Run a kept write again. Raises on failure so the queue redelivers it."""
    message = json.loads(body)
    operation = message["operation"]
    if operation not in ("put_item", "transact_write_items"):
        raise ValueError(f"not a replayable operation: {operation}")
    client = aws.client("dynamodb", background=True)
    try:
        getattr(client, operation)(**message["request"])
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code")
        reasons = [r.get("Code") for r in error.response.get("CancellationReasons", [])]
        if code in _ALREADY_DONE or (code == "TransactionCanceledException" and "ConditionalCheckFailed" in reasons):
            return
        raise
