"""Local-only endpoints under /_local/ on the gateway: fire scheduled functions, read sent mail and
the signup codes Cognito would have emailed."""

from __future__ import annotations

import email
import html
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy

from devstack.runtime import FunctionRuntime
from devstack.template import Stack

Endpoint = Callable[[str, str, bytes], tuple[int, dict, bytes]]


def scheduled_event(stack, spec, schedule: dict | None) -> dict:
    """The event EventBridge sends a scheduled function (or the template's Input, when it sets one)."""
    if schedule and schedule.get("input"):
        return json.loads(schedule["input"])
    rule = f"arn:aws:events:{stack.region}:{stack.account}:rule/{stack.local_name(spec.logical_id)}"
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": stack.account,
        "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": stack.region,
        "resources": [rule],
        "detail": {},
    }


def endpoints(stack: Stack, runtime: FunctionRuntime, drain: Callable[[], None], info: dict) -> dict[str, Endpoint]:
    """The /_local/ endpoints by path prefix; `info` is what /_local/health answers (the ready file's facts)."""

    def invoke(method: str, path: str, body: bytes) -> tuple[int, dict, bytes]:
        if method != "POST":
            return 405, {"Content-Type": "text/plain"}, b"POST /_local/invoke/<function>\n"
        name = path.removeprefix("/_local/invoke/").strip("/")
        try:
            spec = stack.function(name)
        except KeyError as error:
            return 404, {"Content-Type": "text/plain"}, f"{error}\n".encode()
        event = json.loads(body) if body.strip() else scheduled_event(stack, spec, (spec.schedules or [None])[0])
        result = runtime.invoke(spec.logical_id, event)
        drain()
        return 200, {"Content-Type": "application/json"}, json.dumps(result, default=str).encode()

    def mail(method: str, path: str, body: bytes) -> tuple[int, dict, bytes]:
        messages = sent_messages(stack)
        wanted = path.removeprefix("/_local/mail").strip("/")
        if wanted:
            for message in messages:
                if message["id"] == wanted:
                    return 200, {"Content-Type": "text/html; charset=utf-8"}, _render_one(message).encode()
            return 404, {"Content-Type": "text/plain"}, b"no such message\n"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, _render_list(messages).encode()

    def health(method: str, path: str, body: bytes) -> tuple[int, dict, bytes]:
        return 200, {"Content-Type": "application/json"}, json.dumps(info, default=str).encode()

    def codes(method: str, path: str, body: bytes) -> tuple[int, dict, bytes]:
        return 200, {"Content-Type": "application/json"}, json.dumps(email_codes(stack)).encode()

    def drain_now(method: str, path: str, body: bytes) -> tuple[int, dict, bytes]:
        drain()
        return 200, {"Content-Type": "application/json"}, b'{"drained":true}'

    return {
        "/_local/invoke/": invoke,
        "/_local/mail": mail,
        "/_local/health": health,
        "/_local/drain": drain_now,
        "/_local/codes": codes,
    }


def email_codes(stack) -> dict[str, str]:
    """The newest email verification code of each login that has one (devstack.moto_fixes keeps them)."""
    from moto.cognitoidp.models import cognitoidp_backends

    found = {}
    for pool in cognitoidp_backends[stack.account][stack.region].user_pools.values():
        for user in pool.users.values():
            code = getattr(user, "email_code", None)
            if code:
                found[user.attribute_lookup.get("email", user.username)] = code
    return found


def sent_messages(stack) -> list[dict]:
    """Emails SES (moto, in this process) accepted, newest first, parsed; after them the
    invitations the user pool would have emailed (devstack/invitations.py)."""
    from moto.ses.models import ses_backends

    from devstack import invitations

    backend = ses_backends[stack.account][stack.region]
    out = []
    for message in backend.sent_messages:
        if hasattr(message, "raw_data"):
            parsed = email.message_from_string(message.raw_data, policy=policy.default)
            html_part = parsed.get_body(("html",))
            text_part = parsed.get_body(("plain",))
            out.append(
                {
                    "id": message.id,
                    "to": ", ".join(message.destinations),
                    "from": parsed["From"],
                    "subject": parsed["Subject"],
                    "headers": dict(parsed.items()),
                    "html": html_part.get_content() if html_part else None,
                    "text": text_part.get_content() if text_part else None,
                }
            )
        else:
            out.append(
                {
                    "id": message.id,
                    "to": ", ".join(message.destinations.get("ToAddresses", [])),
                    "from": message.source,
                    "subject": message.subject,
                    "headers": {},
                    "html": message.body,
                    "text": None,
                }
            )
    return list(reversed(out)) + invitations.sent()


def _render_list(messages: list[dict]) -> str:
    rows = "".join(
        f"<tr><td><a href='/_local/mail/{html.escape(m['id'])}'>{html.escape(m['subject'] or '(no subject)')}</a></td>"
        f"<td>{html.escape(m['to'])}</td><td>{html.escape(m['from'] or '')}</td></tr>"
        for m in messages
    )
    return (
        "<!doctype html><meta charset=utf-8><title>Sent emails (local)</title>"
        "<body style='font-family:system-ui;margin:2rem'>"
        "<h1>Emails sent through the embedded SES, and Cognito's invitations</h1>"
        f"<p>{len(messages)} message(s). Fire the daily job with <code>make invoke FN=remarketing_sender</code>.</p>"
        f"<table border=1 cellpadding=6><tr><th>Subject</th><th>To</th><th>From</th></tr>{rows}</table>"
    )


def _render_one(message: dict) -> str:
    headers = "".join(
        f"<tr><th align=left>{html.escape(k)}</th><td>{html.escape(str(v))}</td></tr>"
        for k, v in message["headers"].items()
    )
    body = message["html"] or f"<pre>{html.escape(message['text'] or '')}</pre>"
    return (
        "<!doctype html><meta charset=utf-8><title>Email</title><body style='font-family:system-ui;margin:2rem'>"
        f"<p><a href='/_local/mail'>&larr; all emails</a></p><table>{headers}</table><hr>"
        f"<iframe sandbox style='width:100%;height:70vh;border:1px solid #ccc' srcdoc=\"{html.escape(body)}\"></iframe>"
    )
