"""DynamoDB streams of SessionsTable (new sessions) and ConversionsTable (new and changed conversions):
keep the pre-aggregated report counters in StatsTable.

Each record is counted exactly once (waymark.reporting.consumer: counters and an eventID marker in one
transaction). Records are counted in stream order: after a record fails, the rest of the batch
is reported failed without being tried, so Lambda's retry starts at the failed record and the
unique-click rule still sees clicks in the order they happened.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from waymark.reporting import consumer

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


class BatchFailed:
    """Set once a record of the batch being handled has failed; cleared when the next batch starts."""

    is_set = False


class NotTriedAfterFailure(Exception):
    pass


@tracer.capture_method
def count_record(record: DynamoDBRecord) -> None:
    if BatchFailed.is_set:
        raise NotTriedAfterFailure(record.event_id)
    try:
        result = consumer.count_record(
            record.event_source_arn or "",
            record.raw_event.get("eventName", ""),
            record.event_id or "",
            record.dynamodb.old_image or None,
            record.dynamodb.new_image or None,
        )
    except Exception:
        BatchFailed.is_set = True
        raise
    if isinstance(result, consumer.ClickCount):
        metrics.add_metric(name="BotClicks" if result.bot else "Clicks", unit=MetricUnit.Count, value=1)
        result = result.outcome
    if result is consumer.Outcome.ALREADY_COUNTED:
        metrics.add_metric(name="StatsRecordsAlreadyCounted", unit=MetricUnit.Count, value=1)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    BatchFailed.is_set = False
    return process_partial_response(event=event, record_handler=count_record, processor=processor, context=context)
