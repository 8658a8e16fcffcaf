"""Partners an operator adds by hand, applicants declined or deleted: console and JSON API, recorded."""

import pytest

from tests.helpers.portal import client, stored_state
from tests.helpers.programs import make_agent
from tests.helpers.tokens import partner_token
from waymark.models import Agent, ChangeRecord, Conversion, Link
from waymark.partners import accounts


def _changes(program_id: str = "demo") -> list[ChangeRecord]:
    found = ChangeRecord.query(f"PROGRAM#{program_id}", ChangeRecord.sk.startswith("CHANGE#"), scan_index_forward=False)
    return list(found)


def test_a_partner_with_a_login_is_created_active_invited_and_recorded(world, api_admin):
    answer = api_admin.post(
        "/api/admin/partners",
        json={"name": "Harbour Hotel", "partner_type": "concierge", "email": "Desk@Harbour.example", "login": True},
    )
    assert answer.status == 201, answer.body
    created = answer.json
    assert created["status"] == "active" and created["email"] == "desk@harbour.example"
    assert created["partner_link"].endswith(f"/c/{created['agent_id']}")
    assert Link.get(created["agent_id"]).is_default  # its partner code is its default link
    login = accounts.describe_login("desk@harbour.example")
    assert login.status == "FORCE_CHANGE_PASSWORD"  # Cognito emailed a temporary password
    assert login.groups == {"partners"} and login.agent_id == created["agent_id"]
    [entry] = _changes()[:1]
    assert (entry.action, entry.subject, entry.by) == ("create", f"partner:{created['agent_id']}", "ops@example.com")
    assert "harbour" not in (entry.after or "").lower()  # the record names the partner by code, never its data


def test_an_agent_without_a_login_needs_no_email_and_never_gets_a_login(world, api_admin):
    answer = api_admin.post("/api/admin/partners", json={"name": "Front desk Maria", "login": False})
    assert answer.status == 201, answer.body
    assert answer.json["email"] is None and answer.json["partner_type"] == "affiliate"
    assert Agent.get(answer.json["agent_id"]).cognito_sub is None
    assert accounts.logins_in(accounts.PARTNERS_GROUP) == []


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"name": "A", "login": True}, 422, "needs an email address"),
        ({"name": "A", "email": "not an address", "login": False}, 422, "email"),
        ({"name": "A", "partner_type": "reseller", "login": False}, 422, "partner_type"),
        ({"name": "", "login": False}, 422, "name"),
        ({"name": "A"}, 422, "login"),
        ({"name": "A", "login": False, "status": "active"}, 422, "status"),
        ({"name": "A", "login": False, "program_id": "nowhere"}, 404, "nowhere"),
        ({"name": "Again", "email": "a@example.com", "login": False}, 409, "already a partner"),
        ({"name": "Again", "email": "A@example.com", "login": True}, 409, "already a partner"),
    ],
)
def test_bad_partners_are_refused_naming_the_problem_and_nothing_changes(world, api_admin, body, status, says):
    before = stored_state()
    answer = api_admin.post("/api/admin/partners", json=body)
    assert answer.status == status, answer.body
    assert says in answer.body
    assert stored_state() == before
    assert accounts.logins_in(accounts.PARTNERS_GROUP) == []


def test_an_address_with_an_operator_login_is_refused_for_a_partner_login(world, api_admin):
    accounts.invite_login("boss@example.com", group=accounts.ADMINS_GROUP)
    answer = api_admin.post("/api/admin/partners", json={"name": "B", "email": "boss@example.com", "login": True})
    assert answer.status == 409 and "already has a login" in answer.json["message"]
    assert accounts.describe_login("boss@example.com").groups == {"admins"}


def test_the_console_page_creates_a_partner_and_shows_errors_in_the_form(world, as_admin):
    assert "Add a partner" in as_admin.get("/admin/partners/new").body
    new = "/admin/partners/new"
    wrong = as_admin.submit(new, "/admin/partners", {"name": "Desk", "login": "yes", "email": ""})
    assert wrong.status == 400 and "needs an email address" in wrong.body
    taken = as_admin.submit(new, "/admin/partners", {"name": "Desk", "login": "no", "email": "b@example.com"})
    assert taken.status == 409 and "already a partner" in taken.body
    made = as_admin.submit(new, "/admin/partners", {"name": "Desk", "partner_type": "concierge", "login": "no"})
    assert made.status == 303
    page = as_admin.get(made.location)
    assert "The partner is added and active" in page.body and "Desk" in page.body


