"""DynamoDB streams of ClickSessionsTable (new sessions) and ConversionsTable (new and changed conversions):
keep the pre-aggregated report counters in StatsTable.

One batch, one call: waymark.reporting.consumer adds the batch up in memory and writes each counter
once, with the shard's checkpoint in the same transaction. A chunk that could not be written is
reported failed from its first record, so Lambda retries from there, in stream order.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

from waymark.reporting import consumer

logger = Logger()
tracer = Tracer()
metrics = Metrics()
consumer.load_rules()


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    result = consumer.count_batch(event)
    for name, value in (
        ("Clicks", result.clicks),
        ("BotClicks", result.bot_clicks),
        ("StatsRecordsAlreadyCounted", result.skipped),
    ):
        if value:
            metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
    logger.info(
        "batch counted",
        extra={
            "counted": result.counted,
            "skipped": result.skipped,
            "failed_at": result.failed_at,
            "calls": result.calls,
        },
    )
    failures = [{"itemIdentifier": result.failed_at}] if result.failed_at else []
    # A tumbling window (which is what names the shard) wants its state back, even an empty one.
    return {"batchItemFailures": failures, **({"state": {}} if "window" in event else {})}
