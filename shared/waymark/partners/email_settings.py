"""An operator's wording of the partner emails (read, checked, saved or reset, previewed), and a
partner's own choices (the language of its emails, the optional ones it turned off).

A kind with no stored wording is sent in Waymark's own (waymark.partners.emails.DEFAULTS). A
saved wording has a subject and an HTML body (and an optional text) for every program language,
each of which must render in the sandbox with sample data; otherwise nothing is stored and
every problem is listed. Saving and resetting are change-recorded (waymark.programs.changes).
"""

import hashlib
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from waymark import wording
from waymark.core.times import iso, utcnow
from waymark.models import Agent, PartnerEmailTemplate, Program, as_dict, connection
from waymark.partners import emails
from waymark.partners.emails import PartnerEmail
from waymark.programs import changes
from waymark.remarketing import render
from waymark.remarketing.config import ConfigRejected, Lang, TemplateBody

# Every language's subject and bodies together: the stored item (and DynamoDB's 400 KB) holds them all.
MAX_WORDING_CHARS = 150_000
Subject = Annotated[str, StringConstraints(min_length=1, max_length=render.MAX_SUBJECT_CHARS)]


class WordingInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subjects: dict[Lang, Subject] = Field(description="The subject in every program language")
    bodies: dict[Lang, TemplateBody] = Field(description="HTML (and optional text) in every program language")


def stored(program_id: str, kind: PartnerEmail) -> PartnerEmailTemplate | None:
    try:
        return PartnerEmailTemplate.get(*PartnerEmailTemplate.key(program_id, kind), consistent_read=True)
    except DoesNotExist:
        return None


def current(program: Program, kind: PartnerEmail) -> tuple[WordingInput, bool]:
    """The wording sent now, and whether it is the operator's (False: Waymark's own)."""
    own = stored(program.program_id, kind)
    if own is not None:
        bodies = {lang: as_dict(body) for lang, body in as_dict(own.bodies).items()}
        return WordingInput(subjects=dict(as_dict(own.subjects)), bodies=bodies), True
    subjects, bodies = {}, {}
    for lang in program.languages:
        subject, html = emails.default_wording(kind, lang)
        subjects[lang], bodies[lang] = subject, {"html": html, "text": None}
    return WordingInput(subjects=subjects, bodies=bodies), False


def _error(where: str, message: str) -> dict[str, str]:
    return {"field": where, "message": message}


def _at_line(error: render.RenderError) -> str:
    return wording.MAIL_PROBLEM_AT_LINE(problem=str(error), line=error.line) if error.line else str(error)


def check(program: Program, kind: PartnerEmail, data: WordingInput) -> None:
    """Raise ConfigRejected unless every program language has a subject and content that render."""
    languages = list(program.languages)
    problems = []
    for lang in languages:
        if not (data.subjects.get(lang) or "").strip():
            problems.append(_error(f"subjects.{lang}", wording.MAIL_SUBJECT_MISSING(lang=lang)))
        if lang not in data.bodies or not data.bodies[lang].html.strip():
            problems.append(_error(f"bodies.{lang}", wording.MAIL_CONTENT_MISSING(lang=lang)))
    for lang in {*data.subjects, *data.bodies} - set(languages):
        problems.append(
            _error(f"bodies.{lang}", wording.RM_NOT_PROGRAM_LANGUAGE(lang=lang, languages=", ".join(languages)))
        )
    size = sum(len(text) for text in data.subjects.values()) + sum(
        len(body.html) + len(body.text or "") for body in data.bodies.values()
    )
    if size > MAX_WORDING_CHARS:
        problems.append(_error("bodies", wording.MAIL_TOO_LONG(maximum=MAX_WORDING_CHARS)))
        raise ConfigRejected(wording.MAIL_NOT_SAVED(), problems)
    sample = emails.sample(kind, program_name=program.name, currency=program.currency)
    for lang in languages:
        body = data.bodies.get(lang)
        for where, source, html in (
            (f"subjects.{lang}", data.subjects.get(lang), False),
            (f"bodies.{lang}.html", body.html if body else None, True),
            (f"bodies.{lang}.text", body.text if body else None, False),
        ):
            if not source or not source.strip():
                continue
            try:
                render.render(source, sample.variables(lang), html=html)
            except render.RenderError as error:
                problems.append(_error(where, _at_line(error)))
    if problems:
        raise ConfigRejected(wording.MAIL_NOT_SAVED(), problems)


