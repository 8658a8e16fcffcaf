"""An advertiser's integration page (/admin/advertisers/{advertiser_id}/integration): the postback URL and
parameters, examples, the pixel and page-script snippets, "send a test conversion" and the postback log."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from waymark import web
from waymark.portal.admin import integration_actions
from waymark.portal.params import AdvertiserId

router = Router()


def _page(advertiser_id: str, *, sent=None, refused: str | None = None, status: int = 200) -> Response[str]:
    return web.render(
        "admin/integration.html",
        status,
        page=integration_actions.integration_out(advertiser_id),
        sent=sent,
        refused=refused,
    )


@router.get("/admin/advertisers/<advertiser_id>/integration")
def integration(advertiser_id: AdvertiserId) -> Response[str]:
    web.admin()
    return _page(advertiser_id)


@router.post("/admin/advertisers/<advertiser_id>/integration/test")
def test_conversion(advertiser_id: AdvertiserId) -> Response[str]:
    web.admin()
    web.form()  # a form post: its CSRF token is checked
    try:
        sent = integration_actions.send_test_conversion(advertiser_id)
    except web.Conflict as error:
        return _page(advertiser_id, refused=error.message, status=409)
    return _page(advertiser_id, sent=sent)
