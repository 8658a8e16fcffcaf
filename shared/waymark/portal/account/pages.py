"""Pages anyone may open: the start page, logging in and out, and the portal's static files."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from markupsafe import Markup
from pydantic import ValidationError

from waymark import web, wording
from waymark.partners import mfa, own_addresses, passwords
from waymark.portal.schemas import AuthenticatorRequest, CodeRequest
from waymark.web import auth

router = Router()

MAX_NEXT_LENGTH = 512


def safe_next(value: str | None) -> str | None:
    """A same-site path to go on to after a form, or None: never another site (no open redirect)."""
    if not value or len(value) > MAX_NEXT_LENGTH or not value.startswith("/") or value.startswith(("//", "/\\")):
        return None
    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F or ch == "\\" for ch in value):
        return None
    return value


def home_of(viewer: web.Viewer | None) -> str:
    if viewer is None:
        return "/login"
    return "/admin" if viewer.is_admin else "/portal"


@router.get("/")
def home() -> Response[str]:
    return web.redirect(home_of(web.viewer()))


@router.get("/login")
def login_page(next: Annotated[str | None, Query(max_length=2048)] = None) -> Response[str]:
    if web.viewer() is not None:
        return web.redirect(safe_next(next) or home_of(web.viewer()))
    return web.render("account/login.html", next=safe_next(next), email="", error=None)


@router.post("/login")
def login() -> Response[str]:
    web.limit_attempts("login")
    form = web.form()
    email = form.get("email", "").strip().lower()
    target = safe_next(form.get("next"))
    if not email or not form.get("password"):
        return web.render("account/login.html", 400, next=target, email=email, error="Enter your email and password.")
    try:
        token, expires_in = auth.login(email, form["password"])
    except auth.NewPasswordRequired as challenge:
        return first_password_page(email, challenge.session, target, {})
    except auth.NotAuthenticated as error:
        return web.render("account/login.html", 401, next=target, email=email, error=f"{str(error).capitalize()}.")
    except mfa.CodeRequired as challenge:
        return code_page(email, challenge.session, target, {})
    except mfa.SetupRequired as setup:
        return authenticator_page(setup)
    return logged_in(token, expires_in, target)


def logged_in(token: str, expires_in: int, target: str | None) -> Response[str]:
    """The session cookie, and on to `target` or the login's home."""
    principal = auth.verify(token)
    if principal.is_partner:
        own_addresses.remember_sign_in(principal.agent_id, web.current().event.request_context.http.source_ip)
    landing = target or ("/admin" if principal.is_admin else "/portal")
    return web.redirect(landing, cookies=[auth.session_cookie(token, expires_in)])


def code_page(email: str, session: str, next_: str | None, errors: dict, status: int = 200) -> Response[str]:
    """The second step of a login with an authenticator app: the code it shows."""
    return web.render("account/login_code.html", status, email=email, session=session, next=next_, errors=errors)


def authenticator_page(setup: mfa.SetupRequired) -> Response[str]:
    """An operator without an authenticator app: a new key for it, confirmed by a first code."""
    try:
        enrolment = mfa.start_setup(setup.access_token, setup.email)
    except mfa.CodeNotAccepted as error:
        return web.render("account/login.html", 400, next=None, email=setup.email, error=f"{str(error).capitalize()}.")
    return setup_page(setup.access_token, setup.email, enrolment, {})


def setup_page(setup_token: str, email: str, enrolment: mfa.Enrolment, errors: dict, status: int = 200) -> Response:
    return web.render(
        "account/authenticator.html",
        status,
        setup_token=setup_token,
        email=email,
        secret=enrolment.secret,
        uri=enrolment.uri,
        qr_code=qr_code(enrolment.uri),
        errors=errors,
    )


def qr_code(uri: str) -> Markup:
    """The key URI as a QR code for the phone's camera: inline SVG, so no image request carries the key."""
    import segno  # only this page draws one: kept off every other request's imports

    # segno's SVG holds only a path drawn from the encoded bits: no text of the URI to escape.
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, light="#fff", svgclass="qr"))  # noqa: S704 - segno draws only a path of the bits  # nosec B704


