"""Property-based fuzzing of the other public endpoints: the links in remarketing emails
(`GET /x/{token}`, `GET|POST /unsubscribe/{token}`), the checkout's offers API
(`POST|OPTIONS /offers/{program_id}`) and partner signup (`GET|POST /signup`).

Tokens are fuzzed around real ones (truncated, altered, re-signed pieces, expired), so the
checks past the signature run too; only a genuine token may redirect (to the program's
domains) or unsubscribe, and anything refused writes nothing."""

import itertools
import json
import time
from urllib.parse import quote, urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers.fuzzing import BINARY_BODIES, FUZZ, RAW_QUERIES, assert_sound, hostile_text, json_values, writes
from tests.helpers.fuzzing import request as send
from tests.helpers.remarketing import configure, make_customer

BOOKING_HOSTS = ("www.example.com",)
_addresses = itertools.count()


@pytest.fixture
def links(shop, runtime):
    """A planned booking's genuine offer and unsubscribe tokens, and the pieces to forge others from."""
    from waymark.remarketing.tokens import OfferLink, UnsubscribeLink, email_hash, offer_id

    configure(shop.program, kind="both")
    customer = make_customer(shop.program, agent_id=shop.agent.agent_id)
    from devstack.pumps import StreamPump

    StreamPump(runtime.stack, runtime).drain()  # the planner writes the offer reference
    handle = offer_id(customer.conversion_id)
    future = int(time.time()) + 86400
    return {
        "offers": [OfferLink(handle, "addons", code, future).token() for code in ("wine-tasting", "city-walk")],
        "expired": OfferLink(handle, "addons", "wine-tasting", int(time.time()) - 1).token(),
        "other_product": OfferLink(handle, "addons", "no-such-product", future).token(),
        "unsubscribe": UnsubscribeLink(email_hash(customer.email), "shop", "de").token(),
    }


def mutated(token: str) -> st.SearchStrategy[str]:
    """A token cut, extended, with one character changed, or with its pieces shuffled."""
    pieces = token.split(".")
    return st.one_of(
        st.integers(0, len(token) - 1).map(lambda n: token[:n]),
        hostile_text.map(lambda extra: token + extra),
        st.tuples(st.integers(0, len(token) - 1), st.sampled_from("AZaz09-_.%")).map(
            lambda change: token[: change[0]] + change[1] + token[change[0] + 1 :]
        ),
        st.permutations(pieces).map(".".join),
    )


def tokens(links: dict) -> st.SearchStrategy[str]:
    genuine = [*links["offers"], links["unsubscribe"]]
    return st.one_of(
        st.sampled_from([*genuine, links["expired"], links["other_product"]]),
        st.sampled_from(genuine).flatmap(mutated),
        hostile_text,
    )


@FUZZ
@given(data=st.data())
def test_offer_links_redirect_only_genuine_tokens_to_the_booking_page(runtime, links, aws_requests, data):
    token = data.draw(tokens(links))
    headers = data.draw(
        st.dictionaries(st.sampled_from(["user-agent", "referer", "cloudfront-viewer-country"]), hostile_text)
    )
    aws_requests.calls.clear()
    response = send(runtime, "GET", f"/x/{quote(token, safe='')}", headers=headers)
    if response is None:
        return  # no route (an encoded slash): API Gateway's own 404
    status = assert_sound(response, BOOKING_HOSTS)
    if status == 302:
        assert token in links["offers"]
        assert writes(aws_requests.calls) and set(writes(aws_requests.calls)) <= {"PutItem"}  # the click, kept
    else:
        assert status in (400, 404, 410), response
        assert response["headers"]["Content-Type"].startswith("text/html")
        assert writes(aws_requests.calls) == []


