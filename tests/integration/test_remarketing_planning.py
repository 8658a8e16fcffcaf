"""Planning: a customer item written with its conversion becomes send items keyed by send date."""

from datetime import UTC, datetime, timedelta

import pytest

from devstack.pumps import StreamPump
from tests.helpers.remarketing import configure, make_customer


@pytest.fixture
def today():
    from waymark.core.times import utcnow

    return utcnow().date()


def sends_of(customer) -> list:
    from waymark.models import RemarketingSend

    return sorted(RemarketingSend.query(customer.pk, RemarketingSend.sk.startswith("SEND#")), key=lambda s: s.sk)


def customer_ttl(customer) -> int:
    from waymark.models import Customer

    return int(Customer.get(*Customer.key(customer.conversion_id)).ttl)


def epoch(day) -> int:
    return int(datetime.combine(day, datetime.min.time(), UTC).timestamp())


def test_the_stream_plans_each_schedule_step_on_its_date(aws, runtime, shop, today):
    configure(
        shop.program,
        schedule=[
            {"anchor": "booking", "days": 1, "template_id": "addons-email"},
            {"anchor": "service", "days": -7, "template_id": "addons-email"},
            {"anchor": "service", "days": -40, "template_id": "addons-email"},  # already past: dropped
        ],
    )
    customer = make_customer(shop.program, service_date=today + timedelta(days=30), lang="de", agent_id="a1")

    StreamPump(aws, runtime).drain()

    sends = sends_of(customer)
    assert [(s.send_date, s.step) for s in sends] == [
        ((today + timedelta(days=1)).isoformat(), 0),
        ((today + timedelta(days=23)).isoformat(), 1),
    ]
    first = sends[0]
    assert first.due_date == first.send_date and first.status == "pending"
    assert first.due_key == f"shop#{customer.conversion_id}#addons#0"
    assert first.email == customer.email and first.lang == "de" and first.email_hash != customer.email
    assert [line.product for line in first.items] == ["sunset-cruise"]
    # Personal data lives until the last send's links expire (30 days), then TTL deletes it.
    assert customer_ttl(customer) == epoch(today + timedelta(days=23 + 31))
    assert all(s.ttl == epoch(datetime.fromisoformat(s.send_date).date() + timedelta(days=31)) for s in sends)


def test_a_retried_record_plans_nothing_twice(aws, runtime, shop, today):
    from waymark.models import Customer
    from waymark.remarketing import planner

    configure(shop.program)
    customer = make_customer(shop.program)
    StreamPump(aws, runtime).drain()
    (send,) = sends_of(customer)
    send.update(actions=[type(send).status.set("sent")])

    again = planner.plan(Customer.get(*Customer.key(customer.conversion_id)))

    assert again.planned == 0 and again.reason == "already planned"
    assert [s.status for s in sends_of(customer)] == ["sent"]  # not reset to pending


def test_only_matching_email_profiles_plan_and_the_rest_is_forgotten_soon(aws, runtime, shop, today):
    configure(shop.program, rules={"categories": ["walks"], "min_amount": "100"})
    matching = make_customer(shop.program, items=[("city-walk", "walks", 5, "25.00")])
    too_small = make_customer(shop.program, items=[("city-walk", "walks", 1, "25.00")])
    other = make_customer(shop.program, items=[("sunset-cruise", "cruises", 2, "89.00")])

    StreamPump(aws, runtime).drain()

    assert len(sends_of(matching)) == 1
    assert sends_of(too_small) == [] and sends_of(other) == []
    assert customer_ttl(too_small) == epoch(today + timedelta(days=2))  # no reason to keep the address
    assert customer_ttl(other) == epoch(today + timedelta(days=2))


def test_web_only_profiles_send_no_email(aws, runtime, shop):
    configure(shop.program, kind="web", schedule=[])
    customer = make_customer(shop.program)

    StreamPump(aws, runtime).drain()

    assert sends_of(customer) == []


def test_steps_on_the_service_date_need_one(aws, runtime, shop, today):
    configure(shop.program, schedule=[{"anchor": "service", "days": -2, "template_id": "addons-email"}])
    without = make_customer(shop.program, service_date=None)
    soon = make_customer(shop.program, service_date=today + timedelta(days=1))  # -2 days is past
    later = make_customer(shop.program, service_date=today + timedelta(days=10))

    StreamPump(aws, runtime).drain()

    assert sends_of(without) == [] and sends_of(soon) == []
    assert [s.send_date for s in sends_of(later)] == [(today + timedelta(days=8)).isoformat()]


def test_a_suppressed_address_is_not_planned(aws, runtime, shop):
    from waymark.remarketing.suppression import suppress_email

    configure(shop.program)
    suppress_email("gone@example.org")
    customer = make_customer(shop.program, email="Gone@Example.org")

    StreamPump(aws, runtime).drain()

    assert sends_of(customer) == []


def test_only_new_customer_items_reach_the_planner(aws, runtime, shop):
    """FilterCriteria: INSERTs of customer items; the planner's own writes do not come back to it."""
    configure(shop.program)
    make_customer(shop.program)
    pump = StreamPump(aws, runtime)
    delivered = []
    original = runtime.invoke

    def record(logical_id, event):
        delivered.extend(r["dynamodb"]["Keys"]["sk"]["S"] for r in event["Records"])
        return original(logical_id, event)

    runtime.invoke = record
    try:
        pump.drain()
    finally:
        runtime.invoke = original

    assert delivered == ["CUSTOMER"]


def test_the_sample_event_is_handled(aws, runtime):
    from tests.helpers.events import load_event

    assert runtime.invoke("RemarketingPlannerFunction", load_event("remarketing_planner", "new-customer")) == {
        "batchItemFailures": []
    }
