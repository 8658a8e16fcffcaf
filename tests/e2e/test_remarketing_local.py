"""Remarketing on the local stack, as `make dev` users meet it: a booking's customer item (what
the postback writes), `make invoke FN=remarketing_sender`, the email at /_local/mail, its links."""

import html
import json
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers.local_stack import embedded_client, fetch

pytestmark = pytest.mark.e2e


def write_customer(local_stack, email: str) -> str:
    """The customer item the postback writes with a demo booking (pk CUSTOMER#<conversion_id>)."""
    from waymark.core.times import iso
    from waymark.models import CartLine, Customer

    demo = local_stack["demo"]
    conversion_id = f"{demo['advertiser_id']}:E2E{datetime.now(UTC):%H%M%S%f}"
    customer = Customer(
        *Customer.key(conversion_id),
        conversion_id=conversion_id,
        program_id=demo["program_id"],
        agent_id=demo["agent_id"],
        channel="web",
        email=email,
        lang="de",
        booking_ref=conversion_id.split(":")[1],
        booked_at=iso(datetime.now(UTC)),
        amount=Decimal("178.00"),
        currency="EUR",
        items=[CartLine(product="sunset-cruise", category="cruises", quantity=2, price=Decimal("89.00"))],
        ttl=int((datetime.now(UTC) + timedelta(days=30)).timestamp()),
    )
    embedded_client(local_stack, "dynamodb").put_item(
        TableName=local_stack["resources"]["RemarketingTable"], Item=customer.serialize()
    )
    return customer.booking_ref


def test_make_invoke_sends_the_demo_email_viewable_locally(local_stack):
    gateway, demo_url = local_stack["gateway_url"], local_stack["demo_url"]
    booking_ref = write_customer(local_stack, "e2e-guest@example.org")
    fetch(f"{gateway}/_local/drain", "POST")  # the stream poller plans it (it also runs on its own)

    response, body = fetch(
        f"{gateway}/_local/invoke/remarketing_sender", "POST"
    )  # what `make invoke FN=remarketing_sender` does
    assert response.status == 200
    summary = json.loads(body)
    assert summary["sent"] >= 1 and summary["stopped"] is None

    response, body = fetch(f"{gateway}/_local/mail")
    listing = body.decode()
    assert response.status == 200 and "e2e-guest@example.org" in listing
    assert f"Ergänzen Sie Ihre Reise, {booking_ref}" in html.unescape(listing)
    message_id = re.search(r"/_local/mail/([^'\"]+)'>[^<]*" + booking_ref, html.unescape(listing)).group(1)
    response, page = fetch(f"{gateway}/_local/mail/{message_id}")
    email = html.unescape(html.unescape(page.decode()))
    assert "List-Unsubscribe-Post" in email and "Weinprobe im Weingut" in email
    assert "Bootsfahrt" not in email  # the booked tour is not offered again

    offer = re.search(r'href="(http://localhost:\d+/x/[^"]+)"', email).group(1)
    response, _ = fetch(offer)
    assert response.status == 302
    location = urlsplit(response.getheader("Location"))
    assert f"{location.scheme}://{location.netloc}" == demo_url and location.path.startswith("/tours/")
    query = parse_qs(location.query)
    assert query["booking"] == [booking_ref] and query["lang"] == ["de"] and query["click_id"]

    response, landing = fetch(response.getheader("Location"))
    assert response.status == 200 and "value='remarketing'" in landing.decode()  # the shop books it as remarketing

    unsubscribe = re.search(r"List-Unsubscribe</th><td><(http://[^>]+)>", email).group(1)
    response, done = fetch(
        unsubscribe,
        "POST",
        b"List-Unsubscribe=One-Click",
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status == 200 and "abgemeldet" in done.decode()


def test_the_demo_offers_api_answers_the_shops_checkout(local_stack):
    gateway, demo_url = local_stack["gateway_url"], local_stack["demo_url"]
    cart = {"items": [{"product": "city-walk", "category": "walks", "price": "25.00"}], "lang": "en"}
    response, body = fetch(
        f"{gateway}/offers/demo",
        "POST",
        json.dumps(cart).encode(),
        {"Content-Type": "application/json", "Origin": demo_url},
    )
    assert response.status == 200 and response.getheader("Access-Control-Allow-Origin") == demo_url
    assert [o["code"] for o in json.loads(body)["offers"]] == ["sunset-cruise", "wine-tasting"]


def test_the_demo_program_keeps_booking_emails_for_remarketing(local_stack):
    """The postback stores a booking's customer only when this flag is on; the seed's profile sets it."""
    item = embedded_client(local_stack, "dynamodb").get_item(
        TableName=local_stack["resources"]["ConfigTable"], Key={"pk": {"S": "PROGRAM#demo"}, "sk": {"S": "PROGRAM"}}
    )["Item"]
    assert item["settings"]["M"]["remarketing"]["M"]["email"] == {"BOOL": True}
