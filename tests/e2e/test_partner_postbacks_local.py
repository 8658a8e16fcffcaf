"""Partner postbacks on the local stack (`make dev`): a partner sets its URL over the JSON API, an
approved sale posted to /postback goes through the stream, the bus and the queues, a signed GET
reaches the partner's receiver on loopback and the partner's "conversion approved" email appears at
/_local/mail."""

import html
import json
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers.local_stack import embedded_client, fetch
from tests.helpers.receivers import postback_receiver
from waymark.partner_postbacks import signing

pytestmark = pytest.mark.e2e


def api(gateway: str, method: str, path: str, body: dict | None = None, token: str | None = None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = f"Bearer {token}"
    response, answer = fetch(gateway + path, method, json.dumps(body).encode() if body is not None else None, headers)
    return response.status, json.loads(answer or b"null")


def test_a_sale_reaches_the_partners_receiver_signed(local_stack):
    demo, gateway = local_stack["demo"], local_stack["gateway_url"]
    status, login = api(gateway, "POST", "/api/login", demo["partner"])
    assert status == 200, login
    token = login["id_token"]
    with postback_receiver() as receiver:
        template = receiver.base_url + "/pb?click={click_id}&ref={order_ref}&pay={commission}&st={status}"
        status, saved = api(
            gateway,
            "PUT",
            "/api/partner-postbacks",
            {"url_template": template, "events": ["conversion.recorded"]},
            token,
        )
        assert status == 200, saved
        secret = saved["signing_secret"]

        # A person's click from the demo's history: a sale a moment after a fresh click is held (too_fast).
        click_id = _earlier_click(local_stack)
        emailed_before = _approved_emails(gateway)
        order = f"E2E-PB-{time.time_ns()}"
        query = f"token={demo['advertiser_token']}&click_id={click_id}&order_id={order}&amount=80.00&currency=EUR"
        response, answer = fetch(f"{gateway}/postback?{query}&status=approved")
        assert response.status in (200, 201), answer
        assert json.loads(answer)["status"] == "approved", answer
        fetch(f"{gateway}/_local/drain", "POST")  # streams, then queues: the publisher, then the delivery

        [call] = [r for r in receiver.received if parse_qs(urlsplit(r.path).query).get("click") == [click_id]]
    sent = parse_qs(urlsplit(call.path).query)
    assert sent["st"] == [json.loads(answer)["status"]]  # what the postback was answered
    assert order not in call.path and len(sent["ref"][0]) == 24  # a keyed hash, never the order id
    assert call.headers["waymark-event"] == "conversion.recorded"
    assert signing.verify(secret, "GET", receiver.base_url + call.path, call.headers["waymark-signature"])
    status, shown = api(gateway, "GET", "/api/partner-postbacks", token=token)
    assert shown["deliveries"][0]["outcome"] == "delivered" and shown["deliveries"][0]["status_code"] == 200

    # The same sale's conversion.approved went to PartnerMailQueue too: the partner is emailed.
    deadline = time.monotonic() + 30
    while _approved_emails(gateway) <= emailed_before:
        assert time.monotonic() < deadline, "no 'conversion approved' email at /_local/mail"
        time.sleep(0.3)
        fetch(f"{gateway}/_local/drain", "POST")


def _earlier_click(local_stack) -> str:
    """A browser's click on the demo partner's link at least two days old (a test-only scan)."""
    demo = local_stack["demo"]
    before = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    pages = embedded_client(local_stack, "dynamodb").get_paginator("scan")
    for page in pages.paginate(TableName=local_stack["resources"]["ClickSessionsTable"]):
        for item in page["Items"]:
            agent = item.get("user_agent", {}).get("S", "")
            if (
                item["agent_id"]["S"] == demo["agent_id"]
                and item["created_at"]["S"] < before
                and "Mozilla" in agent
                and "bot" not in agent.lower()
                and "test" not in item
                and "inside_sales_by" not in item
            ):
                return item["click_id"]["S"]
    raise AssertionError("the demo's history has no earlier click of a person")


def _approved_emails(gateway: str) -> int:
    _, body = fetch(f"{gateway}/_local/mail")
    return html.unescape(body.decode()).count("Conversion approved:")
