"""GET|HEAD /c/{code}: record the click as a session and send the visitor on with its click id.

No Powertools resolver and no Tracer SDK here: both cost more cold-start time than this
function's whole budget (docs/architecture.md "Cold starts"). Lambda's active tracing still records it.
"""

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from waymark.click.rules import ClickOutcome, ClickRequest, click_cookie
from waymark.click.tracking import track_click
from waymark.core import httpapi

logger = Logger()
metrics = Metrics()


def click(event: dict) -> dict:
    try:
        request = ClickRequest(
            code=(event.get("pathParameters") or {}).get("code", ""),
            method=httpapi.method(event),
            query=httpapi.query(event),
            user_agent=httpapi.header(event, "user-agent"),
            referer=httpapi.header(event, "referer"),
            country=httpapi.viewer_country(event),
            source_ip=httpapi.source_ip(event),
        )
    except httpapi.BadQuery as error:
        metrics.add_metric(name="ClickRejected", unit=MetricUnit.Count, value=1)
        return httpapi.page(400, "Bad tracking link", str(error))
    try:
        outcome = track_click(request)
    except Exception:
        logger.exception("link lookup failed and nothing was cached")
        metrics.add_metric(name="ClickUnavailable", unit=MetricUnit.Count, value=1)
        response = httpapi.page(503, "Please try again", "This link is briefly unavailable. Please retry in a moment.")
        response["headers"]["Retry-After"] = "2"
        return response
    return shape(outcome)


def shape(outcome: ClickOutcome) -> dict:
    if outcome.status == 404:
        metrics.add_metric(name="ClickUnknownLink", unit=MetricUnit.Count, value=1)
        return httpapi.page(404, "Link not found", outcome.message or "")
    if outcome.status != 302:
        metrics.add_metric(name="ClickRejected", unit=MetricUnit.Count, value=1)
        return httpapi.page(outcome.status, "This link cannot be followed", outcome.message or "")
    metrics.add_metric(name="ClickCredited" if outcome.credited else "ClickNotCredited", unit=MetricUnit.Count, value=1)
    if outcome.kept_for_replay:
        metrics.add_metric(name="ClickKeptForReplay", unit=MetricUnit.Count, value=1)
    response = {"statusCode": 302, "headers": {**httpapi.REDIRECT_HEADERS, "Location": outcome.location}, "body": ""}
    if outcome.session is not None:
        response["cookies"] = [click_cookie(outcome.session.click_id, outcome.cookie_max_age)]
    return response


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
def lambda_handler(event: dict, context) -> dict:
    return click(event)
