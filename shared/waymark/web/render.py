"""HTML and JSON responses: the Jinja2 environment (autoescaped), static files and redirects.

Times on pages go through two filters only: `when` ("2 Dec 2026, 09:14 CET") and `day` ("2 Dec 2026"),
in the reader's zone (`time_zone` in the page's context, set by `web.render`; UTC without one).
A catalogue phrase (waymark.core.phrases.Said) printed on a page is said in the page's `language`.
"""

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.shared.json_encoder import Encoder
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context

from waymark.core import phrases, times

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE / "templates"
STATIC = PACKAGE / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}
HTML = "text/html; charset=utf-8"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        finalize=_in_language,
    )
    env.globals["static"] = static_url
    env.filters["when"] = _when
    env.filters["day"] = _day
    return env


@pass_context
def _in_language(context: Context, value: Any) -> Any:
    if isinstance(value, phrases.Sayable):
        return value.in_language(context.get("language") or phrases.DEFAULT_LANGUAGE)
    return value


@pass_context
def _when(context: Context, stored: str | None) -> str:
    return times.shown(stored, context.get("time_zone"))


@pass_context
def _day(context: Context, stored: str | None) -> str:
    return times.shown_day(stored, context.get("time_zone"))


@cache
def static_file(name: str) -> tuple[bytes, str] | None:
    """A file shipped in waymark/static (by plain name only) and its content type."""
    path = STATIC / name
    if "/" in name or name.startswith(".") or path.suffix not in STATIC_TYPES or not path.is_file():
        return None
    return path.read_bytes(), STATIC_TYPES[path.suffix]


@cache
def static_url(name: str) -> str:
    """/static/<name>?v=<content hash>: cached for long, replaced the moment the file changes."""
    found = static_file(name)
    if found is None:
        raise LookupError(f"no static file {name!r}")
    return f"/static/{name}?v={hashlib.sha256(found[0]).hexdigest()[:10]}"


def render_html(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(context)


def html_response(body: str, status: int = 200, *, headers: dict[str, str] | None = None) -> Response:
    return Response(status_code=status, content_type=HTML, body=body, headers=headers)


def json_response(body: Any, status: int = 200, *, headers: dict[str, str] | None = None) -> Response:
    text = json.dumps(body, cls=Encoder, separators=(",", ":"))
    return Response(status_code=status, content_type="application/json", body=text, headers=headers)


def redirect(location: str, status: int = 303, *, cookies: list[str] | None = None) -> Response:
    """See Other by default: after a form post the browser GETs the next page."""
    return Response(status_code=status, headers={"Location": location}, body="", cookies=cookies)  # type: ignore[arg-type]
