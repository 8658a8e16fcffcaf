"""The delivery log: one item per try in PartnerPostbacksTable, gone after RETENTION_DAYS (TTL);
the portal shows the newest SHOWN."""

import secrets
from datetime import UTC, datetime, timedelta

from waymark.core.times import iso
from waymark.models import PartnerPostbackDelivery

RETENTION_DAYS = 30
SHOWN = 100
PREFIX = "DELIVERY#"


def write(
    agent_id: str,
    event: str,
    outcome: str,
    *,
    status_code: int | None = None,
    latency_ms: int | None = None,
    error: str | None = None,
    order_ref: str | None = None,
    attempt: int = 1,
    now: datetime | None = None,
) -> PartnerPostbackDelivery:
    at = now or datetime.now(UTC)
    entry = PartnerPostbackDelivery(
        agent_id,
        f"{PREFIX}{iso(at)}#{secrets.token_hex(4)}",
        at=iso(at),
        event=event,
        outcome=outcome,
        status_code=status_code,
        latency_ms=latency_ms,
        error=(error or None) and error[:300],
        order_ref=order_ref,
        attempt=attempt,
        ttl=int((at + timedelta(days=RETENTION_DAYS)).timestamp()),
    )
    entry.save()
    return entry


def newest(agent_id: str, limit: int = SHOWN) -> list[PartnerPostbackDelivery]:
    return list(
        PartnerPostbackDelivery.query(
            agent_id, PartnerPostbackDelivery.sk.startswith(PREFIX), scan_index_forward=False, limit=limit
        )
    )
