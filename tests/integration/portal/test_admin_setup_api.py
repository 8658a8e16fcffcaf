"""The console's set-up JSON API: programs, advertisers and their credentials, operators, the change record."""

import json
import time
from datetime import UTC, datetime, timedelta

import boto3

from tests.helpers.portal import client
from tests.helpers.tokens import ADMIN, partner_token
from waymark.conversions import advertisers, postback_auth
from waymark.conversions.postback_auth import Credentials, Unauthorized, authenticate, sign
from waymark.models import Advertiser, ChangeRecord, Program

NEW_PROGRAM = {
    "program_id": "harbour",
    "name": "Harbour Tours",
    "currency": "eur",
    "allowed_domains": ["www.harbour.example", "*.harbour.example"],
    "default_landing_url": "https://www.harbour.example/",
    "order_page_url": "https://book.harbour.example/order",
    "languages": ["en", "de"],
    "default_language": "de",
    "terms_url": "https://www.harbour.example/partner-terms",
    "banners": [{"image_url": "https://www.harbour.example/b.png", "width": 300, "height": 250}],
    "commission_rules": [{"kind": "percent", "value": "8"}, {"kind": "fixed", "value": "5", "channel": "phone"}],
}


def _changes(program_id: str) -> list[ChangeRecord]:
    return list(ChangeRecord.query(f"PROGRAM#{program_id}", ChangeRecord.sk.startswith("CHANGE#")))


def test_an_operator_creates_lists_reads_and_changes_a_program(world, api_admin):
    created = api_admin.post("/api/admin/programs", json=NEW_PROGRAM)
    assert created.status == 201, created.body
    assert created.json["currency"] == "EUR" and created.json["commission_rules"][1]["value"] == "5"
    stored = Program.get(*Program.key("harbour"))
    assert stored.terms_url == NEW_PROGRAM["terms_url"] and stored.settings["banners"][0]["width"] == 300
    listed = api_admin.get("/api/admin/programs").json["programs"]
    assert {p["program_id"] for p in listed} >= {"harbour", world.program.program_id}

    changed = api_admin.patch(
        "/api/admin/programs/harbour",
        json={"name": "Harbour & Bay Tours", "attribution_window_days": 30, "order_page_url": None},
    )
    assert changed.status == 200, changed.body
    assert changed.json["name"] == "Harbour & Bay Tours" and changed.json["order_page_url"] is None
    assert api_admin.get("/api/admin/programs/harbour").json["attribution_window_days"] == 30

    record = api_admin.get("/api/admin/changes", query="program=harbour").json["changes"]
    assert [entry["action"] for entry in record] == ["update", "create"]  # newest first
    assert record[0]["by"] == "ops@example.com"
    assert record[0]["before"] == {
        "name": "Harbour Tours",
        "attribution_window_days": 365,
        "order_page_url": "https://book.harbour.example/order",
    }
    assert record[0]["after"] == {"name": "Harbour & Bay Tours", "attribution_window_days": 30, "order_page_url": None}

    unchanged = api_admin.patch("/api/admin/programs/harbour", json={"name": "Harbour & Bay Tours"})
    assert unchanged.status == 200 and len(_changes("harbour")) == 2  # nothing changed, nothing recorded


def test_program_input_is_refused_naming_what_is_allowed_and_nothing_changes(world, api_admin):
    cases = [
        ({"currency": "EURO"}, "ISO 4217"),
        ({"allowed_domains": ["https://www.harbour.example/"]}, "*.example.com"),
        ({"default_landing_url": "https://elsewhere.example/"}, "allowed domains"),
        ({"default_language": "fr"}, "one of the languages: en, de"),
        ({"languages": ["english"]}, "codes such as en"),
        ({"click_param": "1 bad"}, "letters, digits or _"),
        ({"commission_rules": [{"kind": "percent", "value": "150"}]}, "more than 100"),
        ({"terms_url": "javascript:alert(1)"}, "https address"),
        ({"attribution_window_days": 0}, "Attribution window days must be at least 1."),
    ]
    for change, message in cases:
        answer = api_admin.post("/api/admin/programs", json={**NEW_PROGRAM, **change})
        assert answer.status == 422 and message in answer.body, (change, answer.body)
    assert Program.count("PROGRAM#harbour") == 0

    assert api_admin.post("/api/admin/programs", json=NEW_PROGRAM).status == 201
    assert api_admin.post("/api/admin/programs", json=NEW_PROGRAM).status == 409
    before = Program.get(*Program.key("harbour")).serialize()
    for change, message in [
        ({"default_language": "fr"}, "default_language must be one of the languages: en, de"),
        ({"allowed_domains": ["other.example"]}, "allowed domains"),  # the landing page would fall outside
        ({"name": None}, "cannot be cleared: name"),
        ({"program_id": "other"}, "Program id is not a field this accepts."),
    ]:
        answer = api_admin.patch("/api/admin/programs/harbour", json=change)
        assert answer.status == 422 and message in answer.body, (change, answer.body)
    assert Program.get(*Program.key("harbour")).serialize() == before
    assert len(_changes("harbour")) == 1
    assert api_admin.get("/api/admin/programs/nowhere").status == 404


