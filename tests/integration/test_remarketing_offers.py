"""POST /offers/{program_id}: the checkout's add-ons for a cart, CORS for the program's own sites."""

import json

import pytest

from tests.helpers.events import http_event, load_event
from tests.helpers.remarketing import OFFERS, configure


@pytest.fixture
def call_offers(shop, aws, runtime):
    def call(body, *, origin: str | None = "https://www.example.com", method: str = "POST", program: str = "shop"):
        headers = {"content-type": "application/json"}
        if origin:
            headers["origin"] = origin
        raw = body if isinstance(body, str) else json.dumps(body)
        function, event = http_event(aws, method, f"/offers/{program}", headers=headers, body=raw)
        response = runtime.invoke(function, event)
        response["json"] = json.loads(response["body"]) if response.get("body") else None
        return response

    return call


@pytest.fixture
def offers_api(shop, call_offers):
    from waymark.remarketing import config

    configure(shop.program, kind="both", rules={"categories": ["cruises", "walks"]})
    config.save_profile(
        shop.program,
        config.ProfileInput(
            profile_id="premium",
            name="Premium",
            kind="web",
            priority=10,
            rules={"min_amount": "150"},
            offers=[
                {"code": "private-guide", "names": {"en": "Private guide", "de": "Privater Guide"}, "price": "120"},
                OFFERS[1],
            ],
        ),
    )
    config.save_profile(
        shop.program,
        config.ProfileInput(
            profile_id="mail-only",
            name="Mail only",
            kind="email",
            offers=[{"code": "spa", "names": {"en": "Spa", "de": "Spa"}, "price": "80"}],
            schedule=[{"anchor": "booking", "days": 2, "template_id": "addons-email"}],
        ),
    )

    return call_offers


CART = {"items": [{"product": "sunset-cruise", "category": "cruises", "quantity": 2, "price": "89.00"}], "lang": "de"}


def test_a_matching_cart_gets_the_web_profiles_products_in_its_language(offers_api):
    response = offers_api(CART)

    assert response["statusCode"] == 200
    offers = response["json"]["offers"]
    # Premium first (priority 10, cart 178.00 >= 150), then the add-ons profile; each product once,
    # nothing already in the cart, nothing from email-only profiles.
    assert [(o["code"], o["profile_id"]) for o in offers] == [
        ("private-guide", "premium"),
        ("city-walk", "premium"),
        ("wine-tasting", "addons"),
    ]
    assert offers[0] == {
        "code": "private-guide",
        "name": "Privater Guide",
        "price": "120",
        "currency": "EUR",
        "image_url": None,
        "link": None,
        "profile_id": "premium",
    }
    assert offers[2]["link"] == "https://www.example.com/tours/wine-tasting"
    assert response["json"]["lang"] == "de"
    assert response["headers"]["Access-Control-Allow-Origin"] == "https://www.example.com"
    assert response["headers"]["Vary"] == "Origin"


def test_rules_decide_what_a_cart_is_offered(offers_api):
    small = {"items": [{"product": "city-walk", "category": "walks", "price": "25"}], "lang": "fr"}
    assert [o["code"] for o in offers_api(small)["json"]["offers"]] == ["wine-tasting", "sunset-cruise"]
    assert offers_api(small)["json"]["lang"] == "en"  # French falls back to the default language

    other_currency = {**CART, "currency": "USD"}  # the minimum is in EUR: not converted, not met
    assert {o["profile_id"] for o in offers_api(other_currency)["json"]["offers"]} == {"addons"}

    nothing = {"items": [{"product": "museum", "category": "culture"}]}
    assert offers_api(nothing)["json"]["offers"] == []


def test_cors_is_for_the_programs_own_sites(offers_api):
    assert offers_api(CART, origin="https://shop.example.com")["statusCode"] == 200  # *.example.com
    for origin in ("https://evil.example", "http://www.example.com", "https://www.example.com.evil.example", "null"):
        response = offers_api(CART, origin=origin)
        assert response["statusCode"] == 403 and "Access-Control-Allow-Origin" not in response["headers"], origin
    server_side = offers_api(CART, origin=None)
    assert server_side["statusCode"] == 200 and "Access-Control-Allow-Origin" not in server_side["headers"]


def test_the_preflight_is_answered_per_program(offers_api):
    allowed = offers_api("", method="OPTIONS")
    assert allowed["statusCode"] == 204
    assert allowed["headers"]["Access-Control-Allow-Methods"] == "POST, OPTIONS"
    assert allowed["headers"]["Access-Control-Allow-Headers"] == "content-type"
    assert offers_api("", method="OPTIONS", origin="https://evil.example")["statusCode"] == 403
    assert offers_api("", method="OPTIONS", program="nope")["statusCode"] == 403


BAD_CARTS = [
    "{not json",
    {"items": []},
    {"items": [{"product": "a b"}]},
    {"items": [{"product": "x", "quantity": 0}]},
    {"items": [{"product": "x", "price": "-5"}]},
    {"items": [{"product": "x"}], "channel": "fax"},
    {"items": [{"product": "x"}], "email": "someone@example.org"},  # no personal data accepted
    {"items": [{"product": "x" * 65}]},
]


def test_bad_carts_get_a_clear_400(call_offers):
    for body in BAD_CARTS:
        response = call_offers(body)
        assert response["statusCode"] == 400, body
        assert response["json"]["message"] == "The cart is not valid." and response["json"]["errors"], body
        assert response["headers"]["Access-Control-Allow-Origin"] == "https://www.example.com"


def test_an_unknown_program_is_404(call_offers):
    assert call_offers(CART, program="nope")["statusCode"] == 404


def test_the_config_is_cached_in_the_warm_container(offers_api, aws_requests):
    offers_api(CART)
    aws_requests.calls.clear()
    offers_api(CART)
    assert aws_requests.calls == []


@pytest.mark.parametrize("name", ["cart", "preflight"])
def test_the_sample_events_are_answered(aws, runtime, shop, name):
    response = runtime.invoke("OffersFunction", load_event("offers", name))
    assert response["statusCode"] in (200, 204)
