"""JSON API, account part: logging in for a Bearer token (and an invited login's first password),
forgotten and changed passwords, and the OpenAPI description."""

import json

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.models import HTTPBearer

from waymark import web
from waymark.partners import mfa, own_addresses, passwords
from waymark.portal.account import signup_doc
from waymark.portal.schemas import (
    AuthenticatorChallenge,
    AuthenticatorRequest,
    ChangePasswordRequest,
    CodeChallenge,
    CodeRequest,
    Done,
    ForgotPasswordRequest,
    LoginRequest,
    LoginResult,
    NewPasswordChallenge,
    NewPasswordRequest,
    ResetPasswordRequest,
)
from waymark.web import auth

router = Router()

API_DESCRIPTION = (
    "Waymark's partner and operator API. Log in with POST /api/login and send the ID token as "
    "`Authorization: Bearer <token>`. Partners see and change only their own data; paths under "
    "/api/admin are for operators. Signup (POST /signup, JSON or form) is served by its own function "
    "and described here too."
)
_document: str | None = None


@router.post(
    "/api/login",
    tags=["account"],
    summary="Log in; answers an ID token for Authorization: Bearer, or the next step: NEW_PASSWORD_REQUIRED "
    "(POST /api/login/new-password), SOFTWARE_TOKEN_MFA (POST /api/login/code) or, for an operator without "
    "an authenticator app, MFA_SETUP (POST /api/login/authenticator)",
)
def login(body: LoginRequest) -> LoginResult | NewPasswordChallenge | CodeChallenge | AuthenticatorChallenge:
    web.limit_attempts("login")
    try:
        token, expires_in = auth.login(body.email.strip().lower(), body.password)
    except auth.NewPasswordRequired as challenge:
        message = "this is a temporary password: choose your own with POST /api/login/new-password"
        return NewPasswordChallenge(session=challenge.session, message=message)
    except auth.NotAuthenticated as error:
        raise web.LoginRequired(str(error)) from error
    except (mfa.CodeRequired, mfa.SetupRequired) as step:
        return _second_step(step)
    principal = auth.verify(token)
    if principal.is_partner:
        own_addresses.remember_sign_in(principal.agent_id, web.current().event.request_context.http.source_ip)
    return LoginResult(id_token=token, expires_in=expires_in)


def _second_step(step: mfa.CodeRequired | mfa.SetupRequired) -> CodeChallenge | AuthenticatorChallenge:
    if isinstance(step, mfa.CodeRequired):
        message = "send the code from your authenticator app to POST /api/login/code"
        return CodeChallenge(session=step.session, message=message)
    try:
        enrolment = mfa.start_setup(step.access_token, step.email)
    except mfa.CodeNotAccepted as error:
        raise _code_refusal(error) from error
    return AuthenticatorChallenge(
        setup_token=step.access_token,
        secret=enrolment.secret,
        otpauth_uri=enrolment.uri,
        message="operators use an authenticator app: add this key to one, then send its code to "
        "POST /api/login/authenticator and log in again",
    )


def _code_refusal(error: mfa.CodeNotAccepted) -> web.HttpError:
    if isinstance(error, mfa.TooManyAttempts):
        return web.TooManyRequests(str(error))
    if isinstance(error, mfa.StepExpired):
        return web.LoginRequired(str(error))
    return web.BadRequest(str(error), field=error.field)


@router.post(
    "/api/login/code",
    tags=["account"],
    summary="The code from the authenticator app, after POST /api/login's SOFTWARE_TOKEN_MFA challenge",
)
def login_code(body: CodeRequest) -> LoginResult | AuthenticatorChallenge:
    try:
        token, expires_in = mfa.answer_code(body.email.strip().lower(), body.session, body.code)
    except mfa.CodeNotAccepted as error:
        raise _code_refusal(error) from error
    except mfa.SetupRequired as step:
        return _second_step(step)
    return LoginResult(id_token=token, expires_in=expires_in)


@router.post(
    "/api/login/authenticator",
    tags=["account"],
    summary="Confirm an operator's new authenticator app with its first code; then log in again",
)
def confirm_authenticator(body: AuthenticatorRequest) -> Done:
    try:
        mfa.finish_setup(body.setup_token, body.code)
    except mfa.CodeNotAccepted as error:
        raise _code_refusal(error) from error
    return Done(message="the authenticator app is set up: log in again with POST /api/login, then POST /api/login/code")


def _refusal(error: passwords.PasswordNotChanged) -> web.HttpError:
    if isinstance(error, passwords.TooManyAttempts):
        return web.TooManyRequests(str(error))
    if isinstance(error, passwords.StepExpired):
        return web.LoginRequired(str(error))
    return web.BadRequest(str(error), field=error.field)


@router.post("/api/login/new-password", tags=["account"], summary="An invited login's own password; then logged in")
def first_password(body: NewPasswordRequest) -> LoginResult | CodeChallenge | AuthenticatorChallenge:
    try:
        token, expires_in = passwords.choose_first_password(body.email.strip().lower(), body.session, body.new_password)
    except passwords.PasswordNotChanged as error:
        raise _refusal(error) from error
    except (mfa.CodeRequired, mfa.SetupRequired) as step:
        return _second_step(step)
    return LoginResult(id_token=token, expires_in=expires_in)


@router.post(
    "/api/password/forgot",
    status_code=202,
    tags=["account"],
    summary="Email a reset code; the same answer whether or not the address has a login",
)
def forgot_password(body: ForgotPasswordRequest) -> Done:
    web.limit_attempts("forgot_password")
    email = body.email.strip().lower()
    try:
        passwords.send_reset_code(email)
    except passwords.PasswordNotChanged as error:
        raise _refusal(error) from error
    return Done(message=f"if {email} has a login, a code is on its way; send it to POST /api/password/reset")


@router.post("/api/password/reset", tags=["account"], summary="Set a new password with the emailed code")
def reset_password(body: ResetPasswordRequest) -> Done:
    try:
        passwords.reset_password(body.email.strip().lower(), body.code, body.new_password)
    except passwords.PasswordNotChanged as error:
        raise _refusal(error) from error
    return Done(message="the password is changed; log in with it")


@router.post("/api/password", tags=["account"], summary="Change the calling partner's password")
@router.post("/api/admin/password", tags=["admin"], summary="Change the calling operator's password")
def change_password(body: ChangePasswordRequest) -> Done:
    viewer = web.admin() if web.current().path.startswith("/api/admin") else web.partner()
    try:
        passwords.change_password(viewer.principal.email, body.current_password, body.new_password, body.code)
    except passwords.PasswordNotChanged as error:
        raise _refusal(error) from error
    return Done(message="the password is changed; use it the next time you log in")


@router.get("/api/openapi.json", include_in_schema=False)
def openapi() -> Response[str]:
    global _document
    if _document is None:
        app = web.current().app
        schema = app.get_openapi_schema(  # type: ignore[union-attr]
            title="Waymark API",
            version="1",
            description=API_DESCRIPTION,
            security_schemes={"bearer": HTTPBearer(bearerFormat="JWT")},
            security=[{"bearer": []}],
        )
        document = json.loads(schema.model_dump_json(by_alias=True, exclude_none=True))
        signup_doc.add_signup(document)
        _document = json.dumps(document, separators=(",", ":"))
    return Response(200, "application/json", _document, headers={"Cache-Control": "public, max-age=300"})
