"""JSON API of an advertiser's integration page (paths under /api/admin/advertisers/{advertiser_id}):
what the merchant's developer needs, the postback log, and the test conversion. Never a secret."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from waymark import web
from waymark.portal.admin import integration_actions
from waymark.portal.admin.integration_actions import IntegrationOut, SentTestConversionOut
from waymark.portal.params import AdvertiserId

router = Router()

TAGS = ["admin: integration"]


@router.get(
    "/api/admin/advertisers/<advertiser_id>/integration",
    tags=TAGS,
    summary="The postback URL, its parameters, examples, snippets and the last 100 postbacks (no secrets)",
)
def integration(advertiser_id: AdvertiserId) -> IntegrationOut:
    web.admin()
    return integration_actions.integration_out(advertiser_id)


@router.post(
    "/api/admin/advertisers/<advertiser_id>/test-conversion",
    tags=TAGS,
    summary="A test click and a signed postback for it through the public /postback; Waymark's answer "
    "(the test sale earns nothing and counts in no report)",
)
def test_conversion(advertiser_id: AdvertiserId) -> SentTestConversionOut:
    web.admin()
    return integration_actions.send_test_conversion(advertiser_id)
