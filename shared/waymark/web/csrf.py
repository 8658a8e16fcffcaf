"""CSRF tokens for forms: an HMAC over the visitor's session id and the time it was issued,
under a key of the web keyring that the token names (`<key id>.<issued>.<mac>`).

Logged-in forms bind to the login (Principal.session_id); the login and signup forms bind
to a random `__Host-wm_csrf` cookie, so a token lifted from one browser is useless in another.
"""

import base64
import hashlib
import hmac
import secrets
import time

from waymark.core import signing_keys as keys

CSRF_COOKIE = "__Host-wm_csrf"
MAX_AGE_SECONDS = 12 * 3600


def _mac(key: bytes, session_id: str, issued: int) -> str:
    digest = hmac.new(key, f"{session_id}|{issued}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode()


def token_for(session_id: str, now: float | None = None) -> str:
    issued = int(now if now is not None else time.time())
    key_id, key = keys.current_signing_key(keys.WEB_KEYS, "csrf")
    return f"{key_id}.{issued}.{_mac(key, session_id, issued)}"


def verify(token: str | None, session_id: str | None, now: float | None = None) -> bool:
    if not token or not session_id:
        return False
    key_id, _, rest = token.partition(".")
    issued_text, _, mac = rest.partition(".")
    if not issued_text.isdigit() or not keys.KEY_ID.match(key_id):
        return False
    issued = int(issued_text)
    current = now if now is not None else time.time()
    if not 0 <= current - issued <= MAX_AGE_SECONDS:
        return False
    key = keys.verifying_key(keys.WEB_KEYS, "csrf", key_id)
    return key is not None and hmac.compare_digest(mac, _mac(key, session_id, issued))


def new_browser_id() -> str:
    return secrets.token_urlsafe(18)


def browser_cookie(value: str) -> str:
    return f"{CSRF_COOKIE}={value}; Max-Age={MAX_AGE_SECONDS}; Path=/; Secure; HttpOnly; SameSite=Strict"
