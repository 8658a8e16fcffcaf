"""Passwords against moto's Cognito: the invited login's first password (NEW_PASSWORD_REQUIRED),
forgot and reset by code, and a change while logged in, as pages and as the JSON API."""

import re

import pytest

from tests.helpers import operators
from tests.helpers.tokens import ADMIN
from tests.helpers.web import WebClient
from waymark.partners.accounts import ADMINS_GROUP, PARTNERS_GROUP, create_login, invite_login

TEMPORARY = "Temporary-pass-1"
CHOSEN = "Chosen-pass-2026"
PARTNER_PASSWORD = "Partner-pass-2026"
RULES = "at least 10 characters, a lower-case letter, an upper-case letter, a digit"
_SESSION = re.compile(r'name="session" value="([^"]+)"')


@pytest.fixture
def logins(world):
    invite_login(ADMIN[0], group=ADMINS_GROUP, temporary_password=TEMPORARY)
    create_login(world.a.email, PARTNER_PASSWORD, group=PARTNERS_GROUP, agent_id=world.a.agent_id)
    return world


def browser(world) -> WebClient:
    return WebClient(world.stack, world.runtime)


def log_in(client: WebClient, email: str, password: str):
    return client.submit("/login", "/login", {"email": email, "password": password})


def moto_reset_code(email: str) -> str:
    """The code moto's ForgotPassword keeps (it sends no email); only codes with its prefix are checked."""
    from moto.cognitoidp.models import cognitoidp_backends

    for backend in cognitoidp_backends["123456789012"].values():
        for pool in backend.user_pools.values():
            user = pool._get_user(email)
            if user is not None and user.confirmation_code:
                return user.confirmation_code
    raise AssertionError(f"no reset code for {email}")


def test_an_invited_operator_chooses_a_password_at_first_login(logins):
    client = browser(logins)
    challenge = log_in(client, ADMIN[0], TEMPORARY)
    assert challenge.status == 200 and "Choose your password" in challenge.body
    assert RULES in challenge.body and "__Host-wm_session" not in client.cookies
    session = _SESSION.search(challenge.body).group(1)

    weak = client.post(
        "/login/new-password",
        form={"csrf_token": challenge.csrf(), "email": ADMIN[0], "session": session, "new_password": "short"},
    )
    assert weak.status == 400 and "The new password needs at least 10 characters" in weak.body
    assert "an upper-case letter" in weak.body and "__Host-wm_session" not in client.cookies

    done = client.post(
        "/login/new-password",
        form={"csrf_token": weak.csrf(), "email": ADMIN[0], "session": session, "new_password": CHOSEN},
    )
    # An operator's next step is its authenticator app (test_operator_mfa.py), before any session.
    assert done.status == 200 and "Set up your authenticator app" in done.body
    assert "__Host-wm_session" not in client.cookies

    again = log_in(browser(logins), ADMIN[0], CHOSEN)
    assert again.status == 200 and "Set up your authenticator app" in again.body  # the new password is the one
    assert log_in(browser(logins), ADMIN[0], TEMPORARY).status == 401


def test_a_stale_first_login_step_sends_back_to_the_login_form(logins):
    client = browser(logins)
    token = client.get("/login").csrf()
    answer = client.post(
        "/login/new-password",
        form={"csrf_token": token, "email": ADMIN[0], "session": "not-a-session", "new_password": CHOSEN},
    )
    assert answer.status == 400 and "This step has expired; log in again with your temporary password." in answer.body
    assert log_in(browser(logins), ADMIN[0], TEMPORARY).status == 200  # still the temporary password


def test_the_first_login_form_needs_its_csrf_token(logins):
    client = browser(logins)
    client.get("/login")
    answer = client.post(
        "/login/new-password", form={"email": ADMIN[0], "session": "x", "new_password": CHOSEN, "csrf_token": "1.x"}
    )
    assert answer.status == 403


def test_forgot_password_answers_the_same_whether_or_not_the_login_exists(logins):
    answers = {}
    for email in (logins.a.email, "nobody@example.com"):
        answer = browser(logins).submit("/password/forgot", "/password/forgot", {"email": email})
        assert answer.status == 200, answer.body[:300]
        answers[email] = re.sub(r'value="[^"]*"|If \S+ has', "", answer.body.replace(email, "EMAIL"))
    assert answers[logins.a.email] == answers["nobody@example.com"]


