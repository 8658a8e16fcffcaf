"""Property-based fuzzing of the conversion endpoints: GET|POST /postback (query string, form, JSON and
raw bodies), GET /pixel.gif and GET /waymark.js. Never a 5xx or a redirect; a refused postback
writes nothing; an accepted one writes its one conversion; the pixel is always the GIF."""

import json
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers.fuzzing import (
    BINARY_BODIES,
    FUZZ,
    RAW_QUERIES,
    assert_sound,
    body_json,
    hostile_text,
    json_values,
    writes,
)
from tests.helpers.fuzzing import request as send
from tests.helpers.tracking import click
from waymark.models import Conversion

NAMES = [
    "order_id",
    "adv_sub",
    "amount",
    "currency",
    "click_id",
    "transaction_id",
    "ref",
    "channel",
    "agent",
    "status",
    "items",
    "email",
    "lang",
    "service_date",
    "booking_ref",
    "token",
]
GOOD = {
    "amount": ["178.00", "0", "0.01", "999999999999", "12.5"],
    "currency": ["EUR", "USD", "eur", "JPY", "XAU"],
    "channel": ["web", "chat", "phone", "concierge", "inside_sales", "remarketing", "fax"],
    "status": ["pending", "approved", "rejected"],
    "lang": ["en", "de", "pt-BR", "x"],
    "service_date": ["2026-07-01", "2026-02-30", "tomorrow"],
    "email": ["guest@example.org", "not-an-email", "a@b"],
    "items": ['[{"product": "sunset", "quantity": 2, "price": "89"}]', "[]", "[{}]", "{", '[{"quantity": -1}]'],
}


@pytest.fixture
def world(merchant, runtime):
    """The merchant, a real click to credit, and the token; warm caches like a warm container."""
    return {"token": merchant.token, "click_id": click(runtime, merchant.link.code), "agent": merchant.agent.agent_id}


def params_strategy(world) -> st.SearchStrategy[dict]:
    """A valid sale with some fields replaced, dropped or added: most requests get far into the code."""
    base = st.fixed_dictionaries(
        {
            "token": st.sampled_from([world["token"], world["token"][:-1] + "x", "nobody.secret"]),
            "order_id": st.one_of(st.from_regex(r"\AF-[0-9]{1,6}\Z"), hostile_text),
            "amount": st.one_of(st.sampled_from(GOOD["amount"]), hostile_text),
            "currency": st.sampled_from(GOOD["currency"]),
        }
    )
    extra_value = st.one_of(*(st.sampled_from(values) for values in GOOD.values()), hostile_text)
    extras = st.dictionaries(
        st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=12)), extra_value, max_size=4
    )
    click_fields = st.sampled_from(
        [{}, {"click_id": world["click_id"]}, {"transaction_id": world["click_id"]}, {"agent": world["agent"]}]
    )
    return st.builds(lambda b, c, e: {**b, **c, **e}, base, click_fields, extras)


@FUZZ
@given(data=st.data(), style=st.sampled_from(["query", "form", "json", "json-typed", "raw"]))
def test_random_postbacks_are_answered_4xx_or_recorded_once(runtime, world, aws_requests, data, style):
    params = data.draw(params_strategy(world))
    headers, body, query, method = {}, "", "", "POST"
    if style == "query":
        method, query = data.draw(st.sampled_from(["GET", "POST"])), urlencode(params)
    elif style == "form":
        headers["content-type"], body = "application/x-www-form-urlencoded", urlencode(params)
    elif style == "json":
        headers["content-type"], body = "application/json", json.dumps(params)
    elif style == "json-typed":  # JSON numbers, lists, objects and nulls where strings are expected
        typed = {**params, **data.draw(st.dictionaries(st.sampled_from(NAMES), json_values, max_size=3))}
        headers["content-type"], body = "application/json", json.dumps(typed)
    else:
        headers["content-type"] = data.draw(st.sampled_from(["application/json", "text/plain", "", "multipart/x"]))
        body = data.draw(
            st.one_of(st.text(max_size=200), st.sampled_from(["{", "[]", "null", '{"a":', *BINARY_BODIES]))
        )
        query = data.draw(st.sampled_from(["", *RAW_QUERIES]))
    before = stored_conversions()
    aws_requests.calls.clear()

    response = send(runtime, method, "/postback", query=query, headers=headers, body=body)

    status = assert_sound(response)
    assert status in (200, 400, 401, 403, 409, 413, 415), response
    answer = body_json(response)
    after = stored_conversions()
    if status == 200 and (response.get("headers") or {}).get("Idempotent-Replayed") != "true":
        assert Decimal(answer["amount"]) >= 0 and Decimal(answer["commission"]) >= 0
        assert set(after) - set(before) == {answer["conversion_id"]} and set(before) <= set(after)
        assert writes(aws_requests.calls) in (["PutItem"], ["TransactWriteItems"]), aws_requests.calls
        return
    assert after == before  # refused, or a repeat: nothing changed
    if status == 409:  # a repeat with other data: the one conditional write, refused by DynamoDB
        assert writes(aws_requests.calls) in (["PutItem"], ["TransactWriteItems"]), aws_requests.calls
    elif status != 200:
        assert set(answer) >= {"error", "message"}, answer
        assert writes(aws_requests.calls) == [], aws_requests.calls


