"""Partner self-signup through SignupFunction against moto's Cognito and DynamoDB."""

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from tests.helpers.portal import aws_client
from tests.helpers.programs import make_program
from tests.helpers.web import WebClient
from waymark.models import Agent, Link
from waymark.partners import signup

GOOD = {
    "name": "Seaside Blog",
    "email": "Writer@Seaside.example",
    "password": "Waves-and-sand-7",
    "website": "seaside.example",
    "partner_type": "affiliate",
    "accept_terms": "true",
}


@pytest.fixture
def program(aws):
    return make_program("demo", name="Demo Tours")


@pytest.fixture
def browser(aws, runtime) -> WebClient:
    return WebClient(aws, runtime)


def users() -> list[dict]:
    cognito = aws_client("cognito-idp")
    return cognito.list_users(UserPoolId=_pool())["Users"]


def _pool() -> str:
    import os

    return os.environ["USER_POOL_ID"]


def attributes(user: dict) -> dict[str, str]:
    return {a["Name"]: a["Value"] for a in user["Attributes"]}


def test_the_form_signs_up_a_pending_partner_with_a_login(program, browser):
    page = browser.get("/signup")
    assert page.status == 200 and "Become a partner of Demo Tours" in page.body
    assert "at least 10 characters" in page.body  # the pool's policy, described
    answer = browser.post("/signup", form={"csrf_token": page.csrf(), **GOOD})
    assert answer.status == 201 and "An operator of Demo Tours will review it" in answer.body

    [agent] = list(Agent.scan())
    assert (agent.program_id, agent.status, agent.email) == ("demo", "pending", "writer@seaside.example")
    assert (agent.name, agent.website, agent.partner_type) == ("Seaside Blog", "https://seaside.example", "affiliate")
    [user] = users()
    assert attributes(user)["custom:agent_id"] == agent.agent_id and attributes(user)["email"] == agent.email
    assert agent.cognito_sub == attributes(user)["sub"]
    groups = aws_client("cognito-idp").admin_list_groups_for_user(UserPoolId=_pool(), Username=agent.email)
    assert [g["GroupName"] for g in groups["Groups"]] == ["partners"]
    assert Link.get(agent.agent_id).is_default  # the partner code works as a link from the start

    browser.log_in("writer@seaside.example", GOOD["password"])
    waiting = browser.get("/portal")
    assert waiting.status == 403 and "awaiting approval" in waiting.body


def test_json_signup_in_an_auto_approving_program_is_active_and_can_use_the_api(aws, runtime, browser):
    make_program("demo", auto_approve=True)
    answer = browser.post("/signup", json={**GOOD, "accept_terms": True})
    assert answer.status == 201
    assert answer.json["status"] == "active" and answer.json["program_id"] == "demo"
    assert answer.json["login_url"].endswith("/login")

    login = browser.post("/api/login", json={"email": GOOD["email"], "password": GOOD["password"]})
    assert login.status == 200 and login.json["token_type"] == "Bearer"
    api = WebClient(aws, runtime, bearer=login.json["id_token"])
    profile = api.get("/api/profile")
    assert profile.status == 200 and profile.json["agent_id"] == answer.json["agent_id"]


def test_the_program_is_chosen_by_query_or_field_else_the_default(aws, browser):
    make_program("demo")
    make_program("tours", name="Other Tours")
    page = browser.get("/signup", query="program=tours")
    assert "Become a partner of Other Tours" in page.body and 'name="program" value="tours"' in page.body
    browser.post("/signup", form={"csrf_token": page.csrf(), "program": "tours", **GOOD})
    browser.post("/signup", query="program=tours", json={**GOOD, "email": "q@example.com"})
    browser.post("/signup", json={**GOOD, "email": "d@example.com"})
    assert sorted((a.email, a.program_id) for a in Agent.scan()) == [
        ("d@example.com", "demo"),
        ("q@example.com", "tours"),
        ("writer@seaside.example", "tours"),
    ]


def test_an_unknown_program_is_a_404_for_the_page_and_for_json(program, browser):
    assert browser.get("/signup", query="program=nope").status == 404
    answer = browser.post("/signup", query="program=nope", json=GOOD)
    assert answer.status == 404 and "nope" in answer.json["message"]
    assert browser.get("/signup", query="program=bad%20id").status == 400
    assert not users()


