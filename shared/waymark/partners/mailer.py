"""Partner emails sent: one per Waymark event from PartnerMailQueue, and the daily digest.

An event names its partner; the email goes to the partner's address in its language (the
program's default when it chose none), in the operator's wording when there is one, else
Waymark's (waymark.partners.emails). Nothing is sent to a partner without an address, to one
that turned the topic off, or to a suppressed address (bounced, complained). Each email is
marked sent (MailLogTable, a conditional put) before SES is called, so a repeated event (SQS
delivers at least once) sends nothing; when SES fails the mark is taken back and the message
retried.
"""

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from aws_lambda_powertools import Logger
from pynamodb.exceptions import DoesNotExist, PutError

from waymark import catalog
from waymark.core import aws
from waymark.mail import log
from waymark.mail.log import MailEvent
from waymark.models import Agent, Conversion, PartnerEmailSent, PartnerEmailTemplate, Program, as_dict
from waymark.partners import emails
from waymark.partners.emails import PartnerEmail
from waymark.partners.vocabulary import PartnerStatus
from waymark.programs.settings import list_programs
from waymark.remarketing import render
from waymark.remarketing.suppression import is_suppressed
from waymark.remarketing.tokens import PartnerUnsubscribeLink, email_hash

logger = Logger(child=True)

SENT_MARK_DAYS = 30  # a repeat of an event arrives within minutes; a month is generous
CONVERSION_EMAILS = (PartnerEmail.CONVERSION_APPROVED, PartnerEmail.CONVERSION_REVERSED)


@dataclass(frozen=True)
class Settings:
    sender: str
    public_url: str
    configuration_set: str | None

    @classmethod
    def from_env(cls) -> "Settings":
        return cls(
            sender=os.environ.get("SES_SENDER", ""),
            public_url=os.environ.get("PUBLIC_URL", "").rstrip("/"),
            configuration_set=os.environ.get("SES_CONFIGURATION_SET") or None,
        )


def handle_event(event: Mapping[str, Any], *, settings: Settings | None = None) -> str:
    """An EventBridge event (as the rule queues it); returns what became of it, for the log."""
    kind = emails.EVENT_EMAILS.get(str(event.get("detail-type")))
    detail = event.get("detail") or {}
    agent_id = detail.get("agent_id")
    if kind is None:
        return "no partner email for this event"
    if not agent_id:
        return "the event names no partner"
    extra: dict[str, Any] = {}
    subject = str(agent_id)
    if kind in CONVERSION_EMAILS:
        subject = str(detail.get("conversion_id") or "")
        extra["conversion"] = {
            "amount": Decimal(str(detail.get("amount") or 0)),
            "commission": Decimal(str(detail.get("commission") or 0)),
            "currency": str(detail.get("currency") or ""),
            "status": detail.get("status"),
            "channel": detail.get("channel"),
            "occurred_at": str(detail.get("occurred_at") or "")[:10],
        }
    elif kind == PartnerEmail.PAYOUT_SENT:
        subject = str(detail.get("payout_id") or "")
        extra["payout"] = {"amount": Decimal(str(detail.get("amount") or 0)), "currency": detail.get("currency")}
    if not subject:
        return "the event names no conversion or payout"
    return send(kind, str(agent_id), subject, extra, settings=settings)


def send(
    kind: PartnerEmail,
    agent_id: str,
    subject: str,
    extra: Mapping[str, Any],
    *,
    settings: Settings | None = None,
) -> str:
    settings = settings or Settings.from_env()
    if "@" not in settings.sender or not settings.public_url:
        raise RuntimeError("SES_SENDER and PUBLIC_URL must be set (template.yaml sets them)")
    try:
        agent = Agent.get(agent_id, consistent_read=True)
    except DoesNotExist:
        return "unknown partner"
    program = catalog.program(agent.program_id)
    if program is None:
        return "unknown program"
    if not agent.email or agent.erased_at:
        return "no address"
    if agent.status == PartnerStatus.UNVERIFIED:
        # Nobody has shown the address is theirs yet: Waymark must not write to it on a stranger's word.
        return "address not confirmed"
    if kind == PartnerEmail.APPLICATION_RECEIVED and agent.status == PartnerStatus.ACTIVE:
        # The program approves automatically: "we will let you know" would be wrong; the welcome is due
        # (marked like partner.approved's, so the two events give one email).
        kind = PartnerEmail.APPROVED
    if not emails.wanted(kind, agent.email_opt_outs):
        return "turned off by the partner"
    if is_suppressed(agent.email):
        return "suppressed address"
    lang = emails.language(list(program.languages), program.default_language, agent.lang)
    message = compose(kind, program, agent, lang, extra, settings)
    mark = PartnerEmailSent(
        *PartnerEmailSent.key(kind, subject),
        ttl=int((datetime.now(UTC) + timedelta(days=SENT_MARK_DAYS)).timestamp()),
    )
    try:
        mark.save(condition=PartnerEmailSent.pk.does_not_exist())
    except PutError as error:
        if getattr(error, "cause_response_code", None) == "ConditionalCheckFailedException":
            return "already sent"
        raise
    request: dict[str, Any] = {
        # No Destination: SES takes the recipient from the raw message's To header.
        "FromEmailAddress": settings.sender,
        "Content": {"Raw": {"Data": message}},
        "EmailTags": [
            {"Name": "stream", "Value": "partner"},
            {"Name": "program", "Value": program.program_id},
            {"Name": "kind", "Value": str(kind)},
        ],
    }
    if settings.configuration_set:
        request["ConfigurationSetName"] = settings.configuration_set
    try:
        response = aws.client("sesv2").send_email(**request)
    except Exception:
        # Taken back so the retried message sends it. (A timeout after SES took it may repeat the email:
        # a partner's account email twice is better than never.)
        mark.delete()
        raise
    log.record(
        MailEvent.SENT,
        stream="partner",
        message_id=response.get("MessageId"),
        email=agent.email,
        email_hash=email_hash(agent.email),
        program_id=program.program_id,
        kind=str(kind),
    )
    return "sent"


