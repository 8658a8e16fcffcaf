"""SQS ReplayQueue: store clicks and conversions whose first write failed.

Each message is a kept conditional write (waymark.core.durable); a failed record is reported
back so SQS redelivers only that one, and after ten tries it moves to the dead-letter queue.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from waymark.core import durable

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)


@tracer.capture_method
def replay_record(record: SQSRecord) -> None:
    durable.replay(record.body)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    return process_partial_response(event=event, record_handler=replay_record, processor=processor, context=context)
