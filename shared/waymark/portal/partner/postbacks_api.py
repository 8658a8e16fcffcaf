"""JSON API of the calling partner's own postback: settings, signing secret, test send, delivery log."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from waymark import web
from waymark.portal.partner import postback_actions
from waymark.portal.partner.postback_schemas import PartnerPostbackIn, PartnerPostbackOut, TestQueued

router = Router()


@router.get(
    "/api/partner-postbacks", tags=["partner"], summary="The calling partner's postback and its newest deliveries"
)
def get_postback() -> PartnerPostbackOut:
    return postback_actions.current(web.partner().agent)


@router.put(
    "/api/partner-postbacks",
    tags=["partner"],
    summary="Set the calling partner's postback URL and events (the first save answers the signing secret, once)",
)
def put_postback(body: PartnerPostbackIn) -> PartnerPostbackOut:
    return postback_actions.save(web.partner().agent, body)


@router.post(
    "/api/partner-postbacks/secret",
    tags=["partner"],
    summary="A new signing secret (answered once; the old one stops signing at once)",
)
def rotate_secret() -> PartnerPostbackOut:
    return postback_actions.rotate(web.partner().agent)


@router.post(
    "/api/partner-postbacks/test", status_code=202, tags=["partner"], summary="Send a test postback to the saved URL"
)
def send_test() -> TestQueued:
    postback_actions.send_test(web.partner().agent)
    return TestQueued()
