"""Proving a postback comes from the advertiser: a secret token, or an HMAC signature, and an IP allow-list.

Signature header (Stripe-like): `X-Waymark-Signature: t=<unix seconds>,v1=<hex>` where
hex = HMAC-SHA256(advertiser's hmac_secret, f"{t}." + raw body) for a POST, or over the raw
query string for a GET; the advertiser is named by `X-Waymark-Advertiser` (or the
`advertiser` parameter). Several `v1=` entries may be sent (while rotating secrets). After an
operator rotates the credentials, the previous token and HMAC secret are accepted until the
grace period the operator chose ends (waymark.conversions.advertisers.rotate_credentials).
Signatures older (or newer) than five minutes are refused, so a captured request cannot be
replayed later; within the five minutes a replay is a repeat of the same order and writes
nothing (idempotency).

A signature made with the advertiser's test secret (the console's test conversion) proves less:
`prove` says so (`test_only`), and /postback then records only a test click's rejected `test`
sale (waymark.conversions.postbacks). `authenticate` refuses it outright.
"""

import hashlib
import hmac
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass

from waymark import catalog
from waymark.conversions import advertisers, postback_wording
from waymark.conversions.vocabulary import AdvertiserStatus
from waymark.models import Advertiser

SIGNATURE_HEADER = "x-waymark-signature"
ADVERTISER_HEADER = "x-waymark-advertiser"
MAX_SIGNATURE_AGE_SECONDS = 300
MAX_ID_LENGTH = 64


class Unauthorized(Exception):
    """Missing or wrong credentials (401). The message is safe to show the caller."""


class Forbidden(Exception):
    """Right credentials, but from an address the advertiser does not allow (403)."""


@dataclass(frozen=True)
class Credentials:
    token: str | None = None  # `token` parameter or `Authorization: Bearer <token>`
    advertiser_id: str | None = None  # names the advertiser for a signature
    signature: str | None = None  # the X-Waymark-Signature header
    signed: bytes = b""  # raw body (POST) or raw query string (GET)
    source_ip: str = ""


def sign(secret: str, timestamp: int, payload: bytes) -> str:
    """The X-Waymark-Signature value for `payload` (what an advertiser's system computes)."""
    return f"t={timestamp},v1={_mac(secret, str(timestamp), payload)}"


@dataclass(frozen=True)
class Proof:
    advertiser: Advertiser
    test_only: bool = False  # signed with the advertiser's test secret: a console test conversion, nothing more


def authenticate(
    credentials: Credentials, *, now: float, lookup: Callable[[str], Advertiser | None] = catalog.advertiser
) -> Advertiser:
    """The advertiser the credentials prove; a test secret's signature proves none (`prove` tells it apart)."""
    proof = prove(credentials, now=now, lookup=lookup)
    if proof.test_only:
        raise Unauthorized(postback_wording.SIGNATURE_INVALID())
    return proof.advertiser


def prove(
    credentials: Credentials, *, now: float, lookup: Callable[[str], Advertiser | None] = catalog.advertiser
) -> Proof:
    if credentials.signature:
        proof = _by_signature(credentials, now, lookup)
    elif credentials.token:
        proof = Proof(_by_token(credentials, now, lookup))
    else:
        raise Unauthorized(postback_wording.CREDENTIALS_MISSING())
    if not source_allowed(proof.advertiser.allowed_cidrs, credentials.source_ip):
        raise Forbidden(postback_wording.SOURCE_REFUSED())
    return proof


def source_allowed(cidrs: list[str] | None, source_ip: str) -> bool:
    if not cidrs:
        return True
    try:
        address = ipaddress.ip_address(source_ip)
    except ValueError:
        return False
    for cidr in cidrs:
        try:
            if address in ipaddress.ip_network(cidr, strict=False):
                return True
        except ValueError:
            continue  # a malformed entry allows nothing
    return False


def token_owner(
    token: str, lookup: Callable[[str], Advertiser | None] = catalog.advertiser, *, now: float | None = None
) -> Advertiser | None:
    """The active advertiser whose postback token (current, or previous within its grace period) this is, or None."""
    advertiser_id = advertisers.advertiser_id_of(token)
    advertiser = _active(advertiser_id, lookup) if advertiser_id else None
    return advertiser if advertiser is not None and advertisers.token_matches(advertiser, token, now) else None


def named_advertiser(advertiser_id: str, lookup: Callable[[str], Advertiser | None] = catalog.advertiser) -> Advertiser:
    """The active advertiser a pixel names. A name proves nothing: callers credit only live clicks."""
    advertiser = _active(advertiser_id, lookup) if advertiser_id else None
    if advertiser is None:
        raise Unauthorized(postback_wording.NAME_ADVERTISER())
    return advertiser


def _by_token(credentials: Credentials, now: float, lookup: Callable[[str], Advertiser | None]) -> Advertiser:
    token = credentials.token or ""
    advertiser_id = advertisers.advertiser_id_of(token)
    if advertiser_id is None or (credentials.advertiser_id and credentials.advertiser_id != advertiser_id):
        raise Unauthorized(postback_wording.TOKEN_INVALID())
    advertiser = token_owner(token, lookup, now=now)
    if advertiser is None:
        raise Unauthorized(postback_wording.TOKEN_INVALID())
    return advertiser


def _by_signature(credentials: Credentials, now: float, lookup: Callable[[str], Advertiser | None]) -> Proof:
    if not credentials.advertiser_id:
        raise Unauthorized(postback_wording.SIGNED_NAMES_ADVERTISER())
    parts: dict[str, list[str]] = {}
    for piece in (credentials.signature or "").split(","):
        key, _, value = piece.strip().partition("=")
        parts.setdefault(key, []).append(value)
    timestamp = (parts.get("t") or [""])[0]
    if not timestamp.isdigit() or len(timestamp) > 12 or not parts.get("v1"):
        raise Unauthorized(postback_wording.SIGNATURE_FORM())
    if abs(now - int(timestamp)) > MAX_SIGNATURE_AGE_SECONDS:
        raise Unauthorized(postback_wording.SIGNATURE_OLD())
    advertiser = _active(credentials.advertiser_id, lookup)
    if advertiser is None:
        raise Unauthorized(postback_wording.SIGNATURE_INVALID())
    given = [value.lower() for value in parts["v1"] if value.isascii()]

    def signed_with(secrets: list[str]) -> bool:
        expected = [_mac(secret, timestamp, credentials.signed) for secret in secrets]
        return any(hmac.compare_digest(mac, value) for mac in expected for value in given)

    if signed_with(advertisers.hmac_secrets(advertiser, now)):
        return Proof(advertiser)
    if advertiser.test_hmac_secret is None:
        # The console may have just given this advertiser its first test secret: read it afresh.
        catalog.forget_advertiser(advertiser.advertiser_id)
        advertiser = _active(credentials.advertiser_id, lookup) or advertiser
    test_secret = advertisers.test_hmac_secret(advertiser)
    if test_secret is not None and signed_with([test_secret]):
        return Proof(advertiser, test_only=True)
    raise Unauthorized(postback_wording.SIGNATURE_INVALID())


def _active(advertiser_id: str, lookup: Callable[[str], Advertiser | None]) -> Advertiser | None:
    if len(advertiser_id) > MAX_ID_LENGTH or not advertiser_id.isascii():
        return None
    advertiser = lookup(advertiser_id)
    return advertiser if advertiser is not None and advertiser.status == AdvertiserStatus.ACTIVE else None


def _mac(secret: str, timestamp: str, payload: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + payload, hashlib.sha256).hexdigest()
