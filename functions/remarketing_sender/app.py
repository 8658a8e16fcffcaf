"""The daily remarketing job (EventBridge schedule) and its continuations (RemarketingContinueQueue).

A run sends what is due, stops before the Lambda timeout and, if work is left, queues a
continuation that invokes this function again (see waymark.remarketing.sender).
"""

import json
from datetime import date

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from waymark.remarketing import sender

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS)

_METRICS = {
    "items_read": "RemarketingItemsRead",
    "sent": "RemarketingSent",
    "merged": "RemarketingMerged",
    "postponed": "RemarketingPostponed",
    "suppressed": "RemarketingSuppressed",
    "skipped": "RemarketingSkipped",
    "failed": "RemarketingFailed",
    "uncertain": "RemarketingUncertain",
    "throttled": "RemarketingThrottled",
}


def _record(summary: sender.RunSummary) -> dict:
    counts = summary.as_dict()
    for field, name in _METRICS.items():
        metrics.add_metric(name=name, unit=MetricUnit.Count, value=counts[field])
    if summary.continued:
        metrics.add_metric(name="RemarketingContinued", unit=MetricUnit.Count, value=1)
    return counts


@tracer.capture_method
def continue_run(record: SQSRecord, lambda_context) -> None:
    body = json.loads(record.body)
    summary = sender.run(
        today=date.fromisoformat(body["date"]),
        remaining_ms=lambda_context.get_remaining_time_in_millis,
        generation=int(body.get("generation", 1)),
    )
    _record(summary)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    if "Records" in event:
        return process_partial_response(event=event, record_handler=continue_run, processor=processor, context=context)
    summary = sender.run(today=sender.scheduled_date(event), remaining_ms=context.get_remaining_time_in_millis)
    return _record(summary)
