"""EventBridge, 15:30 and 16:30 UTC on working days: import the ECB's euro reference rates of the day.

The ECB publishes around 16:00 CET (15:00 UTC in winter, 14:00 in summer); the second run catches
a late publication, and storing a day twice is harmless. A failed fetch raises, so the Errors
alarm and the schedule's retries take it; a sale meanwhile converts at the last days' rates
(waymark.conversions.exchange.MAX_RATE_AGE_DAYS). `{"detail": {"document": "<xml>"}}` imports a
file given instead of fetching one (a rerun, the sample event).
"""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

from waymark.conversions import ecb_rates

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    given = (event.get("detail") or {}).get("document")
    rates = ecb_rates.import_daily(given.encode() if isinstance(given, str) else None)
    logger.info("exchange rates imported", extra={"day": rates.day.isoformat(), "currencies": len(rates.rates)})
    metrics.add_metric(name="ExchangeRatesImported", unit=MetricUnit.Count, value=len(rates.rates))
    return {"day": rates.day.isoformat(), "source": rates.source, "currencies": len(rates.rates)}
