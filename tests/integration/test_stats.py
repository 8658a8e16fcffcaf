"""The stats consumer (StatsFunction) fed by the template's stream mappings, against moto."""

import json
from datetime import datetime, timedelta
from decimal import Decimal

import boto3
import pytest

from tests.helpers.events import click_event
from tests.helpers.faults import FailCalls
from tests.helpers.portal import frozen_now
from tests.helpers.programs import make_link
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
from waymark.click import useragents
from waymark.models import Session


class CallCount:
    """Counts the DynamoDB calls the consumer makes (and the items of its transactions) with a botocore hook."""

    def __init__(self):
        from waymark.core import aws

        self.client = aws.client("dynamodb", background=True)
        self.seen: dict[str, int] = {}
        self.transaction_items: list[int] = []

    def __call__(self, model, params, **kwargs):
        self.seen[model.name] = self.seen.get(model.name, 0) + 1
        if model.name == "TransactWriteItems":
            self.transaction_items.append(len(params["TransactItems"]))

    def __enter__(self):
        self.client.meta.events.register("provide-client-params.dynamodb.*", self)
        return self

    def __exit__(self, *exc):
        self.client.meta.events.unregister("provide-client-params.dynamodb.*", self)


PARTNER_MONTH = ("PROGRAM#shop#MONTH#2026-05", "AGENT#ag1")


def partner_month(agent_id: str = "ag1") -> dict:
    return counter_items().get(("PROGRAM#shop#MONTH#2026-05", f"AGENT#{agent_id}"), {})


def test_clicks_through_the_click_function_are_counted_and_nothing_is_written_back(runtime, shop, streams):
    runtime.invoke("ClickFunction", click_event(shop.link.code))
    bot = click_event(shop.link.code)
    bot["headers"]["user-agent"] = SLACK
    runtime.invoke("ClickFunction", bot)
    runtime.invoke("ClickFunction", click_event(shop.link.code, "head"))  # no session: not a click
    stored = {s.click_id: s.attribute_values for s in Session.scan()}
    streams.drain()

    [month] = {k: v for k, v in counter_items().items() if k[0].startswith("PROGRAM#shop#MONTH#")}.values()
    assert month == {"clicks": 1, "unique_clicks": 1, "bot_clicks": 1}
    assert {s.click_id: s.attribute_values for s in Session.scan()} == stored  # one write per click: the click's
    person = next(s for s in Session.scan() if s.user_agent.startswith("Mozilla/5.0 (iPhone"))
    visitor = useragents.classify(person.user_agent)  # what any reader derives, the same every time
    assert (visitor.bot, visitor.device, visitor.os_name, visitor.browser) == (False, "mobile", "iOS", "Mobile Safari")


@pytest.mark.parametrize("user_agent", [SLACK, "WhatsApp/2.24.6.77 A", "facebookexternalhit/1.1", None, ""])
def test_bots_and_link_previews_are_bot_clicks_never_clicks(runtime, streams, user_agent):
    stored_click("shop", "ag1", "lnk1", user_agent=user_agent)
    streams.drain()
    assert partner_month() == {"bot_clicks": 1}


class Browser:
    """A browser's cookie jar: it keeps what the click function sets, for as long as Max-Age says."""

    def __init__(self) -> None:
        self.jar: dict[str, tuple[str, datetime]] = {}

    def click(self, runtime, code: str, at: datetime) -> dict:
        sent = [f"{name}={value}" for name, (value, until) in self.jar.items() if at < until]
        with frozen_now(at):
            response = runtime.invoke("ClickFunction", click_event(code, cookies=sent))
        for header in response.get("cookies", []):
            name, _, rest = header.partition("=")
            value, _, attributes = rest.partition(";")
            max_age = int(attributes.split("Max-Age=", 1)[1].split(";", 1)[0])
            self.jar[name] = (value, at + timedelta(seconds=max_age))
        return response


def test_a_browser_clicking_again_within_the_hour_makes_a_click_but_no_unique_click(runtime, shop, streams):
    """The click function's cookie decides. The hour runs from the counted unique click, per link; a
    cookie that is garbage is ignored: the click still redirects, and is unique."""
    other = make_link(shop.agent, shop.program)
    browser = Browser()
    for minute, code in [(0, shop.link.code), (30, shop.link.code), (45, other.code), (50, shop.link.code),
                         (61, shop.link.code)]:  # fmt: skip
        assert browser.click(runtime, code, T0 + timedelta(minutes=minute))["statusCode"] == 302
    for garbage in (["__Secure-wm_seen=" + "x" * 5000], ["__Secure-wm_seen=a:b:c", "=;", "junk"]):
        with frozen_now(T0 + timedelta(minutes=62)):
            response = runtime.invoke("ClickFunction", click_event(shop.link.code, cookies=garbage))
        assert response["statusCode"] == 302 and response["headers"]["Location"].startswith("https://www.example.com/")

    by_time = sorted(Session.scan(), key=lambda session: session.created_at)
    # 30 and 50 are inside the hour of 0's unique click on the link; 45 is another link's first;
    # 61 is over an hour after 0 (the repeats did not extend the hour), though the cookie lived on from 45.
    assert [session.repeat for session in by_time] == [None, True, None, True, None, None, None]
    streams.drain()
    items = counter_items()
    agent = f"AGENT#{shop.agent.agent_id}"
    assert items[(f"PROGRAM#{shop.program.program_id}#MONTH#2026-05", agent)] == {"clicks": 7, "unique_clicks": 5}
    assert items[(f"{agent}#MONTH#2026-05", f"LINK#{shop.link.code}")] == {"clicks": 6, "unique_clicks": 4}


