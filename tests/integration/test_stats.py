"""The stats consumer (StatsFunction) fed by the template's stream mappings, against moto."""

import json
from datetime import timedelta
from decimal import Decimal

import boto3
import pytest

from tests.helpers.events import click_event
from tests.helpers.faults import FailCalls
from tests.helpers.reporting import (
    DESKTOP,
    SLACK,
    T0,
    Recording,
    counter_items,
    set_status,
    stored_click,
    stored_sale,
)
from waymark.models import Session

PARTNER_MONTH = ("PROGRAM#shop#MONTH#2026-05", "AGENT#ag1")


def partner_month(agent_id: str = "ag1") -> dict:
    return counter_items().get(("PROGRAM#shop#MONTH#2026-05", f"AGENT#{agent_id}"), {})


def test_clicks_through_the_click_function_are_counted_and_audited(runtime, shop, streams):
    runtime.invoke("ClickFunction", click_event(shop.link.code))
    bot = click_event(shop.link.code)
    bot["headers"]["user-agent"] = SLACK
    runtime.invoke("ClickFunction", bot)
    runtime.invoke("ClickFunction", click_event(shop.link.code, "head"))  # no session: not a click
    streams.drain()

    [month] = {k: v for k, v in counter_items().items() if k[0].startswith("PROGRAM#shop#MONTH#")}.values()
    assert month == {"clicks": 1, "unique_clicks": 1, "bot_clicks": 1}
    audited = {s.user_agent: s for s in Session.scan()}
    person = next(s for ua, s in audited.items() if ua.startswith("Mozilla/5.0 (iPhone"))
    assert (person.bot, person.device, person.os_name, person.browser) == (False, "mobile", "iOS", "Mobile Safari")
    assert audited[SLACK].bot is True and audited[SLACK].device == "bot"


@pytest.mark.parametrize("user_agent", [SLACK, "WhatsApp/2.24.6.77 A", "facebookexternalhit/1.1", None, ""])
def test_bots_and_link_previews_are_bot_clicks_never_clicks(runtime, streams, user_agent):
    stored_click("shop", "ag1", "lnk1", user_agent=user_agent)
    streams.drain()
    assert partner_month() == {"bot_clicks": 1}


def test_a_unique_click_starts_an_hour_in_which_repeats_are_not_unique(runtime, streams):
    """Same visitor (IP hash + user agent), same link: the hour runs from the last counted unique click."""
    scenarios = {
        "la": [0, 55, 110],  # 55 is a repeat; 110 is over an hour after 0 (repeats do not extend the hour): 2
        "lb": [0, 59.99, 60],  # 59.99 min is a repeat; exactly an hour later counts again: 2
        "lc": [0, 65, 70, 126],  # 65 counts, 70 is inside its hour, 126 is over an hour after 65: 3
    }
    for link, minutes in scenarios.items():
        for offset in minutes:
            stored_click("shop", "ag1", link, at=T0 + timedelta(minutes=offset))
    stored_click("shop", "ag1", "ld", at=T0)
    stored_click("shop", "ag1", "ld", at=T0 + timedelta(minutes=1), visitor="visitor-2")  # another visitor
    stored_click("shop", "ag1", "ld", at=T0 + timedelta(minutes=2), user_agent=DESKTOP)  # another browser
    stored_click("shop", "ag1", "la", at=T0 + timedelta(minutes=3), visitor="visitor-2")  # another link's visitor
    streams.drain()

    items = counter_items()
    unique = {
        link: items[("AGENT#ag1#MONTH#2026-05", f"LINK#{link}")]["unique_clicks"] for link in ["la", "lb", "lc", "ld"]
    }
    assert unique == {"la": 3, "lb": 2, "lc": 3, "ld": 3}
    assert partner_month() == {"clicks": 14, "unique_clicks": 11}  # raw and unique both reported


def test_conversions_move_between_status_buckets(runtime, streams):
    first = stored_sale("shop", "ag1", "o1", amount="249.90", commission="24.99", link_code="lnk1", sub1="news")
    second = stored_sale("shop", "ag1", "o2", amount="0.10", commission="0.01", channel="phone")
    stored_sale("shop", "ag1", "o3", amount="50", commission="5", status="rejected")
    streams.drain()
    assert partner_month() == {
        "conversions_pending": 2,
        "sales_pending": Decimal("250.00"),
        "commission_pending": Decimal("25.00"),
        "conversions_rejected": 1,
        "sales_rejected": Decimal("50"),
        "commission_rejected": Decimal("5"),
    }

    set_status(first, "approved")
    set_status(second, "approved")
    streams.drain()
    set_status(first, "reversed")
    streams.drain()
    assert partner_month() == {
        "conversions_approved": 1,
        "sales_approved": Decimal("0.10"),
        "commission_approved": Decimal("0.01"),
        "conversions_reversed": 1,
        "sales_reversed": Decimal("249.90"),
        "commission_reversed": Decimal("24.99"),
        "conversions_rejected": 1,
        "sales_rejected": Decimal("50"),
        "commission_rejected": Decimal("5"),
    }
    items = counter_items()
    assert items[("PROGRAM#shop#MONTH#2026-05", "CHANNEL#phone")]["conversions_approved"] == 1
    assert items[("AGENT#ag1#MONTH#2026-05#SUB", "sub1#news")] == {
        "conversions_reversed": 1,
        "sales_reversed": Decimal("249.90"),
        "commission_reversed": Decimal("24.99"),
    }


