"""The admin console's pages and JSON: the pending queue, approval, edits, commission overrides,
links on a partner's behalf and the inside-sales directory."""

from decimal import Decimal

from tests.helpers.portal import client
from tests.helpers.programs import make_agent
from tests.helpers.tokens import partner_token
from waymark.models import Agent, Link


def test_the_pending_queue_shows_waiting_partners_oldest_first(world, as_admin):
    later = make_agent(world.program, name="Later Applicant", email="later@example.com", status="pending")
    page = as_admin.get("/admin").body
    assert page.index("Pending Partner") < page.index("Later Applicant")
    assert world.a.name not in page and world.suspended.name not in page
    assert later.agent_id in page


def test_approval_in_the_console_opens_the_portal_to_the_partner(world, as_admin):
    pending = client(world, partner_token(world.pending))
    assert pending.get("/portal").status == 403
    page = as_admin.get(f"/admin/partners/{world.pending.agent_id}")
    assert "Approve" in page.body and "Reactivate" not in page.body
    answer = as_admin.post(
        f"/admin/partners/{world.pending.agent_id}/status", form={"csrf_token": page.csrf(), "action": "approve"}
    )
    assert answer.status == 303 and answer.location.endswith("?done=approved")
    assert "can log in to the portal now" in as_admin.get(answer.location).body
    agent = Agent.get(world.pending.agent_id)
    assert (agent.status, agent.status_created.split("#")[0]) == ("active", "active")
    assert pending.get("/portal").status == 200
    again = as_admin.post(
        f"/admin/partners/{world.pending.agent_id}/status", form={"csrf_token": page.csrf(), "action": "approve"}
    )
    assert again.status == 409 and "cannot be approved" in again.body


TRANSITIONS = [
    ("pending", "approve", 200, "active"),
    ("pending", "suspend", 200, "suspended"),
    ("active", "suspend", 200, "suspended"),
    ("suspended", "reactivate", 200, "active"),
    ("active", "approve", 409, "active"),
    ("suspended", "approve", 409, "suspended"),
    ("active", "reactivate", 409, "active"),
    ("pending", "reactivate", 409, "pending"),
]


def test_status_changes_follow_the_allowed_transitions(world, api_admin):
    for i, (start, action, status, result) in enumerate(TRANSITIONS):
        agent_id = make_agent(world.program, email=f"t{i}@example.com", status=start).agent_id
        answer = api_admin.post(f"/api/admin/partners/{agent_id}/status", json={"action": action})
        assert answer.status == status, (start, action)
        assert Agent.get(agent_id).status == result, (start, action)
        if status == 200:
            assert answer.json["status"] == result


def test_unknown_partners_and_actions_are_clear_4xx(world, api_admin, as_admin):
    assert api_admin.post("/api/admin/partners/nosuchid/status", json={"action": "approve"}).status == 404
    assert api_admin.post(f"/api/admin/partners/{world.a.agent_id}/status", json={"action": "delete"}).status == 422
    page = as_admin.get(f"/admin/partners/{world.a.agent_id}")
    bad = as_admin.post(f"/admin/partners/{world.a.agent_id}/status", form={"csrf_token": page.csrf(), "action": "x"})
    assert bad.status == 400
    assert as_admin.get("/admin/partners/nosuchid").status == 404
    assert as_admin.get("/admin/partners", query="status=gone").status == 400
    assert api_admin.get("/api/admin/partners", query="program=nope").status == 404


def test_all_partners_are_listed_by_status_page_by_page(world, api_admin, as_admin):
    for i in range(50):
        make_agent(world.program, name=f"Bulk {i}", email=f"bulk{i}@example.com")
    first = api_admin.get("/api/admin/partners").json
    assert first["program_id"] == "demo" and len(first["partners"]) == 50 and first["next_cursor"]
    second = api_admin.get("/api/admin/partners", query={"cursor": first["next_cursor"]}).json
    everyone = first["partners"] + second["partners"]
    assert len({p["agent_id"] for p in everyone}) == 54 and second["next_cursor"] is None
    assert [p["status"] for p in everyone] == sorted(p["status"] for p in everyone)
    pending = api_admin.get("/api/admin/partners", query="status=pending").json["partners"]
    assert [p["agent_id"] for p in pending] == [world.pending.agent_id]
    wrong_scope = api_admin.get("/api/admin/partners", query={"status": "active", "cursor": first["next_cursor"]})
    assert wrong_scope.status == 400
    assert 'rel="next"' in as_admin.get("/admin/partners").body


