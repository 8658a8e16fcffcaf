"""Operators' second step: a code from an authenticator app (TOTP), through Cognito's own calls.

The user pool offers TOTP to everyone (MfaConfiguration OPTIONAL) and Waymark requires it of
operators (group `admins`); partners may stay password-only.

- logging in: a login with TOTP gets Cognito's SOFTWARE_TOKEN_MFA challenge after its password,
  answered with a code (RespondToAuthChallenge);
- setting it up: an operator without TOTP is given no session after its password, only the
  access token Cognito returned, which is good for AssociateSoftwareToken (the secret),
  VerifySoftwareToken (a first code) and SetUserMFAPreference; then it logs in again with a code;
- the console's gate: an operator's ID token counts only while its login has TOTP on
  (AdminGetUser), so a token got with the password alone grants nothing admin;
- a lost device: another operator turns the login's TOTP off (AdminSetUserMFAPreference); the next
  login sets it up again.

Cognito checks the codes and limits wrong ones itself (TooManyFailedAttemptsException or
NotAuthorizedException after several); Waymark keeps no count of its own.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import jwt
from botocore.exceptions import ClientError

from waymark import wording
from waymark.core import aws
from waymark.core.cache import TTLCache
from waymark.partners.accounts import ADMINS_GROUP, user_pool_client_id, user_pool_id

SOFTWARE_TOKEN_MFA = "SOFTWARE_TOKEN_MFA"  # noqa: S105 - Cognito's name for TOTP, not a secret  # nosec B105
ISSUER = "Waymark"
TOO_MANY = "too many attempts; wait a few minutes and try again"
WRONG = "this is not the code your app shows now; enter the current one"
EXPIRED = "this step has expired; log in again with your password"
# How long the console trusts "this operator has TOTP on" before asking the user pool again: a
# reset by another operator takes effect within this time for sessions that are already open.
ENROLLED_TTL_SECONDS = 60.0


class CodeRequired(Exception):
    """The password was right; the login has TOTP, so a code from its app comes next.

    `session` is Cognito's handle for this step (a few minutes): it stands in for the password.
    """

    def __init__(self, session: str) -> None:
        super().__init__("enter the code from your authenticator app")
        self.session = session


class SetupRequired(Exception):
    """An operator's password was right but it has no authenticator app yet: it must set one up.

    `access_token` is what Cognito returned for the password; Waymark uses it only for the set-up
    calls and never as a session (the console reads ID tokens only).
    """

    def __init__(self, access_token: str, email: str) -> None:
        super().__init__("operators set up an authenticator app before using the console")
        self.access_token = access_token
        self.email = email


class CodeNotAccepted(ValueError):
    """Nothing was changed; the message is safe to show and says what to do."""

    field = "code"


class CodeWrong(CodeNotAccepted):
    pass


class StepExpired(CodeNotAccepted):
    field = "form"


class TooManyAttempts(CodeNotAccepted):
    field = "form"


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, as authenticator apps take it typed in
    uri: str  # otpauth://totp/..., what a QR code would hold


def signed_in(tokens: dict) -> tuple[str, int]:
    """(ID token, seconds valid) from Cognito's AuthenticationResult, unless an operator must set up TOTP.

    The tokens come straight from Cognito over TLS in this request, so their groups are read
    without checking the signature here; every later request verifies the ID token (waymark.web.auth).
    """
    claims = jwt.decode(tokens["IdToken"], options={"verify_signature": False})
    if ADMINS_GROUP in claims.get("cognito:groups", []):
        user = _cognito().get_user(AccessToken=tokens["AccessToken"])
        if SOFTWARE_TOKEN_MFA not in user.get("UserMFASettingList", []):
            raise SetupRequired(tokens["AccessToken"], claims.get("email", ""))
    return tokens["IdToken"], int(tokens.get("ExpiresIn", 3600))


def after_password(result: dict) -> tuple[str, int]:
    """What comes after a right password (InitiateAuth, or the first login's new password)."""
    if result.get("ChallengeName") == SOFTWARE_TOKEN_MFA:
        raise CodeRequired(result["Session"])
    if "AuthenticationResult" not in result:
        raise StepExpired(wording.MFA_STEP_NOT_OFFERED())
    return signed_in(result["AuthenticationResult"])


def answer_code(email: str, session: str, code: str) -> tuple[str, int]:
    """Answer SOFTWARE_TOKEN_MFA with a code; returns (ID token, seconds valid)."""
    _check_shape(code)
    with _refused(EXPIRED):
        result = _cognito().respond_to_auth_challenge(
            ClientId=user_pool_client_id(),
            ChallengeName=SOFTWARE_TOKEN_MFA,
            Session=session,
            ChallengeResponses={"USERNAME": email, "SOFTWARE_TOKEN_MFA_CODE": code},
        )
    if "AuthenticationResult" not in result:
        raise StepExpired(wording.MFA_STEP_NOT_OFFERED())
    return signed_in(result["AuthenticationResult"])


def start_setup(access_token: str, email: str) -> Enrolment:
    """A new TOTP secret for the login (AssociateSoftwareToken); not in use until a code confirms it."""
    with _refused(EXPIRED):
        secret = _cognito().associate_software_token(AccessToken=access_token)["SecretCode"]
    return Enrolment(secret=secret, uri=otpauth_uri(secret, email))


def finish_setup(access_token: str, code: str) -> None:
    """Confirm the app with a first code (VerifySoftwareToken), then make TOTP the login's second step."""
    _check_shape(code)
    cognito = _cognito()
    with _refused(EXPIRED):
        verified = cognito.verify_software_token(AccessToken=access_token, UserCode=code, FriendlyDeviceName=ISSUER)
        if verified.get("Status") != "SUCCESS":
            raise CodeWrong(WRONG)
        cognito.set_user_mfa_preference(
            AccessToken=access_token, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
        )


def otpauth_uri(secret: str, email: str) -> str:
    """The key URI authenticator apps read (Google Authenticator's format: issuer, account, secret)."""
    label = quote(f"{ISSUER}:{email}", safe="@:")
    query = urlencode({"secret": secret, "issuer": ISSUER, "algorithm": "SHA1", "digits": 6, "period": 30})
    return f"otpauth://totp/{label}?{query}"


_ENROLLED: TTLCache[bool] = TTLCache(ENROLLED_TTL_SECONDS)


def has_totp(username: str) -> bool:
    """Whether the login has TOTP on (AdminGetUser); a yes is remembered briefly, a no never."""
    if _ENROLLED.get_or_load(username, lambda: _has_totp_now(username)):
        return True
    _ENROLLED.forget(username)  # a no is asked again next time: the set-up may have just finished
    return False


def _has_totp_now(username: str) -> bool:
    try:
        user = _cognito().admin_get_user(UserPoolId=user_pool_id(), Username=username)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == "UserNotFoundException":
            return False
        raise
    return SOFTWARE_TOKEN_MFA in user.get("UserMFASettingList", [])


def turn_off(username: str) -> None:
    """Turn the login's TOTP off (AdminSetUserMFAPreference): the next login sets up a new app."""
    _cognito().admin_set_user_mfa_preference(
        UserPoolId=user_pool_id(),
        Username=username,
        SoftwareTokenMfaSettings={"Enabled": False, "PreferredMfa": False},
    )
    _ENROLLED.forget(username)


def _check_shape(code: str) -> None:
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        raise CodeWrong(wording.TOTP_CODE())


@contextmanager
def _refused(expired: str) -> Iterator[None]:
    """Cognito's refusals of a code or a step as CodeNotAccepted; anything else as it came."""
    try:
        yield
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("TooManyRequestsException", "LimitExceededException", "TooManyFailedAttemptsException"):
            raise TooManyAttempts(TOO_MANY) from error
        if code in ("CodeMismatchException", "EnableSoftwareTokenMFAException"):
            raise CodeWrong(WRONG) from error
        # A session or set-up token that is unknown, used up, expired or mangled: the step is over.
        if code in (
            "NotAuthorizedException",
            "ExpiredCodeException",
            "ResourceNotFoundException",
            "InvalidParameterException",
        ):
            raise StepExpired(expired) from error
        raise


def _cognito():
    return aws.client("cognito-idp")