@FUZZ
@given(data=st.data(), method=st.sampled_from(["GET", "POST"]))
def test_unsubscribe_links_act_only_on_a_genuine_token_and_only_by_post(runtime, links, aws_requests, data, method):
    from waymark.models import Suppression
    from waymark.remarketing.tokens import UnsubscribeLink

    token = data.draw(tokens(links))
    body = data.draw(st.sampled_from(["", "List-Unsubscribe=One-Click", "x=1", *BINARY_BODIES]))
    aws_requests.calls.clear()
    response = send(runtime, method, f"/unsubscribe/{quote(token, safe='')}", body=body)
    if response is None:
        return
    status = assert_sound(response)
    if status == 200 and method == "POST":
        assert token == links["unsubscribe"]
        assert Suppression.get(*Suppression.key(UnsubscribeLink.parse(token).email_hash), consistent_read=True)
    else:
        assert status in (200, 400), response  # GET only ever shows the confirmation page
        assert writes(aws_requests.calls) == []


@FUZZ
@given(
    program=st.one_of(st.just("shop"), hostile_text.filter(lambda s: "/" not in s)),
    origin=st.one_of(st.none(), st.sampled_from(["https://www.example.com", "https://evil.com", "null"]), hostile_text),
    body=st.one_of(
        st.fixed_dictionaries(
            {"items": st.lists(st.fixed_dictionaries({"product": hostile_text}), max_size=3)},
            optional={"lang": hostile_text, "channel": hostile_text, "amount": json_values, "currency": hostile_text},
        ).map(json.dumps),
        json_values.map(json.dumps),
        st.text(max_size=100),
        st.sampled_from(BINARY_BODIES),
    ),
    method=st.sampled_from(["POST", "POST", "OPTIONS"]),
)
def test_the_offers_api_answers_every_cart_and_origin_without_writing(
    runtime, links, aws_requests, program, origin, body, method
):
    headers = {"content-type": "application/json", **({"origin": origin} if origin is not None else {})}
    aws_requests.calls.clear()
    response = send(runtime, method, f"/offers/{quote(program, safe='')}", headers=headers, body=body)
    if response is None:
        return
    status = assert_sound(response)
    assert status in (200, 204, 400, 403, 404, 422), response
    allowed = (response.get("headers") or {}).get("Access-Control-Allow-Origin")
    assert allowed in (None, "https://www.example.com"), allowed  # CORS only for the program's own domains
    assert writes(aws_requests.calls) == []


SIGNUP_FIELDS = ["name", "email", "password", "website", "partner_type", "program", "csrf_token"]


@FUZZ
@given(
    fields=st.dictionaries(st.one_of(st.sampled_from(SIGNUP_FIELDS), hostile_text), hostile_text, max_size=6),
    style=st.sampled_from(["form", "json", "raw", "binary", "get"]),
    query=st.one_of(st.just(""), st.sampled_from(["program=shop", "program=../x", *RAW_QUERIES])),
)
def test_signups_that_are_refused_create_nothing(runtime, shop, aws_requests, fields, style, query):
    """Random forms never pass validation (the address and password rules), so nothing may be created."""
    from waymark.models import Agent

    headers, body, method = {}, "", "POST"
    if style == "form":
        headers["content-type"], body = "application/x-www-form-urlencoded", urlencode(fields)
    elif style == "json":
        headers["content-type"], body = "application/json", json.dumps(fields)
    elif style == "raw":
        headers["content-type"], body = "application/json", json.dumps(list(fields.values()))
    elif style == "binary":
        headers["content-type"] = "application/x-www-form-urlencoded"
        body = BINARY_BODIES[len(fields) % len(BINARY_BODIES)]
    else:
        method = "GET"
    agents = Agent.count()
    aws_requests.calls.clear()
    # Each example from its own address, so the attempt limit does not hide the validation.
    number = next(_addresses)
    source_ip = f"10.0.{number // 250 % 250}.{number % 250 + 1}"
    response = send(runtime, method, "/signup", query=query, headers=headers, body=body, source_ip=source_ip)
    status = assert_sound(response)
    if method == "GET":
        assert status in (200, 400, 404), response
    else:
        assert status in (400, 403, 404, 415, 422, 429), response  # 403: a form posted from another site
    # The one write a refused signup may make is taking its attempt from the client's bucket.
    assert writes(aws_requests.calls) in ([], ["UpdateItem"]) and Agent.count() == agents
