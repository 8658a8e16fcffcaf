"""An advertiser's integration page and its JSON twin: the postback URL, parameters and snippets from
the code, no secret; a test conversion through a real HTTP /postback (the local gateway on a free
port), which earns nothing and counts nowhere; the postback log with each outcome and its reason, and
the new sales (which have no log line) read from the conversions beside it."""

import json
import threading
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import boto3
import markupsafe
import pytest

from devstack.gateway import Gateway, make_server
from tests.helpers.programs import make_advertiser, make_agent, make_link
from tests.helpers.reporting import counter_items
from tests.helpers.tracking import click, postback
from waymark.conversions import postback_log
from waymark.conversions.postbacks import AUTH_FIELDS, PostbackParams
from waymark.models import Advertiser, Conversion, PostbackLogEntry, Session

PAGE = "/admin/advertisers/demo-shop/integration"
API = "/api/admin/advertisers/demo-shop/integration"
TEST_API = "/api/admin/advertisers/demo-shop/test-conversion"
HTTPS = {"x-forwarded-proto": "https"}  # what API Gateway tells the function (the local gateway says http)


@pytest.fixture
def shop(world):
    return make_advertiser(world.program, "demo-shop", name="Demo shop")  # advertiser, token, HMAC secret


@pytest.fixture
def served(world, monkeypatch):
    """The local gateway over real HTTP on a free port, as this API's public address."""
    server = make_server(Gateway(world.stack, world.runtime), "127.0.0.1", 0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setenv("LINK_BASE_URL", base)
    yield base
    server.shutdown()


def log_items(advertiser_id: str = "demo-shop") -> list[dict]:
    """The advertiser's log as stored (raw DynamoDB items), newest first."""
    found = boto3.client("dynamodb").query(
        TableName=PostbackLogEntry.Meta.table_name,
        KeyConditionExpression="advertiser_id = :a",
        ExpressionAttributeValues={":a": {"S": advertiser_id}},
        ScanIndexForward=False,
    )
    return found["Items"]


def test_the_page_shows_the_postback_url_of_the_request_every_parameter_and_the_snippets(as_admin, shop):
    _, token, hmac_secret = shop
    page = as_admin.get(PAGE, headers=HTTPS)
    assert page.status == 200, page.body[:500]
    body = page.body
    assert "https://track.example.com/postback" in body  # the domain the operator's request came to
    for name in [*PostbackParams.model_fields, *AUTH_FIELDS, "adv_sub", "transaction_id"]:
        assert f"<code>{name}</code>" in body, name
    assert str(markupsafe.escape(PostbackParams.model_fields["currency"].description)) in body
    assert "https://track.example.com/pixel.gif?advertiser=demo-shop&amp;order_id=A-1001" in body
    assert "https://track.example.com/waymark.js?program=demo" in body
    assert "X-Waymark-Advertiser: demo-shop" in body and "hmac.new(" in body
    assert token not in body and token.split(".", 1)[1] not in body
    assert hmac_secret not in body


def test_a_custom_domain_is_the_postback_url(as_admin, shop, monkeypatch):
    monkeypatch.setenv("LINK_BASE_URL", "https://track.merchant.example")
    page = as_admin.get(PAGE)
    assert "https://track.merchant.example/postback" in page.body
    assert "track.example.com" not in page.body


def test_the_api_lists_the_codes_parameters_and_no_secret(api_admin, shop):
    _, token, hmac_secret = shop
    answer = api_admin.get(API, headers=HTTPS)
    assert answer.status == 200, answer.body
    found = answer.json
    assert found["postback_url"] == "https://track.example.com/postback"
    assert [p["name"] for p in found["parameters"]] == [*PostbackParams.model_fields, *AUTH_FIELDS]
    order_id = next(p for p in found["parameters"] if p["name"] == "order_id")
    assert order_id["aliases"] == ["adv_sub"] and order_id["required"] is True
    assert set(found["examples"]) == {"curl_token", "curl_signed", "python", "pixel", "script"}
    assert "token" not in found["examples"]["pixel"] and "$TOKEN" in found["examples"]["curl_token"]
    assert token not in answer.body and hmac_secret not in answer.body
    assert found["log"] == [] and found["log_retention_days"] == 30
    assert found["log_complete"] is True and found["sales_read"] == 0


def test_a_test_conversion_goes_through_the_public_postback_and_earns_nothing(api_admin, shop, served, streams):
    answer = api_admin.post(TEST_API)
    assert answer.status == 200, answer.body
    sent = answer.json
    assert sent["postback_url"] == f"{served}/postback"
    assert sent["status"] == 200, sent
    assert sent["answer"]["status"] == "rejected" and sent["answer"]["reason"] == "test"
    assert sent["answer"]["agent"] is None and Decimal(sent["answer"]["commission"]) == 0
    [conversion] = list(Conversion.scan())
    assert conversion.order_id == sent["order_id"] and conversion.test is True
    assert conversion.history[0].by == "postback:demo-shop"  # recorded by /postback, not by the console
    session = Session.get(*Session.key(sent["click_id"]))
    assert session.test is True and session.program_id == "demo"

    streams.drain()  # the stats consumer sees the test click and its sale
    assert counter_items() == {}  # and counts neither: no report, statement or payout shows them

    [entry] = api_admin.get(API).json["log"]  # its log line; the test sale itself is not listed again
    assert (entry["source"], entry["kind"], entry["status"], entry["outcome"]) == ("log", "test", 200, "Recorded")
    assert entry["order_id"] == sent["order_id"] and entry["reason"] == "test"
    assert entry["signed"] is True and entry["authenticated"] is True


def test_the_button_shows_waymarks_answer_and_the_log_shows_it(as_admin, shop, served):
    answer = as_admin.submit(PAGE, f"{PAGE}/test", {})
    assert answer.status == 200, answer.body[:500]
    assert "Waymark answered <strong>200</strong>" in answer.body
    [item] = log_items()
    order_id = item["order_id"]["S"]
    assert order_id.startswith("test-") and f"<code>{order_id}</code>" in answer.body
    assert "&#34;reason&#34;: &#34;test&#34;" in answer.body or '"reason": "test"' in answer.body


def test_a_disabled_advertiser_sends_no_test_conversion(api_admin, shop, served):
    api_admin.patch("/api/admin/advertisers/demo-shop", json={"status": "disabled"})
    answer = api_admin.post(TEST_API)
    assert answer.status == 409 and "enable it" in answer.json["message"]
    assert list(Session.scan()) == [] and log_items() == []


def test_each_refusal_and_repeat_is_logged_and_a_new_sale_is_not(runtime, world, shop, aws_requests):
    _, token, _ = shop
    agent = make_agent(world.program, name="Gamma", email="gamma@example.com")
    link = make_link(agent, world.program)
    click_id = click(runtime, link.code)
    sale = {"token": token, "order_id": "A-1", "amount": "178.00", "currency": "EUR", "click_id": click_id}
    customer = {"email": "customer@example.org", "items": [{"product": "sunset-cruise", "price": "89.00"}]}
    aws_requests.calls.clear()
    assert postback(runtime, {**sale, **customer}, source_ip="198.51.100.23").status == 200
    assert [call.table for call in aws_requests.of("PutItem")] == [Conversion.Meta.table_name]
    assert log_items() == []  # the new sale is its own record
    assert postback(runtime, sale).status == 200  # a repeat
    assert postback(runtime, {**sale, "amount": "1.00"}).status == 409
    assert postback(runtime, {**sale, "order_id": "A-2", "amount": "-3"}).status == 400
    assert postback(runtime, {**sale, "order_id": "A-3", "token": "demo-shop.wrong"}).status == 401
    assert postback(runtime, {**sale, "order_id": "A-4", "token": "nobody.wrong"}).status == 401  # names no one
    shop[0].update(actions=[type(shop[0]).allowed_cidrs.set(["203.0.113.0/24"])])
    from waymark.core import cache

    cache.clear_all()
    assert postback(runtime, {**sale, "order_id": "A-5"}, source_ip="198.51.100.23").status == 403

    entries = postback_log.recent("demo-shop")
    seen = [(e.status, e.outcome, e.order_id, e.authenticated) for e in reversed(entries)]
    assert seen == [
        (200, "Repeated", "A-1", True),
        (409, "Conflict", "A-1", True),
        (400, "Invalid", "A-2", True),
        (401, "Unauthorized", "A-3", False),
        (403, "Forbidden", "A-5", True),
    ]
    invalid, unauthorized, forbidden = entries[2], entries[1], entries[0]
    assert invalid.message == "the postback has invalid parameters" and invalid.fields[0].startswith("amount: ")
    assert unauthorized.message == "the token is not valid"
    assert "does not accept postbacks from this address" in forbidden.message
    assert entries[-1].conversion_status == "pending" and entries[-1].reason is None
    assert postback_log.recent("nobody") == []

    stored = json.dumps(log_items())
    for personal in ("customer@example.org", "sunset-cruise", "198.51.100.23", "89.00", click_id, token):
        assert personal not in stored, personal


def test_the_page_lists_new_sales_from_the_conversions_among_the_logged_answers(
    runtime, world, shop, api_admin, as_admin, monkeypatch
):
    """Newest first, one list: new sales (no log line) between the logged answers before and after
    them. Another advertiser's sale of the same program and a test sale are not this advertiser's
    answers (the test sale has its log line)."""
    from tests.helpers.tracking import pixel

    _, token, _ = shop
    _, other_token, _ = make_advertiser(world.program, "other-shop", name="Other shop")
    link = make_link(make_agent(world.program, name="Gamma", email="gamma@example.com"), world.program)
    sale = {"token": token, "amount": "20.00", "currency": "EUR"}
    assert postback(runtime, {**sale, "order_id": "R-1", "amount": "-1"}).status == 400
    assert postback(runtime, {**sale, "order_id": "S-1", "click_id": click(runtime, link.code)}).status == 200
    assert postback(runtime, {**sale, "order_id": "S-2"}).status == 200  # no click: recorded, rejected
    assert postback(runtime, {**sale, "order_id": "S-1", "amount": "21.00"}).status == 409
    assert postback(runtime, {**sale, "token": other_token, "order_id": "O-1"}).status == 200
    pixel_sale = {"advertiser": "demo-shop", "order_id": "P-1", "amount": "5.00", "currency": "EUR"}
    assert pixel(runtime, pixel_sale, cookie=click(runtime, link.code))["statusCode"] == 200
    assert [item["order_id"]["S"] for item in log_items()] == ["S-1", "R-1"]  # the duplicate and the refusal

    found = api_admin.get(API).json
    shown = [(e["source"], e["kind"], e["status"], e["outcome"], e["order_id"]) for e in found["log"]]
    assert shown == [
        ("sale", "pixel", 200, "Recorded", "P-1"),
        ("log", "postback", 409, "Conflict", "S-1"),
        ("sale", "postback", 200, "Recorded", "S-2"),
        ("sale", "postback", 200, "Recorded", "S-1"),
        ("log", "postback", 400, "Invalid", "R-1"),
    ]
    by_order = {(e["source"], e["order_id"]): e for e in found["log"]}
    pixel_entry, s1, s2 = by_order["sale", "P-1"], by_order["sale", "S-1"], by_order["sale", "S-2"]
    assert pixel_entry["authenticated"] is False and pixel_entry["conversion_status"] == "pending"
    assert s1["authenticated"] is True and s1["method"] is None and s1["signed"] is None
    assert (s1["conversion_status"], s1["reason"]) == ("pending", None)
    assert s2["conversion_status"] == "rejected" and s2["reason"]
    assert found["log_complete"] is True
    assert found["sales_read"] == 4  # S-1, S-2, P-1 and the other advertiser's O-1: the program's conversions

    page = as_admin.get(PAGE).body
    assert "postback (sale)" in page and "pixel (sale)" in page and "<code>S-2</code>" in page
    assert "<code>O-1</code>" not in page and "(4 read, other advertisers' left out)" in page

    monkeypatch.setattr(postback_log, "SALES_READ", 2)  # the program's two newest: P-1 and O-1
    found = api_admin.get(API).json
    assert [(e["source"], e["order_id"]) for e in found["log"]] == [("sale", "P-1")]  # nothing older was read
    assert found["log_complete"] is False and found["sales_read"] == 2
    since = datetime.fromisoformat(found["log_since"])
    assert since == datetime.fromisoformat(Conversion.get("other-shop:O-1").created_at)
    assert "there were more, the older ones are not listed" in as_admin.get(PAGE).body


def test_log_entries_expire_after_thirty_days(runtime, shop):
    before = datetime.now(UTC)
    postback(runtime, {"token": shop[1], "order_id": "T-1", "amount": "10.005", "currency": "EUR"})  # refused
    [item] = log_items()
    expires = datetime.fromtimestamp(int(item["ttl"]["N"]), UTC)
    assert before + timedelta(days=30) - timedelta(seconds=5) <= expires <= datetime.now(UTC) + timedelta(days=30)
    table = boto3.client("dynamodb").describe_time_to_live(TableName=PostbackLogEntry.Meta.table_name)
    assert table["TimeToLiveDescription"]["AttributeName"] == "ttl"


def test_pixel_hits_are_logged_and_a_failed_log_write_never_fails_a_postback(runtime, shop):
    from tests.helpers.faults import FailCalls
    from tests.helpers.tracking import pixel

    pixel(runtime, {"advertiser": "demo-shop", "order_id": "P-1", "amount": "5.00", "currency": "EUR"})
    [item] = log_items()
    assert item["kind"]["S"] == "pixel" and item["outcome"]["S"] == "NoClick" and item["authenticated"]["BOOL"] is False

    sale = {"token": shop[1], "order_id": "F-1", "amount": "10.00", "currency": "EUR"}
    assert postback(runtime, sale).status == 200 and len(log_items()) == 1  # a new sale: no line
    with FailCalls("dynamodb", "PutItem", calls=[2], code="InternalServerError", background=False) as failing:
        answer = postback(runtime, sale)  # a repeat: the conversion's conditional PutItem, then the line's
    assert failing.failed == 1  # the second PutItem, the log line's
    assert answer.status == 200 and answer.json["order_id"] == "F-1"
    assert [c.order_id for c in Conversion.scan()] == ["F-1"] and len(log_items()) == 1


def test_a_partner_gets_neither_the_page_nor_a_test_conversion(as_a, api_a, shop, served):
    assert as_a.get(PAGE).status == 403
    assert api_a.get(API).status == 403
    assert api_a.post(TEST_API).status == 403
    assert list(Session.scan()) == [] and list(Conversion.scan()) == [] and log_items() == []


def test_an_advertiser_from_before_test_secrets_gets_one_at_its_first_test(api_admin, shop, served):
    pk, sk = Advertiser.key("demo-shop")
    key = {"pk": {"S": pk}, "sk": {"S": sk}}
    dynamodb = boto3.client("dynamodb")
    dynamodb.update_item(TableName=Advertiser.Meta.table_name, Key=key, UpdateExpression="REMOVE test_hmac_secret")

    first = api_admin.post(TEST_API)
    assert first.status == 200 and first.json["status"] == 200, first.body
    stored = dynamodb.get_item(TableName=Advertiser.Meta.table_name, Key=key)["Item"]["test_hmac_secret"]["S"]
    assert stored.startswith("kms:")
    again = api_admin.post(TEST_API)  # the same secret signs the next test: it is made once
    assert again.json["answer"]["reason"] == "test"
    assert dynamodb.get_item(TableName=Advertiser.Meta.table_name, Key=key)["Item"]["test_hmac_secret"]["S"] == stored
