"""Who is calling: Cognito ID tokens verified against the user pool's JWKS.

One module for pages (the `__Host-wm_session` cookie) and the JSON API (`Authorization: Bearer`),
so both make the same decision. Keys are fetched once and cached for the container's life;
an unknown key id triggers one refetch (Cognito rotates keys rarely).
"""

import json
import os
import time
import urllib.request
from dataclasses import dataclass

import jwt
from botocore.exceptions import ClientError

from waymark import wording
from waymark.core import aws
from waymark.partners import mfa
from waymark.partners.accounts import ADMINS_GROUP, PARTNERS_GROUP, user_pool_id

SESSION_COOKIE = "__Host-wm_session"
_ALGORITHMS = ["RS256"]


class NotAuthenticated(Exception):
    """No valid credentials; the message is safe to show."""


class NewPasswordRequired(Exception):
    """The password was a temporary one (an invitation): the login must choose its own first.

    `session` is Cognito's handle for that step (waymark.partners.passwords.choose_first_password);
    it stands in for the temporary password for a few minutes, so it goes only to whoever sent it.
    """

    def __init__(self, session: str) -> None:
        super().__init__("choose a new password")
        self.session = session


@dataclass(frozen=True)
class Principal:
    sub: str
    email: str
    groups: frozenset[str]
    agent_id: str | None
    session_id: str  # stable for one login: binds CSRF tokens to it
    username: str = ""  # the user pool's name for the login (cognito:username)

    @property
    def is_admin(self) -> bool:
        return ADMINS_GROUP in self.groups

    @property
    def is_partner(self) -> bool:
        return PARTNERS_GROUP in self.groups and self.agent_id is not None


def client_id() -> str:
    return os.environ["USER_POOL_CLIENT_ID"]


def issuer() -> str:
    return f"https://cognito-idp.{aws.region()}.amazonaws.com/{user_pool_id()}"


def jwks_url() -> str:
    """COGNITO_JWKS_URL when set; the embedded AWS's copy locally; else the pool's public JWKS."""
    if os.environ.get("COGNITO_JWKS_URL"):
        return os.environ["COGNITO_JWKS_URL"]
    endpoint = os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:
        return f"{endpoint.rstrip('/')}/{user_pool_id()}/.well-known/jwks.json"
    return f"{issuer()}/.well-known/jwks.json"


class _KeySet:
    """The pool's signing keys by key id; an unknown id refetches, at most once a minute."""

    REFETCH_AFTER_SECONDS = 60.0

    def __init__(self) -> None:
        self.keys: dict[str, jwt.PyJWK] = {}
        self.fetched_at = float("-inf")
        self.url = ""

    def key(self, kid: str) -> jwt.PyJWK:
        url = jwks_url()
        stale = url != self.url or time.monotonic() - self.fetched_at > self.REFETCH_AFTER_SECONDS
        if (kid not in self.keys or url != self.url) and stale:
            with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - https, or file/http locally  # nosec B310
                document = json.load(response)
            self.keys = {k.key_id: k for k in jwt.PyJWKSet.from_dict(document).keys if k.key_id}
            self.url, self.fetched_at = url, time.monotonic()
        if kid not in self.keys:
            raise NotAuthenticated(wording.SESSION_INVALID())
        return self.keys[kid]


_KEYS = _KeySet()


def verify(token: str) -> Principal:
    """The principal of a valid, unexpired ID token from this pool and app client."""
    try:
        key = _KEYS.key(jwt.get_unverified_header(token).get("kid", ""))
        claims = jwt.decode(
            token,
            key.key,
            algorithms=_ALGORITHMS,
            audience=client_id(),
            issuer=issuer(),
            options={"require": ["exp", "iat", "iss", "sub", "aud", "token_use"]},
        )
    except (jwt.PyJWTError, ValueError) as error:
        raise NotAuthenticated(wording.SESSION_INVALID()) from error
    if claims.get("token_use") != "id":
        raise NotAuthenticated(wording.TOKEN_REQUIRED())
    return Principal(
        sub=claims["sub"],
        email=claims.get("email", ""),
        groups=frozenset(claims.get("cognito:groups", [])),
        agent_id=claims.get("custom:agent_id"),
        session_id=claims.get("origin_jti") or claims.get("jti") or claims["sub"],
        username=claims.get("cognito:username") or claims["sub"],
    )


def bearer_or_cookie(headers: dict[str, str], cookies: dict[str, str]) -> str | None:
    authorization = headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return cookies.get(SESSION_COOKIE)


def login(email: str, password: str) -> tuple[str, int]:
    """Username and password through Cognito (USER_PASSWORD_AUTH): (ID token, seconds valid).

    Raises NotAuthenticated; NewPasswordRequired for an invited login's temporary password;
    mfa.CodeRequired for a login with an authenticator app (the code comes next); mfa.SetupRequired
    for an operator without one (it sets one up before the console lets it in).
    """
    cognito = aws.client("cognito-idp")
    try:
        result = cognito.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=client_id(),
            AuthParameters={"USERNAME": email, "PASSWORD": password},
        )
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code")
        if code in ("NotAuthorizedException", "UserNotFoundException", "UserNotConfirmedException"):
            raise NotAuthenticated(wording.WRONG_LOGIN()) from error
        if code in ("TooManyRequestsException", "LimitExceededException"):
            raise NotAuthenticated(wording.LOGIN_THROTTLED()) from error
        raise
    if result.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
        raise NewPasswordRequired(result["Session"])
    if "AuthenticationResult" not in result and result.get("ChallengeName") != mfa.SOFTWARE_TOKEN_MFA:
        raise NotAuthenticated(wording.PASSWORD_BY_OPERATOR())
    return mfa.after_password(result)


def session_cookie(token: str, max_age: int) -> str:
    return f"{SESSION_COOKIE}={token}; Max-Age={max_age}; Path=/; Secure; HttpOnly; SameSite=Strict"


def clear_session_cookie() -> str:
    return f"{SESSION_COOKIE}=; Max-Age=0; Path=/; Secure; HttpOnly; SameSite=Strict"
