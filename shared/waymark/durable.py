"""Writes that must not be lost: try once, and if DynamoDB fails, keep the exact request for replay.

The replay queue (ReplayQueue in template.yaml) holds the request; ReplayFunction runs it
again. Every kept request is conditional, so a replay that finds its item already written
is a success, never a duplicate.
"""

import json
import os

from aws_lambda_powertools import Logger
from botocore.exceptions import BotoCoreError, ClientError

from waymark import aws

logger = Logger(child=True)

_ALREADY_DONE = {"ConditionalCheckFailedException"}


def put_new(table: str, item: dict, key_name: str) -> bool:
    """Put `item` unless its key exists. True when stored now (or already), False when kept for replay."""
    request = {
        "TableName": table,
        "Item": item,
        "ConditionExpression": "attribute_not_exists(#key)",
        "ExpressionAttributeNames": {"#key": key_name},
    }
    return _write_or_keep("put_item", request)


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
        # Last resort: the whole request is in the log line, replayable by hand (README "Operations").
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