def test_an_advertiser_is_created_with_credentials_shown_once(world, api_admin):
    answer = api_admin.post(
        "/api/admin/advertisers", json={"program_id": world.program.program_id, "name": "Demo Booking System"}
    )
    assert answer.status == 201, answer.body
    created = answer.json
    token, secret = created["token"], created["hmac_secret"]
    assert created["advertiser_id"] == "demo-booking-system" and token.startswith("demo-booking-system.")
    advertiser = postback_auth.authenticate(Credentials(token=token), now=time.time())
    assert advertiser.advertiser_id == "demo-booking-system"

    listed = api_admin.get("/api/admin/advertisers", query=f"program={world.program.program_id}")
    one = api_admin.get("/api/admin/advertisers/demo-booking-system")
    for shown in (listed, one):
        assert shown.status == 200 and token not in shown.body and secret not in shown.body
        assert 'token"' not in shown.body and "hmac_secret" not in shown.body
    assert [a["advertiser_id"] for a in listed.json["advertisers"]] == ["demo-booking-system"]
    stored = Advertiser.get(*Advertiser.key("demo-booking-system"))
    assert stored.token_sha256 == advertisers.token_digest(token) and token not in json.dumps(stored.attribute_values)
    assert _no_secret_in_any_change(world.program.program_id, token, secret)

    again = api_admin.post(
        "/api/admin/advertisers", json={"program_id": world.program.program_id, "name": "Demo Booking System"}
    )
    assert again.status == 201 and again.json["advertiser_id"] == "demo-booking-system-2"
    for body, message in [
        ({"program_id": "nowhere", "name": "X"}, "no partner program"),
        ({"program_id": world.program.program_id, "name": " "}, "name is required"),
        ({"program_id": world.program.program_id, "name": "X", "allowed_cidrs": ["10.0.0.0/33"]}, "203.0.113.0/24"),
        ({"program_id": world.program.program_id, "name": "X", "advertiser_id": "a/b"}, "body.advertiser_id"),
    ]:
        refused = api_admin.post("/api/admin/advertisers", json=body)
        assert refused.status in (404, 422) and message in refused.body, (body, refused.body)


def _no_secret_in_any_change(program_id: str, *secrets: str) -> bool:
    stored = json.dumps([entry.attribute_values for entry in _changes(program_id)])
    return bool(_changes(program_id)) and not any(secret in stored for secret in secrets)


def test_the_allow_list_and_disabling_take_effect_and_are_recorded(world, api_admin):
    token = api_admin.post(
        "/api/admin/advertisers", json={"program_id": world.program.program_id, "name": "Till"}
    ).json["token"]
    limited = api_admin.patch("/api/admin/advertisers/till", json={"allowed_cidrs": ["203.0.113.0/24", "2001:db8::1"]})
    assert limited.status == 200 and limited.json["allowed_cidrs"] == ["203.0.113.0/24", "2001:db8::1/128"]
    now = time.time()
    assert authenticate(Credentials(token=token, source_ip="203.0.113.9"), now=now).advertiser_id == "till"
    try:
        authenticate(Credentials(token=token, source_ip="198.51.100.1"), now=now)
        raise AssertionError("an address outside the allow-list was accepted")
    except postback_auth.Forbidden:
        pass
    assert api_admin.patch("/api/admin/advertisers/till", json={"status": "disabled"}).json["status"] == "disabled"
    try:
        authenticate(Credentials(token=token, source_ip="203.0.113.9"), now=now)
        raise AssertionError("a disabled advertiser was accepted")
    except Unauthorized:
        pass
    actions = [entry["action"] for entry in api_admin.get("/api/admin/changes").json["changes"]]
    assert actions[:3] == ["disable", "update", "create"]
    assert api_admin.patch("/api/admin/advertisers/till", json={"status": "paused"}).status == 422
    assert api_admin.patch("/api/admin/advertisers/nobody", json={"status": "active"}).status == 404


