"""Bulk data for benchmarks: many sessions and conversions at once, with their counters.

`make bench` compares report latency at 1k and 100k clicks and export memory at 2k and 200k
conversion rows. Feeding 100k clicks through the stream consumer on moto takes minutes, so
these helpers write the items with BatchWriteItem and add their counters directly, one
UpdateItem per counter, with the deltas waymark.reporting.counters computes for the consumer (every bulk
click is a person and a unique click: each has its own visitor hash).

Do not drain the streams afterwards, or the consumer counts the same items again; pass
`counters=False` and drain instead to measure the consumer itself.

`direct=True` stores the items straight into moto's in-process backend (mock_aws), without
stream records: moto 5.2 spends about a millisecond serialising each item of a BatchWriteItem,
so 100k sessions take minutes through the API and seconds this way. Only the seeding is
direct; what a benchmark measures still goes through the API. Example:

    from devstack import bulk
    from waymark.reporting import exports, reads
    bulk.seed_clicks("shop", agent_id, link_code, 100_000, month="2026-05")
    reads.partner_month("shop", agent_id, "2026-05")               # time this: same reads at 1k
    bulk.seed_conversions("shop", agent_id, 200_000, month="2026-05")
    exports.export_statement(program, agent, "2026-05")            # tracemalloc peak: flat
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import boto3

from waymark.core import aws, ids
from waymark.models import Conversion, Session
from waymark.reporting import consumer
from waymark.reporting.counters import Deltas, click_deltas, conversion_deltas

_BATCH = 25


def _client():
    return boto3.client("dynamodb", region_name=aws.region())


def _moments(month: str, count: int) -> Iterator[datetime]:
    """`count` instants spread evenly over the month (UTC)."""
    start = datetime.strptime(month + "-01", "%Y-%m-%d").replace(tzinfo=UTC)
    step = timedelta(days=28) / max(count, 1)
    for index in range(count):
        yield start + step * index


def _write(table: str, items: Iterator[dict], *, direct: bool = False) -> int:
    if direct:
        return _store_in_moto(table, items)
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


def _store_in_moto(table_name: str, items: Iterator[dict]) -> int:
    """Put items into the in-process moto backend's table as stored items (no stream records)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.dynamo_type import DynamoType, Item, LimitedSizeDict

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][aws.region()].get_table(table_name)
    written = 0
    for attrs in items:
        # Item() re-checks the 400 KB limit over all attributes for each one it adds (quadratic);
        # these items are small by construction, so the attributes go in at once.
        item = Item.__new__(Item)
        item.hash_key = DynamoType(attrs[table.hash_key_attr])
        item.range_key = DynamoType(attrs[table.range_key_attr]) if table.range_key_attr else None
        item.attrs = LimitedSizeDict({name: DynamoType(value) for name, value in attrs.items()})
        if item.range_key is None:
            table.items[item.hash_key] = item
        else:
            table.items[item.hash_key][item.range_key] = item
        written += 1
    return written


def add_counters(deltas: Deltas) -> None:
    """Add summed deltas to their counters (one UpdateItem each), as the consumer would have."""
    client, table = _client(), os.environ["STATS_TABLE"]
    for key, delta in deltas.items():
        update = consumer.counter_update(table, key, delta)["Update"]
        client.update_item(**update)


