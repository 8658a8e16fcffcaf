"""Per-client attempt limits on the doors a script would hammer: signup, login, password reset, codes.

A client is the keyed hash of its IP address (the click path's visitor hash, so no IP is
stored); each action has its own bucket (waymark.core.rate_limits). Over the limit the
request is refused with 429 and Retry-After before it does anything else.
"""

from waymark import wording
from waymark.core import rate_limits, signing_keys
from waymark.core.rate_limits import Bucket
from waymark.web.app import current
from waymark.web.errors import TooManyRequests

# Generous enough for a person who mistypes, far too slow for a script.
CLIENT_LIMITS: dict[str, Bucket] = {
    "signup": Bucket(burst=5, refill_seconds=300),
    "login": Bucket(burst=10, refill_seconds=12),
    "forgot_password": Bucket(burst=5, refill_seconds=300),
    "verify_email": Bucket(burst=10, refill_seconds=60),
    "resend_code": Bucket(burst=3, refill_seconds=300),
}


def limit_attempts(action: str) -> None:
    """Take one of this client's attempts at `action`, or raise TooManyRequests (with its Retry-After)."""
    source_ip = current().event.request_context.http.source_ip or "unknown"
    key = f"{action}#{signing_keys.visitor_hash(source_ip)}"
    try:
        rate_limits.take(key, CLIENT_LIMITS[action])
    except rate_limits.RateLimited as refused:
        raise TooManyRequests(_wait(refused.retry_after), retry_after=refused.retry_after) from refused


def _wait(seconds: int) -> str:
    if seconds < 90:
        return wording.TOO_MANY_FROM_NETWORK_SECONDS(seconds=seconds)
    return wording.TOO_MANY_FROM_NETWORK_MINUTES(minutes=round(seconds / 60))
