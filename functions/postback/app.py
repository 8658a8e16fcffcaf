"""Conversions: GET|POST /postback from the advertiser's system, GET /pixel.gif, GET /waymark.js.

Postback parameters may arrive in the query string, a form or a JSON body, so the route
hands the raw request to waymark.conversions.postbacks, which merges and validates them with one
pydantic model (PostbackParams, also the OpenAPI description of the parameters).
"""

import base64

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.types import OpenAPIResponse
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from pydantic import BaseModel

from waymark.click.rules import CLICK_COOKIE
from waymark.conversions import page_script, postbacks
from waymark.core import httpapi

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = APIGatewayHttpResolver(enable_validation=True)

# A transparent 1x1 GIF (43 bytes).
PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


class ConversionAnswer(BaseModel):
    conversion_id: str
    order_id: str
    status: str
    reason: str | None
    agent: str | None
    channel: str
    amount: str
    currency: str
    commission: str
    created_at: str


class ErrorAnswer(BaseModel):
    error: str
    message: str


def _json(description: str, model: type[BaseModel]) -> OpenAPIResponse:
    return {"description": description, "content": {"application/json": {"model": model}}}


POSTBACK_RESPONSES: dict[int, OpenAPIResponse] = {
    200: _json("Recorded, or a repeat of a recorded order (header Idempotent-Replayed: true)", ConversionAnswer),
    202: {"description": "DynamoDB failed: the conversion is queued and stored shortly; retrying is safe"},
    400: _json("Invalid parameters (nothing written)", ErrorAnswer),
    401: _json("Missing or wrong token or signature", ErrorAnswer),
    403: _json("The source address is not on the advertiser's allow-list", ErrorAnswer),
    409: _json("The order was recorded before with a different amount, currency, channel or click", ErrorAnswer),
    503: _json("Waymark cannot read what it needs right now; retry", ErrorAnswer),
}


@app.get("/postback", summary="Report a sale (query string)", responses=POSTBACK_RESPONSES)
def postback_get():
    return _postback()


@app.post("/postback", summary="Report a sale (form or JSON body)", responses=POSTBACK_RESPONSES)
def postback_post():
    return _postback()


@app.get("/pixel.gif", summary="Report a sale from the thank-you page (always a 1x1 GIF)")
def pixel():
    event = app.current_event
    try:
        outcome = postbacks.handle(_request(event, pixel=True))
        if outcome.status >= 400:
            logger.warning("pixel not recorded", extra={"status": outcome.status, "answer": outcome.body})
        metrics.add_metric(name=f"Pixel{outcome.outcome}", unit=MetricUnit.Count, value=1)
    except Exception:
        logger.exception("pixel failed")
        metrics.add_metric(name="PixelFailed", unit=MetricUnit.Count, value=1)
    return Response(200, "image/gif", PIXEL, headers=httpapi.NO_STORE)


@app.get("/waymark.js", summary="The merchant page script (Waymark.clickId(), Waymark.reference())")
def script():
    program_id = (app.current_event.query_string_parameters or {}).get("program")
    headers = {"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"}
    return Response(200, "application/javascript; charset=utf-8", page_script.script_for(program_id), headers=headers)


def _postback() -> Response:
    outcome = postbacks.handle(_request(app.current_event))
    metrics.add_metric(name=f"Postback{outcome.outcome}", unit=MetricUnit.Count, value=1)
    headers = dict(httpapi.NO_STORE)
    if outcome.replayed:
        headers["Idempotent-Replayed"] = "true"
    if outcome.status == 503:
        headers["Retry-After"] = "5"
    return Response(outcome.status, "application/json", outcome.body, headers=headers)


def _request(event: APIGatewayProxyEventV2, *, pixel: bool = False):
    raw = event.get("body") or ""
    body = base64.b64decode(raw) if event.is_base64_encoded else raw.encode()
    return postbacks.PostbackRequest(
        method=event.request_context.http.method.upper(),
        raw_query=event.raw_query_string or "",
        body=body,
        content_type=event.headers.get("content-type", ""),
        headers={k.lower(): v for k, v in (event.headers or {}).items()},
        source_ip=event.request_context.http.source_ip,
        cookie_click_id=httpapi.cookies(event.raw_event).get(CLICK_COOKIE) if pixel else None,
        pixel=pixel,
    )


@app.exception_handler(Exception)
def unexpected(error: Exception) -> Response:
    # Never a 500 from a public endpoint: the pixel still draws, the advertiser is asked to retry.
    logger.exception("unexpected failure")
    metrics.add_metric(name="PostbackUnexpected", unit=MetricUnit.Count, value=1)
    if app.current_event.raw_path == "/pixel.gif":
        return Response(200, "image/gif", PIXEL, headers=httpapi.NO_STORE)
    body = {"error": "unavailable", "message": "Waymark cannot record conversions right now; please retry"}
    return Response(503, "application/json", body, headers={**httpapi.NO_STORE, "Retry-After": "5"})


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    return app.resolve(event, context)
