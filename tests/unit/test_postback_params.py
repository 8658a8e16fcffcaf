"""Reading and validating postback parameters (waymark.conversions.postbacks), without AWS."""

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waymark.conversions.postbacks import BadRequest, PostbackRequest, parameters, validate

BASE = {"order_id": "A-1", "amount": "12.50", "currency": "EUR"}


def test_query_form_and_json_merge_into_one_set_of_parameters():
    request = PostbackRequest(
        method="POST",
        raw_query="token=t.x",
        body=b"order_id=A-1&amount=12.50",
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )
    assert parameters(request) == {"token": "t.x", "order_id": "A-1", "amount": "12.50"}
    as_json = PostbackRequest(
        method="POST", raw_query="token=t.x", body=b'{"amount": 12.5, "note": null}', content_type="application/json"
    )
    assert parameters(as_json) == {"token": "t.x", "amount": Decimal("12.5")}


def test_a_get_ignores_any_body_and_a_name_in_query_and_body_is_refused():
    assert parameters(PostbackRequest(method="GET", raw_query="a=1", body=b"junk")) == {"a": "1"}
    with pytest.raises(BadRequest, match="both"):
        parameters(
            PostbackRequest(
                method="POST", raw_query="amount=1", body=b'{"amount": "2"}', content_type="application/json"
            )
        )


def test_json_numbers_are_read_as_decimals_never_floats():
    params = parameters(
        PostbackRequest(method="POST", body=b'{"amount": 0.1, "order_id": 7}', content_type="application/json")
    )
    report = validate({**params, "currency": "EUR"})
    assert report.amount == Decimal("0.10") and report.order_id == "7"


def test_a_full_report():
    report = validate(
        {
            **BASE,
            "transaction_id": "abc",
            "channel": "phone",
            "ref": "abc-def",
            "agent": "agent001",
            "status": "approved",
            "items": json.dumps([{"product": "tour", "category": "walks", "quantity": 2, "price": "6.25"}]),
            "email": "Guest@Example.ORG",
            "lang": "de-AT",
            "service_date": "2026-08-01",
            "booking_ref": "BK-77",
            "token": "ignored.here",
        }
    )
    assert report.click_id == "abc" and report.ref_code == "ABCDEF" and report.agent == "agent001"
    assert report.items == ({"product": "tour", "category": "walks", "quantity": 2, "price": Decimal("6.25")},)
    assert report.email == "guest@example.org" and report.service_date == date(2026, 8, 1)
    assert (report.channel, report.status, report.lang, report.booking_ref) == ("phone", "approved", "de-AT", "BK-77")


def test_amounts_keep_the_currencys_minor_units():
    assert str(validate({**BASE, "amount": "12.5"}).amount) == "12.50"
    assert str(validate({**BASE, "amount": "12.500"}).amount) == "12.50"  # same value, no rounding needed
    assert str(validate({**BASE, "amount": "1500", "currency": "JPY"}).amount) == "1500"
    assert str(validate({**BASE, "amount": "1.234", "currency": "kwd"}).amount) == "1.234"
    with pytest.raises(BadRequest, match="more decimals"):
        validate({**BASE, "amount": "1.5", "currency": "JPY"})


@pytest.mark.parametrize(
    "amount", ["-1", "+1", "1e3", "1,000.00", "NaN", "Infinity", " ", "0x10", "١٢", "1_000", True, 1.5, [], {}]
)
def test_amounts_that_are_no_plain_decimal_are_refused(amount):
    with pytest.raises(BadRequest) as raised:
        validate({**BASE, "amount": amount})
    assert raised.value.status == 400 and raised.value.fields[0]["field"] == "amount"


@given(st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False))
def test_every_plain_amount_in_range_round_trips_exactly(value):
    assert validate({**BASE, "amount": f"{value:f}"}).amount == value


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({**BASE, "unknown": "1"}, 400),
        ({**BASE, "order_id": "A-1", "adv_sub": "B"}, 400),
        ({**BASE, "currency": "EURO"}, 400),
        ({**BASE, "items": [{"product": "x"}] * 101}, 400),
        ({**BASE, "items": "[{"}, 400),
        ({**BASE, "lang": "english please"}, 400),
        ({**BASE, "service_date": "tomorrow"}, 400),
        ({**BASE, "agent": "../../x"}, 400),
        ({**BASE, "booking_ref": "x" * 101}, 400),
        ({**BASE, "items": [{"product": "x", "price": "1.001"}]}, 400),
    ],
)
def test_invalid_reports_are_refused(params, status):
    with pytest.raises(BadRequest) as raised:
        validate(
            parameters(
                PostbackRequest(method="POST", body=json.dumps(params).encode(), content_type="application/json")
            )
            if "adv_sub" in params
            else params
        )
    assert raised.value.status == status


@pytest.mark.parametrize(
    ("request_", "status"),
    [
        (PostbackRequest(method="POST", body=b"x" * 70_000, content_type="application/json"), 413),
        (PostbackRequest(method="POST", body=b"<a/>", content_type="text/xml"), 415),
        (PostbackRequest(method="POST", body=b"\xff\xfe", content_type="application/json"), 400),
        (PostbackRequest(method="POST", body=b"[" * 100_000 + b"]" * 100_000, content_type="application/json"), 413),
        (PostbackRequest(method="POST", body=b"[" * 20_000 + b"]" * 20_000, content_type="application/json"), 400),
        (PostbackRequest(method="GET", raw_query="&".join(f"p{i}=1" for i in range(65))), 400),
        (PostbackRequest(method="GET", raw_query="a=1&a=2"), 400),
    ],
)
def test_malformed_requests_are_refused(request_, status):
    with pytest.raises(BadRequest) as raised:
        parameters(request_)
    assert raised.value.status == status


def test_the_merchants_manual_lists_every_parameter_the_postback_reads():
    """The integration page lists PostbackParams itself; docs/integrating.md is a second copy, so hold it."""
    from devstack.template import ROOT
    from waymark.conversions.postbacks import AUTH_FIELDS, PostbackParams

    manual = (ROOT / "docs" / "integrating.md").read_text().split("\n## Postbacks\n", 1)[1].split("\n## ", 1)[0]
    for name in [*PostbackParams.model_fields, *AUTH_FIELDS]:
        assert f"`{name}`" in manual, name
    for name, field in PostbackParams.model_fields.items():
        assert field.description, f"{name} has no docstring: the integration page shows it"
