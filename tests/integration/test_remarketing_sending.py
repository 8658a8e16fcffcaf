"""The daily remarketing job against moto: planned from the customer item's stream record, sent
through SES v2 exactly once, paced, resumable, and never to an unsubscribed address."""

import json
import os
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import boto3
import pytest

from devstack.pumps import StreamPump
from tests.helpers.remarketing import VirtualClock, VirtualContext, configure, make_customer, run_sender, sent_emails


@pytest.fixture
def clock(monkeypatch):
    """SES's rate limit is paced on virtual time, so tests never wait."""
    from waymark.remarketing import sender

    virtual = VirtualClock()
    monkeypatch.setattr(sender, "CLOCK", virtual)
    return virtual


@pytest.fixture
def booked(shop, runtime, clock):
    """The shop's remarketing set up: one email profile writing the day after the booking."""
    from waymark.core.times import utcnow

    setup = configure(shop.program)
    today = utcnow().date()
    return SimpleNamespace(
        **vars(shop), **vars(setup), today=today, due=today + timedelta(days=1), runtime=runtime, clock=clock
    )


def plan(stack, runtime) -> int:
    """Deliver the RemarketingTable stream to its consumer, as Lambda's poller does."""
    return StreamPump(stack, runtime).drain()


def test_due_emails_are_sent_in_the_customers_language_with_the_channels_subject(aws, booked):
    english = make_customer(booked.program, email="ann@example.org", lang="en")
    german = make_customer(booked.program, email="bert@example.org", lang="de", channel="phone")
    unknown = make_customer(booked.program, email="chloe@example.org", lang="fr")
    plan(aws, booked.runtime)

    summary = run_sender(booked.runtime, booked.due, booked.clock)

    assert summary["sent"] == 3 and summary["items_read"] == 3
    emails = {e["to"][0]: e for e in sent_emails(aws)}
    assert set(emails) == {"ann@example.org", "bert@example.org", "chloe@example.org"}
    ann, bert, chloe = emails["ann@example.org"], emails["bert@example.org"], emails["chloe@example.org"]
    assert ann["subject"] == f"Add to your trip {english.booking_ref}"
    assert bert["subject"] == "Wie am Telefon besprochen: mehr Reise"  # the phone channel's German subject
    assert chloe["subject"] == f"Add to your trip {unknown.booking_ref}"  # French falls back to English
    assert "Vineyard wine tasting" in ann["html"] and "64.50 EUR" in ann["html"]
    assert "Weinprobe im Weingut" in bert["html"] and "64,50 EUR" in bert["html"]
    assert "Buchung " + german.booking_ref in bert["text"]
    for e in emails.values():
        assert "Sunset cruise" not in e["html"] and "Sonnenuntergangsfahrt" not in e["html"]  # already booked
        message = e["message"]
        assert message["From"] == "Example Tours <offers@example.com>"
        assert message["Reply-To"] == "help@example.com"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        unsubscribe = message["List-Unsubscribe"].strip("<>")
        assert urlsplit(unsubscribe).scheme == "https" and "/unsubscribe/" in unsubscribe
        assert unsubscribe in e["html"] and unsubscribe in e["text"]
        assert e["to"][0] not in unsubscribe and "B10" not in unsubscribe
        assert message.is_multipart() and message.get_content_type() == "multipart/alternative"


def test_a_booking_reported_without_a_reference_is_named_by_its_order_id(aws, booked):
    customer = make_customer(booked.program, email="dora@example.org", save=False)
    customer.booking_ref = None  # the postback's booking_ref is optional
    customer.save()
    plan(aws, booked.runtime)

    assert run_sender(booked.runtime, booked.due, booked.clock)["sent"] == 1
    order_id = customer.conversion_id.split(":")[1]
    email = sent_emails(aws)[0]
    assert email["subject"] == f"Add to your trip {order_id}" and "None" not in email["html"]
    assert f"Complete your trip, booking {order_id}" in email["html"]


def test_a_second_run_the_same_day_sends_nothing_new(aws, booked):
    for n in range(3):
        make_customer(booked.program, email=f"guest{n}@example.org")
    plan(aws, booked.runtime)

    first = run_sender(booked.runtime, booked.due, booked.clock)
    second = run_sender(booked.runtime, booked.due, booked.clock)

    assert first["sent"] == 3
    assert second["sent"] == 0 and second["items_read"] == 0  # sent items left the sparse due-index
    assert sorted(e["to"][0] for e in sent_emails(aws)) == [f"guest{n}@example.org" for n in range(3)]