def test_operators_edit_partners_and_their_commission_overrides_on_the_page(world, as_admin):
    page = as_admin.get(f"/admin/partners/{world.a.agent_id}")
    form = {
        "csrf_token": page.csrf(),
        "name": "Alpha Media",
        "website": "https://alpha.example",
        "partner_type": "marketplace_partner",
        "attribution_window_days": "30",
        "rule-0-kind": "percent",
        "rule-0-value": "12.5",
        "rule-0-channel": "web",
        "rule-0-valid_from": "2026-01-01",
        "rule-0-valid_until": "2026-12-31",
        "rule-0-note": "launch bonus",
        "rule-1-kind": "fixed",
        "rule-1-value": "5",
        "rule-2-kind": "percent",
        "rule-2-value": "",  # an empty row is dropped
    }
    answer = as_admin.post(f"/admin/partners/{world.a.agent_id}", form=form)
    assert answer.status == 303
    agent = Agent.get(world.a.agent_id)
    assert (agent.name, agent.partner_type, agent.attribution_window_days) == ("Alpha Media", "marketplace_partner", 30)
    rules = [rule.as_dict() for rule in agent.commission_rules]
    assert rules == [
        {
            "kind": "percent",
            "value": Decimal("12.5"),
            "channel": "web",
            "valid_from": "2026-01-01",
            "valid_until": "2026-12-31",
            "note": "launch bonus",
        },
        {"kind": "fixed", "value": Decimal("5")},
    ]
    shown = as_admin.get(f"/admin/partners/{world.a.agent_id}").body
    assert 'value="12.5"' in shown and 'value="launch bonus"' in shown


INVALID_RULES = [
    ({"rule-0-kind": "percent", "rule-0-value": "150"}, "cannot be more than 100"),
    ({"rule-0-kind": "percent", "rule-0-value": "-1"}, "more than 0"),
    ({"rule-0-kind": "fixed", "rule-0-value": "ten"}, "must be a number such as 12.50"),
    ({"rule-0-kind": "percent", "rule-0-value": "5", "rule-0-channel": "carrier-pigeon"}, "must be one of: "),
    (
        {
            "rule-0-kind": "percent",
            "rule-0-value": "5",
            "rule-0-valid_from": "2026-05-01",
            "rule-0-valid_until": "2026-04-01",
        },
        "after valid_until",
    ),
    ({"rule-0-kind": "percent", "rule-0-value": "5", "rule-0-valid_from": "someday"}, "date"),
    ({"rule-0-kind": "bonus", "rule-0-value": "5"}, "must be one of: "),
]


def test_invalid_commission_rules_are_shown_and_nothing_changes(world, as_admin):
    page = as_admin.get(f"/admin/partners/{world.a.agent_id}")
    before = Agent.get(world.a.agent_id).serialize()
    for row, message in INVALID_RULES:
        form = {"csrf_token": page.csrf(), "name": "Changed", "partner_type": "affiliate", **row}
        answer = as_admin.post(f"/admin/partners/{world.a.agent_id}", form=form)
        assert answer.status == 400 and "Rule 1:" in answer.body and message in answer.body, row
    assert Agent.get(world.a.agent_id).serialize() == before


def test_the_api_patches_only_what_it_is_sent(world, api_admin):
    answer = api_admin.patch(
        f"/api/admin/partners/{world.b.agent_id}",
        json={"commission_rules": [{"kind": "fixed", "value": "7.50", "channel": "concierge"}]},
    )
    assert answer.status == 200
    assert answer.json["commission_rules"] == [
        {
            "kind": "fixed",
            "value": "7.50",
            "channel": "concierge",
            "valid_from": None,
            "valid_until": None,
            "note": None,
        }
    ]
    assert answer.json["name"] == "Bravo Hotel" and answer.json["partner_type"] == "concierge"
    api_admin.patch(f"/api/admin/partners/{world.b.agent_id}", json={"attribution_window_days": 90})
    cleared = api_admin.patch(f"/api/admin/partners/{world.b.agent_id}", json={"attribution_window_days": None})
    assert cleared.json["attribution_window_days"] is None
    assert Agent.get(world.b.agent_id).commission_rules[0].value == Decimal("7.50")
    assert api_admin.patch(f"/api/admin/partners/{world.b.agent_id}", json={"partner_type": None}).status == 422
    assert api_admin.patch(f"/api/admin/partners/{world.b.agent_id}", json={"status": "active"}).status == 422
    assert api_admin.patch("/api/admin/partners/nosuchid", json={"name": "x"}).status == 404
    assert not any(a.agent_id == "nosuchid" for a in Agent.scan())


