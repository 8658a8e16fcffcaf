"""PartnerPostbackQueue: conversion events (and test sends) become partners' postbacks.

One try per message (waymark.partner_postbacks.delivery). A try to repeat is reported failed and its
message hidden for a delay that doubles with each receive (30 s, 1 min, ... capped at 15 min), so a
partner's outage is not hammered; after the queue's maxReceiveCount the message goes to the DLQ.
"""

import json
import os

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

from waymark.core import aws
from waymark.partner_postbacks import delivery

logger = Logger()
tracer = Tracer()
metrics = Metrics()

MAX_RECEIVES = 8  # the queue's maxReceiveCount (template.yaml)
FIRST_DELAY_SECONDS = 30
MAX_DELAY_SECONDS = 900


def backoff_seconds(receive_count: int) -> int:
    return min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2 ** max(0, receive_count - 1))


def _retry_later(record: dict, receive_count: int) -> None:
    aws.client("sqs", background=True).change_message_visibility(
        QueueUrl=os.environ["PARTNER_POSTBACK_QUEUE_URL"],
        ReceiptHandle=record["receiptHandle"],
        VisibilityTimeout=backoff_seconds(receive_count),
    )


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    failures = []
    for record in event.get("Records", []):
        receives = int(record.get("attributes", {}).get("ApproximateReceiveCount", "1"))
        answer = delivery.deliver(json.loads(record["body"]), receives, last_attempt=receives >= MAX_RECEIVES)
        if answer is None:
            continue
        metrics.add_metric(name=f"PartnerPostbacks_{answer.outcome}", unit=MetricUnit.Count, value=1)
        if answer.outcome == "retry":
            _retry_later(record, receives)
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
