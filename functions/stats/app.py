"""DynamoDB streams of SessionsTable (new sessions) and ConversionsTable (new and changed conversions):
keep the pre-aggregated report counters in StatsTable.

Each record is counted exactly once (waymark.aggregate: counters and an eventID marker in one
transaction). A failed record is reported back, so Lambda retries from it; the records after
it that already succeeded find their markers and change nothing.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from waymark import aggregate

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@tracer.capture_method
def count_record(record: DynamoDBRecord) -> None:
    result = aggregate.count_record(
        record.event_source_arn or "",
        record.raw_event.get("eventName", ""),
        record.event_id or "",
        record.dynamodb.old_image or None,
        record.dynamodb.new_image or None,
    )
    if isinstance(result, aggregate.ClickCount):
        metrics.add_metric(name="BotClicks" if result.bot else "Clicks", unit=MetricUnit.Count, value=1)
        result = result.outcome
    if result is aggregate.Outcome.ALREADY_COUNTED:
        metrics.add_metric(name="StatsRecordsAlreadyCounted", unit=MetricUnit.Count, value=1)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    return process_partial_response(event=event, record_handler=count_record, processor=processor, context=context)
