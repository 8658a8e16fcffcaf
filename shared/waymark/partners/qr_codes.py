"""QR codes of tracking links (segno: SVG, and PNG without Pillow), with the link's sub-IDs in the query.

Sub-IDs go in as the click reads them (?sub1=...&source=...), so a printed code is told apart in
reports like any other placement. Error correction M: a code printed on a flyer survives a smudge.
"""

import io
from urllib.parse import urlencode

import segno

from waymark import wording
from waymark.click.sessions import SUB_ID_FIELDS

# A QR code holds at most ~2300 characters at level M; far shorter keeps it readable on paper.
MAX_QR_URL = 1000


class UrlTooLong(ValueError):
    pass


def link_url(tracking_url: str, sub_ids: dict[str, str | None]) -> str:
    query = urlencode([(name, sub_ids[name]) for name in SUB_ID_FIELDS if sub_ids.get(name)])
    url = f"{tracking_url}?{query}" if query else tracking_url
    if len(url) > MAX_QR_URL:
        raise UrlTooLong(wording.QR_URL_TOO_LONG(maximum=MAX_QR_URL))
    return url


def svg(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="svg", scale=8, border=4, xmldecl=False, title=url)
    return out.getvalue()


def png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=8, border=4)
    return out.getvalue()