def test_rotation_keeps_the_old_credentials_for_the_grace_period_then_refuses_them(world):
    from tests.helpers.programs import make_advertiser

    _, old_token, old_secret = make_advertiser(world.program, "rotating")
    rotated_at = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    _, new_token, new_secret = advertisers.rotate_credentials(
        "rotating", grace_hours=24, by="ops@example.com", now=rotated_at
    )
    assert new_token != old_token and new_secret != old_secret
    stored = lambda _: Advertiser.get(*Advertiser.key("rotating"))  # noqa: E731 - the lookup, uncached

    def accepted(token=None, secret=None, *, after: timedelta) -> bool:
        now = (rotated_at + after).timestamp()
        if secret:
            body = b'{"order_id": "1"}'
            credentials = Credentials(advertiser_id="rotating", signature=sign(secret, int(now), body), signed=body)
        else:
            credentials = Credentials(token=token)
        try:
            return authenticate(credentials, now=now, lookup=stored).advertiser_id == "rotating"
        except Unauthorized:
            return False

    for credential in ({"token": old_token}, {"secret": old_secret}):
        assert accepted(**credential, after=timedelta(hours=23, minutes=59))
        assert not accepted(**credential, after=timedelta(hours=24))
    for credential in ({"token": new_token}, {"secret": new_secret}):
        assert accepted(**credential, after=timedelta(hours=1)) and accepted(**credential, after=timedelta(days=90))

    # No grace: the pair just replaced is refused at once, and the older one too.
    advertisers.rotate_credentials("rotating", grace_hours=0, by="ops@example.com", now=rotated_at)
    for token in (old_token, new_token):
        assert not accepted(token, after=timedelta(seconds=1))


def test_rotating_through_the_api_shows_new_credentials_once_and_clears_the_leak_warning(world, api_admin, as_admin):
    created = api_admin.post("/api/admin/advertisers", json={"program_id": world.program.program_id, "name": "Pos"})
    old_token = created.json["token"]
    advertisers.flag_exposed_token(Advertiser.get(*Advertiser.key("pos")))
    assert "A postback token has leaked" in as_admin.get("/admin/advertisers").body
    assert api_admin.get("/api/admin/advertisers/pos").json["token_exposed"] is True

    answer = api_admin.post("/api/admin/advertisers/pos/rotate", json={"grace_hours": 24})
    assert answer.status == 200, answer.body
    assert answer.json["token"] != old_token and answer.json["previous_valid_until"]
    assert answer.json["token_exposed"] is False
    assert not Program.get(*Program.key(world.program.program_id)).token_exposed_by
    assert "A postback token has leaked" not in as_admin.get("/admin/advertisers").body
    now = time.time()
    for token in (old_token, answer.json["token"]):  # inside the grace period both work
        assert authenticate(Credentials(token=token), now=now).advertiser_id == "pos"
    assert _no_secret_in_any_change(
        world.program.program_id, old_token, answer.json["token"], answer.json["hmac_secret"]
    )
    for grace in (-1, 721, "a day"):
        refused = api_admin.post("/api/admin/advertisers/pos/rotate", json={"grace_hours": grace})
        assert refused.status == 422 and "grace_hours" in refused.body
    assert api_admin.post("/api/admin/advertisers/nobody/rotate", json={"grace_hours": 1}).status == 404


def test_operators_are_invited_listed_and_removed_but_never_the_last(world, api_admin):
    invited = api_admin.post("/api/admin/operators", json={"email": "Second.Operator@Example.com"})
    assert invited.status == 201, invited.body
    assert invited.json["email"] == "second.operator@example.com"
    assert invited.json["status"] == "FORCE_CHANGE_PASSWORD"  # Cognito emailed a temporary password
    assert api_admin.post("/api/admin/operators", json={"email": "second.operator@example.com"}).status == 409
    assert api_admin.post("/api/admin/operators", json={"email": "not an address"}).status == 422
    cognito = boto3.client("cognito-idp")
    from waymark.partners import accounts

    groups = cognito.admin_list_groups_for_user(UserPoolId=accounts.user_pool_id(), Username=invited.json["username"])
    assert [g["GroupName"] for g in groups["Groups"]] == ["admins"]

    third = api_admin.post("/api/admin/operators", json={"email": "third@example.com"}).json
    listed = api_admin.get("/api/admin/operators").json["operators"]
    assert [o["email"] for o in listed] == [ADMIN[0], "second.operator@example.com", "third@example.com"]
    removed = api_admin.request("DELETE", f"/api/admin/operators/{third['username']}")
    assert removed.status == 204
    assert api_admin.request("DELETE", f"/api/admin/operators/{invited.json['username']}").status == 204
    me = next(o for o in api_admin.get("/api/admin/operators").json["operators"] if o["email"] == ADMIN[0])
    last = api_admin.request("DELETE", f"/api/admin/operators/{me['username']}")
    assert last.status == 409 and "only operator" in last.json["message"]
    assert [o["email"] for o in api_admin.get("/api/admin/operators").json["operators"]] == [ADMIN[0]]
    assert api_admin.request("DELETE", "/api/admin/operators/nobody").status == 404
    record = api_admin.get("/api/admin/changes").json["changes"]
    assert [(e["action"], e["subject"]) for e in record[:4]] == [
        ("remove", "operator:second.operator@example.com"),
        ("remove", "operator:third@example.com"),
        ("invite", "operator:third@example.com"),
        ("invite", "operator:second.operator@example.com"),
    ]


