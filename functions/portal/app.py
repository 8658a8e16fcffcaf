"""HTML pages: log in and out, the partner portal (/portal) and the admin console (/admin)."""

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths

from waymark import web
from waymark.portal.account import pages as pages_account
from waymark.portal.account import passwords as pages_passwords
from waymark.portal.admin import account_pages as pages_admin_account
from waymark.portal.admin import coupon_pages as pages_admin_coupons
from waymark.portal.admin import integration_pages as pages_admin_integration
from waymark.portal.admin import pages as pages_admin
from waymark.portal.admin import rate_pages as pages_admin_rates
from waymark.portal.admin import setup_pages as pages_admin_setup
from waymark.portal.mail import pages as pages_mail
from waymark.portal.partner import pages as pages_partner
from waymark.portal.partner import postback_pages as pages_partner_postbacks
from waymark.portal.payouts import pages as pages_payouts
from waymark.portal.remarketing import pages as pages_remarketing
from waymark.portal.reports import admin_pages as pages_admin_reports
from waymark.portal.reports import pages as pages_reports

logger = Logger()
tracer = Tracer()
metrics = Metrics()
app = web.page_app()
app.include_router(pages_account.router)
app.include_router(pages_passwords.router)
app.include_router(pages_partner.router)
app.include_router(pages_partner_postbacks.router)
app.include_router(pages_admin.router)
app.include_router(pages_admin_setup.router)
app.include_router(pages_admin_integration.router)
app.include_router(pages_admin_coupons.router)
app.include_router(pages_admin_rates.router)
app.include_router(pages_admin_account.router)
app.include_router(pages_reports.router)
app.include_router(pages_admin_reports.router)
app.include_router(pages_remarketing.router)
app.include_router(pages_mail.router)
app.include_router(pages_payouts.router)


@metrics.log_metrics(capture_cold_start_metric=True)
@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler(capture_response=False)  # answers carry tokens and personal data
def lambda_handler(event: dict, context) -> dict:
    return web.serve(app, event, context)
