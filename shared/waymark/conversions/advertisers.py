"""Advertisers: who reports conversions for a program, and the secrets they prove it with."""

import hashlib
import hmac
import secrets

from aws_lambda_powertools import Logger
from pynamodb.exceptions import UpdateError

from waymark.models import Advertiser, Program

logger = Logger(child=True)


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


def flag_exposed_token(advertiser: Advertiser) -> None:
    """Mark on the program that this advertiser's postback token was seen in public (sent to the pixel).

    The console shows the flag until the token is rotated. Best effort: the pixel still answers if
    the write fails, and the next hit with the leaked token tries again.
    """
    try:
        Program(*Program.key(advertiser.program_id)).update(
            actions=[Program.token_exposed_by.add({advertiser.advertiser_id})], condition=Program.pk.exists()
        )
    except UpdateError as error:
        logger.warning("could not flag the exposed token", extra={"error": str(error)})