def test_partners_cannot_reach_the_set_up_api(world):
    partner = client(world, partner_token(world.a), cookie=False)
    assert partner.get("/api/admin/programs").status == 403
    assert partner.post("/api/admin/advertisers", json={"program_id": "demo", "name": "X"}).status == 403


def test_a_partners_login_can_neither_be_removed_nor_made_an_operator_here(world, api_admin):
    from waymark.partners import accounts

    accounts.create_login("agent@example.com", "Partner-pass-1", group=accounts.PARTNERS_GROUP, agent_id="abcd1234")
    partner_login = accounts.logins_in(accounts.PARTNERS_GROUP)[0]
    api_admin.post("/api/admin/operators", json={"email": "one@example.com"})
    api_admin.post("/api/admin/operators", json={"email": "two@example.com"})
    assert api_admin.request("DELETE", f"/api/admin/operators/{partner_login.username}").status == 404
    taken = api_admin.post("/api/admin/operators", json={"email": "agent@example.com"})
    assert taken.status == 409 and "already has a login" in taken.json["message"]
    assert [login.email for login in accounts.logins_in(accounts.PARTNERS_GROUP)] == ["agent@example.com"]
    assert "agent@example.com" not in [login.email for login in accounts.logins_in(accounts.ADMINS_GROUP)]


def test_the_openapi_description_shows_where_secrets_appear(world, api_admin):
    document = api_admin.get("/api/openapi.json").json
    schemas = document["components"]["schemas"]
    assert not {"token", "hmac_secret"} & set(schemas["AdvertiserOut"]["properties"])
    assert {"token", "hmac_secret"} <= set(schemas["AdvertiserCredentials"]["properties"])
    assert set(document["paths"]["/api/admin/programs/{program_id}"]) == {"get", "patch"}
    assert "delete" in document["paths"]["/api/admin/operators/{username}"]


def test_banners_change_inside_the_settings_map_and_keep_the_rest(world, api_admin):
    from waymark.models import Program

    program = Program.get(*Program.key(world.program.program_id))
    program.update(actions=[Program.settings["remarketing"].set({"email": True})])
    banner = {"image_url": "https://www.example.com/b.png", "alt": "Tours"}
    assert api_admin.patch(f"/api/admin/programs/{program.program_id}", json={"banners": [banner]}).status == 200
    settings = Program.get(*Program.key(program.program_id)).settings.as_dict()
    assert settings == {"remarketing": {"email": True}, "banners": [banner]}
    # An item stored by hand without the map gets one.
    program.update(actions=[Program.settings.remove()])
    assert api_admin.patch(f"/api/admin/programs/{program.program_id}", json={"banners": [banner]}).status == 200
    assert Program.get(*Program.key(program.program_id)).settings.as_dict() == {"banners": [banner]}


def test_a_console_read_of_a_secret_is_refused_in_an_invocation(world, api_admin, iam_check, monkeypatch):
    from tests.helpers.programs import make_advertiser

    make_advertiser(world.program, "curious")
    monkeypatch.setattr(advertisers, "CONSOLE_ATTRIBUTES", (*advertisers.CONSOLE_ATTRIBUTES, "hmac_secret"))

    api_admin.get("/api/admin/advertisers/curious")
    refusals = list(iam_check.refusals)
    iam_check.refusals.clear()  # the refusal is this test's subject

    assert refusals and refusals[0].startswith("ApiFunction may not dynamodb:GetItem on ")
    assert "hmac_secret" in refusals[0] and "no statement allows it" in refusals[0]
