"""The pixel is public: whatever a page (or anyone copying its URL) sends, it can never mint commission.

Each test here failed before the fix of issue #14's first two findings: the pixel took the
advertiser's postback token and credited `agent`/`channel` sales without a click, and a signed
POST accepted unsigned query parameters.
"""

import json
import time
from urllib.parse import urlencode

from tests.helpers.programs import make_agent, make_link, make_program
from tests.helpers.tracking import assert_gif, click, pixel, postback, sale
from waymark.conversions.postback_auth import sign
from waymark.models import Conversion, Customer, Program


def test_a_postback_token_sent_to_the_pixel_is_refused_and_flags_the_program(runtime, merchant, aws_requests):
    response = pixel(runtime, sale(token=merchant.token), cookie=click(runtime, merchant.link.code))
    assert_gif(response)
    assert Conversion.count() == 0
    assert Program.get(*Program.key("shop")).token_exposed_by == {"shop-backend"}


def test_a_wrong_token_sent_to_the_pixel_flags_nothing(runtime, merchant):
    assert_gif(pixel(runtime, sale(token="shop-backend.guessed"), cookie=click(runtime, merchant.link.code)))
    assert Conversion.count() == 0
    assert Program.get(*Program.key("shop")).token_exposed_by is None


def test_the_pixel_credits_no_partner_without_a_click(runtime, merchant):
    for extra in ({"channel": "phone", "agent": merchant.agent.agent_id}, {"ref": "ABCDEF"}, {}):
        assert_gif(pixel(runtime, sale(order_id=f"P-{len(extra)}", **extra)))
    assert Conversion.count() == 0


def test_the_pixel_ignores_status_channel_partner_email_and_cart(runtime, merchant):
    merchant.program.update(actions=[Program.settings.set({"remarketing": {"email": True}})])
    other = "someone-else"
    extra = {
        "status": "approved",
        "channel": "phone",
        "agent": other,
        "email": "stranger@example.com",
        "items": json.dumps([{"product": "tour", "quantity": 1}]),
    }
    assert_gif(pixel(runtime, sale(**extra), cookie=click(runtime, merchant.link.code)))
    conversion = Conversion.get("shop-backend:P-1")
    assert (conversion.status, conversion.channel, conversion.agent_id) == ("pending", "web", merchant.agent.agent_id)
    assert list(conversion.items) == []
    assert Customer.count() == 0  # no email reaches remarketing from a public pixel


def test_the_pixel_credits_only_a_click_of_its_own_program(runtime, merchant):
    other = make_program("other")
    other_link = make_link(make_agent(other), other)
    assert_gif(pixel(runtime, sale(), cookie=click(runtime, other_link.code)))
    assert Conversion.count() == 0


def test_the_pixel_never_credits_an_expired_click(runtime, merchant):
    from waymark.models import Session

    click_id = click(runtime, merchant.link.code)
    Session.get(*Session.key(click_id)).update(actions=[Session.expires_at.set(int(time.time()) - 1)])
    assert_gif(pixel(runtime, sale(), cookie=click_id))
    assert Conversion.count() == 0


def test_the_advertisers_postback_replaces_a_pending_pixel_sale_of_the_same_order(runtime, merchant):
    """Someone with a live click of their own claims an order id first; the merchant's postback wins."""
    assert_gif(pixel(runtime, sale(amount="1.00"), cookie=click(runtime, merchant.link.code)))
    answer = postback(runtime, {"token": merchant.token, "order_id": "P-1", "amount": "80.00", "currency": "EUR"})
    assert answer.status == 200, answer.json
    conversion = Conversion.get("shop-backend:P-1")
    assert (conversion.amount, conversion.reported_by, conversion.agent_id) == (80, "postback", None)
    assert conversion.reason == "no_attribution"


def test_a_pixel_never_replaces_a_postbacks_sale(runtime, merchant):
    answer = postback(runtime, {"token": merchant.token, "order_id": "P-1", "amount": "80.00", "currency": "EUR"})
    assert answer.status == 200
    assert_gif(pixel(runtime, sale(amount="1.00"), cookie=click(runtime, merchant.link.code)))
    conversion = Conversion.get("shop-backend:P-1")
    assert (conversion.amount, conversion.reported_by, conversion.agent_id) == (80, "postback", None)


def test_a_signed_post_refuses_unsigned_query_parameters(runtime, merchant):
    """A signed request captured on its way may not be sent again with parameters its signature leaves out."""
    body = json.dumps({"order_id": "S-1", "amount": "10.00", "currency": "EUR"})
    headers = {
        "x-waymark-advertiser": "shop-backend",
        "x-waymark-signature": sign(merchant.hmac_secret, int(time.time()), body.encode()),
    }
    query = urlencode({"status": "approved", "agent": merchant.agent.agent_id, "channel": "phone"})
    tampered = postback(runtime, body=body, headers=headers, query=query)
    assert tampered.status == 400
    assert "query string is not signed" in tampered.json["message"]
    assert Conversion.count() == 0

    assert postback(runtime, body=body, headers=headers).status == 200  # the advertiser's own request
    conversion = Conversion.get("shop-backend:S-1")
    assert (conversion.status, conversion.channel, conversion.agent_id) == ("rejected", "web", None)
