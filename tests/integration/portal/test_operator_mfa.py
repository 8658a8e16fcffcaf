"""Operators' authenticator app (TOTP) against moto's Cognito, as pages and as the JSON API: set up
after the password (and after the first password of an invitation), the code at every login, the
console refusing an operator's token got with the password alone, and another operator's reset.

The embedded user pool checks the codes here (MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP, tests/conftest.py)
against the key it handed out; it counts no wrong codes, so Cognito's own limit is not tested here."""

import re

import pytest

from tests.helpers import operators
from tests.helpers.portal import aws_client, client
from tests.helpers.tokens import ADMIN
from tests.helpers.web import WebClient
from waymark.partners.accounts import ADMINS_GROUP, create_login, invite_login, user_pool_client_id, user_pool_id

TEMPORARY = "Temporary-pass-1"
CHOSEN = "Chosen-pass-2026"
_SECRET = re.compile(r'<code id="totp-secret">([^<]+)</code>')


def browser(world) -> WebClient:
    return WebClient(world.stack, world.runtime)


def totp_on(email: str) -> bool:
    user = aws_client("cognito-idp").admin_get_user(UserPoolId=user_pool_id(), Username=email)
    return "SOFTWARE_TOKEN_MFA" in user.get("UserMFASettingList", [])


def password_only_token(email: str, password: str) -> str:
    """What anyone with the password gets straight from Cognito while the login has no TOTP."""
    result = aws_client("cognito-idp").initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=user_pool_client_id(),
        AuthParameters={"USERNAME": email, "PASSWORD": password},
    )
    return result["AuthenticationResult"]["IdToken"]


def test_an_invited_operator_sets_up_its_app_after_its_first_password_then_logs_in_with_a_code(world):
    invite_login(ADMIN[0], group=ADMINS_GROUP, temporary_password=TEMPORARY)
    ops = browser(world)
    first = ops.submit("/login", "/login", {"email": ADMIN[0], "password": TEMPORARY})
    fields = {**operators.hidden_fields(first.body), "email": ADMIN[0], "new_password": CHOSEN}
    setup = ops.post("/login/new-password", form=fields)
    assert setup.status == 200 and "Set up your authenticator app" in setup.body
    assert "__Host-wm_session" not in ops.cookies
    secret = _SECRET.search(setup.body).group(1)
    assert f"otpauth://totp/Waymark:{ADMIN[0]}?secret={secret}&amp;issuer=Waymark" in setup.body
    assert '<svg width="' in setup.body and 'class="qr"' in setup.body  # the same key as a QR code

    fields = operators.hidden_fields(setup.body)
    wrong = ops.post("/login/authenticator", form={**fields, "code": operators.wrong_code(secret)})
    assert wrong.status == 400 and "This is not the code your app shows now" in wrong.body
    assert secret in wrong.body and not totp_on(ADMIN[0]) and "__Host-wm_session" not in ops.cookies
    malformed = ops.post("/login/authenticator", form={**fields, "code": "12ab56"})
    assert malformed.status == 400 and "Enter the 6 digits" in malformed.body and not totp_on(ADMIN[0])

    done = ops.post("/login/authenticator", form={**fields, "code": operators.code(secret)})
    assert done.status == 200 and "Your authenticator app is set up" in done.body
    assert totp_on(ADMIN[0]) and "__Host-wm_session" not in ops.cookies

    challenge = ops.submit("/login", "/login", {"email": ADMIN[0], "password": CHOSEN})
    assert challenge.status == 200 and "Enter your code" in challenge.body and "__Host-wm_session" not in ops.cookies
    step = operators.hidden_fields(challenge.body)
    refused = ops.post("/login/code", form={**step, "code": operators.wrong_code(secret)})
    assert refused.status == 400 and "This is not the code your app shows now" in refused.body
    assert "__Host-wm_session" not in ops.cookies
    answer = ops.post("/login/code", form={**step, "code": operators.code(secret)})
    assert answer.status == 303 and answer.location == "/admin"
    assert ops.get("/admin").status == 200


