"""Which events stream images make (waymark.events.facts), each detail held to its JSON schema."""

import json
from pathlib import Path

import jsonschema
import pytest

from waymark.events.facts import conversion_facts, partner_facts
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


def test_every_published_detail_type_has_a_schema_and_payout_is_reserved():
    published = {t for t in EventType if t is not EventType.PAYOUT_PAID}
    assert {p.name.removesuffix(".json") for p in SCHEMAS.glob("*.json")} == published
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
