"""POST /offers/{program_id}: the add-ons the merchant's checkout may show for a cart (web profiles).

Public, anonymous and read-only; browsers may call it from the program's allowed domains
(CORS decided per program, so the preflight is answered here too).
"""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit

from waymark.remarketing.offers import (
    OffersRequest,
    OffersResponse,
    allowed_origin,
    cors_headers,
    find_program,
    offers_for_cart,
)

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = APIGatewayHttpResolver(enable_validation=True)


def _origin() -> str | None:
    return app.current_event.headers.get("origin")


def _json(status: int, body: dict, origin: str | None = None) -> Response:
    if status >= 400:
        metrics.add_metric(name="WebOffersRejected", unit=MetricUnit.Count, value=1)
    return Response(status_code=status, content_type="application/json", body=body, headers=cors_headers(origin))


@app.route("/offers/<program_id>", method="OPTIONS", include_in_schema=False)
def preflight(program_id: str):
    program = find_program(program_id)
    origin = _origin()
    if program is None or not origin or not allowed_origin(program, origin):
        return _json(403, {"message": "This origin may not read the program's offers."})
    metrics.add_metric(name="WebOffersPreflight", unit=MetricUnit.Count, value=1)
    return Response(status_code=204, headers=cors_headers(origin))


# No return annotation: Powertools would validate every answer (404, 403 too) against OffersResponse.
@app.post(
    "/offers/<program_id>",
    summary="Add-ons for a cart",
    responses={
        200: {"description": "Offers", "content": {"application/json": {"model": OffersResponse}}},
        400: {"description": "The cart is not valid"},
        403: {"description": "The page's origin is not one of the program's domains"},
        404: {"description": "No such program"},
    },
)
@tracer.capture_method
def post_offers(program_id: str, cart: OffersRequest):
    program = find_program(program_id)
    if program is None:
        return _json(404, {"message": "No such program."})
    origin = _origin()
    if not allowed_origin(program, origin):
        return _json(403, {"message": "This origin may not read the program's offers."})
    result = offers_for_cart(program, cart)
    metrics.add_metric(name="WebOffersServed", unit=MetricUnit.Count, value=len(result.offers))
    return _json(200, result.model_dump(), origin)


@app.exception_handler(RequestValidationError)
def invalid_request(error: RequestValidationError):
    errors = [
        {"field": ".".join(str(p) for p in e.get("loc", ())[1:]), "message": e.get("msg", "")} for e in error.errors()
    ]
    program_id = (app.current_event.path_parameters or {}).get("program_id", "")
    program = find_program(program_id)
    origin = _origin() if program is not None and allowed_origin(program, _origin()) else None
    return _json(400, {"message": "The cart is not valid.", "errors": errors}, origin)


@app.exception_handler(UnicodeDecodeError)
def not_text(error: UnicodeDecodeError):
    # A body that is not UTF-8 arrives base64-encoded, and Powertools cannot decode it.
    return _json(400, {"message": "The cart is not valid.", "errors": [{"field": "body", "message": "not UTF-8"}]})


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
def lambda_handler(event: dict, context) -> dict:
    return app.resolve(event, context)
