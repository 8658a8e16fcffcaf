"""A partner's link as a QR code (pages and JSON API): only the calling partner's own links (404 otherwise)."""

from aws_lambda_powertools.event_handler import Response

from waymark import web
from waymark.partners import qr_codes, snippets
from waymark.portal import actions

_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def answer(code: str, sub_ids: dict[str, str | None], kind: str) -> Response[bytes]:
    me = web.partner()
    link = actions.link(code, owner=me.agent.agent_id)
    try:
        url = qr_codes.link_url(snippets.tracking_url(web.base_url(), link.code), sub_ids)
    except qr_codes.UrlTooLong as error:
        raise web.BadRequest(str(error)) from error
    body = qr_codes.svg(url) if kind == "svg" else qr_codes.png(url)
    return Response(
        status_code=200,
        content_type=_TYPES[kind],
        body=body,
        headers={
            "Cache-Control": "private, max-age=3600",
            "Content-Disposition": f'inline; filename="{link.code}.{kind}"',
        },
    )
