"""Partner postbacks end to end in-process: the API saves the URL, a sale's events reach the bus and
PartnerPostbackQueue (moto), PartnerPostbackFunction signs and sends to a receiver on loopback."""

from urllib.parse import parse_qs, urlsplit

import boto3
import pytest

from tests.helpers.portal import build_world, client
from tests.helpers.receivers import postback_receiver
from tests.helpers.reporting import set_status, stored_sale
from tests.helpers.tokens import partner_token
from waymark.models import PartnerPostbackSettings
from waymark.partner_postbacks import signing
from waymark.partner_postbacks.addresses import TEST_ONLY_LOOPBACK_SWITCH

TEMPLATE = "/pb?click={click_id}&s1={sub1}&ref={order_ref}&pay={commission}&cur={currency}&st={status}&ev={event}"


@pytest.fixture
def world(aws, runtime):
    return build_world(aws, runtime)


@pytest.fixture
def receiver(monkeypatch):
    monkeypatch.setenv(TEST_ONLY_LOOPBACK_SWITCH, "1")
    with postback_receiver() as found:
        yield found


@pytest.fixture
def queues(runtime):
    from devstack.pumps import QueuePump

    return QueuePump(runtime.stack, runtime)


@pytest.fixture
def api_a(world):
    return client(world, partner_token(world.a), cookie=False)


def save(api, receiver, events=("conversion.recorded", "conversion.approved")):
    answer = api.request(
        "PUT", "/api/partner-postbacks", json={"url_template": receiver.base_url + TEMPLATE, "events": list(events)}
    )
    assert answer.status == 200, answer.body
    return answer.json


def deliveries(api) -> list[dict]:
    return api.get("/api/partner-postbacks").json["deliveries"]


def test_a_sale_makes_a_signed_postback_with_its_macros(world, api_a, receiver, streams, queues):
    saved = save(api_a, receiver)
    secret = saved["signing_secret"]
    assert secret and saved["events"] == ["conversion.recorded", "conversion.approved"]
    assert api_a.get("/api/partner-postbacks").json["signing_secret"] is None  # shown once

    sale = stored_sale(
        "demo", world.a.agent_id, "ORD-77", amount="200.00", commission="20.00", click_id="clk1", sub1="news letter"
    )
    streams.drain()
    queues.drain()
    set_status(sale, "approved")
    streams.drain()
    queues.drain()

    assert len(receiver.received) == 2
    first, second = receiver.received
    query = parse_qs(urlsplit(second.path).query)
    assert query["click"] == ["clk1"] and query["s1"] == ["news letter"]
    assert (query["pay"], query["cur"], query["st"], query["ev"]) == (
        ["20.00"],
        ["EUR"],
        ["approved"],
        ["conversion.approved"],
    )
    assert "ORD-77" not in second.path and query["ref"] == parse_qs(urlsplit(first.path).query)["ref"]
    assert second.headers["waymark-event"] == "conversion.approved"
    assert signing.verify(secret, "GET", receiver.base_url + second.path, second.headers["waymark-signature"])
    assert not signing.verify(
        "another-secret", "GET", receiver.base_url + second.path, second.headers["waymark-signature"]
    )
    log = deliveries(api_a)
    assert [(d["event"], d["outcome"], d["status_code"]) for d in log] == [
        ("conversion.approved", "delivered", 200),
        ("conversion.recorded", "delivered", 200),
    ]


def test_events_not_chosen_and_other_partners_sales_send_nothing(world, api_a, receiver, streams, queues):
    save(api_a, receiver, events=["conversion.reversed"])
    stored_sale("demo", world.a.agent_id, "ORD-1", status="approved")
    stored_sale("demo", world.b.agent_id, "ORD-2")
    streams.drain()
    queues.drain()
    assert receiver.received == []
    assert deliveries(api_a) == []