def stored_conversions() -> dict[str, str]:
    return {c.conversion_id: json.dumps(c.serialize(), sort_keys=True) for c in Conversion.scan()}


def pixel_strategy(world) -> st.SearchStrategy[dict]:
    """A pixel hit as a page (or anyone copying its URL) might send it, with a postback's parameters mixed in."""
    base = st.fixed_dictionaries(
        {
            "order_id": st.one_of(st.from_regex(r"\AF-[0-9]{1,6}\Z"), hostile_text),
            "amount": st.one_of(st.sampled_from(GOOD["amount"]), hostile_text),
            "currency": st.sampled_from(GOOD["currency"]),
        },
        optional={
            "advertiser": st.sampled_from(["shop-backend", "nobody", "", "x" * 80]),
            "token": st.sampled_from([world["token"], "nobody.secret"]),
        },
    )
    extra_value = st.one_of(*(st.sampled_from(values) for values in GOOD.values()), hostile_text)
    extras = st.dictionaries(
        st.one_of(st.sampled_from(NAMES), st.text(min_size=1, max_size=12)), extra_value, max_size=4
    )
    return st.builds(lambda b, e: {**e, **b}, base, extras)


@settings(FUZZ, max_examples=120)
@given(data=st.data())
def test_the_pixel_is_always_a_gif_and_credits_only_the_live_click(runtime, world, aws_requests, data):
    params = data.draw(pixel_strategy(world))
    params.pop("click_id", None)
    params.pop("transaction_id", None)
    query = data.draw(st.one_of(st.just(urlencode(params)), st.sampled_from(RAW_QUERIES)))
    cookie = data.draw(st.sampled_from([None, world["click_id"], "garbage", "a;b=c", "x" * 300]))
    headers = {"cookie": f"wm_click={cookie}"} if cookie else {}
    before = stored_conversions()
    aws_requests.calls.clear()

    response = send(runtime, "GET", "/pixel.gif", query=query, headers=headers)

    assert assert_sound(response) == 200
    assert response["headers"]["Content-Type"] == "image/gif" and response["headers"]["Cache-Control"] == "no-store"
    after = stored_conversions()
    new = set(after) - set(before)
    assert len(new) <= 1 and {k: after[k] for k in before} == before  # at most one new sale, nothing else changed
    for conversion_id in new:
        sale = Conversion.get(conversion_id)
        assert (sale.status, sale.channel, sale.reported_by) == ("pending", "web", "pixel")
        assert (sale.agent_id, sale.click_id) == (world["agent"], world["click_id"])
        assert list(sale.items) == [] and cookie == world["click_id"]
    attempted = writes(aws_requests.calls)
    leaked = query == urlencode(params) and params.get("token") == world["token"]
    assert attempted in ([], ["PutItem"], ["UpdateItem"] if leaked else []), aws_requests.calls
    assert "PutItem" not in attempted or not leaked  # a token in the page records nothing
    # A write is the recorded sale, or the conditional write a repeat of a recorded order loses.
    assert bool(new) or attempted != ["PutItem"] or f"shop-backend:{params['order_id']}" in before


@FUZZ
@given(program=st.one_of(st.none(), st.just("shop"), hostile_text))
def test_the_page_script_is_always_served_and_echoes_nothing(runtime, world, aws_requests, program):
    aws_requests.calls.clear()
    response = send(runtime, "GET", "/waymark.js", query="" if program is None else urlencode({"program": program}))
    assert assert_sound(response) == 200
    assert response["headers"]["Content-Type"].startswith("application/javascript")
    if program != "shop":  # anything but a known program gets the default script, byte for byte
        assert response["body"] == send(runtime, "GET", "/waymark.js")["body"]
    assert writes(aws_requests.calls) == []
