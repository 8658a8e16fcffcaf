"""SQS StatementsQueue: export one partner's monthly statement per message (queued by ExportsFunction).

A failed export is aborted and reported back, so SQS redelivers only that message; after five
tries it moves to ExportsDeadLetterQueue.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from waymark.reporting import exports

logger = Logger()
tracer = Tracer()
metrics = Metrics()
# A failed message is reported back (and redelivered alone), even when it is the whole batch.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@tracer.capture_method
def export_statement(record: SQSRecord) -> None:
    exported = exports.statement_job(record.body)
    metrics.add_metric(name="StatementLines", unit=MetricUnit.Count, value=exported.rows)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    return process_partial_response(event=event, record_handler=export_statement, processor=processor, context=context)
