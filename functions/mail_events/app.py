"""SNS MailEventsTopic: SES's events for the configuration set every email is sent with, into the send log.

Bounces and complaints suppress the address (waymark.mail.ses_events). A failing record fails the
invocation, and SNS retries it; the log and suppression writes are idempotent enough to repeat
(a suppression is put once, a repeated log line is one more line).
"""

import json

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

from waymark.mail import ses_events

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context  # never log the event: it names recipients
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    logged: list[str] = []
    for record in event.get("Records", []):
        logged += ses_events.handle(json.loads(record["Sns"]["Message"]))
    for name in sorted(set(logged)):
        metrics.add_metric(name=f"Mail{name.capitalize()}", unit=MetricUnit.Count, value=logged.count(name))
    return {"logged": len(logged)}