def test_operators_create_links_for_active_partners_only(world, as_admin, api_admin):
    page = as_admin.get(f"/admin/partners/{world.a.agent_id}")
    answer = as_admin.post(
        f"/admin/partners/{world.a.agent_id}/links",
        form={"csrf_token": page.csrf(), "destination": "https://www.example.com/special", "name": "Desk"},
    )
    assert answer.status == 303
    [made] = [link for link in Link.scan() if link.name == "Desk"]
    assert made.agent_id == world.a.agent_id
    hostile = as_admin.post(
        f"/admin/partners/{world.a.agent_id}/links",
        form={"csrf_token": page.csrf(), "destination": "https://evil.example/"},
    )
    assert hostile.status == 400 and "must be a page on www.example.com or any subdomain of example.com" in hostile.body
    refused = api_admin.post(
        f"/api/admin/partners/{world.pending.agent_id}/links", json={"destination": "https://www.example.com/"}
    )
    assert refused.status == 400 and "only active partners" in refused.json["message"]
    created = api_admin.post(
        f"/api/admin/partners/{world.b.agent_id}/links", json={"destination": "https://www.example.com/b2"}
    )
    assert created.status == 201 and created.json["agent_id"] == world.b.agent_id
    listed = api_admin.get(f"/api/admin/partners/{world.b.agent_id}/links").json["links"]
    assert created.json["code"] in {link["code"] for link in listed}


def test_operators_pause_any_link(world, as_admin, api_admin):
    assert (
        api_admin.patch(f"/api/admin/links/{world.a_link.code}", json={"status": "paused"}).json["status"] == "paused"
    )
    page = as_admin.get(f"/admin/partners/{world.b.agent_id}")
    answer = as_admin.post(
        f"/admin/links/{world.b_link.code}/status",
        form={"csrf_token": page.csrf(), "status": "paused", "back": f"/admin/partners/{world.b.agent_id}"},
    )
    assert answer.status == 303 and answer.location == f"/admin/partners/{world.b.agent_id}"
    assert {Link.get(world.a_link.code).status, Link.get(world.b_link.code).status} == {"paused"}
    assert api_admin.patch("/api/admin/links/nosuchcode", json={"status": "paused"}).status == 404


def test_the_inside_sales_directory_lists_active_concierges_and_their_sales_links(world, as_admin, api_admin):
    make_agent(world.program, name="Grand Hotel Concierge", email="grand@example.com", partner_type="concierge")
    make_agent(
        world.program, name="Pending Concierge", email="pc@example.com", partner_type="concierge", status="pending"
    )
    everyone = api_admin.get("/api/admin/inside-sales").json
    assert [c["name"] for c in everyone["concierges"]] == ["Bravo Hotel", "Grand Hotel Concierge"]
    bravo = everyone["concierges"][0]
    assert bravo["sales_link"].startswith(f"http://track.example.com/c/{world.b.agent_id}?url=")
    found = api_admin.get("/api/admin/inside-sales", query="q=GRAND hotel").json["concierges"]
    assert [c["name"] for c in found] == ["Grand Hotel Concierge"]
    page = as_admin.get("/admin/inside-sales", query="q=bravo").body
    assert "Bravo Hotel" in page and "Grand Hotel" not in page
    assert "No active concierge" in as_admin.get("/admin/inside-sales", query="q=nobody").body


def test_the_console_warns_when_a_postback_token_was_sent_to_the_pixel(world, as_admin):
    from tests.helpers.programs import make_advertiser
    from waymark.conversions.advertisers import flag_exposed_token
    from waymark.core import cache

    assert "postback token has leaked" not in as_admin.get("/admin").body
    advertiser, _, _ = make_advertiser(world.program, "shop-web")
    flag_exposed_token(advertiser)
    cache.clear_all()  # warm containers see the flag within their lookup TTL (a minute)
    for path in ("/admin", "/admin/partners", "/admin/conversions"):
        page = as_admin.get(path).body
        assert "A postback token has leaked" in page and "shop-web" in page, path
