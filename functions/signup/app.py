"""GET|POST /signup: partners sign themselves up (HTML form or JSON).

Its own function because it alone may create Cognito users (least privilege).
"""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths

from waymark import web
from waymark.portal.account import signup_pages

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = web.page_app()
app.include_router(signup_pages.router)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler(capture_response=False)  # answers carry tokens and personal data
def lambda_handler(event: dict, context) -> dict:
    return web.serve(app, event, context)
