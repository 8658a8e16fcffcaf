"""Helpers for the conversion tests: clicks through the click function, postbacks through the postback function."""

import json
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.helpers.events import http_event


def click(runtime, code: str) -> str:
    """A real click through the click function; returns the click id."""
    _, event = http_event(runtime.stack, "GET", f"/c/{code}")
    response = runtime.invoke("ClickFunction", event)
    assert response["statusCode"] == 302, response
    return parse_qs(urlsplit(response["headers"]["Location"]).query)["click_id"][0]


@dataclass
class Answer:
    status: int
    body: dict
    headers: dict


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
    response = runtime.invoke(function, event)
    return Answer(response["statusCode"], json.loads(response["body"] or "{}"), response.get("headers") or {})