def test_an_operator_token_got_with_the_password_alone_grants_nothing_admin(world):
    create_login("nomfa@example.com", CHOSEN, group=ADMINS_GROUP)
    token = password_only_token("nomfa@example.com", CHOSEN)
    page = client(world, token).get("/admin")
    assert page.status == 403 and "code from an authenticator app" in page.body
    assert client(world, token).get("/admin/operators").status == 403
    api = client(world, token, cookie=False)
    refused = api.get("/api/admin/partners")
    assert refused.status == 403 and "authenticator app" in refused.json["message"]
    invite = api.post("/api/admin/operators", json={"email": "mallory@example.com"})
    assert invite.status == 403
    assert "mallory@example.com" not in [u["Username"] for u in _users()]
    assert client(world, token).get("/portal").status == 403  # nor is an operator a partner


def _users() -> list[dict]:
    return aws_client("cognito-idp").list_users(UserPoolId=user_pool_id())["Users"]


def test_the_login_page_sends_an_operator_without_an_app_to_set_one_up_not_into_the_console(world):
    create_login("nomfa@example.com", CHOSEN, group=ADMINS_GROUP)
    ops = browser(world)
    answer = ops.submit("/login", "/login", {"email": "nomfa@example.com", "password": CHOSEN, "next": "/admin"})
    assert answer.status == 200 and "Set up your authenticator app" in answer.body
    assert "__Host-wm_session" not in ops.cookies
    assert ops.get("/admin").location.startswith("/login")


def test_an_expired_code_step_goes_back_to_the_login_form(world):
    operators.operator()
    ops = browser(world)
    token = ops.get("/login").csrf()
    fields = {"csrf_token": token, "email": ADMIN[0], "session": "no-such-session", "code": "123456"}
    answer = ops.post("/login/code", form=fields)
    assert answer.status == 400 and "This step has expired" in answer.body and 'action="/login"' in answer.body
    assert "__Host-wm_session" not in ops.cookies


def test_the_json_api_sets_up_the_app_then_logs_in_with_a_code(world):
    create_login("api-ops@example.com", CHOSEN, group=ADMINS_GROUP)
    api = browser(world)
    setup = api.post("/api/login", json={"email": "api-ops@example.com", "password": CHOSEN})
    assert setup.status == 200 and setup.json["challenge"] == "MFA_SETUP" and "id_token" not in setup.json
    secret, setup_token = setup.json["secret"], setup.json["setup_token"]
    assert setup.json["otpauth_uri"].startswith("otpauth://totp/Waymark:api-ops@example.com?secret=")
    # The set-up token is Cognito's access token: no session anywhere in Waymark.
    assert client(world, setup_token, cookie=False).get("/api/admin/partners").status == 401

    confirm = {"setup_token": setup_token}
    wrong = api.post("/api/login/authenticator", json={**confirm, "code": operators.wrong_code(secret)})
    assert wrong.status == 400 and wrong.json["field"] == "code" and not totp_on("api-ops@example.com")
    bad = api.post("/api/login/authenticator", json={"setup_token": setup_token, "code": "abc"})
    assert bad.status == 422 and "6 digits" in bad.body and not totp_on("api-ops@example.com")
    done = api.post("/api/login/authenticator", json={"setup_token": setup_token, "code": operators.code(secret)})
    assert done.status == 200 and totp_on("api-ops@example.com")

    challenge = api.post("/api/login", json={"email": "api-ops@example.com", "password": CHOSEN})
    assert challenge.status == 200 and challenge.json["challenge"] == "SOFTWARE_TOKEN_MFA"
    assert "id_token" not in challenge.json
    step = {"email": "api-ops@example.com", "session": challenge.json["session"]}
    refused = api.post("/api/login/code", json={**step, "code": operators.wrong_code(secret)})
    assert refused.status == 400 and refused.json["field"] == "code"
    answer = api.post("/api/login/code", json={**step, "code": operators.code(secret)})
    assert answer.status == 200 and answer.json["expires_in"] == 3600
    assert client(world, answer.json["id_token"], cookie=False).get("/api/admin/partners").status == 200


def test_partners_stay_password_only(world):
    from waymark.partners.accounts import PARTNERS_GROUP

    create_login(world.a.email, CHOSEN, group=PARTNERS_GROUP, agent_id=world.a.agent_id)
    answer = browser(world).post("/api/login", json={"email": world.a.email, "password": CHOSEN})
    assert answer.status == 200 and "id_token" in answer.json


