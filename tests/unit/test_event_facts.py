"""Which events stream images make (waymark.events.facts), each detail held to its JSON schema."""

import json
from pathlib import Path

import jsonschema
import pytest

from waymark.conversions.vocabulary import Channel
from waymark.events.facts import conversion_facts, partner_facts, payout_facts
from waymark.events.vocabulary import EventType

SCHEMAS = Path(__file__).resolve().parents[2] / "events" / "schemas"

SALE = {
    "conversion_id": "shop-booking:ORD-1",
    "advertiser_id": "shop-booking",
    "order_id": "ORD-1",
    "program_id": "shop",
    "agent_id": "ag1",
    "click_id": "c1",
    "amount": "249.90",
    "commission": "24.99",
    "currency": "EUR",
    "channel": "web",
    "status": "pending",
    "created_at": "2026-05-20T11:00:00.000+00:00",
}
PARTNER = {
    "agent_id": "ag1",
    "program_id": "shop",
    "name": "Harbour Walks",
    "email": "partner@example.com",
    "partner_type": "affiliate",
    "status": "unverified",
    "created_at": "2026-05-20T11:00:00.000+00:00",
}


def schema(detail_type: str) -> dict:
    return json.loads((SCHEMAS / f"{detail_type}.json").read_text())


def types(found) -> list[str]:
    return [str(f.detail_type) for f in found]


def checked(found):
    for fact in found:
        jsonschema.validate(fact.detail, schema(fact.detail_type))
    return found


def test_every_detail_type_has_a_schema():
    assert {p.name.removesuffix(".json") for p in SCHEMAS.glob("*.json")} == set(EventType)
    for path in SCHEMAS.glob("*.json"):
        jsonschema.Draft202012Validator.check_schema(json.loads(path.read_text()))


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (None, SALE, ["conversion.recorded"]),
        (None, {**SALE, "status": "approved"}, ["conversion.recorded", "conversion.approved"]),
        (None, {**SALE, "status": "rejected", "commission": "0"}, ["conversion.recorded", "conversion.rejected"]),
        (SALE, {**SALE, "status": "approved", "updated_at": "2026-05-28T09:00:00+00:00"}, ["conversion.approved"]),
        (SALE, {**SALE, "status": "rejected"}, ["conversion.rejected"]),
        ({**SALE, "status": "approved"}, {**SALE, "status": "reversed"}, ["conversion.reversed"]),
        (SALE, {**SALE, "status": "held"}, []),  # held and back to pending are not merchant facts
        (SALE, {**SALE, "agent_id": "ag2"}, []),  # a reassignment changes no status
        ({**SALE, "status": "approved"}, {**SALE, "status": "approved", "updated_at": "x"}, []),
        (None, {**SALE, "test": True}, []),  # test conversions count nowhere
    ],
)
def test_conversion_status_changes_make_their_events(old, new, expected):
    assert types(checked(conversion_facts("e1", old, new))) == expected


def test_a_conversion_event_carries_the_contract_and_no_customer_data():
    stored = {**SALE, "status": "approved", "items": [{"product": "tour"}], "booking_ref": "BK1", "sub1": "news"}
    [recorded, approved] = checked(conversion_facts("e9", None, stored))
    assert approved.detail == {
        "event_id": "e9:conversion.approved",
        "program_id": "shop",
        "conversion_id": "shop-booking:ORD-1",
        "agent_id": "ag1",
        "status": "approved",
        "previous_status": None,
        "amount": "249.90",
        "commission": "24.99",
        "currency": "EUR",
        "channel": "web",
        "occurred_at": "2026-05-20T11:00:00.000+00:00",
    }
    assert recorded.detail["event_id"] != approved.detail["event_id"]


def test_a_sale_credited_to_nobody_still_says_so():
    [recorded] = checked(conversion_facts("e1", None, {**SALE, "agent_id": None}))
    assert recorded.detail["agent_id"] is None


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (None, "unverified", []),  # a signup before its email is confirmed is nobody yet
        ("unverified", "pending", ["partner.signed_up"]),
        ("unverified", "active", ["partner.signed_up", "partner.approved"]),  # a program that approves all
        (None, "active", ["partner.signed_up", "partner.approved"]),  # an operator added it
        (None, "pending", ["partner.signed_up"]),
        ("pending", "active", ["partner.approved"]),
        ("declined", "active", ["partner.approved"]),
        ("suspended", "active", []),  # reinstated, not newly approved
        ("active", "suspended", []),
        ("pending", "declined", []),
        ("active", "active", []),  # a profile edit
    ],
)
def test_partner_status_changes_make_their_events(before, after, expected):
    old = None if before is None else {**PARTNER, "status": before}
    found = checked(partner_facts("e1", old, {**PARTNER, "status": after, "updated_at": "2026-05-21T09:00:00+00:00"}))
    assert types(found) == expected
    for fact in found:
        assert "email" not in fact.detail and "name" not in fact.detail


def test_schemas_refuse_what_the_contract_does_not_allow():
    [fact] = conversion_facts("e1", None, SALE)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**fact.detail, "customer_email": "a@b.example"}, schema("conversion.recorded"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**fact.detail, "amount": 249.9}, schema("conversion.recorded"))


def test_conversion_schemas_name_every_channel():
    for path in SCHEMAS.glob("conversion.*.json"):
        assert set(json.loads(path.read_text())["properties"]["channel"]["enum"]) == set(Channel), path.name


LINE = {
    "pk": "RUN#20260601T0900-ab12",
    "sk": "LINE#ag1#EUR",
    "payout_id": "20260601T0900-ab12",
    "program_id": "shop",
    "agent_id": "ag1",
    "partner_name": "Harbour Walks",
    "currency": "EUR",
    "amount": "124.95",
    "status": "open",
    "conversions": [{"conversion_id": "c1", "amount": "100.00"}, {"conversion_id": "c2", "amount": "24.95"}],
    "method": "bank",
    "account": "DE89370400440532013000",
    "bic": "COBADEFFXXX",
    "cutoff": "2026-05-31",
    "created_at": "2026-06-01T09:00:00+00:00",
}


def test_a_payout_line_paid_is_payout_paid_without_its_account():
    paid = {**LINE, "status": "paid", "paid_at": "2026-06-02T10:00:00+00:00", "paid_by": "ops@example.com"}
    found = checked(payout_facts("e1", LINE, paid))
    assert types(found) == ["payout.paid"]
    detail = found[0].detail
    assert (detail["agent_id"], detail["amount"], detail["currency"], detail["conversions"]) == (
        "ag1",
        "124.95",
        "EUR",
        2,
    )
    assert "DE89" not in json.dumps(detail) and "ops@example.com" not in json.dumps(detail)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (None, LINE),  # a run's new line is not paid yet
        ({**LINE, "status": "paid"}, {**LINE, "status": "paid", "flag": None}),  # paid before
        (LINE, {**LINE, "status": "cancelled"}),
        (None, {"pk": "RUN#x", "sk": "RUN", "payout_id": "x", "status": "paid"}),  # the run item, not a line
    ],
)
def test_other_payout_items_and_changes_make_no_event(old, new):
    assert payout_facts("e1", old, new) == []
