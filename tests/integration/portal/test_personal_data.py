"""Personal data: a partner's export and erasure, a customer's erasure by email (in the background)."""

from decimal import Decimal

import pytest

from devstack.pumps import QueuePump, StreamPump
from tests.helpers.portal import stored_state
from tests.helpers.programs import make_program
from tests.helpers.remarketing import configure, make_customer
from waymark.models import (
    Agent,
    ChangeRecord,
    Conversion,
    Customer,
    RemarketingClick,
    RemarketingOfferRef,
    RemarketingSend,
    Suppression,
)
from waymark.partners import accounts
from waymark.payouts import store as payouts
from waymark.remarketing.suppression import is_suppressed
from waymark.remarketing.tokens import email_hash, offer_id


def _latest_change(program_id: str = "demo") -> ChangeRecord:
    found = ChangeRecord.query(f"PROGRAM#{program_id}", ChangeRecord.sk.startswith("CHANGE#"), scan_index_forward=False)
    return next(iter(found))


IBAN = "DE89370400440532013000"


def _bank_details(agent_id: str) -> None:
    payouts.save_details(
        agent_id, "demo", method="bank", account=IBAN, bic="COBADEFFXXX", account_holder="Alpha Blog GmbH", by="a"
    )


def _partition(customer) -> list[str]:
    return [item.sk for item in RemarketingSend.query(customer.pk)]  # any model reads the keys


def _conversion(customer, agent_id: str) -> Conversion:
    order = customer.booking_ref
    conversion = Conversion(
        customer.conversion_id, advertiser_id="shop-backend", order_id=order, program_id="demo", agent_id=agent_id,
        amount=Decimal("178.00"), currency="EUR", commission=Decimal("17.80"), status="approved",
        created_at=customer.booked_at, booking_ref=order,
    )  # fmt: skip
    conversion.save()
    return conversion


# ----------------------------------------------------------------------------- partners


def test_a_partners_export_holds_its_record_login_and_links_and_is_recorded(world, api_admin):
    accounts.create_login("a@example.com", "Secret-pass-1", group=accounts.PARTNERS_GROUP, agent_id=world.a.agent_id)
    answer = api_admin.post(f"/api/admin/partners/{world.a.agent_id}/export", json={})
    assert answer.status == 200, answer.body
    document = answer.json
    assert document["partner"]["name"] == "Alpha Blog" and document["partner"]["email"] == "a@example.com"
    assert document["login"]["email"] == "a@example.com" and document["login"]["groups"] == ["partners"]
    assert {link["code"] for link in document["links"]} == {world.a.agent_id, world.a_link.code}
    assert document["payout_details"] is None
    entry = _latest_change()
    assert (entry.action, entry.subject) == ("export", f"partner:{world.a.agent_id}")
    assert "a@example.com" not in entry.after


def test_a_partners_export_holds_its_payment_details_masked(world, api_admin):
    _bank_details(world.a.agent_id)
    document = api_admin.post(f"/api/admin/partners/{world.a.agent_id}/export", json={}).json
    details = document["payout_details"]
    assert (details["method"], details["account"], details["bic"]) == ("bank", "DE** **** 3000", "COBADEFFXXX")
    assert details["account_holder"] == "Alpha Blog GmbH" and details["updated_at"]
    assert IBAN not in str(document)  # the pay file is the only place the whole account appears


def test_erasing_a_partner_deletes_its_payment_details(world, api_admin):
    _bank_details(world.a.agent_id)
    assert api_admin.post(f"/api/admin/partners/{world.a.agent_id}/erase", json={}).status == 200
    assert payouts.details_of(world.a.agent_id) is None
    assert api_admin.post(f"/api/admin/partners/{world.a.agent_id}/export", json={}).json["payout_details"] is None


def test_the_console_downloads_the_export(world, as_admin):
    page = f"/admin/partners/{world.b.agent_id}"
    answer = as_admin.submit(page, f"{page}/export", {})
    assert answer.status == 200 and "attachment" in answer.headers["Content-Disposition"]
    assert '"name": "Bravo Hotel"' in answer.body


def test_erasing_a_partner_pseudonymises_it_deletes_its_login_and_keeps_its_conversions(world, api_admin):
    accounts.create_login("a@example.com", "Secret-pass-1", group=accounts.PARTNERS_GROUP, agent_id=world.a.agent_id)
    sale = make_customer(world.program, save=False)
    _conversion(sale, world.a.agent_id)

    answer = api_admin.post(f"/api/admin/partners/{world.a.agent_id}/erase", json={})
    assert answer.status == 200, answer.body
    assert (answer.json["name"], answer.json["email"], answer.json["website"]) == ("Erased partner", None, None)
    assert answer.json["status"] == "suspended"  # nobody is left to pay
    stored = Agent.get(world.a.agent_id)
    assert stored.erased_at and stored.cognito_sub is None
    assert accounts.find_login("a@example.com") is None
    assert Conversion.get(sale.conversion_id).agent_id == world.a.agent_id  # the books keep who earned it
    entry = _latest_change()
    assert (entry.action, entry.subject) == ("erase", f"partner:{world.a.agent_id}")
    assert "Alpha" not in entry.before + entry.after and "a@example.com" not in entry.before + entry.after
    back = api_admin.post(f"/api/admin/partners/{world.a.agent_id}/status", json={"action": "reactivate"})
    assert back.status == 409 and "cannot be active again" in back.json["message"]
    again = api_admin.post(f"/api/admin/partners/{world.a.agent_id}/erase", json={})
    assert again.status == 409 and "already erased" in again.json["message"]
    assert api_admin.post("/api/admin/partners/nobody00/erase", json={}).status == 404


