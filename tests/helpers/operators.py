"""Operators as they really log in: a login in the embedded user pool with an authenticator app
set up, then the password and a TOTP code.

The embedded AWS checks codes only with MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true (tests/conftest.py
and the local stack set it); it then gives every login the same key (`moto_secret()`), checks the
code of the current 30-second step only, and keeps no count of wrong codes. The codes here are
computed from the key the user pool handed out, as an authenticator app does.
"""

import base64
import html
import re
import time

from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP

from tests.helpers.tokens import ADMIN

STEP_SECONDS = 30


def code_at(secret: str, moment: float) -> str:
    """The 6-digit code an authenticator app shows for `secret` at `moment` (RFC 6238, SHA-1, 30 s)."""
    padded = secret + "=" * (-len(secret) % 8)
    totp = TOTP(base64.b32decode(padded, casefold=True), 6, SHA1(), STEP_SECONDS, enforce_key_length=False)  # noqa: S303 - RFC 6238's
    return totp.generate(int(moment)).decode()


def code(secret: str) -> str:
    """The code for now, waiting out the step's last second so it is still current when it arrives."""
    if STEP_SECONDS - time.time() % STEP_SECONDS < 1.0:
        time.sleep(STEP_SECONDS - time.time() % STEP_SECONDS + 0.05)
    return code_at(secret, time.time())


def wrong_code(secret: str) -> str:
    """Six digits that are none of the codes of the steps around now."""
    near = {code_at(secret, time.time() + step * STEP_SECONDS) for step in (-1, 0, 1)}
    return next(candidate for candidate in ("000000", "111111", "222222", "333333") if candidate not in near)


def _cognito():
    from tests.helpers.portal import aws_client

    return aws_client("cognito-idp")


def _pool() -> tuple[str, str]:
    from waymark.partners.accounts import user_pool_client_id, user_pool_id

    return user_pool_id(), user_pool_client_id()


def set_up_authenticator(email: str, password: str) -> str:
    """Add an authenticator app to the login, as the set-up page does; returns its key."""
    _, client_id = _pool()
    cognito = _cognito()
    tokens = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id, AuthParameters={"USERNAME": email, "PASSWORD": password}
    )["AuthenticationResult"]
    secret = cognito.associate_software_token(AccessToken=tokens["AccessToken"])["SecretCode"]
    cognito.verify_software_token(AccessToken=tokens["AccessToken"], UserCode=code(secret))
    cognito.set_user_mfa_preference(
        AccessToken=tokens["AccessToken"], SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    return secret


def operator(email: str = ADMIN[0], password: str = ADMIN[1]) -> str:
    """An operator login with its authenticator app set up (made if absent); returns the app's key."""
    from waymark.partners.accounts import ADMINS_GROUP, create_login

    pool, _ = _pool()
    try:
        user = _cognito().admin_get_user(UserPoolId=pool, Username=email)
    except ClientError:
        create_login(email, password, group=ADMINS_GROUP)
        return set_up_authenticator(email, password)
    if "SOFTWARE_TOKEN_MFA" in user.get("UserMFASettingList", []):
        return moto_secret()
    return set_up_authenticator(email, password)


def moto_secret() -> str:
    """The one key the embedded user pool gives every login (AssociateSoftwareToken)."""
    from moto.cognitoidp.models import COGNITO_TOTP_MFA_SECRET

    return COGNITO_TOTP_MFA_SECRET


def operator_token(email: str = ADMIN[0], password: str = ADMIN[1]) -> str:
    """An operator's ID token from a real login: the password, then a code from its app."""
    secret = operator(email, password)
    _, client_id = _pool()
    cognito = _cognito()
    challenge = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id, AuthParameters={"USERNAME": email, "PASSWORD": password}
    )
    assert challenge.get("ChallengeName") == "SOFTWARE_TOKEN_MFA", challenge
    result = cognito.respond_to_auth_challenge(
        ClientId=client_id,
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": email, "SOFTWARE_TOKEN_MFA_CODE": code(secret)},
    )
    return result["AuthenticationResult"]["IdToken"]


def log_in_operator(browser, email: str = ADMIN[0], password: str = ADMIN[1]):
    """Log a WebClient in through the pages (password, then the code page); returns the last answer."""
    secret = operator(email, password)
    page = browser.submit("/login", "/login", {"email": email, "password": password})
    assert page.status == 200 and 'action="/login/code"' in page.body, page.body[:500]
    answer = browser.post("/login/code", form={**hidden_fields(page.body), "code": code(secret)})
    assert answer.status == 303, answer.body[:500]
    return answer


def hidden_fields(body: str) -> dict[str, str]:
    """The hidden inputs of a page's form (CSRF token, session, ...), as a browser sends them back."""
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body)
    }
