"""HTML form bodies in, field-by-field error messages out."""

from collections.abc import Mapping

from pydantic import ValidationError

from waymark import wording
from waymark.core.httpapi import BadQuery, first_values
from waymark.web import messages
from waymark.web.errors import BadRequest, PayloadTooLarge

MAX_FORM_BYTES = 64 * 1024
MAX_FORM_FIELDS = 300


def parse_form(body: str) -> dict[str, str]:
    """First value of each field of an application/x-www-form-urlencoded body."""
    if len(body.encode()) > MAX_FORM_BYTES:
        raise PayloadTooLarge(wording.FORM_TOO_LARGE())
    try:
        return first_values(body, MAX_FORM_FIELDS)
    except BadQuery as error:
        raise BadRequest(wording.FORM_UNREADABLE()) from error


def field_errors(
    error: ValidationError,
    *,
    separator: str = "-",
    lang: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """{"email": "...", "commission_rules-0-value": "..."}: one plain message per field, ready for a form,
    in the request's language (waymark.web.messages) unless `lang` is given."""
    if lang is None:
        from waymark.web.app import language  # the request being answered; app imports this module

        lang = language()
    found: dict[str, str] = {}
    for problem in error.errors(include_url=False):  # the input only tells an empty field apart; never shown
        name = separator.join(str(part) for part in problem["loc"]) or "form"
        found.setdefault(name, messages.explain(problem, lang, labels))
    return found


def readable(message: str) -> str:
    """Pydantic's messages without its "Value error, " prefix."""
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message
