"""GET|POST /postback through the postback function's lambda_handler, against moto."""

import json
import time
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from botocore.exceptions import ReadTimeoutError

from tests.helpers.concurrency import all_at_once
from tests.helpers.tracking import click, postback
from waymark.models import Conversion, Customer, PostbackLogEntry

WRITES = ("PutItem", "TransactWriteItems", "UpdateItem", "DeleteItem", "BatchWriteItem")
LOG = PostbackLogEntry.Meta.table_name  # every answer but a new sale's adds its line there


def conversions() -> list[Conversion]:
    return list(Conversion.scan())


def sale(merchant, click_id: str | None = None, **fields) -> dict:
    params = {"token": merchant.token, "order_id": "A-1001", "amount": "178.00", "currency": "EUR"}
    if click_id:
        params["click_id"] = click_id
    params.update(fields)
    return params


def test_a_postback_credits_the_click_and_answers_with_the_conversion(runtime, merchant):
    click_id = click(runtime, merchant.link.code)
    answer = postback(runtime, sale(merchant, click_id, items=[{"product": "sunset", "quantity": 2, "price": "89"}]))

    assert answer.status == 200, answer.body
    assert answer.json == {
        "conversion_id": "shop-backend:A-1001",
        "order_id": "A-1001",
        "status": "pending",
        "reason": None,
        "agent": merchant.agent.agent_id,
        "channel": "web",
        "amount": "178.00",
        "currency": "EUR",
        "commission": "17.80",
        "created_at": answer.json["created_at"],
    }
    assert "Idempotent-Replayed" not in answer.headers
    [stored] = conversions()
    assert (stored.click_id, stored.link_code, stored.attributed_by) == (click_id, merchant.link.code, "click")
    assert stored.amount == Decimal("178.00") and stored.commission == Decimal("17.80")
    assert stored.commission_rule == "program, all sales: 10 %"
    assert stored.items[0].product == "sunset" and stored.items[0].price == Decimal("89.00")
    assert stored.history[0].by == "postback:shop-backend" and stored.history[0].to_status == "pending"


def test_a_warm_postback_makes_one_read_and_one_write_and_no_log_line(runtime, merchant, aws_requests):
    postback(runtime, sale(merchant, click(runtime, merchant.link.code)))  # warms advertiser, program, partner
    click_id = click(runtime, merchant.link.code)
    aws_requests.calls.clear()
    answer = postback(runtime, sale(merchant, click_id, order_id="A-1002"))
    assert answer.status == 200
    assert aws_requests.calls == ["GetItem", "PutItem"]  # the session, the conversion: it is its own record
    assert [call.table for call in aws_requests.calls][-1] == Conversion.Meta.table_name


def test_get_with_aliases_and_a_form_body_work_like_json(runtime, merchant):
    first = click(runtime, merchant.link.code)
    query = urlencode(
        {"token": merchant.token, "adv_sub": "G-1", "amount": "10", "currency": "eur", "transaction_id": first}
    )
    answer = postback(runtime, method="GET", query=query)
    assert answer.status == 200, answer.body
    assert (answer.json["order_id"], answer.json["amount"], answer.json["currency"]) == ("G-1", "10.00", "EUR")
    assert answer.json["agent"] == merchant.agent.agent_id

    form = urlencode({"order_id": "F-1", "amount": "20.5", "currency": "EUR", "click_id": first})
    answer = postback(
        runtime,
        query=f"token={merchant.token}",
        body=form,
        content_type="application/x-www-form-urlencoded",
    )
    assert answer.status == 200, answer.body
    assert answer.json["commission"] == "2.05"
    assert len(conversions()) == 2


def test_a_repeat_returns_the_same_answer_and_writes_nothing(runtime, merchant, aws_requests):
    params = sale(merchant, click(runtime, merchant.link.code))
    first = postback(runtime, params)
    before = conversions()[0].serialize()
    aws_requests.calls.clear()
    again = postback(runtime, params)
    assert again.status == 200 and again.json == first.json
    assert again.headers["Idempotent-Replayed"] == "true"
    # The conditional PutItem fails and DynamoDB hands back the stored item: no second read, nothing
    # changed; the repeat gets its line in the log (the sale has none).
    assert aws_requests.calls == ["GetItem", "PutItem", "PutItem"]
    assert aws_requests.calls[-1].table == LOG
    assert [c.serialize() for c in conversions()] == [before]


def test_a_repeat_with_a_different_amount_is_a_409_and_changes_nothing(runtime, merchant):
    params = sale(merchant, click(runtime, merchant.link.code))
    first = postback(runtime, params)
    changed = postback(runtime, {**params, "amount": "999.00"})
    assert changed.status == 409
    assert changed.json["error"] == "duplicate" and changed.json["conversion"] == first.json
    [stored] = conversions()
    assert stored.amount == Decimal("178.00")


