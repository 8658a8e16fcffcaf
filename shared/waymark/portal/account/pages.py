"""Pages anyone may open: the start page, logging in and out, and the portal's static files."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query

from waymark import web
from waymark.partners import passwords
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
    principal = auth.verify(token)
    landing = target or ("/admin" if principal.is_admin else "/portal")
    return web.redirect(landing, cookies=[auth.session_cookie(token, expires_in)])


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


@router.post("/logout")
def logout() -> Response[str]:
    return web.redirect("/login", cookies=[auth.clear_session_cookie()])


@router.get("/static/<name>")
def static(name: Annotated[str, Path(max_length=64)]) -> Response[str]:
    found = web.static_file(name)
    if found is None:
        raise web.NotFound("there is no such file")
    body, content_type = found
    # Addressed by content hash (web.static_url), so browsers may keep it.
    return Response(200, content_type, body.decode(), headers={"Cache-Control": "public, max-age=604800, immutable"})
