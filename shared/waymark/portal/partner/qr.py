"""A partner's link as a QR code (pages and JSON API): only the calling partner's own links (404 otherwise)."""

import base64

from aws_lambda_powertools.event_handler import Response

from waymark import web
from waymark.partners import qr_codes, snippets
from waymark.portal import actions

_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def answer(code: str, sub_ids: dict[str, str | None], kind: str) -> Response[str]:
    me = web.partner()
    link = actions.link(code, owner=me.agent.agent_id)
    try:
        url = qr_codes.link_url(snippets.tracking_url(web.base_url(), link.code), sub_ids)
    except qr_codes.UrlTooLong as error:
        raise web.BadRequest(str(error)) from error
    # Text for SVG; PNG leaves base64-encoded, as API Gateway wants binary bodies (the response
    # validation Powertools runs takes str bodies only).
    body = qr_codes.svg(url).decode() if kind == "svg" else base64.b64encode(qr_codes.png(url)).decode()
    response: Response[str] = Response(
        status_code=200,
        content_type=_TYPES[kind],
        body=body,
        headers={
            "Cache-Control": "private, max-age=3600",
            "Content-Disposition": f'inline; filename="{link.code}.{kind}"',
        },
    )
    response.base64_encoded = kind == "png"
    return response
