"""ID tokens as the user pool issues them, signed with the key moto's pool signs with, so a test
logs in without a Cognito round trip."""

import gzip
import json
import time
import uuid
from functools import cache

import jwt

from tests.helpers.stack import MOTO_COGNITO_KEYS

ADMIN = ("ops@example.com", "Operator-pass-1")  # the operator's login: email, password


@cache
def moto_private_key():
    document = gzip.decompress((MOTO_COGNITO_KEYS / "jwks-private.json.gz").read_bytes())
    return jwt.PyJWK.from_dict(json.loads(document)).key


def sign(claims: dict, key=None) -> str:
    """A token of `claims` signed as moto's pool signs (or with `key`, for a forgery)."""
    return jwt.encode(claims, key or moto_private_key(), algorithm="RS256", headers={"kid": "dummy"})


def token_claims(**overrides) -> dict:
    """An admin's ID token claims from this pool for this app client, valid for ten minutes, then `overrides`."""
    from waymark.web import auth

    now = int(time.time())
    claims = {
        "iss": auth.issuer(),
        "aud": auth.client_id(),
        "sub": "s-1",
        "token_use": "id",
        "iat": now,
        "exp": now + 600,
        "email": "x@example.com",
        "cognito:groups": ["admins"],
    }
    claims.update(overrides)
    return claims


def id_token(*, email: str, groups: list[str], agent_id: str | None = None, sub: str | None = None) -> str:
    """An ID token exactly like the user pool's, valid for an hour."""
    from waymark.web import auth

    now = int(time.time())
    claims = {
        "iss": auth.issuer(),
        "aud": auth.client_id(),
        "sub": sub or str(uuid.uuid4()),
        "token_use": "id",
        "iat": now,
        "exp": now + 3600,
        "email": email,
        "origin_jti": str(uuid.uuid4()),
        "cognito:groups": groups,
    }
    if agent_id:
        claims["custom:agent_id"] = agent_id
    return sign(claims)


def partner_token(agent) -> str:
    return id_token(email=agent.email, groups=["partners"], agent_id=agent.agent_id)