def test_a_reset_code_sets_a_new_password(logins):
    client = browser(logins)
    sent = client.submit("/password/forgot", "/password/forgot", {"email": logins.a.email.upper()})
    assert "we have emailed it a code" in sent.body and RULES in sent.body
    code = moto_reset_code(logins.a.email)

    fields = {"csrf_token": sent.csrf(), "email": logins.a.email, "code": "moto-confirmation-code:000000"}
    wrong = client.post("/password/reset", form={**fields, "new_password": CHOSEN})
    assert wrong.status == 400 and "This code is wrong or has expired; ask for a new one." in wrong.body
    weak = client.post("/password/reset", form={**fields, "code": code, "new_password": "alllowercase1"})
    assert weak.status == 400 and "needs an upper-case letter" in weak.body
    empty = client.post("/password/reset", form={**fields, "code": " ", "new_password": CHOSEN})
    assert empty.status == 400 and "Enter the code from the email." in empty.body

    done = client.post("/password/reset", form={**fields, "code": code, "new_password": CHOSEN})
    assert done.status == 200 and "Your password is changed; log in." in done.body
    assert log_in(browser(logins), logins.a.email, CHOSEN).location == "/portal"


def test_a_logged_in_partner_and_operator_change_their_password(logins):
    partner = browser(logins)
    assert log_in(partner, logins.a.email, PARTNER_PASSWORD).status == 303
    page = partner.get("/portal/password")
    assert page.status == 200 and RULES in page.body
    fields = {"csrf_token": page.csrf(), "new_password": CHOSEN}
    wrong = partner.post("/portal/password", form={**fields, "current_password": "Wrong-pass-2026"})
    assert wrong.status == 400 and "The current password is wrong." in wrong.body
    same = partner.post("/portal/password", form={**fields, "current_password": CHOSEN, "new_password": CHOSEN})
    assert same.status == 400
    done = partner.post("/portal/password", form={**fields, "current_password": PARTNER_PASSWORD})
    assert done.status == 200 and "Your password is changed" in done.body
    assert log_in(browser(logins), logins.a.email, CHOSEN).location == "/portal"
    assert log_in(browser(logins), logins.a.email, PARTNER_PASSWORD).status == 401

    secret = operators.operator("ops2@example.com", PARTNER_PASSWORD)
    operator = browser(logins)
    operators.log_in_operator(operator, "ops2@example.com", PARTNER_PASSWORD)
    page = operator.get("/admin/password")
    answer = operator.post(
        "/admin/password",
        form={
            "csrf_token": page.csrf(),
            "current_password": PARTNER_PASSWORD,
            "new_password": CHOSEN,
            "code": operators.code(secret),
        },
    )
    assert answer.status == 200 and "Your password is changed" in answer.body
    assert operator.get("/portal/password").status == 403  # each audience changes it in its own area


def test_changing_a_password_needs_a_login(logins):
    assert browser(logins).get("/portal/password").location.startswith("/login")
    assert browser(logins).get("/admin/password").location.startswith("/login")


def test_the_json_api_does_the_same(logins):
    api = browser(logins)
    challenge = api.post("/api/login", json={"email": ADMIN[0], "password": TEMPORARY})
    assert challenge.status == 200 and challenge.json["challenge"] == "NEW_PASSWORD_REQUIRED"
    assert "id_token" not in challenge.json
    session = challenge.json["session"]
    weak = api.post("/api/login/new-password", json={"email": ADMIN[0], "session": session, "new_password": "short"})
    assert (
        weak.status == 400 and weak.json["field"] == "new_password" and "at least 10 characters" in weak.json["message"]
    )
    stale = api.post("/api/login/new-password", json={"email": ADMIN[0], "session": "stale", "new_password": CHOSEN})
    assert stale.status == 401
    done = api.post("/api/login/new-password", json={"email": ADMIN[0], "session": session, "new_password": CHOSEN})
    assert done.status == 200 and done.json["challenge"] == "MFA_SETUP" and "id_token" not in done.json
    secret = done.json["secret"]
    confirm = {"setup_token": done.json["setup_token"], "code": operators.code(secret)}
    assert api.post("/api/login/authenticator", json=confirm).status == 200

    operator = browser(logins)
    operator.bearer = operators.operator_token(ADMIN[0], CHOSEN)
    body = {"current_password": CHOSEN, "new_password": "Second-pass-2026"}
    without = operator.post("/api/admin/password", json=body)
    assert without.status == 400 and without.json["field"] == "code"
    assert operator.post("/api/admin/password", json={**body, "code": operators.code(secret)}).status == 200
    assert operator.post("/api/password", json=body).status == 403  # an operator's is under /api/admin
    again = api.post("/api/login", json={"email": ADMIN[0], "password": "Second-pass-2026"}).json
    assert again["challenge"] == "SOFTWARE_TOKEN_MFA"

    for email in (logins.a.email, "nobody@example.com"):
        sent = api.post("/api/password/forgot", json={"email": email})
        assert sent.status == 202 and sent.json["message"].startswith(f"if {email} has a login")
    code = moto_reset_code(logins.a.email)
    reset = {"email": logins.a.email, "code": code, "new_password": CHOSEN}
    assert api.post("/api/password/reset", json={**reset, "code": "moto-confirmation-code:1"}).status == 400
    assert api.post("/api/password/reset", json=reset).status == 200
    assert api.post("/api/login", json={"email": logins.a.email, "password": CHOSEN}).json["id_token"]
    assert api.post("/api/password/reset", json={"email": "x@example.com"}).status == 422
