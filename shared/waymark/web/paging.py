"""Opaque, signed page cursors around DynamoDB's LastEvaluatedKey.

Signed and bound to the listing they came from (its "scope"), so a cursor cannot be
edited to start another partner's listing, and a damaged one is a clear 400, never a 500.
A cursor names the web keyring's key it was signed with: `<key id>.<payload>.<mac>`.
"""

import base64
import hashlib
import hmac
import json
from typing import Any

from waymark import wording
from waymark.core import signing_keys as keys
from waymark.web.errors import BadRequest

MAX_CURSOR_LENGTH = 2000


INVALID = wording.PAGE_LINK_INVALID()


def _mac(key: bytes, scope: str, payload: str) -> str:
    digest = hmac.new(key, f"{scope}|{payload}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def encode_cursor(last_key: dict[str, Any] | None, scope: str) -> str | None:
    if not last_key:
        return None
    payload = base64.urlsafe_b64encode(json.dumps(last_key, sort_keys=True, separators=(",", ":")).encode())
    text = payload.decode().rstrip("=")
    key_id, key = keys.current_signing_key(keys.WEB_KEYS, "page-cursor")
    return f"{key_id}.{text}.{_mac(key, scope, text)}"


def decode_cursor(cursor: str | None, scope: str) -> dict[str, Any] | None:
    if not cursor:
        return None
    key_id, _, rest = cursor.partition(".")
    text, _, mac = rest.partition(".")
    if len(cursor) > MAX_CURSOR_LENGTH or not keys.KEY_ID.match(key_id):
        raise BadRequest(INVALID)
    key = keys.verifying_key(keys.WEB_KEYS, "page-cursor", key_id)
    if key is None or not hmac.compare_digest(mac, _mac(key, scope, text)):
        raise BadRequest(INVALID)
    try:
        key = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except ValueError as error:
        raise BadRequest(INVALID) from error
    if not isinstance(key, dict):
        raise BadRequest(INVALID)
    return key
