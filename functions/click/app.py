"""GET|HEAD /c/{code}: record the click as a session and send the visitor on with its click id.

No Powertools resolver and no Tracer SDK here: both cost more cold-start time than this
function's whole budget (docs/architecture.md "Cold starts"). Lambda's active tracing still records it.
Metrics and the log context come from waymark.core.hot_path, Powertools' output for a third of the cost.
"""

from aws_lambda_powertools import Logger

from waymark.click import click_wording, seen
from waymark.click.projections import ProgramView
from waymark.click.rules import ClickOutcome, ClickRequest, click_cookie
from waymark.click.tracking import track_click
from waymark.core import hot_path, httpapi, phrases

logger = Logger()
metrics = hot_path.CountMetrics()


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
            seen=httpapi.cookies(event).get(seen.SEEN_COOKIE),
        )
    except httpapi.BadQuery:
        metrics.count("ClickRejected")
        return _page(event, None, 400, "Bad tracking link", click_wording.QUERY_MALFORMED())
    try:
        outcome = track_click(request)
    except Exception:
        logger.exception("link lookup failed and nothing was cached")
        metrics.count("ClickUnavailable")
        response = _page(event, None, 503, "Please try again", click_wording.BRIEFLY_UNAVAILABLE())
        response["headers"]["Retry-After"] = "2"
        return response
    return shape(outcome, event)


def _page(event: dict, program: ProgramView | None, status: int, title: str, message: str) -> dict:
    """A refusal's page, its message in the visitor's Accept-Language among the program's languages (any shipped
    one when the link names no program), else the program's default; the heading stays English."""
    accept = httpapi.header(event, "accept-language") or ""
    if program is None:
        lang = phrases.choose_language(accept, phrases.SHIPPED, None)
    else:
        lang = phrases.choose_language(accept, program.languages, program.default_language)
    return httpapi.page(status, title, phrases.in_language(message, lang), lang=lang)


def shape(outcome: ClickOutcome, event: dict) -> dict:
    if outcome.status == 404:
        metrics.count("ClickUnknownLink")
        return _page(event, outcome.program, 404, "Link not found", outcome.message or "")
    if outcome.status != 302:
        metrics.count("ClickRejected")
        return _page(event, outcome.program, outcome.status, "This link cannot be followed", outcome.message or "")
    metrics.count("ClickCredited" if outcome.credited else "ClickNotCredited")
    if outcome.kept_for_replay:
        metrics.count("ClickKeptForReplay")
    response = {"statusCode": 302, "headers": {**httpapi.REDIRECT_HEADERS, "Location": outcome.location}, "body": ""}
    if outcome.session is not None:
        # Two cookies, as their paths and lifetimes differ: the pixel's click id, and the links seen this hour.
        response["cookies"] = [click_cookie(outcome.session.click_id, outcome.cookie_max_age)]
        if outcome.seen is not None:
            response["cookies"].append(seen.set_cookie(outcome.seen))
    return response


@metrics.log_metrics
@hot_path.inject_context(logger)
def lambda_handler(event: dict, context) -> dict:
    return click(event)
