"""The JSON API under /api: the same data and actions as the pages, for Bearer-token clients.

Its OpenAPI description is generated from these routes and served at /api/openapi.json.
"""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths

from waymark import web
from waymark.portal.account import api as api_account
from waymark.portal.admin import account_api as api_admin_account
from waymark.portal.admin import api as api_admin
from waymark.portal.admin import coupon_api as api_admin_coupons
from waymark.portal.admin import integration_api as api_admin_integration
from waymark.portal.admin import rate_api as api_admin_rates
from waymark.portal.admin import setup_api as api_admin_setup
from waymark.portal.mail import api as api_mail
from waymark.portal.partner import api as api_partner
from waymark.portal.partner import postbacks_api as api_partner_postbacks
from waymark.portal.payouts import api as api_payouts
from waymark.portal.remarketing import api as api_remarketing
from waymark.portal.reports import admin_api as api_admin_reports
from waymark.portal.reports import api as api_reports

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = web.api_app()
app.include_router(api_account.router)
app.include_router(api_partner.router)
app.include_router(api_partner_postbacks.router)
app.include_router(api_admin.router)
app.include_router(api_admin_setup.router)
app.include_router(api_admin_integration.router)
app.include_router(api_admin_coupons.router)
app.include_router(api_admin_rates.router)
app.include_router(api_admin_account.router)
app.include_router(api_reports.router)
app.include_router(api_admin_reports.router)
app.include_router(api_remarketing.router)
app.include_router(api_mail.router)
app.include_router(api_payouts.router)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler(capture_response=False)  # answers carry tokens and personal data
def lambda_handler(event: dict, context) -> dict:
    return web.serve(app, event, context)
