"""GET /pixel.gif (always a 1x1 GIF) and GET /waymark.js, through the postback function."""

import pytest

from tests.helpers.events import http_event
from tests.helpers.tracking import assert_gif, click, pixel, sale
from waymark.models import Conversion


def test_the_pixel_records_the_sale_for_the_cookies_click(runtime, merchant):
    click_id = click(runtime, merchant.link.code)
    assert_gif(pixel(runtime, sale(), cookie=click_id))
    conversion = Conversion.get("shop-backend:P-1")
    assert (conversion.agent_id, conversion.click_id) == (merchant.agent.agent_id, click_id)
    assert (conversion.status, conversion.channel, conversion.reported_by) == ("pending", "web", "pixel")
    assert conversion.history[0].by == "pixel:shop-backend"


def test_a_click_id_parameter_beats_the_cookie(runtime, merchant):
    cookie_click = click(runtime, merchant.link.code)
    page_click = click(runtime, merchant.link.code)
    assert_gif(pixel(runtime, sale(click_id=page_click), cookie=cookie_click))
    assert Conversion.get("shop-backend:P-1").click_id == page_click


@pytest.mark.parametrize(
    "query",
    [
        "advertiser=shop-backend&order_id=P-1&amount=-5&currency=EUR",
        "advertiser=nobody&order_id=P-1&amount=5&currency=EUR",
        "order_id=P-1&amount=5&currency=EUR",
        "advertiser=shop-backend&order_id=P-1&amount=5&currency=EUR&click_id=00000000000000000000000",
        "%FF%FE=1",
        "",
    ],
)
def test_a_pixel_that_cannot_be_recorded_is_still_a_gif_and_writes_nothing(runtime, merchant, aws_requests, query):
    response = pixel(runtime, query, cookie=click(runtime, merchant.link.code) if "click_id" not in query else None)
    assert_gif(response)
    assert Conversion.count() == 0


def test_a_pixel_during_an_outage_is_still_a_gif(runtime, merchant, inject_failure):
    from botocore.exceptions import ReadTimeoutError

    inject_failure("dynamodb", "GetItem", exception=ReadTimeoutError(endpoint_url="https://dynamodb"))
    assert_gif(pixel(runtime, sale()))


def test_an_unexpected_error_is_still_a_gif(runtime, merchant, monkeypatch):
    from waymark.conversions import postbacks

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(postbacks, "handle", broken)
    assert_gif(pixel(runtime, sale()))


def test_an_unexpected_postback_error_is_a_503_not_a_500(runtime, merchant, monkeypatch):
    import json

    from waymark.conversions import recording

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(recording, "record", broken)
    function, event = http_event(
        runtime.stack,
        "POST",
        "/postback",
        headers={"content-type": "application/json"},
        body=json.dumps({"token": merchant.token, "order_id": "X", "amount": "1", "currency": "EUR"}),
    )
    response = runtime.invoke(function, event)
    assert response["statusCode"] == 503 and response["headers"]["Retry-After"]


def test_the_page_script_is_served_with_the_programs_settings(runtime, merchant):
    merchant.program.update(
        actions=[
            type(merchant.program).click_param.set("wmid"),
            type(merchant.program).attribution_window_days.set(30),
        ]
    )
    function, event = http_event(runtime.stack, "GET", "/waymark.js", query="program=shop")
    response = runtime.invoke(function, event)
    assert response["statusCode"] == 200
    assert response["headers"]["Content-Type"].startswith("application/javascript")
    assert '{"param": "wmid", "days": 30}' in response["body"]
    assert "window.Waymark" in response["body"]

    _, event = http_event(runtime.stack, "GET", "/waymark.js", query="program=<script>")
    assert '{"param": "click_id", "days": 365}' in runtime.invoke(function, event)["body"]


@pytest.mark.parametrize("name", ["postback-json", "postback-get", "pixel", "page-script"])
def test_the_sample_events_are_answered(runtime, shop, name):
    import json

    from tests.helpers.events import load_event
    from waymark.conversions.advertisers import token_digest
    from waymark.models import Advertiser

    Advertiser(
        *Advertiser.key("shop-backend"),
        advertiser_id="shop-backend",
        program_id="shop",
        name="Shop booking system",
        token_sha256=token_digest("shop-backend.sample-token-for-tests-only"),
        hmac_secret="sample-hmac-secret",
    ).save()
    event = load_event("postback", name)
    if name == "postback-json":  # the sample names the packaging test's partner; use this test's
        body = json.loads(event["body"])
        event["body"] = json.dumps({**body, "agent": shop.agent.agent_id})
    response = runtime.invoke("PostbackFunction", event)
    assert response["statusCode"] == 200, response
    if name == "postback-json":
        assert json.loads(response["body"])["agent"] == shop.agent.agent_id
    if name == "postback-get":
        assert json.loads(response["body"])["reason"] == "unknown_click"
