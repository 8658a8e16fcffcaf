"""Helpers for mail tests: Waymark's events put on the bus (as events-postbacks' publisher puts
them, by the contract in docs/architecture.md "Partner emails"), and SES's configuration-set events
delivered as SNS would deliver them."""

import json
from datetime import UTC, datetime

import boto3

from devstack.pumps import QueuePump


def put_event(stack, detail_type: str, detail: dict) -> None:
    """One event on WaymarkEventBus; moto's EventBridge queues it through PartnerMailRule."""
    bus = stack.physical["WaymarkEventBus"]["Ref"]
    answer = boto3.client("events", region_name=stack.region).put_events(
        Entries=[{"Source": "waymark", "DetailType": detail_type, "Detail": json.dumps(detail), "EventBusName": bus}]
    )
    assert answer["FailedEntryCount"] == 0, answer


def deliver(stack, runtime) -> int:
    """Hand every queued message to its function, as Lambda's SQS poller would."""
    return QueuePump(stack, runtime).drain()


def conversion_detail(agent, *, conversion_id: str = "shop-backend:B1", status: str = "approved", **overrides) -> dict:
    return {
        "program_id": agent.program_id,
        "conversion_id": conversion_id,
        "agent_id": agent.agent_id,
        "status": status,
        "amount": "178.00",
        "commission": "17.80",
        "currency": "EUR",
        "channel": "web",
        "occurred_at": "2026-11-30T10:00:00.000+00:00",
        **overrides,
    }


def ses_notification(kind: str, address: str, *, message_id: str = "m-1", stream: str = "partner", **part) -> dict:
    """An SNS record carrying one SES configuration-set event (Delivery, Bounce or Complaint)."""
    now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    mail = {"messageId": message_id, "timestamp": now, "destination": [address], "tags": {"stream": [stream]}}
    body = {"eventType": kind, "mail": mail}
    if kind == "Delivery":
        body["delivery"] = {"timestamp": now, "recipients": [address]}
    elif kind == "Bounce":
        body["bounce"] = {
            "bounceType": part.get("bounce_type", "Permanent"),
            "bounceSubType": "General",
            "bouncedRecipients": [{"emailAddress": address}],
            "timestamp": now,
        }
    elif kind == "Complaint":
        body["complaint"] = {"complainedRecipients": [{"emailAddress": address}], "timestamp": now}
    return {"Records": [{"EventSource": "aws:sns", "Sns": {"Type": "Notification", "Message": json.dumps(body)}}]}