def test_unattributed_conversions_count_for_the_program_only(runtime, streams):
    stored_sale("shop", None, "o1", amount="80", commission="0", channel="chat")
    streams.drain()
    assert counter_items() == {
        ("MONTH#2026-05", "PROGRAM#shop"): {"conversions_pending": 1, "sales_pending": Decimal("80")},
        ("PROGRAM#shop#MONTH#2026-05", "CHANNEL#chat"): {"conversions_pending": 1, "sales_pending": Decimal("80")},
    }


def test_a_redelivered_batch_changes_nothing(runtime, streams, monkeypatch):
    recording = Recording(runtime, monkeypatch)
    conversion = stored_sale("shop", "ag1", "o1", link_code="lnk1")
    stored_click("shop", "ag1", "lnk1")
    stored_click("shop", "ag1", "lnk1", user_agent=SLACK)
    streams.drain()
    set_status(conversion, "approved")
    streams.drain()
    counted = counter_items()

    for event in list(recording.events):  # Lambda may deliver any batch again
        assert runtime.invoke("StatsFunction", event) == {"batchItemFailures": []}
    assert counter_items() == counted
    assert counted[PARTNER_MONTH]["conversions_approved"] == 1 and "conversions_pending" not in counted[PARTNER_MONTH]


def test_a_failed_record_is_retried_in_order_without_double_counting(runtime, streams, monkeypatch):
    recording = Recording(runtime, monkeypatch)
    for minute in range(3):
        stored_click("shop", "ag1", "lnk1", at=T0 + timedelta(minutes=minute), visitor=f"v{minute}")
    with FailCalls("dynamodb", "TransactWriteItems", calls={2}) as failure:
        streams.drain()
    assert failure.failed == 1
    first, retry = recording.events
    assert len(first["Records"]) == 3
    # The records after the failed one were not tried, so the retry starts at the failed record.
    assert retry["Records"] == first["Records"][1:]
    assert failure.seen == 4  # 1, 2 (failed), then 2 and 3: record 3 was not tried before 2
    assert partner_month() == {"clicks": 3, "unique_clicks": 3}


def test_after_a_failure_clicks_are_still_judged_in_the_order_they_happened(runtime, streams):
    for minute in (0, 30, 70):  # one visitor: 0 is unique, 30 a repeat, 70 unique again
        stored_click("shop", "ag1", "lnk1", at=T0 + timedelta(minutes=minute))
    with FailCalls("dynamodb", "TransactWriteItems", calls={1}):
        streams.drain()
    # Counting 30 and 70 before the retried 0 would make 30 unique and 70 a repeat of it.
    assert partner_month() == {"clicks": 3, "unique_clicks": 2}


def test_a_record_counted_before_its_batch_failed_is_not_counted_again(runtime, streams):
    """The audit write-back fails after the counters were written: the retry counts nothing twice."""
    stored_click("shop", "ag1", "lnk1")
    with FailCalls("dynamodb", "UpdateItem", calls={1}) as failure:
        streams.drain()
    assert failure.failed == 1
    assert partner_month() == {"clicks": 1, "unique_clicks": 1}
    assert Session.scan().next().device == "mobile"  # written on the retry


def test_the_consumers_own_session_updates_never_reach_it(runtime, streams, monkeypatch):
    recording = Recording(runtime, monkeypatch)
    stored_click("shop", "ag1", "lnk1")
    streams.drain()
    delivered = [record["eventName"] for event in recording.events for record in event["Records"]]
    assert delivered == ["INSERT"]  # the audit write-back (MODIFY) was filtered out by the template
    assert Session.scan().next().device == "mobile"


def test_records_that_keep_failing_go_to_the_failure_queue(runtime, streams, aws):
    stored_sale("shop", "ag1", "o1")
    with FailCalls("dynamodb", "TransactWriteItems"):
        streams.drain()
    sqs = boto3.client("sqs", region_name=aws.region)
    messages = sqs.receive_message(QueueUrl=aws.physical["StatsFailureQueue"]["Ref"]).get("Messages", [])
    [record] = json.loads(messages[0]["Body"])["records"]
    assert record["dynamodb"]["NewImage"]["order_id"] == {"S": "o1"}
    assert partner_month() == {}