def test_a_click_is_unique_unless_its_session_is_a_repeat_and_a_bots_never_is(runtime, streams):
    stored_click("shop", "ag1", "la")
    stored_click("shop", "ag1", "la", at=T0 + timedelta(minutes=1), repeat=True)
    stored_click("shop", "ag1", "lb", at=T0 + timedelta(minutes=2), repeat=True)
    stored_click("shop", "ag1", "lb", at=T0 + timedelta(minutes=3), user_agent=SLACK)
    stored_click("shop", "ag1", "lb", at=T0 + timedelta(minutes=4), user_agent=SLACK, repeat=True)
    stored_click("shop", "ag1", "lb", at=T0 + timedelta(minutes=5), user_agent=DESKTOP)
    streams.drain()
    items = counter_items()
    assert items[("AGENT#ag1#MONTH#2026-05", "LINK#la")] == {"clicks": 2, "unique_clicks": 1}
    assert items[("AGENT#ag1#MONTH#2026-05", "LINK#lb")] == {"clicks": 2, "unique_clicks": 1, "bot_clicks": 2}
    assert partner_month() == {"clicks": 4, "unique_clicks": 2, "bot_clicks": 2}  # raw and unique both reported


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
        assert runtime.invoke("StatsFunction", event)["batchItemFailures"] == []
    assert counter_items() == counted
    assert counted[PARTNER_MONTH]["conversions_approved"] == 1 and "conversions_pending" not in counted[PARTNER_MONTH]


def test_a_failed_batch_is_retried_from_its_first_record_without_double_counting(runtime, streams, monkeypatch):
    recording = Recording(runtime, monkeypatch)
    for minute in range(3):
        stored_click("shop", "ag1", "lnk1", at=T0 + timedelta(minutes=minute), visitor=f"v{minute}")
    with FailCalls("dynamodb", "TransactWriteItems", calls={1}) as failure:
        streams.drain()
    assert failure.failed == 1
    first, retry = recording.events
    assert retry["Records"] == first["Records"]  # the one chunk failed: Lambda retries from its first record
    assert partner_month() == {"clicks": 3, "unique_clicks": 3}


def test_a_batch_is_written_once_per_counter_with_its_checkpoint(runtime, streams, monkeypatch):
    recording = Recording(runtime, monkeypatch)
    for n in range(40):
        stored_click("shop", "ag1", "lnk1", at=T0 + timedelta(seconds=n), visitor=f"v{n % 30}", repeat=n >= 30)
    calls = CallCount()
    with calls:
        streams.drain()
    [event] = recording.events
    assert len(event["Records"]) == 40
    # The checkpoint and the journal read (empty), then one transaction: the checkpoint and 6 counters.
    # Nothing per visitor: the sessions say which clicks are repeats.
    assert calls.seen == {"GetItem": 1, "Query": 1, "TransactWriteItems": 1}
    assert calls.transaction_items == [7]
    assert partner_month() == {"clicks": 40, "unique_clicks": 30}


def test_a_batch_too_large_for_one_transaction_is_journaled_and_finished_by_the_retry(runtime, streams):
    """40 partners' clicks move 240 counters: three journal parts. The second part's transaction fails
    after the checkpoint moved; the retry skips every record and applies the parts that are left."""
    for n in range(40):
        stored_click("shop", f"ag{n}", f"lnk{n}", visitor=f"v{n}")
    with FailCalls("dynamodb", "TransactWriteItems", calls={2}) as failure:
        streams.drain()
    assert failure.failed == 1
    items = counter_items()
    assert items[("MONTH#2026-05", "PROGRAM#shop")] == {"clicks": 40, "unique_clicks": 40}
    assert all(
        items[("PROGRAM#shop#MONTH#2026-05", f"AGENT#ag{n}")] == {"clicks": 1, "unique_clicks": 1} for n in range(40)
    )
    assert len(items) == 1 + 40 * 5


def test_the_consumer_writes_nothing_onto_sessions(runtime, streams, monkeypatch):
    recording = Recording(runtime, monkeypatch)
    stored_click("shop", "ag1", "lnk1")
    streams.drain()
    delivered = [record["eventName"] for event in recording.events for record in event["Records"]]
    assert delivered == ["INSERT"]  # no MODIFY came back: nothing was written onto the session
    assert partner_month() == {"clicks": 1, "unique_clicks": 1}


def test_records_that_keep_failing_go_to_the_failure_queue(runtime, streams, aws):
    stored_sale("shop", "ag1", "o1")
    with FailCalls("dynamodb", "TransactWriteItems"):
        streams.drain()
    sqs = boto3.client("sqs", region_name=aws.region)
    messages = sqs.receive_message(QueueUrl=aws.physical["StatsFailureQueue"]["Ref"]).get("Messages", [])
    [record] = json.loads(messages[0]["Body"])["records"]
    assert record["dynamodb"]["NewImage"]["order_id"] == {"S": "o1"}
    assert partner_month() == {}