def first_password_page(email: str, session: str, next_: str | None, errors: dict, status: int = 200) -> Response:
    """The first login's form: the temporary password was right, now the login's own one."""
    return web.render(
        "account/new_password.html",
        status,
        email=email,
        session=session,
        next=next_,
        errors=errors,
        password_rules=passwords.policy_text(),
    )


@router.post("/login/code")
def login_code() -> Response[str]:
    form = web.form()
    target = safe_next(form.get("next"))
    email, session = form.get("email", "").strip().lower(), form.get("session", "")
    try:
        request = CodeRequest.model_validate({"email": email, "session": session, "code": form.get("code", "")})
    except ValidationError as error:
        if not _only_the_code(error):
            return web.render("account/login.html", 400, next=target, email="", error=EXPIRED)
        return code_page(email, session, target, CODE_ERRORS, 400)
    try:
        token, expires_in = mfa.answer_code(request.email, request.session, request.code)
    except mfa.StepExpired as error:
        return web.render("account/login.html", 400, next=target, email=email, error=f"{str(error).capitalize()}.")
    except mfa.CodeNotAccepted as error:
        status = 429 if isinstance(error, mfa.TooManyAttempts) else 400
        return code_page(email, session, target, {error.field: f"{str(error).capitalize()}."}, status)
    except mfa.SetupRequired as setup:  # the app was reset between the password and the code
        return authenticator_page(setup)
    return logged_in(token, expires_in, target)


@router.post("/login/authenticator")
def confirm_authenticator() -> Response[str]:
    form = web.form()
    email = form.get("email", "").strip().lower()
    setup_token, secret = form.get("setup_token", ""), form.get("secret", "")
    # The key is the operator's own, echoed back only so a wrong code shows the same page again;
    # bounded, since the page draws it as a QR code.
    if not (0 < len(email) <= MAX_EMAIL and 0 < len(secret) <= MAX_KEY and secret.isascii() and secret.isalnum()):
        return web.render("account/login.html", 400, next=None, email="", error=EXPIRED)
    enrolment = mfa.Enrolment(secret=secret, uri=mfa.otpauth_uri(secret, email))
    try:
        request = AuthenticatorRequest.model_validate({"setup_token": setup_token, "code": form.get("code", "")})
    except ValidationError as error:
        if not _only_the_code(error):
            return web.render("account/login.html", 400, next=None, email="", error=EXPIRED)
        return setup_page(setup_token, email, enrolment, CODE_ERRORS, 400)
    try:
        mfa.finish_setup(request.setup_token, request.code)
    except mfa.StepExpired as error:
        return web.render("account/login.html", 400, next=None, email=email, error=f"{str(error).capitalize()}.")
    except mfa.CodeNotAccepted as error:
        status = 429 if isinstance(error, mfa.TooManyAttempts) else 400
        return setup_page(setup_token, email, enrolment, {error.field: f"{str(error).capitalize()}."}, status)
    notice = "Your authenticator app is set up. Log in with your password and a code from the app."
    return web.render("account/login.html", next=None, email=email, error=None, notice=notice)


EXPIRED = "This step has expired. Log in again with your password."
CODE_ERRORS = {"code": wording.ENTER_APP_DIGITS()}
MAX_EMAIL = 254
MAX_KEY = 128  # Cognito's keys are 32 base32 characters (moto's 12)


def _only_the_code(error: ValidationError) -> bool:
    """Only the typed code is wrong; anything else in the form is the step's own hidden fields, tampered or lost."""
    return all(problem["loc"][:1] == ("code",) for problem in error.errors())


@router.post("/logout")
def logout() -> Response[str]:
    return web.redirect("/login", cookies=[auth.clear_session_cookie()])


@router.get("/static/<name>")
def static(name: Annotated[str, Path(max_length=64)]) -> Response[str]:
    found = web.static_file(name)
    if found is None:
        raise web.NotFound(wording.NO_SUCH_FILE())
    body, content_type = found
    # Addressed by content hash (web.static_url), so browsers may keep it.
    return Response(200, content_type, body.decode(), headers={"Cache-Control": "public, max-age=604800, immutable"})
