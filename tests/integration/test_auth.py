"""Login through Cognito (moto) and token verification against the pool's JWKS."""

import json
import time

import jwt
import pytest

from tests.helpers import operators
from tests.helpers.tokens import sign, token_claims
from waymark.partners import mfa
from waymark.partners.accounts import ADMINS_GROUP, PARTNERS_GROUP, create_login
from waymark.web import auth, csrf


@pytest.fixture
def partner_login(aws):
    create_login("ana@example.com", "Correct-horse-9", group=PARTNERS_GROUP, agent_id="ag123456")
    return "ana@example.com", "Correct-horse-9"


def test_login_yields_a_token_that_verifies_to_the_partner(partner_login):
    token, expires_in = auth.login(*partner_login)
    principal = auth.verify(token)
    assert principal.email == "ana@example.com"
    assert principal.agent_id == "ag123456"
    assert principal.is_partner and not principal.is_admin
    assert 0 < expires_in <= 3600


def test_an_operator_without_an_authenticator_app_gets_no_id_token_only_its_set_up(aws):
    create_login("ops@example.com", "Operator-pass-1", group=ADMINS_GROUP)
    with pytest.raises(mfa.SetupRequired) as setup:
        auth.login("ops@example.com", "Operator-pass-1")
    with pytest.raises(auth.NotAuthenticated):
        auth.verify(setup.value.access_token)  # the access token it carries is no session


def test_admins_are_recognised_by_group_after_password_and_code(aws):
    secret = operators.operator("ops@example.com", "Operator-pass-1")
    with pytest.raises(mfa.CodeRequired) as challenge:
        auth.login("ops@example.com", "Operator-pass-1")
    token, _ = mfa.answer_code("ops@example.com", challenge.value.session, operators.code(secret))
    principal = auth.verify(token)
    assert principal.is_admin and principal.agent_id is None and not principal.is_partner
    assert principal.username and mfa.has_totp(principal.username)


@pytest.mark.parametrize(("email", "password"), [("ana@example.com", "wrong-Pass-1"), ("nobody@example.com", "x")])
def test_wrong_credentials_do_not_say_which_part_was_wrong(partner_login, email, password):
    with pytest.raises(auth.NotAuthenticated, match="wrong email or password"):
        auth.login(email, password)


def test_a_well_formed_token_with_our_claims_verifies(aws):
    assert auth.verify(sign(token_claims())).is_admin


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": int(time.time()) - 10},
        {"aud": "another-app-client"},
        {"iss": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_other"},
        {"token_use": "access"},
    ],
    ids=["expired", "other-client", "other-pool", "access-token"],
)
def test_tokens_for_someone_else_or_expired_are_refused(aws, claims):
    with pytest.raises(auth.NotAuthenticated):
        auth.verify(sign(token_claims(**claims)))


def test_tampered_or_foreign_signatures_are_refused(aws):
    from cryptography.hazmat.primitives.asymmetric import rsa

    token = sign(token_claims())
    header, _payload, signature = token.split(".")
    forged_payload = jwt.utils.base64url_encode(
        json.dumps(token_claims(**{"cognito:groups": ["admins", "x"]})).encode()
    )
    with pytest.raises(auth.NotAuthenticated):
        auth.verify(f"{header}.{forged_payload.decode()}.{signature}")
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with pytest.raises(auth.NotAuthenticated):
        auth.verify(sign(token_claims(), key=stranger))
    with pytest.raises(auth.NotAuthenticated):
        auth.verify("not-a-jwt")
    unsigned = jwt.encode(token_claims(), key=None, algorithm="none")
    with pytest.raises(auth.NotAuthenticated):
        auth.verify(unsigned)


def test_bearer_header_wins_over_the_cookie():
    assert auth.bearer_or_cookie({"authorization": "Bearer abc"}, {"__Host-wm_session": "xyz"}) == "abc"
    assert auth.bearer_or_cookie({}, {"__Host-wm_session": "xyz"}) == "xyz"
    assert auth.bearer_or_cookie({"authorization": "Basic abc"}, {}) is None


def test_csrf_tokens_bind_to_the_session_and_expire(aws):
    token = csrf.token_for("session-a", now=1_000_000)
    assert csrf.verify(token, "session-a", now=1_000_100)
    assert not csrf.verify(token, "session-b", now=1_000_100)
    assert not csrf.verify(token, "session-a", now=1_000_000 + csrf.MAX_AGE_SECONDS + 1)
    assert not csrf.verify(token.replace(".", ".x"), "session-a", now=1_000_100)
    assert not csrf.verify(None, "session-a")
    assert not csrf.verify("abc", "session-a")
