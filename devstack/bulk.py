"""Bulk data for benchmarks: many sessions and conversions at once, with their counters.

`make bench` compares report latency at 1k and 100k clicks and export memory at 2k and 200k
conversion rows. Feeding 100k clicks through the stream consumer on moto takes minutes, so
these helpers write the items with BatchWriteItem and add their counters directly, one
UpdateItem per counter, with the deltas waymark.stats computes for the consumer (every bulk
click is a person and a unique click: each has its own visitor hash).

Do not drain the streams afterwards, or the consumer counts the same items again; pass
`counters=False` and drain instead to measure the consumer itself. Example:

    from devstack import bulk
    from waymark import reports, exports
    bulk.seed_clicks("shop", agent_id, link_code, 100_000, month="2026-05")
    reports.partner_month("shop", agent_id, "2026-05")             # time this: same reads at 1k
    bulk.seed_conversions("shop", agent_id, 200_000, month="2026-05")
    exports.export_statement(program, agent, "2026-05")            # tracemalloc peak: flat
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import boto3

from waymark import aggregate, ids, stats
from waymark.models import Conversion, Session

_BATCH = 25


def _client():
    return boto3.client("dynamodb", region_name=os.environ.get("AWS_REGION", "eu-west-1"))


def _moments(month: str, count: int) -> Iterator[datetime]:
    """`count` instants spread evenly over the month (UTC)."""
    start = datetime.strptime(month + "-01", "%Y-%m-%d").replace(tzinfo=UTC)
    step = timedelta(days=28) / max(count, 1)
    for index in range(count):
        yield start + step * index


def _write(table: str, items: Iterator[dict]) -> int:
    client, batch, written = _client(), [], 0
    for item in items:
        batch.append({"PutRequest": {"Item": item}})
        if len(batch) == _BATCH:
            written += _flush(client, table, batch)
            batch = []
    if batch:
        written += _flush(client, table, batch)
    return written


def _flush(client, table: str, batch: list[dict]) -> int:
    pending = {table: batch}
    while pending:
        pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    return len(batch)


def add_counters(deltas: stats.Deltas) -> None:
    """Add summed deltas to their counters (one UpdateItem each), as the consumer would have."""
    client, table = _client(), os.environ["STATS_TABLE"]
    for key, delta in deltas.items():
        update = aggregate.counter_update(table, key, delta)["Update"]
        client.update_item(**update)


def _merge(into: dict, deltas: stats.Deltas) -> None:
    for key, delta in deltas.items():
        for name, value in delta.items():
            into[key][name] = into[key].get(name, 0) + value


def seed_clicks(
    program_id: str,
    agent_id: str,
    link_code: str,
    count: int,
    *,
    month: str,
    sub1: str | None = None,
    counters: bool = True,
) -> int:
    """`count` sessions of one partner's link over `month`; returns how many were written."""
    totals: dict = defaultdict(dict)

    def sessions() -> Iterator[dict]:
        for index, moment in enumerate(_moments(month, count)):
            click_id = ids.new_click_id(int(moment.timestamp() * 1000))
            session = Session(
                click_id,
                ref_code=ids.ref_code(click_id),
                agent_id=agent_id,
                link_code=link_code,
                program_id=program_id,
                destination="https://www.example.com/",
                ip_hash=f"bulk-{index}",
                user_agent="Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0 Safari/537.36",
                created_at=moment.isoformat(timespec="milliseconds"),
                expires_at=0,
                ttl=0,
                sub1=sub1,
            )
            if counters:
                _merge(totals, stats.click_deltas(session.attribute_values, bot=False, unique=True))
            yield session.serialize()

    written = _write(Session.Meta.table_name, sessions())
    if counters:
        add_counters(totals)
    return written


def seed_conversions(
    program_id: str,
    agent_id: str | None,
    count: int,
    *,
    month: str,
    link_code: str | None = None,
    status: str = "approved",
    amount: str = "123.45",
    commission: str = "12.35",
    counters: bool = True,
) -> int:
    """`count` conversions of one partner over `month` (statement lines for export benchmarks)."""
    totals: dict = defaultdict(dict)

    def conversions() -> Iterator[dict]:
        for index, moment in enumerate(_moments(month, count)):
            conversion = Conversion(
                Conversion.make_id("bulk", f"{agent_id}-{month}-{index}"),
                advertiser_id="bulk",
                order_id=f"{agent_id}-{month}-{index}",
                program_id=program_id,
                agent_id=agent_id,
                link_code=link_code,
                amount=Decimal(amount),
                currency="EUR",
                commission=Decimal(commission),
                status=status,
                created_at=moment.isoformat(timespec="milliseconds"),
            )
            if counters:
                _merge(totals, stats.conversion_deltas(conversion.attribute_values))
            yield conversion.serialize()

    written = _write(Conversion.Meta.table_name, conversions())
    if counters:
        add_counters(totals)
    return written
