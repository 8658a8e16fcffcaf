"""Partner emails: SQS PartnerMailQueue (Waymark's events, through PartnerMailRule, and the console's
declines) and the daily digest (EventBridge schedule).

A record that fails is reported back, so SQS redelivers only it; after five tries it moves to
PartnerMailDeadLetterQueue, whose alarm tells the operators. A repeated event sends nothing
(waymark.partners.mailer).
"""

import json
from datetime import timedelta

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from waymark.partners import mailer
from waymark.remarketing.sender import scheduled_date

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


@tracer.capture_method
def email_one(record: SQSRecord) -> None:
    event = json.loads(record.body)
    outcome = mailer.handle_event(event)
    logger.info("partner email", extra={"event": event.get("detail-type"), "outcome": outcome})
    metrics.add_metric(name="PartnerEmailsSent", unit=MetricUnit.Count, value=int(outcome == "sent"))


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context  # never log the event: a record's body names a partner and its sales
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    if "Records" in event:
        return process_partial_response(event=event, record_handler=email_one, processor=processor, context=context)
    # The schedule's day (its `time`), so a retried invocation digests the same day.
    day = scheduled_date(event) - timedelta(days=1)
    outcomes = mailer.send_digests(day)
    metrics.add_metric(name="PartnerDigestsSent", unit=MetricUnit.Count, value=outcomes.get("sent", 0))
    return {"day": day.isoformat(), **outcomes}