def test_a_failing_receiver_is_tried_again_later_and_a_redirect_is_not_followed(
    world, api_a, receiver, streams, queues
):
    save(api_a, receiver, events=["conversion.recorded"])
    receiver.status = 503
    stored_sale("demo", world.a.agent_id, "ORD-3")
    streams.drain()
    queues.drain()
    assert [(d["outcome"], d["status_code"]) for d in deliveries(api_a)] == [("retrying", 503)]
    queue_url = world.stack.physical["PartnerPostbackQueue"]["QueueUrl"]
    counts = boto3.client("sqs", region_name="eu-west-1").get_queue_attributes(
        QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "1"  # kept, hidden for the backoff

    receiver.status, receiver.location = 302, "http://169.254.169.254/latest/meta-data/"
    stored_sale("demo", world.a.agent_id, "ORD-4")
    streams.drain()
    queues.drain()
    newest = deliveries(api_a)[0]
    assert (newest["outcome"], newest["status_code"]) == ("failed", 302)
    assert "redirects are not followed" in newest["error"]
    assert len(receiver.received) == 2  # the redirect's target was never called


def test_the_address_is_checked_again_when_sending(world, api_a, receiver, streams, queues):
    save(api_a, receiver, events=["conversion.recorded"])
    # As if the URL had been saved before a rule changed, or written around the API: send must still refuse.
    stored = PartnerPostbackSettings.get(world.a.agent_id, "SETTINGS")
    stored.update(actions=[PartnerPostbackSettings.url_template.set("https://10.0.0.7/pb?c={click_id}")])
    stored_sale("demo", world.a.agent_id, "ORD-5")
    streams.drain()
    queues.drain()
    [entry] = deliveries(api_a)
    assert entry["outcome"] == "refused" and "public addresses only" in entry["error"]
    assert receiver.received == []


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("https://169.254.169.254/latest/meta-data/", "public addresses only"),
        ("https://2130706433/pb", "four decimal numbers"),
        ("http://partner.example.com/pb", "https://"),
        ("https://localhost/pb", "domain name"),
        ("https://partner.example.com/pb?o={order_id}", "{click_id}"),
    ],
)
def test_hostile_or_wrong_urls_are_refused_when_saved_and_nothing_is_stored(world, api_a, url, says):
    answer = api_a.request(
        "PUT", "/api/partner-postbacks", json={"url_template": url, "events": ["conversion.recorded"]}
    )
    assert answer.status == 400, answer.body
    assert says in answer.json["message"]
    assert api_a.get("/api/partner-postbacks").json == {
        "configured": False,
        "url_template": None,
        "events": [],
        "secret_created_at": None,
        "signing_secret": None,
        "deliveries": [],
    }


def test_unknown_events_are_refused(world, api_a):
    answer = api_a.request(
        "PUT",
        "/api/partner-postbacks",
        json={"url_template": "https://partner.example.com/pb", "events": ["payout.paid"]},
    )
    assert answer.status in (400, 422)


def test_send_a_test_and_rotate_the_secret(world, api_a, receiver, queues):
    first = save(api_a, receiver)["signing_secret"]
    assert api_a.post("/api/partner-postbacks/test").status == 202
    queues.drain()
    rotated = api_a.post("/api/partner-postbacks/secret").json["signing_secret"]
    assert rotated and rotated != first
    assert api_a.post("/api/partner-postbacks/test").status == 202
    queues.drain()
    old_test, new_test = receiver.received
    assert old_test.headers["waymark-event"] == "postback.test"
    assert signing.verify(first, "GET", receiver.base_url + old_test.path, old_test.headers["waymark-signature"])
    assert signing.verify(rotated, "GET", receiver.base_url + new_test.path, new_test.headers["waymark-signature"])
    assert not signing.verify(first, "GET", receiver.base_url + new_test.path, new_test.headers["waymark-signature"])
    assert [d["event"] for d in deliveries(api_a)] == ["test", "test"]


def test_a_partner_sees_only_its_own_postback(world, api_a, receiver):
    save(api_a, receiver)
    api_b = client(world, partner_token(world.b), cookie=False)
    assert api_b.get("/api/partner-postbacks").json["configured"] is False
    assert api_b.post("/api/partner-postbacks/test").status == 400
