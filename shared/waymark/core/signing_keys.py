"""Purpose-bound keys derived from the one deployment secret (WAYMARK_SECRET)."""

import hashlib
import hmac
import os
from functools import cache


@cache
def derive_key(purpose: str) -> bytes:
    root = os.environ.get("WAYMARK_SECRET", "")
    if len(root) < 16:
        raise RuntimeError("WAYMARK_SECRET is missing or shorter than 16 characters")
    return hmac.new(root.encode(), purpose.encode(), hashlib.sha256).digest()


def visitor_hash(ip: str) -> str:
    """Keyed hash of the visitor's IP: stable enough for unique-click counting, useless to read back."""
    return hmac.new(derive_key("visitor-ip"), ip.encode(), hashlib.sha256).hexdigest()[:32]
