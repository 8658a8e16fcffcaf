"""The web kit's core: one resolver setup, one authentication per request, CSRF, errors, headers.

Every page and API function builds its resolver with `page_app()` or `api_app()`, includes
its routers and answers with `serve(app, event, context)`. `serve` runs the gate first —
before Powertools matches the route or validates anything — so an anonymous caller gets a
401 (API) or a redirect to the login page, never a validation error, and a pending or
suspended partner gets its status, never data. Handlers then read who is calling with
`viewer()`, `partner()` or `admin()`; the latter two assert the audience again.
"""

import os
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2
from botocore.exceptions import BotoCoreError, ClientError
from pynamodb.exceptions import PynamoDBException

from waymark import catalog, wording
from waymark.core import httpapi, phrases, times
from waymark.models import Agent, Program
from waymark.partners import mfa
from waymark.partners.vocabulary import PartnerStatus
from waymark.programs import time_zones
from waymark.web import auth, csrf, messages
from waymark.web.access import Access, required_access
from waymark.web.auth import Principal
from waymark.web.errors import (
    AccountNotActive,
    BadRequest,
    Forbidden,
    HttpError,
    LoginRequired,
    NotFound,
    Unavailable,
    UnsupportedMediaType,
)
from waymark.web.forms import parse_form
from waymark.web.render import html_response, json_response, redirect, render_html

logger = Logger(child=True)

PAGE, API = "page", "api"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
FORM_TYPE = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"
# The browser's own zone, as static/portal.js reads it; only ever a display choice, checked against the
# zone database's names before use (docs/security.md "Public surfaces").
BROWSER_ZONE_COOKIE = "__Host-wm_tz"

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


def policy_with_images(origins: list[str]) -> str:
    """The pages' CSP, also allowing images from `origins` (a page that previews the merchant's banners)."""
    extra = "".join(f" {origin}" for origin in sorted(set(origins)))
    return CONTENT_SECURITY_POLICY.replace("img-src 'self' data:;", f"img-src 'self' data:{extra};")