@pytest.mark.parametrize("write", ["put", "transaction"])
def test_fifty_concurrent_identical_postbacks_record_exactly_one_conversion(runtime, merchant, write):
    """Fifty threads (issue 4 asks for 20, the robustness suite for 50), released together, each
    run the postback's domain function (a Lambda environment handles one event at a time, so
    concurrency means separate handlers: here, threads calling waymark.conversions.postbacks.handle with the
    same request)."""
    from waymark.conversions import postbacks

    if write == "transaction":  # with the remarketing customer: one TransactWriteItems
        merchant.program.update(actions=[type(merchant.program).settings.set({"remarketing": {"email": True}})])
    click_id = click(runtime, merchant.link.code)
    body = json.dumps(sale(merchant, click_id, email="guest@example.org")).encode()
    request = postbacks.PostbackRequest(
        method="POST", body=body, content_type="application/json", source_ip="198.51.100.7"
    )
    outcomes: list = []
    all_at_once(*[lambda: outcomes.append(postbacks.handle(request))] * 50)

    assert len(outcomes) == 50
    assert {o.status for o in outcomes} == {200}
    assert sorted(o.outcome for o in outcomes) == ["Recorded"] + ["Repeated"] * 49
    assert len({json.dumps(o.body, sort_keys=True) for o in outcomes}) == 1
    assert len(conversions()) == 1
    assert Customer.count() == (1 if write == "transaction" else 0)


# ---------------------------------------------------------------------------- authentication


def test_wrong_or_missing_tokens_are_401_and_write_nothing(runtime, merchant, aws_requests):
    click_id = click(runtime, merchant.link.code)
    aws_requests.calls.clear()
    for token in (None, "", "shop-backend.wrong-secret", "nobody.secret", "no-dot", "x" * 500):
        params = sale(merchant, click_id)
        if token is None:
            params.pop("token")
        else:
            params["token"] = token
        answer = postback(runtime, params)
        assert answer.status == 401, (token, answer.body)
        assert answer.json["error"] == "unauthorized"
    assert not aws_requests.of(*WRITES, but_to=LOG)
    assert conversions() == []


def test_a_bearer_token_header_works(runtime, merchant):
    params = sale(merchant, click(runtime, merchant.link.code))
    token = params.pop("token")
    answer = postback(runtime, params, headers={"authorization": f"Bearer {token}"})
    assert answer.status == 200, answer.body


def signed_headers(merchant, payload: bytes, at: int | None = None) -> dict:
    from waymark.conversions.postback_auth import sign

    at = int(time.time()) if at is None else at
    return {
        "x-waymark-advertiser": merchant.advertiser.advertiser_id,
        "x-waymark-signature": sign(merchant.hmac_secret, at, payload),
    }


def test_an_hmac_signed_post_and_get_are_accepted(runtime, merchant):
    params = sale(merchant, click(runtime, merchant.link.code))
    params.pop("token")
    body = json.dumps(params)
    answer = postback(runtime, body=body, headers=signed_headers(merchant, body.encode()))
    assert answer.status == 200, answer.body

    query = urlencode({**params, "order_id": "A-2"})
    answer = postback(runtime, method="GET", query=query, headers=signed_headers(merchant, query.encode()))
    assert answer.status == 200, answer.body
    assert len(conversions()) == 2


@pytest.mark.parametrize("case", ["tampered", "wrong_secret", "replayed", "future", "no_advertiser", "garbage"])
def test_bad_and_replayed_signatures_are_401(runtime, merchant, aws_requests, case):
    from waymark.conversions.postback_auth import sign

    params = sale(merchant, click(runtime, merchant.link.code))
    params.pop("token")
    body = json.dumps(params)
    headers = signed_headers(merchant, body.encode())
    if case == "tampered":
        body = body.replace("178.00", "1780.00")
    elif case == "wrong_secret":
        headers["x-waymark-signature"] = sign("another-secret", int(time.time()), body.encode())
    elif case == "replayed":
        headers = signed_headers(merchant, body.encode(), at=int(time.time()) - 301)
    elif case == "future":
        headers = signed_headers(merchant, body.encode(), at=int(time.time()) + 301)
    elif case == "no_advertiser":
        headers.pop("x-waymark-advertiser")
    else:
        headers["x-waymark-signature"] = "t=abc,v1=ünïcode"
    aws_requests.calls.clear()
    answer = postback(runtime, body=body, headers=headers)
    assert answer.status == 401, answer.body
    assert not aws_requests.of(*WRITES, but_to=LOG)
    assert conversions() == []


