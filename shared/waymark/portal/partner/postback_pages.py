"""The partner's postback page (/portal/postbacks): URL and events, test send, new secret, delivery log.

A new signing secret is shown in the answer to the POST that made it (never in a redirect's URL).
"""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import ValidationError

from waymark import web
from waymark.partner_postbacks import macros
from waymark.portal.partner import postback_actions
from waymark.portal.partner.postback_schemas import PartnerPostbackIn

router = Router()

CHOICES = [
    ("conversion.recorded", "recorded (pending the merchant's decision)"),
    ("conversion.approved", "approved (its commission is owed)"),
    ("conversion.reversed", "reversed (a refund or a cancellation)"),
]


def _page(*, values=None, errors=None, secret=None, notice=None, status=200) -> Response[str]:
    me = web.partner()
    postback = postback_actions.current(me.agent)
    if values is None:
        values = {"url_template": postback.url_template or "", "events": postback.events or ["conversion.approved"]}
    return web.render(
        "portal/postbacks.html",
        status,
        postback=postback,
        values=values,
        errors=errors or {},
        secret=secret,
        notice=notice,
        choices=CHOICES,
        macros=[f"{{{m}}}" for m in macros.MACROS],
    )


@router.get("/portal/postbacks")
def postbacks() -> Response[str]:
    return _page()


@router.post("/portal/postbacks")
def save_postback() -> Response[str]:
    me = web.partner()
    fields = web.form()
    # One checkbox per event, named by it (forms here carry one value per field).
    events = [event for event, _ in CHOICES if fields.get(event)]
    values = {"url_template": fields.get("url_template", ""), "events": events}
    try:
        body = PartnerPostbackIn(url_template=values["url_template"], events=events)  # type: ignore[arg-type]
        saved = postback_actions.save(me.agent, body)
    except ValidationError as error:
        return _page(values=values, errors=web.field_errors(error), status=400)
    except web.BadRequest as error:
        return _page(values=values, errors={"url_template": error.message.removeprefix("url_template: ")}, status=400)
    return _page(secret=saved.signing_secret, notice="Your postback is saved.")


@router.post("/portal/postbacks/secret")
def rotate_secret() -> Response[str]:
    rotated = postback_actions.rotate(web.partner().agent)
    return _page(
        secret=rotated.signing_secret, notice="A new signing secret signs from now on; the old one no longer does."
    )


@router.post("/portal/postbacks/test")
def send_test() -> Response[str]:
    postback_actions.send_test(web.partner().agent)
    return _page(notice="A test postback is on its way: it appears under Latest calls within a minute.")
