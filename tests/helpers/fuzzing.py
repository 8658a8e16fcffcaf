"""Shared pieces of the property-based fuzzing: hostile values, requests through the template's
routes, and the three properties every public endpoint keeps (no 5xx, no redirect off the
program's domains, no write from a rejected request)."""

import json
from urllib.parse import urlsplit

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from tests.helpers.events import http_event

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Values that have broken parsers somewhere: injections, encodings, sizes, numbers that are not.
HOSTILE = [
    "",
    " ",
    "null",
    "true",
    "-1",
    "1e309",
    "NaN",
    "Infinity",
    "0x10",
    "1,5",
    "٣",  # an Arabic-Indic digit: str.isdigit() says yes
    "１２",  # full-width digits
    "1" * 400,
    "<script>alert(1)</script>",
    "' OR '1'='1",
    "${jndi:ldap://x}",
    "{{7*7}}",
    "%0d%0aSet-Cookie:x",
    "\r\nLocation: https://evil.com",
    "\x00",
    "../../etc/passwd",
    "https://evil.com/",
    "javascript:alert(1)",
    "//evil.com",
    "é" * 300,
]
# Query strings no encoder would produce: invalid UTF-8, bad escapes, empty names, repeats.
RAW_QUERIES = ["%FF%FE=1", "a=%ZZ", "=&&=", "a=1&a=2", "%00=%00", "a" * 3000 + "=1", "&" * 50, "a=%C0%AF", "+=+"]
# Bodies that are not UTF-8 text: the gateway passes them on base64-encoded.
BINARY_BODIES = [b"\x80", b"\xff\xfe{}", b'{"a": "\xc3\x28"}', b"List-Unsubscribe=One-Click\xff", bytes(range(256))]
hostile_text = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60))
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text, st.sampled_from(["1.5", "2"])
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=6,
)

# What a write is, in the names the `aws_requests` recorder gives calls (JSON protocols by target,
# REST protocols as "METHOD url").
_WRITE_PREFIXES = ("Put", "Update", "Delete", "Transact", "BatchWrite", "Send", "Admin", "SignUp", "Create")


def writes(calls: list[str]) -> list[str]:
    """The write calls, but the line a postback or pixel answer (other than a new sale's) adds to its
    advertiser's log (tests/integration/portal/test_integration_page.py holds those)."""
    from waymark.models import PostbackLogEntry

    log = PostbackLogEntry.Meta.table_name
    return [
        c
        for c in calls
        if (c.startswith(_WRITE_PREFIXES) or c.split(" ", 1)[0] in ("PUT", "POST", "DELETE"))
        and getattr(c, "table", None) != log
    ]


def request(runtime, method: str, path: str, **kwargs) -> dict | None:
    """The handler's proxy result for a request routed by template.yaml; None when no route matches
    (API Gateway answers those itself, with a 404)."""
    try:
        function, event = http_event(runtime.stack, method, path, **kwargs)
    except LookupError:
        return None
    return runtime.invoke(function, event)


def assert_sound(response: dict, allowed_hosts: tuple[str, ...] = ()) -> int:
    """No server error, and a redirect only to an allowed host over HTTPS; returns the status."""
    status = response["statusCode"]
    assert status < 500, response
    headers = response.get("headers") or {}
    if 300 <= status < 400:
        location = urlsplit(headers.get("Location", ""))
        assert location.scheme == "https" and location.hostname in allowed_hosts, headers.get("Location")
        assert not any(c in headers["Location"] for c in "\r\n\\")
    else:
        assert "Location" not in headers, headers
    return status


def body_json(response: dict) -> dict:
    return json.loads(response.get("body") or "{}")
