"""Fraud rules set in the console and through PATCH /api/admin/programs/{id}: validated, stored, recorded."""

from tests.integration.portal.test_admin_setup_pages import PROGRAM_FORM
from waymark.models import Program, as_dict


def test_an_operator_sets_fraud_rules_through_the_api_and_the_change_is_recorded(world, api_admin):
    path = f"/api/admin/programs/{world.program.program_id}"
    assert api_admin.get(path).json["fraud_rules"]["self_referral"] is True  # on by default, the rest off
    rules = {"min_seconds": 60, "day_count": 20, "month_amount": "10000.00", "burst_count": 5, "burst_minutes": 10}
    changed = api_admin.patch(path, json={"fraud_rules": rules})
    assert changed.status == 200, changed.body
    shown = changed.json["fraud_rules"]
    assert (shown["min_seconds"], shown["day_count"], shown["month_amount"], shown["day_amount"]) == (
        60,
        20,
        "10000.00",
        None,
    )
    stored = Program.get(*Program.key(world.program.program_id)).settings["fraud_rules"]
    assert stored["month_amount"] == "10000.00" and stored["burst_minutes"] == 10
    [latest, *_] = api_admin.get("/api/admin/changes", query=f"program={world.program.program_id}").json["changes"]
    assert latest["by"] == "ops@example.com"
    assert latest["before"] == {"fraud_rules": {"self_referral": True}}
    assert latest["after"]["fraud_rules"]["min_seconds"] == 60


def test_bad_fraud_rules_are_refused_naming_what_is_allowed_and_nothing_changes(world, api_admin):
    path = f"/api/admin/programs/{world.program.program_id}"
    before = as_dict(Program.get(*Program.key(world.program.program_id)).settings)
    for bad in ({"min_seconds": 0}, {"day_amount": "-5"}, {"burst_minutes": 5000}, {"cap": 3}, {"day_count": "x"}):
        answer = api_admin.patch(path, json={"fraud_rules": bad})
        assert answer.status == 422, (bad, answer.body)
        assert "fraud_rules" in answer.body
    assert api_admin.patch(path, json={"fraud_rules": None}).status == 422  # cannot be cleared: send {} to turn off
    assert as_dict(Program.get(*Program.key(world.program.program_id)).settings) == before


def test_an_operator_sets_fraud_rules_on_the_program_page(world, as_admin):
    page = as_admin.get("/admin/programs/new").body
    assert "Fraud rules" in page and 'name="fraud-self_referral" checked' in page
    form = {**PROGRAM_FORM, "fraud-self_referral": "on", "fraud-min_seconds": "90", "fraud-day_count": "3"}
    created = as_admin.submit("/admin/programs/new", "/admin/programs", form)
    assert created.status == 303, created.body[:800]
    rules = Program.get(*Program.key("bay")).settings["fraud_rules"]
    assert (rules["self_referral"], rules["min_seconds"], rules["day_count"]) == (True, 90, 3)

    edited = as_admin.submit("/admin/programs/bay", "/admin/programs/bay", {**PROGRAM_FORM, "fraud-burst_count": "4"})
    assert edited.status == 303, edited.body[:800]
    rules = Program.get(*Program.key("bay")).settings["fraud_rules"]
    assert rules == {"self_referral": False, "burst_count": 4, "burst_minutes": 10}  # unticked, emptied: off
    assert 'value="4"' in as_admin.get("/admin/programs/bay").body

    refused = as_admin.submit("/admin/programs/bay", "/admin/programs/bay", {**PROGRAM_FORM, "fraud-day_amount": "-1"})
    assert refused.status == 400
    assert "Please check the fraud rules." in refused.body and "Daily cap (sales amount):" in refused.body
    assert Program.get(*Program.key("bay")).settings["fraud_rules"]["burst_count"] == 4
