"""The mail console's domain calls, as its pages and JSON API make them, with refusals as HTTP errors."""

from datetime import date

from waymark import web
from waymark.core.times import utcnow
from waymark.mail import log
from waymark.models import MailLogEntry, Program
from waymark.partners import email_settings
from waymark.partners.email_settings import WordingInput
from waymark.partners.emails import PartnerEmail
from waymark.portal.remarketing.actions import Unprocessable
from waymark.remarketing import render, suppression
from waymark.remarketing.config import ConfigRejected

LOG_DAYS = 7


def _by() -> str:
    return web.admin().email


def save_wording(program: Program, kind: PartnerEmail, data: WordingInput) -> None:
    try:
        email_settings.save(program, kind, data, by=_by())
    except ConfigRejected as error:
        raise Unprocessable(str(error), errors=error.errors) from error


def reset_wording(program: Program, kind: PartnerEmail) -> bool:
    return email_settings.reset(program, kind, by=_by())


def preview(program: Program, kind: PartnerEmail, data: WordingInput, lang: str) -> render.RenderedEmail:
    try:
        return email_settings.preview(program, kind, data, lang)
    except ConfigRejected as error:
        raise Unprocessable(str(error), errors=error.errors) from error


def send_log(program: Program, *, event: str | None = None, today: date | None = None) -> list[MailLogEntry]:
    """The program's lines of the last week (lines naming no program, SES's of old sends, are shown too)."""
    found = log.recent(today=today or utcnow().date(), days=LOG_DAYS, event=event)
    return [line for line in found if line.program_id in (None, program.program_id)]


def suppress(program: Program, email: str) -> bool:
    return suppression.add_by_operator(program.program_id, email, by=_by())


def lift(program: Program, email: str) -> bool:
    return suppression.lift_by_operator(program.program_id, email, by=_by())
