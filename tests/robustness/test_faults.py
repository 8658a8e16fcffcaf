"""Fault injection beyond the outages the integration suite covers (throttled and timed-out writes
before they reach DynamoDB: tests/integration/test_click.py and test_postback.py; SES throttling
mid-batch: test_remarketing_sending.py; S3 failing mid-export: test_exports.py).

Here the harder cases: a write DynamoDB stored whose answer was lost (the request path cannot
know, keeps it for replay, and the replay must not duplicate); an outage of DynamoDB and the
replay queue at once (the log line is the retry path); SES timing out mid-batch (never sent
twice). Each shows no click or conversion lost, none counted twice, and how it is retried.
"""

import json
import re

import pytest
from botocore.exceptions import ReadTimeoutError

from devstack.pumps import QueuePump
from tests.helpers.tracking import click, postback
from waymark.models import Conversion, Session


@pytest.fixture
def lose_answers():
    """Let DynamoDB do the write, then lose its answer on the request path's client (a read timeout
    after the request arrived), as a network fault between Lambda and DynamoDB would."""
    from waymark.core import aws

    registered = []

    def lose(service: str, operation: str):
        client = aws.client(service)

        def timeout(**kwargs):
            raise ReadTimeoutError(endpoint_url=f"https://{service}.eu-west-1.amazonaws.com")

        name = f"after-call.{client.meta.service_model.endpoint_prefix}.{operation}"
        client.meta.events.register(name, timeout)
        registered.append((client.meta.events, name, timeout))

    yield lose
    for events, name, handler in registered:
        events.unregister(name, handler)


def test_a_click_stored_but_unconfirmed_is_replayed_without_a_duplicate(runtime, shop, lose_answers):
    lose_answers("dynamodb", "PutItem")
    click_id = click(runtime, shop.link.code)  # the visitor is redirected all the same
    assert [s.click_id for s in Session.scan()] == [click_id]  # DynamoDB has it...

    assert QueuePump(runtime.stack, runtime).drain() == 1  # ...and the kept copy is replayed: a no-op
    assert [s.click_id for s in Session.scan()] == [click_id]


@pytest.mark.parametrize("fault", ["timeout before the write", "answer lost after the write"])
def test_a_postback_whose_write_times_out_is_queued_and_counted_once(
    runtime, merchant, inject_failure, lose_answers, fault
):
    params = {"token": merchant.token, "order_id": "T-1", "amount": "100.00", "currency": "EUR"}
    params["click_id"] = click(runtime, merchant.link.code)
    if fault == "timeout before the write":
        heal = inject_failure("dynamodb", "PutItem", exception=ReadTimeoutError(endpoint_url="https://dynamodb"))
    else:
        lose_answers("dynamodb", "PutItem")
        heal = None

    queued = postback(runtime, params)
    assert queued.status == 202 and queued.json["conversion_id"] == "shop-backend:T-1"

    assert QueuePump(runtime.stack, runtime).drain() == 1  # the replay function stores it (or finds it stored)
    [stored] = Conversion.scan()
    assert stored.agent_id == merchant.agent.agent_id and str(stored.commission) == "10.00"
    if heal:
        heal()
        retry = postback(runtime, params)  # the advertiser's retry after the outage: a repeat
        assert retry.status == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert Conversion.count() == 1


def test_with_dynamodb_and_the_replay_queue_down_a_click_is_kept_in_the_log(runtime, shop, inject_failure, caplog):
    from waymark.core import durable

    inject_failure("dynamodb", "PutItem")
    inject_failure("sqs", "SendMessage", code="ServiceUnavailable")
    click_id = click(runtime, shop.link.code)  # the visitor still lands on the page
    assert Session.count() == 0

    # The retry path: the log line holds the exact write, and replaying it stores the click once.
    [unsaved] = [r.unsaved for r in caplog.records if click_id in getattr(r, "unsaved", "")]
    assert [write["table"] for write in json.loads(unsaved)["writes"]] == ["SESSIONS_TABLE"]
    durable.replay(unsaved)
    durable.replay(unsaved)
    assert [s.click_id for s in Session.scan()] == [click_id]


def test_ses_timing_out_mid_batch_sends_no_email_twice(aws, shop, runtime, monkeypatch):
    """A send whose SES answer never came may have gone out: it is marked uncertain, never retried;
    the others go out once, and a second run the same day sends nothing."""
    from datetime import timedelta

    from devstack.pumps import StreamPump
    from tests.helpers.remarketing import VirtualClock, configure, make_customer, run_sender, sent_emails
    from waymark.core import aws as waymark_aws
    from waymark.core.times import utcnow
    from waymark.models import RemarketingSend
    from waymark.remarketing import sender

    clock = VirtualClock()
    monkeypatch.setattr(sender, "CLOCK", clock)
    configure(shop.program)
    for n in range(4):
        make_customer(shop.program, email=f"t{n}@example.org")
    StreamPump(aws, runtime).drain()
    ses = waymark_aws.client_without_retries("sesv2")
    calls = []

    def second_times_out(**kwargs):
        calls.append(1)
        if len(calls) == 2:  # SES got it (moto stored it), the answer is lost
            raise ReadTimeoutError(endpoint_url="https://email.eu-west-1.amazonaws.com")

    ses.meta.events.register("after-call.sesv2.SendEmail", second_times_out)
    day = utcnow().date() + timedelta(days=1)
    try:
        first = run_sender(runtime, day, clock)
    finally:
        ses.meta.events.unregister("after-call.sesv2.SendEmail", second_times_out)
    second = run_sender(runtime, day, clock)

    assert (first["sent"], first["uncertain"], second["sent"]) == (3, 1, 0)
    recipients = sorted(address for e in sent_emails(aws) for address in e["to"])
    assert recipients == [f"t{n}@example.org" for n in range(4)]  # each once, the uncertain one included
    statuses = sorted(s.status for s in RemarketingSend.scan() if re.match(r"SEND#", s.sk))
    assert statuses == ["sent", "sent", "sent", "uncertain"]


def test_a_write_lost_from_the_queue_too_is_logged_without_the_customers_email(runtime, shop, inject_failure, caplog):
    from waymark.core import durable
    from waymark.models import Customer

    inject_failure("sqs", "SendMessage", code="ServiceUnavailable")
    customer = {"pk": {"S": "CUSTOMER#shop-backend:A-1"}, "email": {"S": "guest@example.org"}, "lang": {"S": "de"}}
    durable.keep([(Customer.Meta.table_name, customer)])
    [unsaved] = [r.unsaved for r in caplog.records if hasattr(r, "unsaved")]
    assert "guest@example.org" not in unsaved
    assert json.loads(unsaved)["writes"] == [
        {"table": "REMARKETING_TABLE", "item": {k: customer[k] for k in ("pk", "lang")}}
    ]
