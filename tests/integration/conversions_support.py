"""Helpers for the conversion tests: clicks through the click function, postbacks through the postback function."""

import json
import threading
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode, urlsplit

from tests.support import http_event


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


class SerializedMoto:
    """moto's DynamoDB checks a write's condition and then stores the item as two separate steps,
    with no lock, and rolls a failed transaction back by restoring a copy of the whole table (which
    can erase another thread's write). Real DynamoDB serializes the writes to one item. Without this,
    the transaction variant of the concurrency test recorded the same order twice in two runs of
    three (the plain PutItem variant passed: its check and store run without a thread switch in
    between, by luck of the GIL). So the test serializes moto's write operations, and only those:
    the 20 requests still run concurrently through the real domain code, which is unchanged."""

    OPERATIONS = ("put_item", "transact_write_items", "update_item", "delete_item")

    def __init__(self) -> None:
        self.lock = threading.RLock()  # moto's transaction calls its own put_item
        self.saved: dict = {}

    def __enter__(self):
        from moto.dynamodb.models import DynamoDBBackend

        for name in self.OPERATIONS:
            original = getattr(DynamoDBBackend, name)
            self.saved[name] = original
            setattr(DynamoDBBackend, name, self._locked(original))
        return self

    def _locked(self, original):
        def locked(*args, **kwargs):
            with self.lock:
                return original(*args, **kwargs)

        return locked

    def __exit__(self, *exc) -> None:
        from moto.dynamodb.models import DynamoDBBackend

        for name, original in self.saved.items():
            setattr(DynamoDBBackend, name, original)
