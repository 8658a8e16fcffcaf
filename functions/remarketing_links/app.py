"""Links in remarketing emails: GET /x/{token} (offer -> booking page) and /unsubscribe/{token}.

Unsubscribe: GET shows a confirmation page, POST unsubscribes. The POST takes no cookie and
no CSRF token, because mail clients send RFC 8058 one-click requests without either; the
signed token alone authorises it.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from waymark import wording
from waymark.core import httpapi
from waymark.core.times import utcnow
from waymark.remarketing import email_links

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = APIGatewayHttpResolver(enable_validation=True)


def _page(page: email_links.Page) -> Response[str]:
    headers = dict(httpapi.PUBLIC_PAGE_HEADERS)
    content_type = headers.pop("Content-Type")
    return Response(status_code=page.status, content_type=content_type, body=page.html(), headers=headers)


def _accept_language() -> str:
    return app.current_event.headers.get("accept-language") or ""


def _unavailable() -> Response[str]:
    lang = email_links.visitor_language(_accept_language(), None)
    page = email_links.Page(503, lang, "Please try again", wording.PAGE_BRIEFLY_UNAVAILABLE())
    response = _page(page)
    response.headers["Retry-After"] = "2"
    return response


@app.get("/x/<token>")
@tracer.capture_method
def offer(token: str) -> Response[str]:
    event = app.current_event
    visitor = email_links.Visitor(
        user_agent=event.headers.get("user-agent"),
        referer=event.headers.get("referer"),
        country=httpapi.viewer_country(event.raw_event),
        source_ip=event.request_context.http.source_ip,
    )
    try:
        outcome = email_links.follow(token, visitor, utcnow())
    except Exception:
        logger.exception("offer link lookup failed")
        return _unavailable()
    if outcome.status != 302:
        metrics.add_metric(name="RemarketingLinkRejected", unit=MetricUnit.Count, value=1)
        lang = email_links.visitor_language(_accept_language(), outcome.program)
        return _page(email_links.Page(outcome.status, lang, outcome.title, outcome.message))
    metrics.add_metric(name="RemarketingClick", unit=MetricUnit.Count, value=1)
    if outcome.kept_for_replay:
        metrics.add_metric(name="RemarketingClickKeptForReplay", unit=MetricUnit.Count, value=1)
    return Response(
        status_code=302,
        headers={**httpapi.REDIRECT_HEADERS, "Location": outcome.location or ""},
        cookies=email_links.cookies(outcome),
        body="",
    )


@app.get("/unsubscribe/<token>")
def confirm_unsubscribe(token: str) -> Response[str]:
    try:
        page = email_links.unsubscribe_page(token, _accept_language())
    except Exception:
        logger.exception("unsubscribe page failed")  # the link key could not be read
        return _unavailable()
    metrics.add_metric(name="RemarketingUnsubscribePage", unit=MetricUnit.Count, value=1)
    return _page(page)


@app.post("/unsubscribe/<token>")
def unsubscribe(token: str) -> Response[str]:
    body = app.current_event.decoded_body or ""
    try:
        page = email_links.unsubscribe(
            token, one_click="List-Unsubscribe=One-Click" in body, accept_language=_accept_language()
        )
    except Exception:
        logger.exception("unsubscribe failed")
        return _unavailable()
    metrics.add_metric(
        name="RemarketingUnsubscribed" if page.status == 200 else "RemarketingLinkRejected",
        unit=MetricUnit.Count,
        value=1,
    )
    return _page(page)


@app.exception_handler(UnicodeDecodeError)
def not_text(error: UnicodeDecodeError) -> Response[str]:
    # A body that is not UTF-8 arrives base64-encoded, and Powertools cannot decode it.
    lang = email_links.visitor_language(_accept_language(), None)
    return _page(email_links.Page(400, lang, "This request is not valid", wording.USE_LINK_IN_EMAIL()))


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    return app.resolve(event, context)
