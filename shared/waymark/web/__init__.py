"""Waymark's web kit: what every page and JSON API function is built from.

    from waymark import web

    app = web.page_app()              # or web.api_app() for JSON under /api
    app.include_router(my_pages.router)

    def lambda_handler(event, context):
        return web.serve(app, event, context)

In a router: `web.partner()` / `web.admin()` / `web.viewer()` (who is calling), `web.form()`
(the posted form, CSRF already checked), `web.render("dir/page.html", **context)` (Jinja2
from waymark/templates, autoescaped, with `csrf_token()` and `viewer` in the context),
`web.redirect(url)`, `web.json_response(...)`, raise `web.NotFound(...)` and friends.
Who may call which path is decided by `web.access` before anything else runs.
`web.limit_attempts("login")` takes one of the caller's attempts (`web.client_limits`), or refuses with 429.
`web.field_errors(error)` and the API's 422 bodies say validation errors in plain words, in the
program's language (`web.messages`).
"""

from waymark.web.access import Access, required_access
from waymark.web.app import (
    API,
    CSRF_FIELD,
    CSRF_HEADER,
    PAGE,
    SECURITY_HEADERS,
    ActivePartner,
    Viewer,
    WebResolver,
    add_cookie,
    admin,
    api_app,
    base_url,
    csrf_token,
    current,
    error_response,
    form,
    page_app,
    partner,
    render,
    request_path,
    serve,
    viewer,
)
from waymark.web.client_limits import limit_attempts
from waymark.web.errors import (
    AccountNotActive,
    BadRequest,
    Conflict,
    Forbidden,
    HttpError,
    LoginRequired,
    NotFound,
    PayloadTooLarge,
    TooManyRequests,
    Unavailable,
    UnsupportedMediaType,
)
from waymark.web.forms import field_errors, parse_form
from waymark.web.paging import decode_cursor, encode_cursor
from waymark.web.render import html_response, json_response, redirect, static_file, static_url

__all__ = [
    "API",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "PAGE",
    "SECURITY_HEADERS",
    "Access",
    "AccountNotActive",
    "ActivePartner",
    "BadRequest",
    "Conflict",
    "Forbidden",
    "HttpError",
    "LoginRequired",
    "NotFound",
    "PayloadTooLarge",
    "TooManyRequests",
    "Unavailable",
    "UnsupportedMediaType",
    "Viewer",
    "WebResolver",
    "add_cookie",
    "admin",
    "api_app",
    "base_url",
    "csrf_token",
    "current",
    "decode_cursor",
    "encode_cursor",
    "error_response",
    "field_errors",
    "form",
    "html_response",
    "json_response",
    "limit_attempts",
    "page_app",
    "parse_form",
    "partner",
    "redirect",
    "render",
    "request_path",
    "required_access",
    "serve",
    "static_file",
    "static_url",
    "viewer",
]