def test_two_runs_reading_the_same_item_send_it_once(aws, booked):
    """Concurrent runs: both read the item before either claims it; the conditional claim decides."""
    from waymark.models import RemarketingSend
    from waymark.remarketing import sender

    make_customer(booked.program, email="once@example.org")
    plan(aws, booked.runtime)
    (item,) = list(RemarketingSend.by_due.query(booked.due.isoformat()))
    runs = [sender.Run(today=booked.due, remaining_ms=lambda: 300_000, clock=booked.clock) for _ in range(2)]
    for run in runs:
        run.pacer = sender.Pacer(10, booked.clock)

    runs[0]._process(item)
    runs[1]._process(item)

    assert [r.summary.sent for r in runs] == [1, 0] and runs[1].summary.busy == 1
    assert [e["to"] for e in sent_emails(aws)] == [["once@example.org"]]
    stored = RemarketingSend.get(item.pk, item.sk)
    assert stored.status == "sent" and stored.due_date is None and stored.email is None and stored.message_id


def test_the_daily_job_reads_only_what_is_due(aws, booked):
    """Bookings planned for other days are never read: the budget (reads ≈ due items) at small scale."""
    for n in range(12):
        make_customer(booked.program, email=f"later{n}@example.org", booked=booked.today + timedelta(days=3 + n % 4))
    for n in range(5):
        make_customer(booked.program, email=f"due{n}@example.org")
    plan(aws, booked.runtime)

    summary = run_sender(booked.runtime, booked.due, booked.clock)

    assert summary["items_read"] == 5 and summary["sent"] == 5
    assert summary["config_items_read"] <= 5  # program, one profile, one template, two channels
    assert len(sent_emails(aws)) == 5


def test_unsubscribed_addresses_are_never_emailed(aws, booked):
    from waymark.remarketing.suppression import is_suppressed, suppress_email

    make_customer(booked.program, email="Stay@Example.org")
    make_customer(booked.program, email="leave@example.org")
    plan(aws, booked.runtime)
    suppress_email("  LEAVE@example.org ")  # after planning: caught by the claim's condition check
    make_customer(booked.program, email="leave@example.org")  # a later booking: not even planned
    plan(aws, booked.runtime)

    summary = run_sender(booked.runtime, booked.due, booked.clock)

    assert is_suppressed("leave@example.org") and not is_suppressed("stay@example.org")
    assert summary["sent"] == 1 and summary["suppressed"] == 1 and summary["items_read"] == 2
    assert [e["to"] for e in sent_emails(aws)] == [["Stay@Example.org"]]


def _ses_answers(answers: list[str | None]):
    """Make the job's SES client answer SendEmail with these error codes in turn (None: let moto send)."""
    from waymark.core import aws as waymark_aws

    client = waymark_aws.client_without_retries("sesv2")
    pending = list(answers)

    def answer(**kwargs):
        code = pending.pop(0) if pending else None
        if code is None:
            return None
        status = 429 if code == "TooManyRequestsException" else 400
        response = SimpleNamespace(status_code=status, headers={})
        return response, {
            "Error": {"Code": code, "Message": f"injected {code}"},
            "ResponseMetadata": {"HTTPStatusCode": status},
        }

    client.meta.events.register("before-call.sesv2.SendEmail", answer)
    return lambda: client.meta.events.unregister("before-call.sesv2.SendEmail", answer)


def test_throttling_mid_batch_loses_no_email_and_duplicates_none(aws, booked):
    for n in range(5):
        make_customer(booked.program, email=f"t{n}@example.org")
    plan(aws, booked.runtime)
    restore = _ses_answers([None, None, "TooManyRequestsException", "TooManyRequestsException", None])
    try:
        summary = run_sender(booked.runtime, booked.due, booked.clock)
    finally:
        restore()

    assert summary["sent"] == 5 and summary["throttled"] == 2 and summary["stopped"] is None
    assert sorted(e["to"][0] for e in sent_emails(aws)) == [f"t{n}@example.org" for n in range(5)]
    assert summary["send_rate"] == 1.0  # moto's quota, from GetSendQuota (moto lacks SES v2 GetAccount)
    # Paced at one a second, then back-off of 1 s and 2 s, then half the rate: virtual time only.
    assert sum(booked.clock.sleeps) >= 4 + 1 + 2


def test_persistent_throttling_hands_the_rest_to_a_continuation(aws, booked):
    from waymark.models import RemarketingSend

    for n in range(4):
        make_customer(booked.program, email=f"p{n}@example.org")
    plan(aws, booked.runtime)
    restore = _ses_answers([None] + ["TooManyRequestsException"] * 5)
    try:
        summary = run_sender(booked.runtime, booked.due, booked.clock)
    finally:
        restore()

    assert summary["sent"] == 1 and summary["stopped"] == "throttled" and summary["continued"]
    statuses = sorted(s.status for s in RemarketingSend.by_due.query(booked.due.isoformat()))
    assert statuses == ["pending"] * 3  # the throttled one was handed back, nothing is stuck in "sending"

    continuation = _continuation(aws)
    assert continuation["DelaySeconds"] == 60
    result = booked.runtime.handler("RemarketingSenderFunction")(continuation["event"], VirtualContext(booked.clock))

    assert result == {"batchItemFailures": []}
    assert sorted(e["to"][0] for e in sent_emails(aws)) == [f"p{n}@example.org" for n in range(4)]