def save(program: Program, kind: PartnerEmail, data: WordingInput, *, by: str) -> PartnerEmailTemplate:
    check(program, kind, data)
    before = stored(program.program_id, kind)
    item = PartnerEmailTemplate(
        *PartnerEmailTemplate.key(program.program_id, kind),
        program_id=program.program_id,
        kind=kind,
        subjects=dict(data.subjects),
        bodies={lang: body.model_dump() for lang, body in data.bodies.items()},
        updated_at=iso(utcnow()),
        updated_by=by,
    )
    entry = changes.record(
        program.program_id,
        by=by,
        subject=f"partner-email:{kind}",
        action="update" if before else "create",
        before=_recorded(before),
        after=_recorded(item),
    )
    with TransactWrite(connection=connection()) as transaction:
        transaction.save(item)
        transaction.save(entry)
    return item


def reset(program: Program, kind: PartnerEmail, *, by: str) -> bool:
    """Back to Waymark's wording; False when it was Waymark's already (nothing changes)."""
    before = stored(program.program_id, kind)
    if before is None:
        return False
    entry = changes.record(
        program.program_id,
        by=by,
        subject=f"partner-email:{kind}",
        action="delete",
        before=_recorded(before),
        after=None,
    )
    with TransactWrite(connection=connection()) as transaction:
        transaction.delete(before)
        transaction.save(entry)
    return True


def _recorded(item: PartnerEmailTemplate | None) -> dict | None:
    """Subjects as written; bodies by size and fingerprint, which say what changed and keep the record small."""
    if item is None:
        return None
    bodies = {}
    for lang, body in as_dict(item.bodies).items():
        text = "".join(str(part or "") for part in as_dict(body).values())
        bodies[lang] = f"{len(text)} characters, sha256 {hashlib.sha256(text.encode()).hexdigest()[:12]}"
    return {"subjects": as_dict(item.subjects), "bodies": bodies}


def preview(program: Program, kind: PartnerEmail, data: WordingInput, lang: str) -> render.RenderedEmail:
    """Unsaved (or saved) wording rendered with sample data; raises ConfigRejected naming the problem."""
    if lang not in program.languages:
        languages = ", ".join(program.languages)
        raise ConfigRejected(
            wording.MAIL_CHOOSE_LANGUAGE(languages=languages),
            [_error("lang", wording.MAIL_NOT_PROGRAM_LANGUAGE(languages=languages))],
        )
    subject = data.subjects.get(lang) or ""
    body = data.bodies.get(lang)
    if not subject.strip() or body is None or not body.html.strip():
        raise ConfigRejected(wording.MAIL_WRITE_TO_PREVIEW(lang=lang), [_error("lang", wording.MAIL_EMPTY())])
    sample = emails.sample(kind, program_name=program.name, currency=program.currency)
    try:
        return emails.render_email(subject, body.html, body.text, sample, lang)
    except render.RenderError as error:
        raise ConfigRejected(wording.MAIL_PREVIEW_FAILED(), [_error(f"bodies.{lang}", _at_line(error))]) from error


# ---------------------------------------------------------------------------- a partner's own choices


class ChoicesRejected(ValueError):
    """The message names what is allowed; nothing was stored."""


def set_choices(agent_id: str, program: Program, *, lang: str | None, turned_off: set[str]) -> None:
    """A partner's language for its emails (None: the program's default) and the optional emails
    (waymark.partners.emails.TOPICS) it turned off."""
    if lang is not None and lang not in program.languages:
        raise ChoicesRejected(wording.EMAIL_LANGUAGES(languages=", ".join(program.languages)))
    unknown = turned_off - set(emails.TOPICS)
    if unknown:
        raise ChoicesRejected(wording.EMAIL_TOPICS(topics=", ".join(emails.TOPICS)))
    actions = [
        Agent.lang.set(lang) if lang else Agent.lang.remove(),
        Agent.email_opt_outs.set(turned_off) if turned_off else Agent.email_opt_outs.remove(),
        Agent.updated_at.set(iso(utcnow())),
    ]
    Agent(agent_id).update(actions=actions, condition=Agent.agent_id.exists())
