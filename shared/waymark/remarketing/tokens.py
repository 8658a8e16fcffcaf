"""Tokens in remarketing email links, and the keyed hash that stands in for an email address.

Links carry no personal data: an offer link names an opaque offer id (a keyed hash of the
conversion id, resolved server-side), the profile, the product and an expiry; an unsubscribe
link names the keyed hash of the address. Each is signed with HMAC-SHA256 under its own
purpose-bound key of the email-link keyring and names that key's id first
(`<key id>.<parts>.<signature>`), so it can be neither forged nor altered, and links sent before
a rotation keep working while their key stays listed. Links from before key ids (no id) are
checked with the key listed as "legacy", if any (docs/operators.md "Rotating keys").

The email hash and offer ids are stored (suppressions, send items, offer references), so
their key is a hashing key that is never rotated (waymark.core.signing_keys).
"""

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

from waymark import wording
from waymark.core import signing_keys as keys

_PART = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SIGNATURE_BYTES = 16


class BadToken(ValueError):
    """The token is malformed, altered or signed with another key; the message is safe to show."""


class ExpiredToken(BadToken):
    pass


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_hash(email: str) -> str:
    """Keyed hash of an address: suppression and send items are keyed by it, never by the address."""
    key = keys.hashing_key(keys.REMARKETING_HASH_KEY, "remarketing-email")
    digest = hmac.new(key, normalize_email(email).encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:20]).decode().lower()


def offer_id(conversion_id: str) -> str:
    """The opaque, stable handle of one booking in email links (deterministic, so re-planning reuses it)."""
    key = keys.hashing_key(keys.REMARKETING_HASH_KEY, "remarketing-offer-id")
    digest = hmac.new(key, conversion_id.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:15]).decode().lower()


def _sign(key: bytes, parts: tuple[str, ...]) -> str:
    mac = hmac.new(key, "|".join(parts).encode(), hashlib.sha256).digest()[:_SIGNATURE_BYTES]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def _seal(purpose: str, parts: tuple[str, ...]) -> str:
    for part in parts:
        if not _PART.match(part):
            raise ValueError(f"token part {part!r} is not 1-64 URL-safe characters")
    key_id, key = keys.current_signing_key(keys.EMAIL_LINK_KEYS, purpose)
    return ".".join((key_id, *parts, _sign(key, parts)))


def _open(purpose: str, token: str, count: int) -> tuple[str, ...]:
    pieces = token.split(".") if token and len(token) <= 512 else []
    if len(pieces) == count + 1:
        pieces.insert(0, keys.LEGACY_KEY_ID)  # signed before tokens named their key
    if len(pieces) != count + 2 or not all(_PART.match(p) for p in pieces) or not keys.KEY_ID.match(pieces[0]):
        raise BadToken(wording.LINK_NOT_VALID())
    key_id, *parts, signature = pieces
    key = keys.verifying_key(keys.EMAIL_LINK_KEYS, purpose, key_id)
    if key is None or not hmac.compare_digest(signature, _sign(key, tuple(parts))):
        raise BadToken(wording.LINK_NOT_VALID())
    return tuple(parts)


@dataclass(frozen=True)
class OfferLink:
    offer_id: str
    profile_id: str
    product: str
    expires: int  # epoch seconds

    def token(self) -> str:
        return _seal("remarketing-link", (self.offer_id, self.profile_id, self.product, str(self.expires)))

    @classmethod
    def parse(cls, token: str, now: float) -> "OfferLink":
        offer, profile, product, expires = _open("remarketing-link", token, 4)
        if not expires.isdigit():
            raise BadToken(wording.LINK_NOT_VALID())
        link = cls(offer, profile, product, int(expires))
        if now >= link.expires:
            raise ExpiredToken(wording.OFFER_EXPIRED())
        return link


@dataclass(frozen=True)
class UnsubscribeLink:
    """Never expires: an unsubscribe link must work however late it is clicked."""

    email_hash: str
    program_id: str
    lang: str

    def token(self) -> str:
        return _seal("remarketing-unsubscribe", (self.email_hash, self.program_id, self.lang))

    @classmethod
    def parse(cls, token: str) -> "UnsubscribeLink":
        return cls(*_open("remarketing-unsubscribe", token, 3))


@dataclass(frozen=True)
class PartnerUnsubscribeLink:
    """A partner's optional emails of one topic (waymark.partners.emails.TOPICS) turned off.

    Its own purpose key: a remarketing unsubscribe token cannot pass for one, nor the reverse.
    Never expires, like UnsubscribeLink."""

    agent_id: str
    topic: str
    lang: str

    def token(self) -> str:
        return _seal("partner-unsubscribe", (self.agent_id, self.topic, self.lang))

    @classmethod
    def parse(cls, token: str) -> "PartnerUnsubscribeLink":
        return cls(*_open("partner-unsubscribe", token, 3))