def _continuation(stack) -> dict:
    """The continuation the job queued, read from moto's queue (even while it is delayed) as the SQS
    event Lambda would deliver."""
    from moto.sqs.models import sqs_backends

    queue = sqs_backends[stack.account][stack.region].queues[stack.local_name("RemarketingContinueQueue")]
    (message,) = queue._messages
    event = {
        "Records": [
            {
                "messageId": message.id,
                "receiptHandle": "test",
                "body": message.body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": message.body_md5,
                "eventSource": "aws:sqs",
                "eventSourceARN": stack.physical["RemarketingContinueQueue"]["Arn"],
                "awsRegion": stack.region,
            }
        ]
    }
    delay = round((message.delayed_until - message.sent_timestamp) / 1000) if message.delayed_until else 0
    return {"event": event, "body": json.loads(message.body), "DelaySeconds": delay}


def test_the_job_stops_before_the_timeout_and_the_continuation_finishes(aws, booked):
    for n in range(6):
        make_customer(booked.program, email=f"c{n}@example.org")
    plan(aws, booked.runtime)

    # Moto's rate is one email a second (virtual time): with 32.5 s left and a 30 s safety margin,
    # the run has room for a few sends, then must stop.
    first = run_sender(booked.runtime, booked.due, booked.clock, timeout_ms=32_500)

    assert first["stopped"] == "time" and first["continued"] and 0 < first["sent"] < 6
    continuation = _continuation(aws)
    assert continuation["body"] == {"date": booked.due.isoformat(), "generation": 1}
    result = booked.runtime.handler("RemarketingSenderFunction")(continuation["event"], VirtualContext(booked.clock))

    assert result == {"batchItemFailures": []}
    addresses = [e["to"][0] for e in sent_emails(aws)]
    assert sorted(addresses) == [f"c{n}@example.org" for n in range(6)]  # every one, each once


def test_a_rejected_message_fails_alone_and_the_others_go_out(aws, booked):
    from waymark.models import RemarketingSend

    for n in range(3):
        make_customer(booked.program, email=f"r{n}@example.org")
    plan(aws, booked.runtime)
    restore = _ses_answers([None, "MessageRejected", None])
    try:
        summary = run_sender(booked.runtime, booked.due, booked.clock)
    finally:
        restore()

    assert summary["sent"] == 2 and summary["failed"] == 1
    failed = [s for s in RemarketingSend.scan() if s.status == "failed"]  # test inspection only
    assert len(failed) == 1 and failed[0].reason.startswith("MessageRejected") and failed[0].due_date is None


def test_an_interrupted_send_is_never_repeated(aws, booked):
    """A claim older than any run means the run died between claiming and marking: maybe sent."""
    from waymark.models import RemarketingSend

    make_customer(booked.program, email="maybe@example.org")
    plan(aws, booked.runtime)
    (item,) = list(RemarketingSend.by_due.query(booked.due.isoformat()))
    item.update(
        actions=[
            RemarketingSend.status.set("sending"),
            RemarketingSend.claim_id.set("dead-run"),
            RemarketingSend.claimed_at.set("2020-01-01T00:00:00.000+00:00"),
        ]
    )

    summary = run_sender(booked.runtime, booked.due, booked.clock)

    assert summary["uncertain"] == 1 and summary["sent"] == 0 and sent_emails(aws) == []
    assert RemarketingSend.get(item.pk, item.sk).status == "uncertain"


def test_two_bookings_the_same_day_get_one_email_with_the_offers_of_both(aws, booked):
    from waymark.models import RemarketingSend

    first = make_customer(booked.program, email="twice@example.org")
    second = make_customer(
        booked.program, email="Twice@Example.org", items=(("city-walk", "walks", 1, "25.00"),)
    )  # the same address however it is written
    make_customer(booked.program, email="other@example.org")
    plan(aws, booked.runtime)

    summary = run_sender(booked.runtime, booked.due, booked.clock)

    assert summary["sent"] == 2 and summary["merged"] == 1
    emails = {e["to"][0].lower(): e for e in sent_emails(aws)}
    assert len(sent_emails(aws)) == 2 and set(emails) == {"twice@example.org", "other@example.org"}
    merged = emails["twice@example.org"]
    # wine tasting once; neither the cruise (first booking) nor the walk (second booking) is offered
    assert merged["html"].count("Vineyard wine tasting") == 1
    assert "Old town walking tour" not in merged["html"] and "Sunset cruise" not in merged["html"]
    statuses = {s.conversion_id: s.status for s in RemarketingSend.scan(RemarketingSend.sk.startswith("SEND#"))}
    assert statuses[first.conversion_id] == "sent" and statuses[second.conversion_id] == "merged"
    assert run_sender(booked.runtime, booked.due, booked.clock)["sent"] == 0