def test_the_partner_page_offers_the_export_and_the_erasure_once_in_its_body(world, as_admin):
    shown = as_admin.get(f"/admin/partners/{world.b.agent_id}").body
    assert "<title>Bravo Hotel · Waymark</title>" in shown  # the page's title holds the name, no form
    assert shown.count('id="personal-h"') == 1 and shown.index("<body") < shown.index('id="personal-h"')


def test_the_console_erases_a_partner(world, as_admin):
    page = f"/admin/partners/{world.b.agent_id}"
    answer = as_admin.submit(page, f"{page}/erase", {})
    assert answer.status == 303
    shown = as_admin.get(answer.location).body
    assert "personal data is erased" in shown and "Bravo Hotel" not in shown


# ----------------------------------------------------------------------------- customers


@pytest.fixture
def bookings(world, runtime):
    """Three bookings of guest@example.org (two with emails planned and an offer click, one in a program that
    plans nothing, so only its customer item names the address) and one of another customer."""
    configure(world.program)
    mine = [make_customer(world.program, agent_id=world.a.agent_id) for _ in range(2)]
    mine.append(make_customer(make_program("quiet", name="Quiet Tours")))
    other = make_customer(world.program, email="someone.else@example.org")
    StreamPump(world.stack, runtime).drain()  # the planner indexes and plans each booking
    for customer in (*mine, other):
        _conversion(customer, world.a.agent_id)
    RemarketingClick(
        mine[0].pk, "CLICK#c1", click_id="c1", conversion_id=mine[0].conversion_id, program_id="demo",
        profile_id="addons", product="wine-tasting", created_at=mine[0].booked_at, ttl=mine[0].ttl,
    ).save()  # fmt: skip
    assert all(_partition(customer) for customer in (*mine, other))
    assert [sk for sk in _partition(mine[2])] == ["CUSTOMER"]  # nothing planned
    return mine, other


def test_erasing_a_customer_removes_what_remarketing_keeps_and_the_conversions_customer_fields(
    world, runtime, api_admin, bookings
):
    mine, other = bookings
    answer = api_admin.post("/api/admin/customers/erase", json={"email": "Guest@Example.org"})
    assert answer.status == 202 and answer.json["status"] == "queued"
    QueuePump(world.stack, runtime).drain()

    for customer in mine:
        assert _partition(customer) == []  # customer, planned emails and offer clicks
        with pytest.raises(RemarketingOfferRef.DoesNotExist):
            RemarketingOfferRef.get(*RemarketingOfferRef.key(offer_id(customer.conversion_id)))
        conversion = Conversion.get(customer.conversion_id)
        assert conversion.booking_ref is None
        assert (conversion.amount, conversion.commission, conversion.agent_id) == (
            Decimal("178.00"),
            Decimal("17.80"),
            world.a.agent_id,
        )
    assert is_suppressed("guest@example.org")  # never mailed again
    assert Suppression.get(*Suppression.key(email_hash("guest@example.org"))).email_hash != "guest@example.org"
    assert Customer.get(*Customer.key(other.conversion_id)).email == "someone.else@example.org"
    assert Conversion.get(other.conversion_id).booking_ref == other.booking_ref
    entry = _latest_change()
    assert (entry.action, entry.subject, entry.by) == ("erase", "customer", "ops@example.com")
    assert '"bookings": 3' in entry.after and "guest" not in entry.after


def test_erasing_an_unknown_customer_still_suppresses_the_address(world, runtime, api_admin):
    assert api_admin.post("/api/admin/customers/erase", json={"email": "never@example.org"}).status == 202
    QueuePump(world.stack, runtime).drain()
    assert is_suppressed("never@example.org")
    assert '"bookings": 0' in _latest_change().after


def test_the_console_erases_a_customer_and_refuses_a_bad_address(world, runtime, as_admin, bookings):
    mine, _ = bookings
    page = "/admin/personal-data"
    bad = as_admin.submit(page, "/admin/personal-data/customers", {"email": "guest at example"})
    assert bad.status == 400 and "email" in bad.body.lower()
    answer = as_admin.submit(page, "/admin/personal-data/customers", {"email": "guest@example.org"})
    assert answer.status == 303 and "erasure is under way" in as_admin.get(answer.location).body
    QueuePump(world.stack, runtime).drain()
    assert all(_partition(customer) == [] for customer in mine)


def test_bad_erasure_requests_are_refused_and_queue_nothing(world, runtime, api_admin):
    for body in ({"email": "nobody"}, {}, {"email": "a@example.org", "also": 1}):
        assert api_admin.post("/api/admin/customers/erase", json=body).status == 422, body
    assert QueuePump(world.stack, runtime).drain() == 0


def test_partners_cannot_export_or_erase_anything(world, runtime, api_a, as_a):
    before = stored_state()
    assert api_a.post(f"/api/admin/partners/{world.b.agent_id}/export", json={}).status == 403
    assert api_a.post(f"/api/admin/partners/{world.b.agent_id}/erase", json={}).status == 403
    assert api_a.post("/api/admin/customers/erase", json={"email": "guest@example.org"}).status == 403
    assert as_a.submit("/portal", f"/admin/partners/{world.b.agent_id}/erase", {}).status == 403
    assert as_a.submit("/portal", "/admin/personal-data/customers", {"email": "guest@example.org"}).status == 403
    assert stored_state() == before
    assert QueuePump(world.stack, runtime).drain() == 0