def wording(program_id: str, kind: PartnerEmail) -> PartnerEmailTemplate | None:
    try:
        return PartnerEmailTemplate.get(*PartnerEmailTemplate.key(program_id, kind))
    except DoesNotExist:
        return None


def compose(
    kind: PartnerEmail, program: Program, agent: Agent, lang: str, extra: Mapping[str, Any], settings: Settings
) -> bytes:
    topic = emails.topic_of(kind)
    unsubscribe = None
    if topic:
        token = PartnerUnsubscribeLink(agent.agent_id, topic, lang).token()
        unsubscribe = f"{settings.public_url}/unsubscribe/{token}"
    data = emails.EmailData(agent.name, program.name, f"{settings.public_url}/portal", unsubscribe, extra)
    rendered = None
    own = wording(program.program_id, kind)
    if own is not None:
        subjects, bodies = as_dict(own.subjects), {k: as_dict(v) for k, v in as_dict(own.bodies).items()}
        body = bodies.get(lang) or bodies.get(program.default_language)
        subject = subjects.get(lang) or subjects.get(program.default_language)
        if body and subject:
            try:
                rendered = emails.render_email(subject, body["html"], body.get("text"), data, lang)
            except render.RenderError:
                # Checked when saved, so only real data can break it: Waymark's wording still informs the partner.
                logger.exception("the operator's wording did not render; Waymark's is sent", extra={"kind": kind})
    if rendered is None:
        subject, html = emails.default_wording(kind, lang)
        rendered = emails.render_email(subject, html, None, data, lang)
    return render.mime_message(
        rendered,
        sender=settings.sender,
        sender_name=program.name,
        to=agent.email,
        reply_to=None,
        unsubscribe_urls=[unsubscribe] if unsubscribe else [],
        lang=lang,
    )


# ---------------------------------------------------------------------------- the daily digest


def send_digests(day: date, *, settings: Settings | None = None) -> dict[str, int]:
    """Each partner's digest of `day`'s new conversions: one Query per program on program-index."""
    outcomes: dict[str, int] = {}
    for program in list_programs():
        found = Conversion.by_program.query(
            program.program_id, Conversion.created_at.between(day.isoformat(), (day + timedelta(days=1)).isoformat())
        )
        rows = [
            {
                "agent_id": c.agent_id,
                "status": c.status,
                "test": c.test,
                "currency": c.currency,
                "amount": c.amount,
                "commission": c.commission,
            }
            for c in found
        ]
        for digest in emails.digests(rows, day):
            outcome = send(
                PartnerEmail.DAILY_DIGEST,
                digest.agent_id,
                f"{digest.agent_id}#{digest.day}",
                {"digest": digest},
                settings=settings,
            )
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


# ---------------------------------------------------------------------------- the decline


def queue_declined(agent: Agent) -> bool:
    """The declined email, queued as the bus would queue an event (declines are no bus event).
    False when no queue is configured or SQS failed: the decision stands, the email is lost (logged)."""
    queue_url = os.environ.get("PARTNER_MAIL_QUEUE_URL")
    if not queue_url:
        return False
    body = {
        "source": "waymark",
        "detail-type": "partner.declined",
        "detail": {"program_id": agent.program_id, "agent_id": agent.agent_id, "status": agent.status},
    }
    try:
        aws.client("sqs").send_message(QueueUrl=queue_url, MessageBody=json.dumps(body))
    except Exception:
        logger.exception("the declined email was not queued", extra={"agent_id": agent.agent_id})
        return False
    return True
