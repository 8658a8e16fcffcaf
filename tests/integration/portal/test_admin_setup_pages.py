"""The console's set-up pages: forms with CSRF that create and change programs, advertisers and operators."""

from tests.helpers.operators import operator_token
from tests.helpers.portal import client
from tests.helpers.tokens import ADMIN
from waymark.models import Advertiser, Program

PROGRAM_FORM = {
    "program_id": "bay",
    "name": "Bay Cruises",
    "currency": "usd",
    "allowed_domains": "www.bay.example\n*.bay.example",
    "default_landing_url": "https://www.bay.example/",
    "order_page_url": "",
    "click_param": "wm",
    "attribution_window_days": "30",
    "languages": "en, es",
    "default_language": "en",
    "terms_url": "https://www.bay.example/terms",
    "passthrough": "on",
    "rule-0-kind": "percent",
    "rule-0-value": "12.5",
    "rule-1-kind": "fixed",
    "rule-1-value": "4",
    "rule-1-channel": "phone",
    "banner-0-image_url": "https://www.bay.example/banner.png",
    "banner-0-width": "468",
    "banner-0-height": "60",
}


def test_an_operator_creates_and_edits_a_program_in_the_console(world, as_admin):
    assert "New program" in as_admin.get("/admin/programs").body
    answer = as_admin.submit("/admin/programs/new", "/admin/programs", PROGRAM_FORM)
    assert answer.status == 303 and answer.location == "/admin/programs/bay?done=created", answer.body[:800]
    program = Program.get(*Program.key("bay"))
    assert (program.currency, program.click_param, program.auto_approve, program.passthrough) == (
        "USD",
        "wm",
        False,
        True,
    )
    assert [str(rule.value) for rule in program.commission_rules] == ["12.5", "4"]
    assert program.commission_rules[1].channel == "phone" and program.settings["banners"][0]["width"] == 468
    page = as_admin.get(answer.location).body
    assert "The program is created." in page and "www.bay.example\n*.bay.example" in page
    assert "Bay Cruises" in as_admin.get("/admin/programs").body

    edited = as_admin.submit("/admin/programs/bay", "/admin/programs/bay", {
        **PROGRAM_FORM, "name": "Bay & Sound Cruises", "auto_approve": "on", "rule-1-value": ""
    })  # fmt: skip
    assert edited.status == 303, edited.body[:800]
    program = Program.get(*Program.key("bay"))
    assert program.name == "Bay & Sound Cruises" and program.auto_approve and len(program.commission_rules) == 1
    changes = as_admin.get("/admin/changes", query="program=bay").body
    assert "update program" in changes and "create program" in changes and "Bay &amp; Sound Cruises" in changes


def test_a_refused_program_form_is_shown_again_naming_each_problem(world, as_admin):
    bad = {
        **PROGRAM_FORM,
        "currency": "dollars",
        "default_landing_url": "https://elsewhere.example/",
        "rule-0-value": "101",
    }
    answer = as_admin.submit("/admin/programs/new", "/admin/programs", bad)
    assert answer.status == 400
    assert "Currency: currency must be an ISO 4217 code" in answer.body
    assert "Rule 1: a percentage cannot be more than 100" in answer.body
    assert 'value="dollars"' in answer.body  # what was typed stays in the form
    assert Program.count("PROGRAM#bay") == 0
    missing = as_admin.submit("/admin/programs/new", "/admin/programs", {**PROGRAM_FORM, "name": ""})
    assert missing.status == 400 and "Name: name is required" in missing.body


