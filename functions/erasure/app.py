"""SQS ErasureQueue: erase one customer by email per message (queued by the console, docs/security.md "Personal data").

A failed erasure is reported back, so SQS redelivers only that message; after five tries it moves
to RemarketingDeadLetterQueue, whose alarm tells the operators.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from waymark.remarketing import erasure

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@tracer.capture_method
def erase(record: SQSRecord) -> None:
    erased = erasure.erasure_job(record.body)
    metrics.add_metric(name="CustomerBookingsErased", unit=MetricUnit.Count, value=erased.bookings)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context  # never log the event: its body names the address
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    return process_partial_response(event=event, record_handler=erase, processor=processor, context=context)
