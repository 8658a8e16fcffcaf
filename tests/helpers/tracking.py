"""The public tracking endpoints as their callers use them: a visitor's click through the click
function, a merchant's postback through the postback function, a thank-you page's pixel."""

import base64
import json
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.helpers.events import http_event
from tests.helpers.web import Answer


def follow(runtime, tracking_url: str) -> Answer:
    """A visitor following a tracking link (a URL, or a path and its query): the click function's answer."""
    parts = urlsplit(tracking_url)
    function, event = http_event(runtime.stack, "GET", parts.path, query=parts.query)
    assert function == "ClickFunction"
    return Answer.of(function, runtime.invoke(function, event))


def click(runtime, code: str) -> str:
    """A real click on link `code` through the click function; returns the click id."""
    answer = follow(runtime, f"/c/{code}")
    assert answer.status == 302, answer
    return parse_qs(urlsplit(answer.location).query)["click_id"][0]


def postback(
    runtime,
    params: dict | None = None,
    *,
    method: str = "POST",
    body: str | bytes | None = None,
    content_type: str = "application/json",
    query: str = "",
    headers: dict | None = None,
    source_ip: str = "198.51.100.7",
) -> Answer:
    """POST params as JSON (or `body` as given), or GET them as a query string."""
    headers = dict(headers or {})
    if method == "GET":
        query = query or urlencode(params or {})
        payload: str | bytes = b""
    else:
        payload = body if body is not None else json.dumps(params or {})
        headers.setdefault("content-type", content_type)
    function, event = http_event(
        runtime.stack, method, "/postback", query=query, headers=headers, body=payload, source_ip=source_ip
    )
    assert function == "PostbackFunction"
    return Answer.of(function, runtime.invoke(function, event))


GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


def pixel(runtime, params: dict | str, cookie: str | None = None) -> dict:
    query = params if isinstance(params, str) else urlencode(params)
    headers = {"cookie": f"wm_click={cookie}; other=1"} if cookie else {}
    function, event = http_event(runtime.stack, "GET", "/pixel.gif", query=query, headers=headers)
    assert function == "PostbackFunction"
    return runtime.invoke(function, event)


def assert_gif(response: dict) -> None:
    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"] == "image/gif"
    assert response["headers"]["Cache-Control"] == "no-store"
    assert response["isBase64Encoded"] and base64.b64decode(response["body"]) == GIF


def sale(**extra) -> dict:
    return {"advertiser": "shop-backend", "order_id": "P-1", "amount": "50.00", "currency": "EUR", **extra}