def test_an_address_already_emailed_today_gets_the_later_booking_tomorrow(aws, booked):
    from waymark.models import RemarketingSend

    make_customer(booked.program, email="early@example.org")
    plan(aws, booked.runtime)
    assert run_sender(booked.runtime, booked.due, booked.clock)["sent"] == 1
    # a booking planned after the morning's run, due the same day (a catch-up run or a retried one)
    late = make_customer(booked.program, email="early@example.org")
    plan(aws, booked.runtime)

    again = run_sender(booked.runtime, booked.due, booked.clock)
    tomorrow = run_sender(booked.runtime, booked.due + timedelta(days=1), booked.clock)

    assert again["sent"] == 0 and again["postponed"] == 1
    assert tomorrow["sent"] == 1 and len(sent_emails(aws)) == 2
    (send,) = RemarketingSend.query(f"CUSTOMER#{late.conversion_id}", RemarketingSend.sk.startswith("SEND#"))
    assert send.status == "sent"


def test_a_throttled_merged_email_hands_every_booking_back_and_goes_out_once_later(aws, booked):
    make_customer(booked.program, email="pair@example.org")
    make_customer(booked.program, email="pair@example.org")
    plan(aws, booked.runtime)

    restore = _ses_answers(["TooManyRequestsException"] * 10)
    try:
        first = run_sender(booked.runtime, booked.due, booked.clock)
    finally:
        restore()
    second = run_sender(booked.runtime, booked.due, booked.clock)

    assert first["sent"] == 0 and first["stopped"] == "throttled"
    assert second["sent"] == 1 and second["merged"] == 1 and second["postponed"] == 0
    assert [e["to"] for e in sent_emails(aws)] == [["pair@example.org"]]


def test_sends_of_a_removed_profile_are_skipped(aws, booked):
    from waymark.remarketing import config

    make_customer(booked.program, email="gone@example.org")
    plan(aws, booked.runtime)
    config.delete_profile(booked.program, booked.profile.profile_id)

    summary = run_sender(booked.runtime, booked.due, booked.clock)

    assert summary["skipped"] == 1 and sent_emails(aws) == []


def test_yesterdays_leftovers_go_out_with_todays_run(aws, booked):
    """A send planned for today after today's run (e.g. +0 days) is caught up the next day."""
    make_customer(booked.program, email="late@example.org")
    plan(aws, booked.runtime)

    summary = run_sender(booked.runtime, booked.due + timedelta(days=1), booked.clock)

    assert summary["sent"] == 1 and [e["to"] for e in sent_emails(aws)] == [["late@example.org"]]


def test_an_unverified_sender_pauses_the_job_and_fails_nobody(aws, booked):
    from waymark.models import RemarketingSend

    make_customer(booked.program, email="wait@example.org")
    plan(aws, booked.runtime)
    # The template's sender, which the role may send as, no longer verified in SES.
    sender = os.environ["SES_SENDER"]
    boto3.client("ses", region_name=aws.region).delete_identity(Identity=sender)

    summary = run_sender(booked.runtime, booked.due, booked.clock)

    assert summary["stopped"] == "paused" and summary["failed"] == 0 and not summary["continued"]
    (send,) = RemarketingSend.by_due.query(booked.due.isoformat())
    assert send.status == "pending" and sender in send.reason


def test_a_send_that_cannot_be_composed_is_skipped_and_the_rest_go_out(aws, booked):
    """A send whose links cannot be built (here: a corrupted email hash) must not stop the others."""
    from waymark.models import RemarketingSend

    make_customer(booked.program, email="fine@example.org")
    make_customer(booked.program, email="odd@example.org")
    plan(aws, booked.runtime)
    odd = next(s for s in RemarketingSend.by_due.query(booked.due.isoformat()) if s.email == "odd@example.org")
    odd.update(actions=[RemarketingSend.email_hash.set("not.url.safe")])

    summary = run_sender(booked.runtime, booked.due, booked.clock)

    assert summary["sent"] == 1 and summary["skipped"] == 1
    assert [e["to"] for e in sent_emails(aws)] == [["fine@example.org"]]
    assert RemarketingSend.get(odd.pk, odd.sk).reason.startswith("cannot compose: ValueError")
