"""Passwords people choose themselves, through Cognito's own user-facing calls.

- the first one: an invited login answers NEW_PASSWORD_REQUIRED to its temporary password
  (RespondToAuthChallenge with the session Cognito gave the login step);
- a forgotten one: a code by email (ForgotPassword), then the code and a new password
  (ConfirmForgotPassword). Whether the address has a login is never told;
- a change while logged in (ChangePassword). The session keeps only the ID token, so the
  current password is checked by logging in with it again (with a code from the authenticator
  app for a login that has one), and the access token that gives is used for the change and
  dropped: no longer-lived credential is kept in a cookie.

New passwords are checked against the user pool's policy first, so a refusal names what is
missing; Cognito checks again.
"""

from botocore.exceptions import ClientError

from waymark import wording
from waymark.core import aws
from waymark.partners import mfa
from waymark.partners.accounts import user_pool_client_id
from waymark.partners.signup import password_policy


class PasswordNotChanged(ValueError):
    """Nothing was changed; the message is safe to show and says what to do."""

    field = "form"


class PasswordRefused(PasswordNotChanged):
    """The new password does not meet the policy."""

    field = "new_password"


class WrongCurrentPassword(PasswordNotChanged):
    field = "current_password"


class CodeRefused(PasswordNotChanged):
    field = "code"


class StepExpired(PasswordNotChanged):
    """The first-login step's session is unknown or over (Cognito keeps it three minutes)."""


class TooManyAttempts(PasswordNotChanged):
    pass


_TOO_MANY = ("LimitExceededException", "TooManyRequestsException", "TooManyFailedAttemptsException")
_STEP_OVER = ("NotAuthorizedException", "CodeMismatchException", "ExpiredCodeException", "ResourceNotFoundException")
TOO_MANY = "too many attempts; wait a few minutes and try again"


def check_new_password(password: str) -> None:
    problems = password_policy().problems(password)
    if problems:
        raise PasswordRefused(wording.NEW_PASSWORD_NEEDS(rules=", ".join(problems)))


def policy_text() -> str:
    return password_policy().describe()


def choose_first_password(email: str, session: str, new_password: str) -> tuple[str, int]:
    """Answer NEW_PASSWORD_REQUIRED; returns (ID token, seconds valid), or raises mfa.CodeRequired or
    mfa.SetupRequired, as logging in does."""
    check_new_password(new_password)
    try:
        result = _cognito().respond_to_auth_challenge(
            ClientId=user_pool_client_id(),
            ChallengeName="NEW_PASSWORD_REQUIRED",
            Session=session,
            ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": new_password},
        )
    except ClientError as error:
        code = _code(error)
        if code == "InvalidPasswordException":
            raise PasswordRefused(wording.NEW_PASSWORD_NEEDS(rules=policy_text())) from error
        if code in _TOO_MANY:
            raise TooManyAttempts(TOO_MANY) from error
        if code in (
            "NotAuthorizedException",
            "CodeMismatchException",
            "ExpiredCodeException",
            "ResourceNotFoundException",
        ):
            raise StepExpired(wording.STEP_EXPIRED()) from error
        raise
    if "AuthenticationResult" not in result and result.get("ChallengeName") != mfa.SOFTWARE_TOKEN_MFA:
        raise StepExpired(wording.STEP_NOT_OFFERED())
    return mfa.after_password(result)  # an operator may have its code, or its app to set up, still to come


def send_reset_code(email: str) -> None:
    """Email a reset code if the address has a login that may reset; says nothing either way.

    Cognito refuses a login still holding its invitation (FORCE_CHANGE_PASSWORD) or without a
    verified address; those are answered like any other, so the form tells no one which
    addresses exist.
    """
    try:
        _cognito().forgot_password(ClientId=user_pool_client_id(), Username=email)
    except ClientError as error:
        code = _code(error)
        if code in _TOO_MANY:
            raise TooManyAttempts(TOO_MANY) from error
        if code not in ("UserNotFoundException", "NotAuthorizedException", "InvalidParameterException"):
            raise


def reset_password(email: str, code: str, new_password: str) -> None:
    """Set a new password with the emailed code."""
    check_new_password(new_password)
    try:
        _cognito().confirm_forgot_password(
            ClientId=user_pool_client_id(), Username=email, ConfirmationCode=code, Password=new_password
        )
    except ClientError as error:
        found = _code(error)
        if found == "InvalidPasswordException":
            raise PasswordRefused(wording.NEW_PASSWORD_NEEDS(rules=policy_text())) from error
        if found in _TOO_MANY:
            raise TooManyAttempts(TOO_MANY) from error
        if found in (
            "CodeMismatchException",
            "ExpiredCodeException",
            "UserNotFoundException",
            "NotAuthorizedException",
            "ResourceNotFoundException",
        ):
            raise CodeRefused(wording.CODE_EXPIRED()) from error
        raise


class CodeNeeded(PasswordNotChanged):
    """The login has an authenticator app: proving the current password takes a code from it too."""

    field = "code"


def change_password(email: str, current_password: str, new_password: str, code: str | None = None) -> None:
    """Change the password of the logged-in `email`, proving the current one first (and, for a
    login with an authenticator app, a code from it: the same two steps as logging in)."""
    check_new_password(new_password)
    if new_password == current_password:
        raise PasswordRefused(wording.PASSWORD_SAME())
    cognito = _cognito()
    try:
        result = cognito.initiate_auth(
            AuthFlow="USER_PASSWORD_AUTH",
            ClientId=user_pool_client_id(),
            AuthParameters={"USERNAME": email, "PASSWORD": current_password},
        )
    except ClientError as error:
        if _code(error) in _TOO_MANY:
            raise TooManyAttempts(TOO_MANY) from error
        if _code(error) in ("NotAuthorizedException", "UserNotFoundException"):
            raise WrongCurrentPassword(wording.CURRENT_PASSWORD_WRONG()) from error
        raise
    if result.get("ChallengeName") == mfa.SOFTWARE_TOKEN_MFA:
        result = _answer_code(email, result["Session"], code)
    if "AuthenticationResult" not in result:
        raise StepExpired(wording.LOG_IN_AGAIN_FIRST())
    try:
        cognito.change_password(
            AccessToken=result["AuthenticationResult"]["AccessToken"],
            PreviousPassword=current_password,
            ProposedPassword=new_password,
        )
    except ClientError as error:
        if _code(error) == "InvalidPasswordException":
            raise PasswordRefused(wording.NEW_PASSWORD_NEEDS(rules=policy_text())) from error
        if _code(error) in _TOO_MANY:
            raise TooManyAttempts(TOO_MANY) from error
        raise


def _answer_code(email: str, session: str, code: str | None) -> dict:
    if not code:
        raise CodeNeeded(wording.APP_CODE_TOO())
    try:
        return _cognito().respond_to_auth_challenge(
            ClientId=user_pool_client_id(),
            ChallengeName=mfa.SOFTWARE_TOKEN_MFA,
            Session=session,
            ChallengeResponses={"USERNAME": email, "SOFTWARE_TOKEN_MFA_CODE": code},
        )
    except ClientError as error:
        if _code(error) in _TOO_MANY:
            raise TooManyAttempts(TOO_MANY) from error
        if _code(error) in _STEP_OVER:
            raise CodeNeeded(wording.APP_CODE_NOT_CURRENT()) from error
        raise


def _cognito():
    return aws.client("cognito-idp")


def _code(error: ClientError) -> str:
    return error.response.get("Error", {}).get("Code", "")