def _merge(into: dict, deltas: Deltas) -> None:
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
    direct: bool = False,
) -> int:
    """`count` sessions of one partner's link over `month`; returns how many were written."""
    totals: dict = defaultdict(dict)

    def sessions() -> Iterator[dict]:
        for index, moment in enumerate(_moments(month, count)):
            click_id = ids.new_click_id(int(moment.timestamp() * 1000))
            session = Session(
                *Session.key(click_id),
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
                _merge(totals, click_deltas(session.attribute_values, bot=False, unique=True))
            yield session.serialize()

    written = _write(Session.Meta.table_name, sessions(), direct=direct)
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
    direct: bool = False,
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
                _merge(totals, conversion_deltas(conversion.attribute_values))
            yield conversion.serialize()

    written = _write(Conversion.Meta.table_name, conversions(), direct=direct)
    if counters:
        add_counters(totals)
    return written


def seed_bookings(
    program_id: str,
    profile_id: str,
    template_id: str,
    count: int,
    *,
    due: dict[date, int],
    later: date,
    direct: bool = False,
) -> int:
    """`count` remarketing bookings: each a customer, its offer reference and one planned send, as the
    planner stores them. `due[day]` of the sends fall on `day`; the rest spread over the 100 days from
    `later` on. Returns how many bookings were written."""
    from waymark.models import CartLine, Customer, RemarketingOfferRef
    from waymark.remarketing import planner, rules
    from waymark.remarketing.tokens import email_hash, offer_id

    days = [day for day, many in due.items() for _ in range(many)]
    if len(days) > count:
        raise ValueError("more sends due than bookings")
    booked_at = datetime.now(UTC).isoformat(timespec="milliseconds")
    line = CartLine(product="sunset-cruise", category="cruises", quantity=2, price=Decimal("89.00"))

    def booking(index: int) -> tuple[dict, dict, dict]:
        send_day = days[index] if index < len(days) else later + timedelta(days=index % 100)
        conversion_id = f"bulk:B{index:07d}"
        customer = Customer(
            *Customer.key(conversion_id),
            conversion_id=conversion_id,
            program_id=program_id,
            channel="web",
            email=f"guest{index}@example.org",
            lang=("en", "de")[index % 2],
            booking_ref=f"B{index:07d}",
            booked_at=booked_at,
            amount=Decimal("178.00"),
            currency="EUR",
            items=[line],
            ttl=planner.epoch(send_day + timedelta(days=rules.LINK_VALID_DAYS + 1)),
        )
        handle = offer_id(conversion_id)
        reference = RemarketingOfferRef(
            *RemarketingOfferRef.key(handle),
            offer_id=handle,
            conversion_id=conversion_id,
            program_id=program_id,
            ttl=customer.ttl,
        )
        # The planner's own item builder, so the send has exactly the shape the daily job reads.
        send = planner._send_item(
            customer, rules.PlannedSend(send_day, profile_id, 0, template_id), email_hash(customer.email), handle
        )
        return customer.serialize(), reference.serialize(), send.serialize()

    # Serialising 150k items through PynamoDB takes longer than everything else here: bookings are
    # built in full twice (an English and a German one), and the rest are copies with their own
    # identifiers, address, hashes and dates.
    templates = [booking(0), booking(1)]

    def items() -> Iterator[dict]:
        for index in range(count):
            first, second, third = (dict(item) for item in templates[index % 2])
            send_day = days[index] if index < len(days) else later + timedelta(days=index % 100)
            conversion_id = f"bulk:B{index:07d}"
            handle = offer_id(conversion_id)
            address = f"guest{index}@example.org"
            ttl = {"N": str(planner.epoch(send_day + timedelta(days=rules.LINK_VALID_DAYS + 1)))}
            day = send_day.isoformat()
            first.update(
                pk={"S": f"CUSTOMER#{conversion_id}"},
                conversion_id={"S": conversion_id},
                email={"S": address},
                booking_ref={"S": f"B{index:07d}"},
                ttl=ttl,
            )
            second.update(pk={"S": f"OFFER#{handle}"}, offer_id={"S": handle}, conversion_id={"S": conversion_id})
            second["ttl"] = ttl
            third.update(
                pk={"S": f"CUSTOMER#{conversion_id}"},
                sk={"S": f"SEND#{day}#{profile_id}#0"},
                due_date={"S": day},
                due_key={"S": f"{program_id}#{conversion_id}#{profile_id}#0"},
                send_date={"S": day},
                conversion_id={"S": conversion_id},
                offer_id={"S": handle},
                email={"S": address},
                email_hash={"S": email_hash(address)},
                booking_ref={"S": f"B{index:07d}"},
                ttl={"N": str(planner.epoch(send_day + timedelta(days=rules.LINK_VALID_DAYS + 1)))},
            )
            yield first
            yield second
            yield third

    _write(Customer.Meta.table_name, items(), direct=direct)
    return count
