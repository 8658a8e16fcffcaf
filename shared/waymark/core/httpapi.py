"""Reading API Gateway HTTP API (payload 2.0) events and shaping their responses, without a framework.

The click path uses this instead of the Powertools resolver, whose import alone costs
about as much as the click function's whole cold-start budget (docs/architecture.md "Cold starts").
"""

import base64
import binascii
import html
import os
from collections.abc import Mapping
from urllib.parse import parse_qsl

MAX_QUERY_FIELDS = 64


class BadQuery(ValueError):
    pass


def method(event: Mapping) -> str:
    return event.get("requestContext", {}).get("http", {}).get("method", "GET").upper()


def source_ip(event: Mapping) -> str:
    return event.get("requestContext", {}).get("http", {}).get("sourceIp", "")


def viewer_country(event: Mapping) -> str | None:
    """CloudFront's country of the visitor, only where CloudFront is known to be in front
    (TRUST_VIEWER_COUNTRY=true): without it, anyone could send the header and choose a country."""
    if os.environ.get("TRUST_VIEWER_COUNTRY", "false").lower() != "true":
        return None
    country = header(event, "cloudfront-viewer-country")
    return country if country and len(country) == 2 and country.isascii() and country.isalpha() else None


def header(event: Mapping, name: str) -> str | None:
    """Header values are lower-cased keys in payload 2.0; repeated headers arrive comma-joined."""
    return (event.get("headers") or {}).get(name)


def query(event: Mapping) -> dict[str, str]:
    """First value of each parameter, parsed from rawQueryString so commas inside values survive
    (queryStringParameters joins repeated parameters with commas)."""
    return first_values(event.get("rawQueryString") or "", MAX_QUERY_FIELDS)


def first_values(encoded: str, max_fields: int) -> dict[str, str]:
    """The first value of each field of a URL-encoded string (a query or a form body); BadQuery if malformed."""
    try:
        pairs = parse_qsl(encoded, keep_blank_values=True, max_num_fields=max_fields, errors="strict")
    except (ValueError, UnicodeDecodeError) as error:
        raise BadQuery("the query string is malformed or has too many parameters") from error
    out: dict[str, str] = {}
    for name, value in pairs:
        out.setdefault(name, value)
    return out


def body_is_text(event: Mapping) -> bool:
    """False for a body that arrived base64-encoded and is not UTF-8 (API Gateway base64-encodes any
    body it cannot pass as text), which Powertools' `decoded_body` cannot decode: answer 400 first."""
    if not event.get("isBase64Encoded") or not event.get("body"):
        return True
    try:
        base64.b64decode(event["body"]).decode()
    except (binascii.Error, UnicodeDecodeError):
        return False
    return True


def cookies(event: Mapping) -> dict[str, str]:
    """The request's cookies by name (payload 2.0 lists them apart from the headers); the first of a repeated name."""
    found: dict[str, str] = {}
    for raw in event.get("cookies") or ():
        name, _, value = raw.strip().partition("=")
        found.setdefault(name, value)
    return found


# For answers that are personal or one-off (redirects, pixels, postback results, pages): no cache may keep them,
# and no browser may read them as another type than they say.
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
# The destination learns which site sent the visitor, never the tracking link's path.
REDIRECT_HEADERS = {**NO_STORE, "Referrer-Policy": "strict-origin-when-cross-origin"}


# Public pages (link errors, offer links, unsubscribe) show text and, at most, a same-origin form:
# no script may run and no other site may frame them (clickjacking the unsubscribe button).
PUBLIC_PAGE_HEADERS = {
    **NO_STORE,
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


# The small pages' own style (their CSP allows inline style only): readable, high contrast, narrow.
_PAGE_STYLE = (
    "body{font-family:system-ui,sans-serif;line-height:1.5;color:#1d2430;margin:0}"
    "header{background:#1d2430;color:#fff;padding:.75rem 1rem;font-weight:700}"
    "main{max-width:36rem;margin:3rem auto;padding:0 1rem}"
    "a{color:#0b5cad}button{font:inherit;font-weight:600;padding:.5rem 1rem;border-radius:6px;"
    "border:1px solid #0b5cad;background:#0b5cad;color:#fff;cursor:pointer}"
    ":focus-visible{outline:3px solid #ffbf47;outline-offset:2px}"
)


def page_html(
    title: str,
    message: str,
    *,
    lang: str = "en",
    extra: str = "",
    brand: str = "Waymark",
    back: tuple[str, str] | None = None,
) -> str:
    """The markup of a small self-contained page under `brand`'s name; `extra` is trusted markup (a
    form) after the message; `back` a (URL, label) link at the end (a way back to the shop)."""
    link = f'<p><a href="{html.escape(back[0])}">{html.escape(back[1])}</a></p>' if back else ""
    return (
        f'<!doctype html><html lang="{html.escape(lang)}"><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{html.escape(title)} · {html.escape(brand)}</title>"
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'
        f"<style>{_PAGE_STYLE}</style>"
        f"<header>{html.escape(brand)}</header>"
        f"<main><h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>{extra}{link}</main></html>"
    )


def page(status: int, title: str, message: str, *, lang: str = "en") -> dict:
    """A small self-contained HTML page for visitors (errors on public links); `lang` is its message's language."""
    return {"statusCode": status, "headers": dict(PUBLIC_PAGE_HEADERS), "body": page_html(title, message, lang=lang)}
