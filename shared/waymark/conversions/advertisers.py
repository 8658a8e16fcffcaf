"""Advertisers: who reports conversions for a program, and the secrets they prove it with."""

import hashlib
import hmac
import secrets

from waymark.models import Advertiser, Program


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def advertiser_id_of(token: str) -> str | None:
    """Tokens read "<advertiser id>.<secret>", so a pixel URL needs no other parameter."""
    advertiser_id, dot, secret = token.partition(".")
    return advertiser_id if dot and advertiser_id and secret else None


def token_matches(advertiser: Advertiser, token: str) -> bool:
    return hmac.compare_digest(advertiser.token_sha256, token_digest(token))


def create_advertiser(
    program: Program, advertiser_id: str, name: str, *, allowed_cidrs: list[str] | None = None
) -> tuple[Advertiser, str]:
    """Store a new advertiser; returns it with its postback token (shown once, stored only as a hash)."""
    token = f"{advertiser_id}.{secrets.token_urlsafe(24)}"
    pk, sk = Advertiser.key(advertiser_id)
    advertiser = Advertiser(
        pk,
        sk,
        advertiser_id=advertiser_id,
        program_id=program.program_id,
        name=name,
        token_sha256=token_digest(token),
        hmac_secret=secrets.token_urlsafe(32),
        allowed_cidrs=allowed_cidrs or [],
    )
    advertiser.save(condition=Advertiser.pk.does_not_exist())
    return advertiser, token