def test_the_ip_allow_list_admits_its_networks_only(runtime, merchant, aws_requests):
    merchant.advertiser.update(
        actions=[type(merchant.advertiser).allowed_cidrs.set(["203.0.113.0/24", "2001:db8::/32"])]
    )
    from waymark.core import cache

    cache.clear_all()
    params = sale(merchant, click(runtime, merchant.link.code))
    assert postback(runtime, params, source_ip="203.0.113.9").status == 200
    assert postback(runtime, {**params, "order_id": "v6"}, source_ip="2001:db8::1").status == 200
    aws_requests.calls.clear()
    outside = postback(runtime, {**params, "order_id": "B-2"}, source_ip="198.51.100.7")
    assert outside.status == 403 and outside.json["error"] == "forbidden"
    assert not aws_requests.of(*WRITES, but_to=LOG)
    assert len(conversions()) == 2


# ---------------------------------------------------------------------------- hostile input

HOSTILE = [
    ("malformed JSON", {"body": '{"order_id": "X", "amount": '}),
    ("JSON array", {"body": "[1, 2]"}),
    ("unknown field", {"params": {"order_id": "X", "amount": "1", "currency": "EUR", "voucher": "FREE"}}),
    ("negative amount", {"params": {"order_id": "X", "amount": "-5.00", "currency": "EUR"}}),
    ("huge amount", {"params": {"order_id": "X", "amount": "1" + "0" * 40, "currency": "EUR"}}),
    ("amount too large", {"params": {"order_id": "X", "amount": "1000000000000.01", "currency": "EUR"}}),
    ("exponent", {"params": {"order_id": "X", "amount": "1e3", "currency": "EUR"}}),
    ("NaN", {"params": {"order_id": "X", "amount": "NaN", "currency": "EUR"}}),
    ("float JSON NaN", {"body": '{"order_id": "X", "amount": NaN, "currency": "EUR"}'}),
    ("too many decimals", {"params": {"order_id": "X", "amount": "10.005", "currency": "EUR"}}),
    ("decimals on yen", {"params": {"order_id": "X", "amount": "100.5", "currency": "JPY"}}),
    ("bad currency", {"params": {"order_id": "X", "amount": "10", "currency": "EUX"}}),
    ("no-money currency", {"params": {"order_id": "X", "amount": "10", "currency": "XAU"}}),
    ("missing order", {"params": {"amount": "10", "currency": "EUR"}}),
    ("order id with spaces", {"params": {"order_id": "A 1", "amount": "10", "currency": "EUR"}}),
    ("long order id", {"params": {"order_id": "A" * 101, "amount": "10", "currency": "EUR"}}),
    ("unknown channel", {"params": {"order_id": "X", "amount": "10", "currency": "EUR", "channel": "fax"}}),
    ("initial status reversed", {"params": {"order_id": "X", "amount": "1", "currency": "EUR", "status": "reversed"}}),
    ("bad email", {"params": {"order_id": "X", "amount": "10", "currency": "EUR", "email": "not-an-email"}}),
    ("bad ref", {"params": {"order_id": "X", "amount": "10", "currency": "EUR", "channel": "phone", "ref": "0OIL1U"}}),
    ("bad items", {"params": {"order_id": "X", "amount": "10", "currency": "EUR", "items": [{"quantity": 0}]}}),
    ("items not JSON", {"query": "order_id=X&amount=10&currency=EUR&items=%5B%7B"}),
    ("both aliases", {"params": {"order_id": "X", "adv_sub": "Y", "amount": "10", "currency": "EUR"}}),
    ("repeated parameter", {"query": "order_id=X&order_id=Y&amount=10&currency=EUR"}),
    ("bad UTF-8 query", {"query": "order_id=%FF&amount=10&currency=EUR"}),
    ("XML body", {"body": "<order/>", "content_type": "application/xml"}),
    ("oversized body", {"body": '{"order_id": "' + "x" * 70_000 + '"}'}),
    ("nested object", {"params": {"order_id": {"$gt": ""}, "amount": "10", "currency": "EUR"}}),
    ("click id with markup", {"params": {"order_id": "X", "amount": "1", "currency": "EUR", "click_id": "<b>"}}),
]


