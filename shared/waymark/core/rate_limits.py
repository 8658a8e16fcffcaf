"""Per-client token buckets in RateLimitsTable: a burst of attempts, then one more per refill interval.

The bucket is kept as the generic cell rate algorithm keeps it: one number, the time at which
the bucket will be full again (`full_at`, epoch milliseconds). A request takes a token when
max(full_at, now) + interval - now <= burst * interval. DynamoDB has no max(), so:

- a new or full bucket (full_at <= now, the common case) takes its token in one conditional
  UpdateItem;
- a bucket in use fails that condition and DynamoDB returns its `full_at`
  (ReturnValuesOnConditionCheckFailure): over the limit, the answer is decided there, with no
  further write; under it, a second conditional UpdateItem adds one interval.

Items expire by TTL a minute after they are full again (an absent item is a full bucket).
"""

import math
import os
import time
from dataclasses import dataclass

from botocore.exceptions import ClientError

from waymark.core import aws

TABLE_ENV = "RATE_LIMITS_TABLE"
EXPIRY_MARGIN_SECONDS = 60


@dataclass(frozen=True)
class Bucket:
    burst: int  # attempts a client may make at once
    refill_seconds: float  # one more attempt after each of these

    @property
    def interval_ms(self) -> int:
        return int(self.refill_seconds * 1000)


class RateLimited(Exception):
    """The client used up its bucket; `retry_after` is the whole seconds until it may try again."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"try again in {retry_after} seconds")
        self.retry_after = retry_after


def take(key: str, bucket: Bucket, *, now_ms: int | None = None) -> None:
    """Take one token from the bucket `key`, or raise RateLimited (having changed nothing)."""
    now = int(time.time() * 1000) if now_ms is None else now_ms
    interval = bucket.interval_ms
    for _ in range(3):  # concurrent requests may move full_at between the two updates
        seen = _update(
            key,
            "SET full_at = :next, #ttl = :ttl",
            "attribute_not_exists(full_at) OR full_at <= :now",
            {":next": now + interval, ":now": now, ":ttl": _expiry(now + interval)},
        )
        if seen is None:
            return
        wait = seen + interval - now - bucket.burst * interval
        if wait > 0:
            raise RateLimited(max(1, math.ceil(wait / 1000)))
        added = _update(
            key,
            "SET full_at = full_at + :interval, #ttl = :ttl",
            "full_at = :seen",
            {":interval": interval, ":seen": seen, ":ttl": _expiry(seen + interval)},
        )
        if added is None:
            return
    raise RateLimited(max(1, math.ceil(bucket.refill_seconds)))


def _update(key: str, expression: str, condition: str, values: dict[str, int]) -> int | None:
    """None when the update was made; else the bucket's full_at as stored (the condition failed)."""
    try:
        aws.client("dynamodb").update_item(
            TableName=os.environ[TABLE_ENV],
            Key={"bucket": {"S": key}},
            UpdateExpression=expression,
            ConditionExpression=condition,
            ExpressionAttributeNames={"#ttl": "ttl"},
            ExpressionAttributeValues={name: {"N": str(value)} for name, value in values.items()},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "ConditionalCheckFailedException":
            raise
        item = error.response.get("Item") or {}
        # No item: deleted by TTL between the two updates, a full bucket; the next round takes it.
        return int(item["full_at"]["N"]) if "full_at" in item else 0
    return None


def _expiry(full_at_ms: int) -> int:
    return math.ceil(full_at_ms / 1000) + EXPIRY_MARGIN_SECONDS
