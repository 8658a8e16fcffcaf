"""EventBridge, 02:00 UTC on the 1st: export last month's all-partners report of every active program
and queue every partner's statement (StatementsFunction writes them).

A failed program raises after the others ran, so Lambda's retries (EventInvokeConfig) run the
month again; exports overwrite their keys, so a rerun is idempotent. `{"detail": {"month":
"YYYY-MM"}}` reruns a given month (e.g. `make invoke FN=exports` with that body).
"""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

from waymark.reporting import exports

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    run = exports.monthly_exports(exports.scheduled_month(event), with_urls=True)
    metrics.add_metric(
        name="StatementsQueued", unit=MetricUnit.Count, value=sum(p.statements_queued for p in run.programs)
    )
    return run.as_dict()