@pytest.mark.parametrize("as_json", [False, True], ids=["form", "json"])
def test_a_duplicate_email_is_a_clear_409_and_nothing_is_duplicated(program, browser, as_json):
    first = browser.post("/signup", json=GOOD)
    assert first.status == 201
    again = {**GOOD, "email": "WRITER@seaside.example", "name": "Impostor"}
    if as_json:
        answer = browser.post("/signup", json=again)
        assert answer.status == 409 and "already is an account" in answer.json["message"]
    else:
        answer = browser.submit("/signup", "/signup", again)
        assert answer.status == 409 and "already is an account with this email" in answer.body
    assert [a.name for a in Agent.scan()] == ["Seaside Blog"]
    assert len(users()) == 1


def test_the_password_policy_comes_from_the_user_pool(program, browser):
    weak = browser.post("/signup", json={**GOOD, "password": "short1A"})
    assert weak.status == 400 and "at least 10 characters" in weak.json["message"]
    no_digit = browser.post("/signup", json={**GOOD, "password": "No-digits-here"})
    assert no_digit.status == 400 and "a digit" in no_digit.json["message"]
    assert not users() and not list(Agent.scan())

    aws_client("cognito-idp").update_user_pool(
        UserPoolId=_pool(),
        Policies={
            "PasswordPolicy": {
                "MinimumLength": 20,
                "RequireUppercase": False,
                "RequireLowercase": True,
                "RequireNumbers": False,
                "RequireSymbols": True,
            }
        },
    )
    signup._policies.clear()  # a new container: the policy is cached for an hour in a warm one
    answer = browser.post("/signup", json=GOOD)
    assert answer.status == 400 and "at least 20 characters" in answer.json["message"]
    assert browser.get("/signup").body.count("at least 20 characters, a lower-case letter, a symbol") == 1


INVALID = [
    ({"email": "not-an-email"}, "email"),
    ({"email": "a@b"}, "email"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"website": "javascript:alert(1)"}, "website"),
    ({"website": 'https://evil.example/"><script>'}, "website"),
    ({"partner_type": "reseller"}, "partner_type"),
    ({"accept_terms": "false"}, "accept_terms"),
]


def test_invalid_fields_are_refused_field_by_field_and_change_nothing(program, browser):
    for change, field in INVALID:
        answer = browser.post("/signup", json={**GOOD, **change})
        assert answer.status == 422 and [e["field"] for e in answer.json["errors"]] == [field], change
        page = browser.submit("/signup", "/signup", {**GOOD, **change})
        assert page.status == 400 and 'class="field-error"' in page.body and "Please check the form" in page.body
        assert 'value="Waves' not in page.body  # the password is never sent back
    assert not users() and not list(Agent.scan())


def test_forms_need_the_browsers_csrf_token(program, browser):
    assert browser.post("/signup", form=GOOD).status == 403
    other = WebClient(browser.stack, browser.runtime)
    token = other.get("/signup").csrf()
    assert browser.post("/signup", form={"csrf_token": token, **GOOD}).status == 403  # bound to the other browser
    assert browser.post("/signup", body="name=x", headers={"content-type": "text/plain"}).status == 415
    assert not users()


@pytest.mark.parametrize(
    "failure",
    [
        ClientError({"Error": {"Code": "ThrottlingException", "Message": "slow down"}}, "TransactWriteItems"),
        EndpointConnectionError(endpoint_url="https://dynamodb.eu-west-1.amazonaws.com"),
    ],
    ids=["throttled", "unreachable"],
)
def test_if_storing_the_agent_fails_the_login_is_removed_and_a_retry_works(program, browser, failure):
    from waymark.models import connection

    events = connection().client.meta.events

    def fail(**kwargs):
        raise failure

    events.register("before-call.dynamodb.TransactWriteItems", fail)
    try:
        answer = browser.post("/signup", json=GOOD)
    finally:
        events.unregister("before-call.dynamodb.TransactWriteItems", fail)
    assert answer.status == 503 and answer.headers["Retry-After"] and "try again" in answer.json["message"]
    assert not users() and not list(Agent.scan())
    assert browser.post("/signup", json=GOOD).status == 201