@pytest.mark.parametrize(("name", "request_"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_input_is_a_clear_4xx_and_writes_nothing(runtime, merchant, aws_requests, name, request_):
    aws_requests.calls.clear()
    if "query" in request_:
        answer = postback(runtime, method="GET", query=request_["query"] + f"&token={merchant.token}")
    elif "params" in request_:
        answer = postback(runtime, {**request_["params"], "token": merchant.token})
    else:
        answer = postback(
            runtime,
            query=f"token={merchant.token}",
            body=request_["body"],
            content_type=request_.get("content_type", "application/json"),
        )
    assert 400 <= answer.status < 500, (name, answer.status, answer.body)
    assert answer.json["error"] and answer.json["message"]
    assert not aws_requests.of(*WRITES, but_to=LOG), aws_requests.calls
    assert conversions() == []


def test_validation_errors_name_the_field(runtime, merchant):
    answer = postback(runtime, {"token": merchant.token, "order_id": "X", "amount": "-1", "currency": "EUR"})
    assert answer.status == 400
    assert answer.json["fields"][0]["field"] == "amount"
    unknown = postback(runtime, {"token": merchant.token, "order_id": "X", "amount": "1", "currency": "EUR", "x": 1})
    assert {"field": "x", "message": "unknown parameter"} in unknown.json["fields"]


def test_refusals_are_in_the_callers_language_among_the_programs_with_codes_and_field_names_kept(runtime, merchant):
    german = {"accept-language": "de-DE,de;q=0.9"}
    answer = postback(runtime, {"token": merchant.token, "amount": "1,5", "currency": "EUR"}, headers=german)
    assert answer.status == 400 and answer.json["error"] == "invalid_request"
    assert answer.json["message"] == "die Postback-Meldung: ungültige Parameter"
    fields = {f["field"]: f["message"] for f in answer.json["fields"]}
    assert fields["order_id"] == "Order id ist erforderlich."  # pydantic's own type, in plain words
    assert fields["amount"].startswith('muss eine Dezimalzahl wie "12.50" sein')  # our validator's sentence
    wrong = postback(runtime, {"token": "shop-backend.wrong", "order_id": "X", "amount": "1", "currency": "EUR"},
                     headers=german)  # fmt: skip
    assert wrong.status == 401 and wrong.json["message"] == "das Token ist nicht gültig"
    english = postback(runtime, {"token": merchant.token, "amount": "1,5", "currency": "EUR"}, headers={})
    assert {f["field"]: f["message"] for f in english.json["fields"]}["order_id"] == "Order id is required."


# ---------------------------------------------------------------------------- failures


@pytest.mark.parametrize("with_customer", [False, True])
def test_a_failed_write_is_queued_202_and_replayed_idempotently(runtime, merchant, inject_failure, with_customer):
    from devstack.pumps import QueuePump

    if with_customer:
        merchant.program.update(actions=[type(merchant.program).settings.set({"remarketing": {"email": True}})])
        from waymark.core import cache

        cache.clear_all()
    params = sale(merchant, click(runtime, merchant.link.code), email="guest@example.org")
    heal = inject_failure("dynamodb", "TransactWriteItems" if with_customer else "PutItem")
    queued = postback(runtime, params)
    assert queued.status == 202 and queued.json["queued"] is True
    assert queued.json["conversion_id"] == "shop-backend:A-1001"
    assert conversions() == []

    # The replay function (its own client, for which the outage is over) stores it...
    assert QueuePump(runtime.stack, runtime).drain() == 1
    [stored] = conversions()
    assert stored.agent_id == merchant.agent.agent_id and stored.commission == Decimal("17.80")
    assert (Customer.count() == 1) is with_customer
    assert QueuePump(runtime.stack, runtime).drain() == 0
    # ...and the advertiser's retry, after the outage, is a repeat of it.
    heal()
    retry = postback(runtime, params)
    assert retry.status == 200 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.json["conversion_id"] == queued.json["conversion_id"] and retry.json["commission"] == "17.80"
    assert len(conversions()) == 1


def test_a_failed_session_read_answers_503_not_500(runtime, merchant, inject_failure, aws_requests):
    postback(runtime, sale(merchant, click(runtime, merchant.link.code), order_id="warm-up"))
    params = sale(merchant, click(runtime, merchant.link.code))
    aws_requests.calls.clear()
    inject_failure("dynamodb", "GetItem", exception=ReadTimeoutError(endpoint_url="https://dynamodb"))
    answer = postback(runtime, params)
    assert answer.status == 503 and answer.headers["Retry-After"]
    # The failing read never reached AWS; nothing was written but the answer's line in the log.
    assert aws_requests.calls == ["PutItem"] and aws_requests.calls[0].table == LOG
    assert len(conversions()) == 1


def test_a_sale_in_another_currency_than_the_programs_is_refused(runtime, merchant, aws_requests):
    """Waymark does no exchange: a program books in one currency, so reports and statements add up."""
    aws_requests.calls.clear()
    answer = postback(runtime, {"token": merchant.token, "order_id": "FX-1", "amount": "120.00", "currency": "USD"})
    assert answer.status == 400 and answer.json["fields"] == ["currency"]
    assert "EUR" in answer.json["message"]
    assert not aws_requests.of(*WRITES, but_to=LOG)
    assert conversions() == []
