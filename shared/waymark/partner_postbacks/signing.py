"""The Waymark-Signature header of a partner postback, and how a partner checks it (pure).

    Waymark-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<METHOD>.<URL>")>

The URL is exactly the one requested (scheme, host, path and query as sent). A receiver
recomputes the HMAC over what it received, compares in constant time, and refuses a `t` more than
five minutes away from its clock (a replayed call).
"""

import hashlib
import hmac
import time

HEADER = "Waymark-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: str, method: str, url: str, at: int) -> str:
    mac = hmac.new(secret.encode(), f"{at}.{method.upper()}.{url}".encode(), hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def verify(secret: str, method: str, url: str, header: str, now: float | None = None) -> bool:
    """What a partner runs: True when the header signs this method and URL, recently."""
    try:
        fields = dict(part.split("=", 1) for part in header.split(","))
        at = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs((time.time() if now is None else now) - at) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret, method, url, at).split(",v1=", 1)[1]
    return hmac.compare_digest(expected, fields.get("v1", ""))