def test_a_pending_applicant_is_declined_with_a_note_and_can_neither_use_the_portal_nor_earn(world, api_admin):
    answer = api_admin.post(
        f"/api/admin/partners/{world.pending.agent_id}/status", json={"action": "decline", "note": "no website yet"}
    )
    assert answer.status == 200 and answer.json["status"] == "declined"
    [entry] = _changes()[:1]
    assert (entry.action, entry.subject) == ("decline", f"partner:{world.pending.agent_id}")
    assert '"note": "no website yet"' in entry.after and '"status": "pending"' in entry.before

    declined = client(world, partner_token(Agent.get(world.pending.agent_id)), cookie=False)
    refused = declined.get("/api/dashboard")
    assert refused.status == 403 and refused.json["status"] == "declined"

    again = api_admin.post(f"/api/admin/partners/{world.a.agent_id}/status", json={"action": "decline"})
    assert again.status == 409 and "cannot be declined" in again.json["message"]
    too_long = api_admin.post(
        f"/api/admin/partners/{world.a.agent_id}/status", json={"action": "decline", "note": "x" * 501}
    )
    assert too_long.status == 422


def test_the_console_declines_with_a_note(world, as_admin):
    page = f"/admin/partners/{world.pending.agent_id}"
    answer = as_admin.submit(page, f"{page}/status", {"action": "decline", "note": "spam"})
    assert answer.status == 303
    assert "The application is declined" in as_admin.get(answer.location).body
    assert '"note": "spam"' in _changes()[0].after


def test_an_applicant_who_was_never_active_is_deleted_with_its_login(world, api_admin):
    applicant = make_agent(world.program, name="Newcomer", email="new@example.com", status="pending")
    accounts.create_login(
        "new@example.com", "Secret-pass-1", group=accounts.PARTNERS_GROUP, agent_id=applicant.agent_id
    )

    assert api_admin.request("DELETE", f"/api/admin/partners/{applicant.agent_id}").status == 204

    with pytest.raises(Agent.DoesNotExist):
        Agent.get(applicant.agent_id)
    with pytest.raises(Link.DoesNotExist):
        Link.get(applicant.agent_id)
    assert accounts.find_login("new@example.com") is None
    [entry] = _changes()[:1]
    assert (entry.action, entry.subject) == ("delete", f"partner:{applicant.agent_id}")
    assert "new@example.com" not in (entry.before or "")
    assert api_admin.request("DELETE", f"/api/admin/partners/{applicant.agent_id}").status == 404


def test_deleting_an_agent_without_a_login_leaves_the_login_of_its_address_alone(world, api_admin):
    accounts.invite_login("shared@example.com", group=accounts.ADMINS_GROUP)
    agent = make_agent(world.program, name="Desk", email="shared@example.com", status="pending")
    assert api_admin.request("DELETE", f"/api/admin/partners/{agent.agent_id}").status == 204
    assert accounts.describe_login("shared@example.com").groups == {"admins"}


def test_partners_that_were_active_or_have_activity_are_not_deleted(world, api_admin):
    with_link = make_agent(world.program, name="Linked", status="pending")
    Link("extra-link", agent_id=with_link.agent_id, program_id="demo", created_at=with_link.created_at).save()
    with_sale = make_agent(world.program, name="Sold", status="pending")
    Conversion(
        "shop:1", advertiser_id="shop", order_id="1", program_id="demo", agent_id=with_sale.agent_id,
        amount=10, currency="EUR", commission=1, status="pending", created_at=with_sale.created_at,
    ).save()  # fmt: skip
    before = stored_state()
    for agent, says in (
        (world.a, "only pending or declined"),
        (world.suspended, "only pending or declined"),
        (with_link, "links"),
        (with_sale, "conversions"),
    ):
        answer = api_admin.request("DELETE", f"/api/admin/partners/{agent.agent_id}")
        assert answer.status == 409 and says in answer.json["message"], (agent.name, answer.body)
    assert stored_state() == before


def test_the_console_deletes_an_applicant(world, as_admin):
    page = f"/admin/partners/{world.pending.agent_id}"
    assert "Delete the applicant" in as_admin.get(page).body
    assert "Delete the applicant" not in as_admin.get(f"/admin/partners/{world.a.agent_id}").body
    answer = as_admin.submit(page, f"{page}/delete", {})
    assert answer.status == 303
    assert "The applicant is deleted" in as_admin.get(answer.location).body
    active = f"/admin/partners/{world.a.agent_id}"
    assert as_admin.submit(active, f"{active}/delete", {}).status == 409


def test_partners_cannot_create_decline_or_delete(world, api_a, as_a):
    before = stored_state()
    assert api_a.post("/api/admin/partners", json={"name": "Me too", "login": False}).status == 403
    assert api_a.post(f"/api/admin/partners/{world.pending.agent_id}/status", json={"action": "decline"}).status == 403
    assert api_a.request("DELETE", f"/api/admin/partners/{world.pending.agent_id}").status == 403
    assert as_a.submit("/portal", "/admin/partners", {"name": "Me too", "login": "no"}).status == 403
    assert as_a.submit("/portal", f"/admin/partners/{world.pending.agent_id}/delete", {}).status == 403
    assert stored_state() == before
