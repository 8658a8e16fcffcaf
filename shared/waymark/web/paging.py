"""Opaque, signed page cursors around DynamoDB's LastEvaluatedKey.

Signed and bound to the listing they came from (its "scope"), so a cursor cannot be
edited to start another partner's listing, and a damaged one is a clear 400, never a 500.
"""

import base64
import hashlib
import hmac
import json
from typing import Any

from waymark.core.signing_keys import derive_key
from waymark.web.errors import BadRequest

MAX_CURSOR_LENGTH = 2000


def _mac(scope: str, payload: str) -> str:
    digest = hmac.new(derive_key("page-cursor"), f"{scope}|{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def encode_cursor(last_key: dict[str, Any] | None, scope: str) -> str | None:
    if not last_key:
        return None
    payload = base64.urlsafe_b64encode(json.dumps(last_key, sort_keys=True, separators=(",", ":")).encode())
    text = payload.decode().rstrip("=")
    return f"{text}.{_mac(scope, text)}"


def decode_cursor(cursor: str | None, scope: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    text, _, mac = cursor.partition(".")
    if len(cursor) > MAX_CURSOR_LENGTH or not hmac.compare_digest(mac, _mac(scope, text)):
        raise BadRequest("this page link is not valid; start again from the first page")
    try:
        key = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except ValueError as error:
        raise BadRequest("this page link is not valid; start again from the first page") from error
    if not isinstance(key, dict):
        raise BadRequest("this page link is not valid; start again from the first page")
    return key
