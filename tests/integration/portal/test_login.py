"""Logging in and out: Cognito USER_PASSWORD_AUTH, the session cookie, CSRF, and the gate's order."""

import pytest

from tests.helpers.operators import log_in_operator, operator
from tests.helpers.portal import client
from tests.helpers.tokens import ADMIN, id_token, partner_token, sign, token_claims
from tests.helpers.web import WebClient
from waymark.partners.accounts import PARTNERS_GROUP, create_login
from waymark.web import csrf

PASSWORD = "Partner-pass-2026"


@pytest.fixture
def logins(world):
    create_login(world.a.email, PASSWORD, group=PARTNERS_GROUP, agent_id=world.a.agent_id)
    operator(*ADMIN)
    return world


def cookie_named(answer, name: str) -> str:
    [cookie] = [c for c in answer.cookies if c.startswith(f"{name}=")]
    return cookie


def test_logging_in_sets_a_strict_session_cookie_and_lands_by_role(logins):
    browser = WebClient(logins.stack, logins.runtime)
    page = browser.get("/login")
    assert page.status == 200 and "__Host-wm_csrf=" in " ".join(page.cookies)
    answer = browser.post("/login", form={"csrf_token": page.csrf(), "email": "A@Example.com", "password": PASSWORD})
    assert answer.status == 303 and answer.location == "/portal"
    session = cookie_named(answer, "__Host-wm_session")
    for attribute in ("HttpOnly", "Secure", "SameSite=Strict", "Path=/", "Max-Age=3600"):
        assert attribute in session
    assert browser.get("/portal").status == 200
    assert browser.get("/").location == "/portal"

    operator = WebClient(logins.stack, logins.runtime)
    assert log_in_operator(operator).location == "/admin"
    assert operator.get("/admin").status == 200


NEXT = [
    ("/portal/links?cursor=x", "/portal/links?cursor=x"),
    ("//evil.example/", "/portal"),
    ("https://evil.example/", "/portal"),
    ("/\\evil.example", "/portal"),
    ("/portal\r\nSet-Cookie: x=1", "/portal"),
]


def test_after_login_only_same_site_paths_are_followed(logins):
    browser = WebClient(logins.stack, logins.runtime)
    for next_, landing in NEXT:
        token = browser.get("/login", query={"next": next_}).csrf()
        form = {"csrf_token": token, "email": logins.a.email, "password": PASSWORD, "next": next_}
        assert browser.post("/login", form=form).location == landing, next_
        browser.cookies.pop("__Host-wm_session")


def test_a_page_sends_anonymous_visitors_to_log_in_and_back(logins):
    browser = WebClient(logins.stack, logins.runtime)
    answer = browser.get("/portal/links", query="cursor=abc")
    assert answer.status == 303 and answer.location == "/login?next=/portal/links%3Fcursor%3Dabc"
    page = browser.get("/login", query="next=/portal/links%3Fcursor%3Dabc")
    assert 'name="next" value="/portal/links?cursor=abc"' in page.body


def test_wrong_credentials_show_the_form_again_without_a_session(logins):
    browser = WebClient(logins.stack, logins.runtime)
    answer = browser.submit("/login", "/login", {"email": logins.a.email, "password": "Wrong-pass-2026"})
    assert answer.status == 401 and "Wrong email or password" in answer.body
    assert "__Host-wm_session" not in browser.cookies
    assert browser.submit("/login", "/login", {"email": "", "password": ""}).status == 400


def test_login_and_logout_forms_need_their_csrf_token(logins):
    browser = WebClient(logins.stack, logins.runtime)
    browser.get("/login")
    assert browser.post("/login", form={"email": logins.a.email, "password": PASSWORD}).status == 403
    browser.log_in(logins.a.email, PASSWORD)
    assert browser.post("/logout", form={"csrf_token": "1.forged"}).status == 403
    assert "__Host-wm_session" in browser.cookies
    token = browser.get("/portal").csrf()
    answer = browser.post("/logout", form={"csrf_token": token})
    assert answer.status == 303 and answer.location == "/login"
    assert "Max-Age=0" in cookie_named(answer, "__Host-wm_session")
    assert browser.get("/portal").location.startswith("/login")


def test_an_expired_or_forged_session_cookie_is_cleared_and_the_visitor_asked_to_log_in(world):
    expired = sign(token_claims(**{"exp": 1, "custom:agent_id": world.a.agent_id, "cognito:groups": ["partners"]}))
    browser = client(world, expired)
    answer = browser.get("/portal")
    assert answer.status == 303 and answer.location.startswith("/login")
    assert "Max-Age=0" in cookie_named(answer, "__Host-wm_session")
    assert client(world, "not-a-jwt").get("/portal/profile").location.startswith("/login")