def test_advertiser_credentials_are_shown_once_on_the_page_that_makes_them(world, as_admin):
    answer = as_admin.submit(
        "/admin/advertisers", "/admin/advertisers", {"program_id": world.program.program_id, "name": "Front Desk"}
    )
    assert answer.status == 201, answer.body[:500]
    token = answer.body.split('id="token"')[1].split(">", 1)[1].split("<", 1)[0]
    secret = answer.body.split('id="hmac-secret"')[1].split(">", 1)[1].split("<", 1)[0]
    stored = Advertiser.get(*Advertiser.key("front-desk")).hmac_secret
    assert token.startswith("front-desk.") and len(secret) >= 40 and "Copy these now" in answer.body
    assert stored.startswith("kms:") and secret not in stored  # shown once, stored only encrypted
    for page in ("/admin/advertisers", "/admin/advertisers/front-desk"):
        body = as_admin.get(page).body
        assert "Front Desk" in body and token not in body and secret not in body

    saved = as_admin.submit("/admin/advertisers/front-desk", "/admin/advertisers/front-desk", {
        "name": "Front Desk", "allowed_cidrs": "203.0.113.0/24\n198.51.100.7", "status": "disabled"
    })  # fmt: skip
    assert saved.status == 303
    stored = Advertiser.get(*Advertiser.key("front-desk"))
    assert stored.allowed_cidrs == ["203.0.113.0/24", "198.51.100.7/32"] and stored.status == "disabled"
    bad = as_admin.submit("/admin/advertisers/front-desk", "/admin/advertisers/front-desk", {
        "name": "Front Desk", "allowed_cidrs": "not-an-address"
    })  # fmt: skip
    assert bad.status == 400 and "203.0.113.0/24" in bad.body

    rotated = as_admin.submit(
        "/admin/advertisers/front-desk", "/admin/advertisers/front-desk/rotate", {"grace_hours": "2"}
    )
    assert rotated.status == 200 and "New credentials" in rotated.body and token not in rotated.body
    assert "keep working until" in rotated.body
    refused = as_admin.submit(
        "/admin/advertisers/front-desk", "/admin/advertisers/front-desk/rotate", {"grace_hours": "999"}
    )
    assert refused.status == 400 and "0 to 720" in refused.body


def test_operators_are_invited_and_removed_in_the_console_but_never_the_last(world, as_admin):
    page = as_admin.get("/admin/operators").body
    assert f"{ADMIN[0]} (you)" in page and "the only operator" in page and "Remove" not in page
    invited = as_admin.submit("/admin/operators", "/admin/operators", {"email": "desk@example.com"})
    assert invited.status == 303 and "temporary password" in as_admin.get(invited.location).body
    page = as_admin.get("/admin/operators").body
    assert "desk@example.com" in page and "the only operator" not in page
    assert as_admin.submit("/admin/operators", "/admin/operators", {"email": "desk@example.com"}).status == 409
    page = as_admin.get("/admin/operators")
    desk = page.body.split("desk@example.com")[1]
    username = desk.split('action="/admin/operators/')[1].split("/authenticator/reset")[0]
    removed = as_admin.post(f"/admin/operators/{username}/remove", form={"csrf_token": page.csrf()})
    assert removed.status == 303
    page = as_admin.get("/admin/operators")
    last = page.body.count('/remove"') + page.body.count("/remove?")
    assert last == 0 and "the only operator" in page.body and "desk@example.com" not in page.body


def test_partners_are_refused_the_set_up_pages(world):
    from tests.helpers.tokens import partner_token

    partner = client(world, partner_token(world.a))
    for path in ("/admin/programs", "/admin/advertisers", "/admin/operators", "/admin/changes"):
        assert partner.get(path).status == 403
    assert client(world, operator_token()).get("/admin/changes").status == 200


def test_a_partner_sees_the_programs_rate_beside_its_own_override(world, as_admin, as_a, api_a):
    from decimal import Decimal

    from waymark.partners.management import update_partner

    override = [{"kind": "fixed", "value": Decimal("7"), "channel": "chat"}]
    update_partner(world.a.agent_id, {"commission_rules": override}, allowed=("commission_rules",))
    page = as_a.get("/portal").body
    mine, standard = page.index("Your personal rates"), page.index("standard rates</caption>")
    assert mine < page.index("7 EUR per sale") < standard < page.index("10 %")
    profile = api_a.get("/api/profile").json
    assert [r["value"] for r in profile["commission_rules"]] == ["7"]
    assert [r["value"] for r in profile["program_commission_rules"]] == ["10"]
