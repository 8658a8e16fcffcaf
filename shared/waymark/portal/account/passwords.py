"""Password pages: the first login's new password, a forgotten one reset by an emailed code,
and a change while logged in (/portal/password for partners, /admin/password for operators)."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import BaseModel, ValidationError

from waymark import web, wording
from waymark.core import phrases
from waymark.partners import mfa, passwords
from waymark.portal.account.pages import authenticator_page, code_page, first_password_page, logged_in, safe_next
from waymark.portal.schemas import (
    ChangePasswordRequest,
    ForgotPasswordRequest,
    NewPasswordRequest,
    ResetPasswordRequest,
)

router = Router()

# What an empty field is asked for, in the words of the form.
REQUIRED = {
    "email": "Enter your email.",
    "new_password": "Enter a new password.",  # a prompt, not a password  # nosec B105
    "current_password": "Enter your current password.",  # nosec B105
    "code": "Enter the code from the email.",
    "session": "This step has expired; log in again with your temporary password.",
}


def _validated(model: type[BaseModel], form: dict[str, str]) -> tuple[BaseModel | None, dict[str, str]]:
    """The form as `model`, or the errors to show (one per field, plain words)."""
    fields = {name: form.get(name, "") for name in model.model_fields}
    if "email" in fields:
        fields["email"] = fields["email"].strip().lower()
    optional = {name for name, spec in model.model_fields.items() if not spec.is_required()}
    fields = {name: value for name, value in fields.items() if value.strip() or name not in optional}
    empty = {name: REQUIRED[name] for name, value in fields.items() if not value.strip()}
    if empty:
        return None, empty
    try:
        return model.model_validate(fields), {}
    except ValidationError as error:
        return None, web.field_errors(error)


def _sentence(error: Exception) -> str:
    return phrases.as_sentence(str(error))


@router.post("/login/new-password")
def first_password() -> Response[str]:
    form = web.form()
    target = safe_next(form.get("next"))
    request, errors = _validated(NewPasswordRequest, form)
    if request is None:
        return first_password_page(form.get("email", ""), form.get("session", ""), target, errors, 400)
    assert isinstance(request, NewPasswordRequest)
    try:
        token, expires_in = passwords.choose_first_password(request.email, request.session, request.new_password)
    except passwords.StepExpired as error:
        return web.render("account/login.html", 400, next=target, email=request.email, error=_sentence(error))
    except passwords.PasswordNotChanged as error:
        errors = {error.field: _sentence(error)}
        return first_password_page(request.email, request.session, target, errors, 400)
    except mfa.CodeRequired as challenge:
        return code_page(request.email, challenge.session, target, {})
    except mfa.SetupRequired as setup:
        return authenticator_page(setup)
    return logged_in(token, expires_in, target)


@router.get("/password/forgot")
def forgot_page() -> Response[str]:
    return web.render("account/forgot_password.html", email="", errors={})


@router.post("/password/forgot")
def forgot() -> Response[str]:
    web.limit_attempts("forgot_password")
    request, errors = _validated(ForgotPasswordRequest, web.form())
    if request is None:
        return web.render("account/forgot_password.html", 400, email="", errors=errors)
    assert isinstance(request, ForgotPasswordRequest)
    try:
        passwords.send_reset_code(request.email)
    except passwords.TooManyAttempts as error:
        return web.render("account/forgot_password.html", 429, email=request.email, errors={"form": _sentence(error)})
    # The same answer whether or not the address has a login.
    return _reset_page(request.email, {}, sent=True)


def _reset_page(email: str, errors: dict, *, status: int = 200, sent: bool = False) -> Response:
    return web.render(
        "account/reset_password.html",
        status,
        email=email,
        errors=errors,
        sent=sent,
        password_rules=passwords.policy_text(),
    )


@router.get("/password/reset")
def reset_page() -> Response[str]:
    return _reset_page("", {})


@router.post("/password/reset")
def reset() -> Response[str]:
    form = web.form()
    request, errors = _validated(ResetPasswordRequest, form)
    if request is None:
        return _reset_page(form.get("email", "").strip().lower(), errors, status=400)
    assert isinstance(request, ResetPasswordRequest)
    try:
        passwords.reset_password(request.email, request.code, request.new_password)
    except passwords.PasswordNotChanged as error:
        status = 429 if isinstance(error, passwords.TooManyAttempts) else 400
        return _reset_page(request.email, {error.field: _sentence(error)}, status=status)
    return web.render(
        "account/login.html", next=None, email=request.email, error=None, notice="Your password is changed; log in."
    )


def _change_page(errors: dict, *, status: int = 200, changed: bool = False) -> Response:
    return web.render(
        "account/change_password.html",
        status,
        errors=errors,
        changed=changed,
        password_rules=passwords.policy_text(),
    )


@router.get("/portal/password")
@router.get("/admin/password")
def change_page() -> Response[str]:
    _logged_in()
    return _change_page({})


@router.post("/portal/password")
@router.post("/admin/password")
def change() -> Response[str]:
    email = _logged_in()
    request, errors = _validated(ChangePasswordRequest, web.form())
    if request is None:
        return _change_page(errors, status=400)
    assert isinstance(request, ChangePasswordRequest)
    try:
        passwords.change_password(email, request.current_password, request.new_password, request.code)
    except passwords.PasswordNotChanged as error:
        status = 429 if isinstance(error, passwords.TooManyAttempts) else 400
        return _change_page({error.field: _sentence(error)}, status=status)
    return _change_page({}, changed=True)


def _logged_in() -> str:
    """The caller's login email; the gate already let only this area's audience in."""
    viewer = web.viewer()
    if viewer is None or not viewer.email:
        raise web.LoginRequired(wording.LOG_IN())
    if web.current().path.startswith("/admin"):
        web.admin()
    else:
        web.partner()
    return viewer.email
