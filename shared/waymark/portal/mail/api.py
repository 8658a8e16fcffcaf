"""JSON API of the mail console (/api/admin/mail): partner emails' wording (read, replace, reset,
preview), the send log, suppressions added or lifted by hand.

Refusals are 422 with {"message", "errors": [{"field", "message"}]}; an unknown email kind 422 too
(the path parameter names the kinds).
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from pydantic import BaseModel, ConfigDict, Field

from waymark import web
from waymark.mail.log import MailEvent
from waymark.partners import email_settings, emails
from waymark.partners.email_settings import WordingInput
from waymark.partners.emails import PartnerEmail
from waymark.portal import actions
from waymark.portal.mail import actions as mail_actions
from waymark.portal.params import ProgramId
from waymark.portal.schemas import EmailAddress

router = Router()

BASE = "/api/admin/mail"
TAGS = ["admin: mail"]
Kind = Annotated[PartnerEmail, Path(description="Which partner email")]
EventFilter = Annotated[MailEvent | None, Query(description="Only lines of this event")]


class WordingOut(BaseModel):
    kind: PartnerEmail
    label: str
    optional: bool = Field(description="Carries one-click unsubscribe; partners may turn it off")
    custom: bool = Field(description="The operator's wording; false: Waymark's own")
    subjects: dict[str, str]
    bodies: dict[str, dict[str, str | None]]


class WordingList(BaseModel):
    program_id: str
    languages: list[str]
    emails: list[WordingOut]


class PreviewBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    lang: str = Field(max_length=16)
    wording: WordingInput | None = Field(None, description="Unsaved wording; omitted: the wording sent now")


class PreviewOut(BaseModel):
    lang: str
    subject: str
    html: str
    text: str


class LogLine(BaseModel):
    at: str
    event: MailEvent
    stream: str
    recipient: str | None
    kind: str | None
    detail: str | None
    message_id: str | None


class LogOut(BaseModel):
    program_id: str
    days: int
    lines: list[LogLine]


class SuppressionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailAddress


class SuppressionOut(BaseModel):
    suppressed: bool
    changed: bool = Field(description="False: it was so already (nothing was recorded)")


def _program(program_id: str | None):
    web.admin()
    return actions.program(program_id)


def wording_out(program, kind: PartnerEmail) -> WordingOut:
    data, custom = email_settings.current(program, kind)
    return WordingOut(
        kind=kind,
        label=emails.LABELS[kind],
        optional=emails.topic_of(kind) is not None,
        custom=custom,
        subjects=data.subjects,
        bodies={lang: body.model_dump() for lang, body in data.bodies.items()},
    )


@router.get(f"{BASE}/partner-emails", tags=TAGS, summary="Every partner email with the wording sent now")
def list_wordings(program: ProgramId = None) -> WordingList:
    chosen = _program(program)
    return WordingList(
        program_id=chosen.program_id,
        languages=list(chosen.languages),
        emails=[wording_out(chosen, kind) for kind in PartnerEmail],
    )


@router.get(f"{BASE}/partner-emails/<kind>", tags=TAGS, summary="One partner email's wording")
def get_wording(kind: Kind, program: ProgramId = None) -> WordingOut:
    return wording_out(_program(program), kind)


@router.put(
    f"{BASE}/partner-emails/<kind>",
    tags=TAGS,
    summary="Set a partner email's wording (a subject and content for every program language; change-recorded)",
)
def put_wording(kind: Kind, body: WordingInput, program: ProgramId = None) -> WordingOut:
    chosen = _program(program)
    mail_actions.save_wording(chosen, kind, body)
    return wording_out(chosen, kind)


@router.delete(
    f"{BASE}/partner-emails/<kind>",
    tags=TAGS,
    summary="Back to Waymark's wording (change-recorded)",
)
def reset_wording(kind: Kind, program: ProgramId = None) -> WordingOut:
    chosen = _program(program)
    mail_actions.reset_wording(chosen, kind)
    return wording_out(chosen, kind)


@router.post(
    f"{BASE}/partner-emails/<kind>/preview",
    tags=TAGS,
    summary="Render saved or unsaved wording with sample data (nothing is stored)",
)
def preview(kind: Kind, body: PreviewBody, program: ProgramId = None) -> PreviewOut:
    chosen = _program(program)
    wording = body.wording or email_settings.current(chosen, kind)[0]
    rendered = mail_actions.preview(chosen, kind, wording, body.lang)
    return PreviewOut(lang=body.lang, subject=rendered.subject, html=rendered.html, text=rendered.text)


@router.get(f"{BASE}/log", tags=TAGS, summary="The send log of the last 7 days, newest first")
def send_log(program: ProgramId = None, event: EventFilter = None) -> LogOut:
    chosen = _program(program)
    lines = mail_actions.send_log(chosen, event=event)
    return LogOut(
        program_id=chosen.program_id,
        days=mail_actions.LOG_DAYS,
        lines=[
            LogLine(
                at=line.at,
                event=line.event,
                stream=line.stream,
                recipient=line.recipient,
                kind=line.kind,
                detail=line.detail,
                message_id=line.message_id,
            )
            for line in lines
        ],
    )


@router.post(
    f"{BASE}/suppressions",
    tags=TAGS,
    summary="Suppress an address: no remarketing or optional email goes to it (change-recorded)",
)
def add_suppression(body: SuppressionBody, program: ProgramId = None) -> SuppressionOut:
    changed = mail_actions.suppress(_program(program), body.email)
    return SuppressionOut(suppressed=True, changed=changed)


@router.post(
    f"{BASE}/suppressions/lift",
    tags=TAGS,
    summary="Let a suppressed address get email again (change-recorded)",
)
def lift_suppression(body: SuppressionBody, program: ProgramId = None) -> SuppressionOut:
    changed = mail_actions.lift(_program(program), body.email)
    return SuppressionOut(suppressed=False, changed=changed)
