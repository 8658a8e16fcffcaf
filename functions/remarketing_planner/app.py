"""RemarketingTable stream (new customer items only, by FilterCriteria): plan each booking's emails."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from waymark.models import Customer
from waymark.remarketing import planner

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@tracer.capture_method
def plan_record(record: DynamoDBRecord) -> None:
    image = record.raw_event.get("dynamodb", {}).get("NewImage")
    if not image:
        return
    outcome = planner.plan(Customer.from_raw_data(image))
    metrics.add_metric(name="RemarketingSendsPlanned", unit=MetricUnit.Count, value=outcome.planned)
    if outcome.reason == "suppressed":
        metrics.add_metric(name="RemarketingSuppressedAtPlanning", unit=MetricUnit.Count, value=1)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    return process_partial_response(event=event, record_handler=plan_record, processor=processor, context=context)