def test_another_operator_resets_a_lost_app_and_the_reset_is_recorded(world):
    operators.operator("lost@example.com", CHOSEN)
    lost = browser(world)
    operators.log_in_operator(lost, "lost@example.com", CHOSEN)
    assert lost.get("/admin").status == 200

    helper = browser(world)
    operators.log_in_operator(helper)
    page = helper.get("/admin/operators")
    username = aws_client("cognito-idp").admin_get_user(UserPoolId=user_pool_id(), Username="lost@example.com")[
        "Username"
    ]
    assert f"/admin/operators/{username}/authenticator/reset" in page.body
    answer = helper.post(
        f"/admin/operators/{username}/authenticator/reset", query={"program": "demo"}, form={"csrf_token": page.csrf()}
    )
    assert answer.status == 303 and answer.location == "/admin/operators?done=reset"
    assert not totp_on("lost@example.com")
    # The lost device's sessions end with it, and the next login sets up a new app.
    assert lost.get("/admin").status == 403
    again = browser(world).submit("/login", "/login", {"email": "lost@example.com", "password": CHOSEN})
    assert "Set up your authenticator app" in again.body

    changes = helper.get("/api/admin/changes", headers={"accept": "application/json"})
    assert changes.status == 200
    [entry] = [c for c in changes.json["changes"] if c["action"] == "reset_authenticator"]
    assert entry["subject"] == "operator:lost@example.com" and entry["by"] == ADMIN[0]
    assert entry["before"] == {"authenticator_app": "set up or pending"} and entry["after"]


def test_an_operator_cannot_reset_its_own_app_and_unknown_operators_are_404(world):
    api = client(world, operators.operator_token(), cookie=False)
    me = aws_client("cognito-idp").admin_get_user(UserPoolId=user_pool_id(), Username=ADMIN[0])["Username"]
    own = api.post(f"/api/admin/operators/{me}/authenticator/reset")
    assert own.status == 409 and "ask another operator" in own.json["message"] and totp_on(ADMIN[0])
    assert api.post("/api/admin/operators/nobody/authenticator/reset").status == 404


@pytest.fixture
def operator_with_app(world):
    return operators.operator("ops2@example.com", CHOSEN)


def test_an_operator_changes_its_password_with_a_code(world, operator_with_app):
    ops = browser(world)
    operators.log_in_operator(ops, "ops2@example.com", CHOSEN)
    page = ops.get("/admin/password")
    assert 'name="code"' in page.body
    fields = {"csrf_token": page.csrf(), "current_password": CHOSEN, "new_password": "Another-pass-2026"}
    without = ops.post("/admin/password", form=fields)
    assert without.status == 400 and "code from your authenticator app" in without.body
    done = ops.post("/admin/password", form={**fields, "code": operators.code(operator_with_app)})
    assert done.status == 200 and "Your password is changed" in done.body


def test_tampered_hidden_fields_get_the_login_form_again_never_an_error(world):
    ops = browser(world)
    token = ops.get("/login").csrf()
    cases = [
        ("/login/authenticator", {"email": "x@example.com", "setup_token": "t", "secret": "A" * 5000, "code": "1"}),
        ("/login/authenticator", {"email": "x@example.com", "setup_token": "t", "secret": "<script>", "code": "1"}),
        ("/login/authenticator", {"email": "x@example.com", "setup_token": "t" * 5000, "secret": "ABCD", "code": "1"}),
        ("/login/code", {"email": "x@example.com", "session": "s" * 5000, "code": "123456"}),
        ("/login/code", {"email": "", "session": "", "code": ""}),
    ]
    for path, fields in cases:
        answer = ops.post(path, form={"csrf_token": token, **fields})
        assert answer.status == 400 and "This step has expired" in answer.body, (path, answer.status)
        assert "<script>" not in answer.body and "__Host-wm_session" not in ops.cookies


def test_the_user_pool_as_the_template_makes_it_offers_totp_to_everyone_and_requires_it_of_no_one(world):
    config = aws_client("cognito-idp").get_user_pool_mfa_config(UserPoolId=user_pool_id())
    assert config["MfaConfiguration"] == "OPTIONAL"  # partners stay password-only; the console requires it
    assert config["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
