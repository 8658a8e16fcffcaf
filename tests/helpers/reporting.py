"""Helpers for the report tests: sessions and conversions stored as items, the way the click and
postback functions write them (`stored_click`, `stored_sale`; the stream consumer then sees them as it
would in production), raw counter reads, and a recording of what
the stream delivered to the consumer."""

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from waymark.core import ids
from waymark.core.times import iso
from waymark.models import Conversion, Session

HUMAN = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.4 Mobile/15E148 Safari/604.1"
)
DESKTOP = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
)
SLACK = "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)"
T0 = datetime(2026, 5, 20, 10, 0, tzinfo=UTC)


def stored_click(
    program_id: str,
    agent_id: str,
    link_code: str,
    *,
    at: datetime = T0,
    visitor: str = "visitor-1",
    user_agent: str | None = HUMAN,
    repeat: bool = False,
    **sub_ids: str,
) -> Session:
    """A stored session, as the click function writes it (visitor stands in for the IP hash; `repeat` as the
    click function marks a click whose browser's cookie shows a unique click on the link within the hour)."""
    click_id = ids.new_click_id(int(at.timestamp() * 1000))
    expires = at + timedelta(days=365)
    session = Session(
        *Session.key(click_id),
        agent_id=agent_id,
        link_code=link_code,
        program_id=program_id,
        destination=f"https://www.example.com/?click_id={click_id}",
        user_agent=user_agent,
        ip_hash=visitor,
        created_at=iso(at),
        expires_at=int(expires.timestamp()),
        ttl=int(expires.timestamp()) + 86400 * 90,
        repeat=True if repeat else None,
        **sub_ids,
    )
    session.save()
    return session


def stored_sale(
    program_id: str,
    agent_id: str | None,
    order_id: str,
    *,
    amount: str = "100.00",
    commission: str = "10.00",
    status: str = "pending",
    channel: str = "web",
    link_code: str | None = None,
    at: datetime = T0,
    **sub_ids: str,
) -> Conversion:
    """A stored conversion, written the way the postback would (no dependency on its code)."""
    conversion = Conversion(
        Conversion.make_id("shop-booking", order_id),
        advertiser_id="shop-booking",
        order_id=order_id,
        program_id=program_id,
        agent_id=agent_id,
        link_code=link_code,
        channel=channel,
        amount=Decimal(amount),
        currency="EUR",
        commission=Decimal(commission),
        status=status,
        created_at=iso(at),
        **sub_ids,
    )
    conversion.save()
    return conversion


def set_status(conversion: Conversion, status: str) -> None:
    conversion.update(actions=[Conversion.status.set(status), Conversion.updated_at.set(iso(datetime.now(UTC)))])


def counter_items() -> dict[tuple[str, str], dict]:
    """Every counter in StatsTable (the consumer's checkpoints and journal parts left out),
    numbers as int/Decimal. Tests only: a Scan."""
    import os

    import boto3

    from waymark.reporting.counters import COUNTER_FIELDS, MONEY_FIELDS

    table = boto3.client("dynamodb", region_name="eu-west-1")
    out = {}
    for page in table.get_paginator("scan").paginate(TableName=os.environ["STATS_TABLE"]):
        for item in page["Items"]:
            pk, sk = item["pk"]["S"], item["sk"]["S"]
            if pk.startswith(("CHECKPOINT#", "JOURNAL#")):  # the consumer's own items
                continue
            values = {
                name: (Decimal(item[name]["N"]) if name in MONEY_FIELDS else int(item[name]["N"]))
                for name in COUNTER_FIELDS
                if name in item
            }
            out[(pk, sk)] = {name: value for name, value in values.items() if value != 0}
    return {key: values for key, values in out.items() if values}


class Recording:
    """Wraps runtime.invoke to keep every event the pump delivered to StatsFunction."""

    def __init__(self, runtime, monkeypatch):
        self.events: list[dict] = []
        original = runtime.invoke

        def invoke(logical_id, event):
            if logical_id == "StatsFunction":
                self.events.append(copy.deepcopy(event))
            return original(logical_id, event)

        monkeypatch.setattr(runtime, "invoke", invoke)