def test_api_login_returns_a_bearer_token_and_refuses_wrong_passwords(logins):
    api = WebClient(logins.stack, logins.runtime)
    wrong = api.post("/api/login", json={"email": logins.a.email, "password": "nope"})
    assert wrong.status == 401 and wrong.headers["WWW-Authenticate"].startswith("Bearer")
    assert wrong.json == {"message": "wrong email or password"}
    answer = api.post("/api/login", json={"email": logins.a.email.upper(), "password": PASSWORD})
    assert answer.status == 200 and answer.json["expires_in"] == 3600
    api.bearer = answer.json["id_token"]
    assert api.get("/api/profile").json["email"] == logins.a.email
    assert api.post("/api/login", json={"email": "x"}).status == 422


def test_anonymous_callers_are_refused_before_their_input_is_validated(world):
    anonymous = WebClient(world.stack, world.runtime)
    answer = anonymous.post("/api/links", json={"no": "such field"})
    assert answer.status == 401 and answer.json == {"message": "please log in"}
    assert anonymous.patch("/api/links/!!", body="{not json").status == 401
    assert anonymous.get("/api/admin/partners", query="status=nonsense").status == 401
    assert anonymous.post("/portal/links", body="garbage", headers={"content-type": "text/plain"}).status == 303


def test_the_api_with_the_session_cookie_needs_the_csrf_header_for_changes(world):
    token = partner_token(world.a)
    browser = client(world, token)
    body = {"destination": "https://www.example.com/x"}
    assert browser.get("/api/links").status == 200  # reading needs no token
    assert browser.post("/api/links", json=body).status == 403
    from waymark.web import auth

    session = auth.verify(token).session_id
    answer = browser.post("/api/links", json=body, headers={"x-csrf-token": csrf.token_for(session)})
    assert answer.status == 201
    stolen = csrf.token_for(auth.verify(id_token(email="x@example.com", groups=["partners"])).session_id)
    assert browser.post("/api/links", json=body, headers={"x-csrf-token": stolen}).status == 403


def test_if_the_user_pools_keys_cannot_be_fetched_callers_are_asked_to_retry(world, monkeypatch, tmp_path):
    from waymark.web import auth

    monkeypatch.setenv("COGNITO_JWKS_URL", (tmp_path / "missing-jwks.json").as_uri())
    monkeypatch.setattr(auth, "_KEYS", auth._KeySet())
    answer = client(world, partner_token(world.a), cookie=False).get("/api/links")
    assert answer.status == 503 and answer.headers["Retry-After"]
    page = client(world, partner_token(world.a)).get("/portal")
    assert page.status == 503 and "try again" in page.body


def test_a_login_pointed_at_another_partners_agent_is_not_that_partner(world):
    """custom:agent_id is immutable in the deployed pool (moto does not enforce that), so the kit
    also checks that the agent belongs to the login: its Cognito sub, else its email."""
    import boto3

    from tests.helpers.web import WebClient

    browser = WebClient(world.stack, world.runtime)
    signup = browser.post(
        "/signup",
        json={"name": "Mallory", "email": "m@example.com", "password": "Mallory-pass-26", "accept_terms": True},
    )
    assert signup.status == 202
    cognito = boto3.client("cognito-idp")
    tokens = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=auth_client_id(),
        AuthParameters={"USERNAME": "m@example.com", "PASSWORD": "Mallory-pass-26"},
    )["AuthenticationResult"]
    cognito.update_user_attributes(
        AccessToken=tokens["AccessToken"], UserAttributes=[{"Name": "custom:agent_id", "Value": world.b.agent_id}]
    )
    login = browser.post("/api/login", json={"email": "m@example.com", "password": "Mallory-pass-26"}).json
    mallory = WebClient(world.stack, world.runtime, bearer=login["id_token"])
    answer = mallory.get("/api/links")
    assert answer.status == 403 and world.b_link.code not in answer.body
    # A token naming B's agent with another login's email is refused the same way (B has no recorded sub).
    forged = id_token(email="a@example.com", groups=["partners"], agent_id=world.b.agent_id)
    assert client(world, forged, cookie=False).get("/api/profile").status == 403


def auth_client_id() -> str:
    from waymark.web import auth

    return auth.client_id()


def test_a_partners_sign_in_remembers_its_address_hash_for_the_self_referral_rule(logins):
    from waymark.core import signing_keys
    from waymark.models import Agent

    WebClient(logins.stack, logins.runtime).log_in(logins.a.email, PASSWORD)  # from 198.51.100.7
    api = WebClient(logins.stack, logins.runtime)
    assert api.post("/api/login", json={"email": logins.a.email, "password": PASSWORD}).status == 200
    stored = Agent.get(logins.a.agent_id, consistent_read=True).ip_hashes
    assert stored == {signing_keys.visitor_hash("198.51.100.7")}  # a hash, never the address


def test_a_partners_address_hashes_are_bounded(logins):
    from waymark.models import Agent
    from waymark.partners import own_addresses

    for n in range(own_addresses.MAX_IP_HASHES + 5):
        own_addresses.remember_sign_in(logins.a.agent_id, f"203.0.113.{n}")
    assert len(Agent.get(logins.a.agent_id, consistent_read=True).ip_hashes) == own_addresses.MAX_IP_HASHES
