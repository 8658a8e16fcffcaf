"""A partner's postback settings: read, save (URL checked, a signing secret made on the first save),
rotate the secret, and queue a test send. The partner's own, through the portal and the JSON API.

A new secret is returned once, to be shown once: only its ciphertext is stored, and the functions
that save settings can encrypt but never decrypt it.
"""

import json
import os
from datetime import UTC, datetime

from pynamodb.exceptions import DoesNotExist

from waymark import wording
from waymark.core import aws
from waymark.core.times import iso
from waymark.events.vocabulary import EventType
from waymark.models import Agent, PartnerPostbackSettings
from waymark.partner_postbacks import addresses, macros, secrets

# The events a partner may ask a postback for (its own sales only).
POSTBACK_EVENTS = (EventType.CONVERSION_RECORDED, EventType.CONVERSION_APPROVED, EventType.CONVERSION_REVERSED)
TEST_EVENT = "postback.test"


class InvalidSettings(ValueError):
    pass


def get(agent_id: str) -> PartnerPostbackSettings | None:
    try:
        return PartnerPostbackSettings.get(agent_id, "SETTINGS", consistent_read=True)
    except DoesNotExist:
        return None


def check_url(template: str, resolve: addresses.Resolver = addresses.system_resolver) -> None:
    """InvalidSettings saying what is allowed, unless `template` is a URL Waymark may call."""
    try:
        macros.check_template(template)
        # The host is fixed (no macros there); the sample values only make the template a URL.
        addresses.target(macros.fill(template, dict.fromkeys(macros.MACROS, "x")), resolve)
    except (macros.MacroError, addresses.RefusedUrl) as error:
        raise InvalidSettings(error.args[0] if error.args else str(error)) from None


def save(
    agent: Agent,
    url_template: str,
    events: list[str],
    *,
    resolve: addresses.Resolver = addresses.system_resolver,
) -> tuple[PartnerPostbackSettings, str | None]:
    """The saved settings, and the new signing secret when this is the first save (else None)."""
    check_url(url_template, resolve)
    chosen = [str(e) for e in POSTBACK_EVENTS if str(e) in set(events)]
    if not chosen or len(chosen) != len(set(events)):
        allowed = ", ".join(POSTBACK_EVENTS)
        raise InvalidSettings(wording.PB_CHOOSE_EVENT(allowed=allowed))
    now = iso(datetime.now(UTC))
    current = get(agent.agent_id)
    secret = None
    if current is None:
        secret = secrets.new_secret()
        current = PartnerPostbackSettings(
            agent.agent_id,
            "SETTINGS",
            program_id=agent.program_id,
            signing_secret=secrets.encrypt(agent.agent_id, secret),
            secret_created_at=now,
            created_at=now,
        )
    current.url_template = url_template
    current.events = chosen
    current.updated_at = now
    current.save()
    return current, secret


def rotate_secret(agent: Agent) -> tuple[PartnerPostbackSettings, str]:
    """A new signing secret (the old one stops signing at once); InvalidSettings before any save."""
    current = get(agent.agent_id)
    if current is None:
        raise InvalidSettings(wording.PB_URL_FIRST_SECRET())
    secret = secrets.new_secret()
    now = iso(datetime.now(UTC))
    current.update(
        actions=[
            PartnerPostbackSettings.signing_secret.set(secrets.encrypt(agent.agent_id, secret)),
            PartnerPostbackSettings.secret_created_at.set(now),
            PartnerPostbackSettings.updated_at.set(now),
        ]
    )
    return current, secret


def queue_test(agent: Agent) -> None:
    """A test send, queued like a real event, so it travels the same way (checks, signature, log)."""
    if get(agent.agent_id) is None:
        raise InvalidSettings(wording.PB_URL_FIRST_TEST())
    body = {
        "source": "waymark",
        "detail-type": TEST_EVENT,
        "time": iso(datetime.now(UTC)),
        "detail": {"program_id": agent.program_id, "agent_id": agent.agent_id},
    }
    aws.client("sqs").send_message(QueueUrl=os.environ["PARTNER_POSTBACK_QUEUE_URL"], MessageBody=json.dumps(body))
