"""The mail console's pages (/admin/mail): partner emails and their wording with a sandboxed
preview of unsaved text, the send log, and suppressions added or lifted by hand.

Every page takes `?program=` like the rest of the console and keeps it on its links and forms.
"""

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import ValidationError

from waymark import web, wording
from waymark.mail.log import MailEvent
from waymark.models import Program
from waymark.partners import emails
from waymark.partners.email_settings import WordingInput, current
from waymark.partners.emails import PartnerEmail
from waymark.portal import actions
from waymark.portal.mail import actions as mail_actions
from waymark.portal.mail.api import EventFilter, Kind, SuppressionBody, wording_out
from waymark.portal.params import ProgramId
from waymark.portal.remarketing import forms
from waymark.portal.remarketing.actions import Unprocessable

router = Router()

BASE = "/admin/mail"
NOTICES = {
    "saved": "Saved: partners get this wording from now on.",
    "reset": "Back to Waymark's wording.",
    "suppressed": "The address is suppressed: it gets no remarketing or optional email any more.",
    "already": "The address was suppressed already.",
    "lifted": "The address may get email again.",
    "not-suppressed": "The address was not suppressed.",
}
Done = Annotated[Literal[tuple(NOTICES)] | None, Query()]  # type: ignore[valid-type]


def _context(program_id: str | None) -> tuple[Program, str]:
    web.admin()
    program = actions.program(program_id)
    return program, (f"?{urlencode({'program': program_id})}" if program_id else "")


def _after(path: str, query: str, done: str) -> Response[str]:
    return web.redirect(f"{path}{query}{'&' if query else '?'}done={done}")


def _overview(
    program: Program,
    query: str,
    *,
    event: str | None = None,
    notice: str | None = None,
    status: int = 200,
    problems: forms.Problems | None = None,
    email: str = "",
) -> Response[str]:
    return web.render(
        "admin/mail/index.html",
        status,
        program=program,
        q=query,
        notice=NOTICES.get(notice or ""),
        emails=[wording_out(program, kind) for kind in PartnerEmail],
        lines=mail_actions.send_log(program, event=event),
        events=list(MailEvent),
        event=event or "",
        days=mail_actions.LOG_DAYS,
        problems=problems or forms.Problems(),
        email=email,
    )


@router.get(BASE)
def overview(program: ProgramId = None, done: Done = None, event: EventFilter = None) -> Response[str]:
    chosen, query = _context(program)
    return _overview(chosen, query, event=event, notice=done)


@router.post(f"{BASE}/suppressions")
def suppressions(program: ProgramId = None) -> Response[str]:
    chosen, query = _context(program)
    form = web.form()
    typed = form.get("email", "")
    action = form.get("action")
    if action not in ("add", "lift"):
        problems = forms.describe([{"field": "action", "message": wording.MAIL_SUPPRESS_OR_LIFT()}])
        return _overview(chosen, query, status=400, problems=problems, email=typed)
    try:
        body = SuppressionBody(email=typed)
    except ValidationError:
        problems = forms.describe([{"field": "email", "message": wording.MAIL_ONE_ADDRESS()}])
        return _overview(chosen, query, status=400, problems=problems, email=typed)
    if action == "add":
        done = "suppressed" if mail_actions.suppress(chosen, body.email) else "already"
    else:
        done = "lifted" if mail_actions.lift(chosen, body.email) else "not-suppressed"
    return _after(BASE, query, done)


# ----------------------------------------------------------------------------- a partner email's wording


def _values(data: WordingInput, program: Program) -> dict[str, Any]:
    return {
        lang: {
            "subject": data.subjects.get(lang, ""),
            "html": data.bodies[lang].html if lang in data.bodies else "",
            "text": (data.bodies[lang].text or "") if lang in data.bodies else "",
        }
        for lang in program.languages
    }


def _posted(form: dict[str, str], program: Program) -> dict[str, Any]:
    return {
        lang: {
            "subject": form.get(f"subject-{lang}", ""),
            "html": form.get(f"html-{lang}", ""),
            "text": form.get(f"text-{lang}", ""),
        }
        for lang in program.languages
    }


def _wording(values: dict[str, Any]) -> tuple[WordingInput | None, forms.Problems]:
    """Empty boxes are left out, so the domain names the language as missing."""
    try:
        data = WordingInput(
            subjects={lang: v["subject"] for lang, v in values.items() if v["subject"].strip()},
            bodies={
                lang: {"html": v["html"], "text": v["text"] if v["text"].strip() else None}
                for lang, v in values.items()
                if v["html"].strip()
            },
        )
    except ValidationError as error:
        return None, forms.describe(forms.validation_problems(error))
    return data, forms.Problems()


def _page(
    program: Program,
    query: str,
    kind: PartnerEmail,
    values: dict[str, Any],
    *,
    custom: bool,
    status: int = 200,
    problems: forms.Problems | None = None,
    notice: str | None = None,
    preview: dict[str, Any] | None = None,
) -> Response[str]:
    return web.render(
        "admin/mail/partner_email.html",
        status,
        program=program,
        q=query,
        kind=kind,
        label=emails.LABELS[kind],
        optional=emails.topic_of(kind) is not None,
        custom=custom,
        values=values,
        problems=problems or forms.Problems(),
        notice=NOTICES.get(notice or ""),
        preview=preview or {"lang": program.default_language},
    )


@router.get(f"{BASE}/partner-emails/<kind>")
def edit(kind: Kind, program: ProgramId = None, done: Done = None) -> Response[str]:
    chosen, query = _context(program)
    data, custom = current(chosen, kind)
    return _page(chosen, query, kind, _values(data, chosen), custom=custom, notice=done)


@router.post(f"{BASE}/partner-emails/<kind>")
def save(kind: Kind, program: ProgramId = None) -> Response[str]:
    chosen, query = _context(program)
    form = web.form()
    values = _posted(form, chosen)
    custom = current(chosen, kind)[1]
    data, problems = _wording(values)
    if form.get("action") == "preview":
        lang = form.get("preview-lang", "")
        shown: dict[str, Any] = {"lang": lang}
        if data is not None:
            try:
                shown["email"] = mail_actions.preview(chosen, kind, data, lang)
            except Unprocessable as error:
                problems = forms.describe(error.errors or [{"field": "", "message": error.message}])
        status = 400 if problems else 200
        return _page(chosen, query, kind, values, custom=custom, status=status, problems=problems, preview=shown)
    if data is not None:
        try:
            mail_actions.save_wording(chosen, kind, data)
        except Unprocessable as error:
            problems = forms.describe(error.errors or [{"field": "", "message": error.message}])
        else:
            return _after(f"{BASE}/partner-emails/{kind}", query, "saved")
    return _page(chosen, query, kind, values, custom=custom, status=400, problems=problems)


@router.post(f"{BASE}/partner-emails/<kind>/reset")
def reset(kind: Kind, program: ProgramId = None) -> Response[str]:
    chosen, query = _context(program)
    mail_actions.reset_wording(chosen, kind)
    return _after(f"{BASE}/partner-emails/{kind}", query, "reset")