# Every answer's, unless its route set its own: pages and API answers are personal, so never cached.
SECURITY_HEADERS = {
    **httpapi.NO_STORE,
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Strict-Transport-Security": "max-age=31536000",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


@dataclass(frozen=True)
class Viewer:
    """Who is calling: the verified login and, for partners, its agent and program."""

    principal: Principal
    agent: Agent | None = None
    program: Program | None = None

    @property
    def is_admin(self) -> bool:
        return self.principal.is_admin

    @property
    def is_active_partner(self) -> bool:
        return self.agent is not None and self.agent.status == PartnerStatus.ACTIVE and self.program is not None

    @property
    def email(self) -> str:
        return self.principal.email


@dataclass(frozen=True)
class ActivePartner:
    """An active partner calling: its login, agent and program (what `partner()` returns)."""

    principal: Principal
    agent: Agent
    program: Program


@dataclass
class RequestState:
    kind: str
    event: APIGatewayProxyEventV2
    method: str
    path: str
    access: Access
    headers: dict[str, str]
    cookies: dict[str, str]
    viewer: Viewer | None = None
    via_cookie: bool = False
    browser_id: str | None = None
    set_cookies: list[str] = field(default_factory=list)
    form: dict[str, str] | None = None
    app: "WebResolver | None" = None
    language: str | None = None  # of this answer's messages, once asked (language())

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def wants_json(self) -> bool:
        """API resolvers always answer JSON; pages do for JSON bodies and clients that ask only for JSON."""
        accept = self.headers.get("accept", "")
        return self.kind == API or self.content_type == JSON_TYPE or (JSON_TYPE in accept and "text/html" not in accept)


_current: ContextVar[RequestState] = ContextVar("waymark_web_request")


class WebResolver(APIGatewayHttpResolver):
    """APIGatewayHttpResolver with validation on, and errors answered as pages or JSON."""

    def __init__(self, kind: str) -> None:
        super().__init__(enable_validation=True)
        self.kind = kind
        self.exception_handler(HttpError)(error_response)
        self.exception_handler(RequestValidationError)(_invalid_request)
        self.exception_handler(NotFoundError)(lambda _: error_response(NotFound(wording.NOTHING_HERE())))
        self.exception_handler([ClientError, BotoCoreError, PynamoDBException])(_aws_failure)

    def resolve(self, event, context) -> dict[str, Any]:
        # Powertools keeps the current event on a class attribute shared by every resolver in
        # the process. Lambda runs one event per process, but the local stack runs every
        # function in one process on threads; an instance attribute keeps each to its own.
        self.current_event = self._to_proxy_event(event)
        self.lambda_context = context
        return super().resolve(event, context)


def page_app() -> WebResolver:
    """A resolver for HTML pages: errors render as pages, anonymous visitors go to the login page."""
    return WebResolver(PAGE)


def api_app() -> WebResolver:
    """A resolver for the JSON API: errors are {"message": ...} with their status."""
    return WebResolver(API)


def serve(app: WebResolver, event: dict, context: Any) -> dict[str, Any]:
    """The whole request: gate (authentication, audience, CSRF), then the routes, then security headers."""
    state = _start(app.kind, event)
    state.app = app
    token = _current.set(state)
    try:
        try:
            if not httpapi.body_is_text(event):  # forms and JSON only: Powertools would fail to decode it
                raise BadRequest(wording.NOT_UTF8())
            _gate(state)
        except HttpError as refusal:
            result = _proxy_result(error_response(refusal))
        except (ClientError, BotoCoreError, PynamoDBException, OSError) as error:
            # AWS, or the user pool's key set (fetched over the network when keys rotate).
            result = _proxy_result(_aws_failure(error))
        else:
            result = app.resolve(event, context)
        return _finish(result, state)
    finally:
        _current.reset(token)


# ----------------------------------------------------------------------------- the gate


def _start(kind: str, event: dict) -> RequestState:
    proxy = APIGatewayProxyEventV2(event)
    cookies = httpapi.cookies(event)
    path = proxy.path
    return RequestState(
        kind=kind,
        event=proxy,
        method=proxy.http_method.upper(),
        path=path,
        access=required_access(path),
        headers={k.lower(): v for k, v in (event.get("headers") or {}).items()},
        cookies=cookies,
        browser_id=cookies.get(csrf.CSRF_COOKIE) or None,
    )


def _gate(state: RequestState) -> None:
    token = auth.bearer_or_cookie(state.headers, state.cookies)
    if token:
        try:
            principal = auth.verify(token)
        except auth.NotAuthenticated as error:
            if state.cookies.get(auth.SESSION_COOKIE) == token:
                state.set_cookies.append(auth.clear_session_cookie())
            if state.access is not Access.PUBLIC:
                raise LoginRequired(str(error)) from error
        else:
            state.via_cookie = state.cookies.get(auth.SESSION_COOKIE) == token
            state.viewer = _viewer_of(principal)
    if state.access is not Access.PUBLIC:
        viewer = state.viewer
        if viewer is None:
            raise LoginRequired(wording.LOG_IN())
        if state.access is Access.ADMIN:
            _require_admin(viewer)
        else:
            _require_active_partner(viewer)
    if state.method in UNSAFE_METHODS:
        _check_csrf(state)


def _viewer_of(principal: Principal) -> Viewer:
    if not principal.is_partner or not principal.agent_id:
        return Viewer(principal)
    agent = catalog.agent(principal.agent_id)
    if agent is None or not _belongs_to(agent, principal):
        return Viewer(principal)
    return Viewer(principal, agent, catalog.program(agent.program_id))


def _belongs_to(agent: Agent, principal: Principal) -> bool:
    """The agent the token names must be this login's: its Cognito sub (recorded at signup), else its email.

    custom:agent_id is immutable in the user pool, so a user cannot point its login at
    another partner; this check keeps that true even if the attribute were ever writable.
    """
    if agent.cognito_sub:
        return agent.cognito_sub == principal.sub
    return bool(principal.email) and agent.email == principal.email.lower()


def _require_admin(viewer: Viewer) -> Viewer:
    if not viewer.is_admin:
        raise Forbidden(wording.OPERATORS_ONLY())
    # Cognito challenges a login for its code only once TOTP is on: until then the password alone
    # gives an ID token (from Waymark's login or Cognito's API directly), which must grant nothing here.
    if not mfa.has_totp(viewer.principal.username):
        raise Forbidden(wording.OPERATOR_NEEDS_TOTP())
    return viewer


def _require_active_partner(viewer: Viewer) -> Viewer:
    if viewer.agent is None:
        if viewer.is_admin:
            raise Forbidden(wording.PORTAL_FOR_PARTNERS())
        raise Forbidden(wording.NO_PARTNER_ACCOUNT())
    if viewer.agent.status != PartnerStatus.ACTIVE:
        raise AccountNotActive(viewer.agent.status)
    if viewer.program is None:
        raise Forbidden(wording.PROGRAM_GONE())
    return viewer


def _check_csrf(state: RequestState) -> None:
    """Cross-site forms must not act for a logged-in browser.

    Bearer tokens are never sent by browsers on their own, and a JSON body cannot be sent
    cross-site without a CORS preflight (which Waymark never grants), so those need no
    token. Everything else needs one: a form field on pages, the X-CSRF-Token header on the
    API when it is called with the session cookie.
    """
    if state.kind == API:
        viewer = state.viewer
        if state.via_cookie and viewer and not csrf.verify(state.headers.get(CSRF_HEADER), viewer.principal.session_id):
            raise Forbidden(wording.CSRF_HEADER_NEEDED())
        return
    if state.content_type == JSON_TYPE and not state.via_cookie:
        return
    if state.content_type != FORM_TYPE:
        raise UnsupportedMediaType(wording.FORM_MEDIA_TYPE(media_type=FORM_TYPE))
    state.form = parse_form(state.event.decoded_body or "")
    if state.path == "/logout" and state.viewer is None:
        return  # nothing to protect: logging out a browser that is not logged in
    if not csrf.verify(state.form.get(CSRF_FIELD), _csrf_binding(state)):
        raise Forbidden(wording.FORM_EXPIRED())


def _csrf_binding(state: RequestState) -> str | None:
    """Logged-in forms bind to the login; the login and signup forms to the browser's __Host-wm_csrf cookie."""
    if state.viewer is not None:
        return state.viewer.principal.session_id
    return state.browser_id


# ----------------------------------------------------------------------------- what handlers use


def current() -> RequestState:
    return _current.get()


def viewer() -> Viewer | None:
    return current().viewer


def partner() -> ActivePartner:
    """The calling partner (active, with its agent and program), or Forbidden."""
    found = viewer()
    if found is None:
        raise LoginRequired(wording.LOG_IN())
    _require_active_partner(found)
    assert found.agent is not None and found.program is not None
    return ActivePartner(found.principal, found.agent, found.program)


def admin() -> Viewer:
    """The calling operator, or Forbidden."""
    found = viewer()
    if found is None:
        raise LoginRequired(wording.LOG_IN())
    return _require_admin(found)


def form() -> dict[str, str]:
    """The posted form (its CSRF token already checked)."""
    found = current().form
    if found is None:
        raise UnsupportedMediaType(wording.FORM_MEDIA_TYPE(media_type=FORM_TYPE))
    return found


def csrf_token() -> str:
    """A token for a form on this page, bound to the login, or to a __Host-wm_csrf cookie set now if need be."""
    state = current()
    binding = _csrf_binding(state)
    if binding is None:
        state.browser_id = binding = csrf.new_browser_id()
        state.set_cookies.append(csrf.browser_cookie(binding))
    return csrf.token_for(binding)


def add_cookie(cookie: str) -> None:
    current().set_cookies.append(cookie)


def base_url() -> str:
    """This API's public address (for tracking links): LINK_BASE_URL when the deployment has a
    custom domain or a public base URL, so links are always on it; else from API Gateway's own
    request data."""
    configured = os.environ.get("LINK_BASE_URL", "").rstrip("/")
    if configured:
        return configured
    state = current()
    proto = state.headers.get("x-forwarded-proto", "https").split(",")[0].strip().lower()
    host = state.event.request_context.domain_name or state.headers.get("host", "")
    if not host or any(not (ch.isalnum() or ch in ".-:") for ch in host):
        host = "localhost"
    return f"{'http' if proto == 'http' else 'https'}://{host}"


def request_path() -> str:
    """The path and query of this request, for "log in and come back here"."""
    state = current()
    query = state.event.raw_query_string
    return state.path + (f"?{query}" if query else "")


def render(template: str, status: int = 200, /, **context: Any) -> Response:
    """A page from waymark/templates, with the viewer, CSRF tokens, the path and the reader's time zone
    (the `when` and `day` filters' zone) in its context."""
    state = current()
    base = {
        "viewer": state.viewer,
        "csrf_token": csrf_token,
        "path": state.path,
        "time_zone": reader_zone(),
        "language": language(),
    }
    return html_response(render_html(template, {**base, **context}), status)


def chosen_zone() -> str | None:
    """The zone the caller chose on its account page (a partner's; an operator's on console pages), or None."""
    found = viewer()
    if found is None:
        return None
    if found.agent is not None:
        return times.zone_named(found.agent.time_zone)
    if found.is_admin and current().access is Access.ADMIN:  # the console's pages (its function may read it)
        try:
            return time_zones.of_operator(found.principal.sub)
        except (ClientError, BotoCoreError, PynamoDBException):
            logger.warning("the operator's time zone could not be read; its browser's is used")
    return None


def browser_zone() -> str | None:
    """The zone the browser said it is in (static/portal.js), if it is a zone's name."""
    return times.zone_named(current().cookies.get(BROWSER_ZONE_COOKIE))


def reader_zone() -> str:
    """The zone this page shows times in: the caller's choice, else its browser's, else UTC."""
    return chosen_zone() or browser_zone() or "UTC"


# ----------------------------------------------------------------------------- errors and headers


def error_response(error: HttpError) -> Response:
    state = _current.get(None)
    headers = {"Retry-After": "2"} if error.status == 503 else {}
    if error.status == 429 and "retry_after" in error.extra:
        headers["Retry-After"] = str(error.extra["retry_after"])
    lang = language()
    if state is None or state.wants_json:
        if error.status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="waymark"'
        body = phrases.in_language({"message": error.message, **error.extra}, lang)
        return json_response(body, error.status, headers=headers)
    if isinstance(error, LoginRequired) and state is not None:
        target = "/login" if state.method != "GET" else f"/login?next={quote(request_path(), safe='/')}"
        return redirect(target)
    page = render(
        "message.html",
        error.status,
        title=phrases.in_language(error.title, lang),
        message=phrases.in_language(error.message, lang),
        partner_status=error.extra.get("status") if isinstance(error, AccountNotActive) else None,
    )
    page.headers.update(headers)
    return page


def language() -> str:
    """The language of this request's messages: the caller's Accept-Language among the program's
    languages (a partner's own program; anyone else's: DEFAULT_PROGRAM), else its default language."""
    state = _current.get(None)
    if state is None:
        return messages.DEFAULT_LANGUAGE
    if state.language is not None:
        return state.language
    state.language = _language_of(state)
    return state.language


def _language_of(state: RequestState) -> str:
    program = state.viewer.program if state.viewer is not None and state.viewer.program is not None else None
    if program is None:
        default = os.environ.get("DEFAULT_PROGRAM", "")
        try:
            program = catalog.program(default) if default else None
        except (ClientError, BotoCoreError, PynamoDBException):
            logger.warning("the program's languages could not be read; messages are in English")
            program = None
    offered = list(program.languages or []) if program is not None else []
    return messages.choose_language(
        state.headers.get("accept-language", ""), offered, program.default_language if program else None
    )


def _invalid_request(error: RequestValidationError) -> Response:
    problems = messages.problems(list(error.errors()), language())
    state = _current.get(None)
    if state is not None and not state.wants_json:
        return error_response(BadRequest(" ".join(p["message"] for p in problems)))
    return json_response(
        {"message": phrases.in_language(wording.REQUEST_INVALID(), language()), "errors": problems}, 422
    )


def _aws_failure(error: Exception) -> Response:
    logger.exception("an AWS call failed while answering a request")
    return error_response(Unavailable(wording.STORAGE_UNAVAILABLE()))


def _proxy_result(response: Response) -> dict[str, Any]:
    """A Response as API Gateway's payload 2.0 result (for answers given before the resolver runs)."""
    headers = {k: v if isinstance(v, str) else ", ".join(v) for k, v in response.headers.items()}
    return {
        "statusCode": response.status_code,
        "headers": headers,
        "cookies": [str(cookie) for cookie in response.cookies],
        "body": response.body or "",
        "isBase64Encoded": False,
    }


def _finish(result: dict[str, Any], state: RequestState) -> dict[str, Any]:
    headers = result.setdefault("headers", {})
    present = {name.lower() for name in headers}
    for name, value in SECURITY_HEADERS.items():
        if name.lower() not in present:
            headers[name] = value
    if state.set_cookies:
        own = list(result.get("cookies") or [])
        named = {cookie.split("=", 1)[0] for cookie in own}
        result["cookies"] = [c for c in state.set_cookies if c.split("=", 1)[0] not in named] + own
    return result
