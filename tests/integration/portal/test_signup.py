"""Partner self-signup through SignupFunction against moto's Cognito and DynamoDB."""

import re
from datetime import timedelta

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError

from tests.helpers.operators import operator_token
from tests.helpers.portal import aws_client, moto_email_code
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
    return make_program("demo", name="Demo Tours", terms_url="https://www.example.com/partner-terms")


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


def confirm(client: WebClient, email: str = "writer@seaside.example", password: str = GOOD["password"]):
    """Send the emailed code through the verify form, as the partner would."""
    fields = {"email": email, "password": password, "code": moto_email_code(email)}
    return client.submit("/signup/verify", "/signup/verify", fields)


def test_the_form_signs_up_an_unverified_partner_whom_the_emailed_code_confirms(program, browser):
    page = browser.get("/signup")
    assert page.status == 200 and "Become a partner of Demo Tours" in page.body
    assert "at least 10 characters" in page.body  # the pool's policy, described
    answer = browser.post("/signup", form={"csrf_token": page.csrf(), **GOOD})
    assert answer.status == 200 and "Thank you, Seaside Blog" in answer.body
    assert (
        "We have emailed a code to writer@seaside.example" in answer.body and 'action="/signup/verify"' in answer.body
    )

    [agent] = list(Agent.scan())
    assert (agent.program_id, agent.status, agent.email) == ("demo", "unverified", "writer@seaside.example")
    assert agent.status_created is None  # in no index an operator's list or count reads
    assert (agent.name, agent.website, agent.partner_type) == ("Seaside Blog", "https://seaside.example", "affiliate")
    assert agent.terms_accepted_at and agent.terms_url == "https://www.example.com/partner-terms"
    [user] = users()
    assert attributes(user)["custom:agent_id"] == agent.agent_id and attributes(user)["email"] == agent.email
    assert attributes(user).get("email_verified") != "true"
    assert agent.cognito_sub == attributes(user)["sub"]
    groups = aws_client("cognito-idp").admin_list_groups_for_user(UserPoolId=_pool(), Username=agent.email)
    assert [g["GroupName"] for g in groups["Groups"]] == ["partners"]
    assert Link.get(agent.agent_id).is_default  # the partner code works as a link from the start

    browser.log_in("writer@seaside.example", GOOD["password"])
    unconfirmed = browser.get("/portal")
    assert unconfirmed.status == 403 and "confirm your email address" in unconfirmed.body

    confirmed = confirm(browser)
    assert confirmed.status == 200 and "Email address confirmed" in confirmed.body
    agent.refresh()
    assert (agent.status, agent.status_created) == ("pending", f"pending#{agent.created_at}")
    assert agent.email_verified_at
    assert attributes(users()[0])["email_verified"] == "true"
    waiting = browser.get("/portal")
    assert waiting.status == 403 and "awaiting approval" in waiting.body


def test_an_applicant_reaches_the_operator_only_once_its_address_is_confirmed(aws, runtime, program, browser):
    operator = WebClient(aws, runtime, bearer=operator_token())
    browser.post("/signup", json=GOOD)

    def listed(status: str | None = None) -> list[str]:
        answer = operator.get("/api/admin/partners", query={"status": status} if status else "")
        assert answer.status == 200
        return [partner["name"] for partner in answer.json["partners"]]

    console = WebClient(aws, runtime, cookies={"__Host-wm_session": operator_token()})
    queue = console.get("/admin")
    assert queue.status == 200 and "Partners awaiting approval" in queue.body and "Seaside Blog" not in queue.body
    assert listed() == [] and listed("pending") == []
    agent_id = next(Agent.scan()).agent_id
    approve = operator.post(f"/api/admin/partners/{agent_id}/status", json={"action": "approve"})
    assert approve.status == 409 and next(Agent.scan()).status == "unverified"  # not approvable either

    confirm(browser)
    assert listed() == ["Seaside Blog"] and listed("pending") == ["Seaside Blog"]
    assert "Seaside Blog" in console.get("/admin").body


def test_json_signup_in_an_auto_approving_program_is_active_once_confirmed(aws, runtime, browser):
    make_program("demo", auto_approve=True)
    answer = browser.post("/signup", json={**GOOD, "accept_terms": True})
    assert answer.status == 202 and answer.json["program_id"] == "demo"
    assert answer.json["verify_url"].endswith("/signup/verify") and "agent_id" not in answer.json
    assert next(Agent.scan()).status == "unverified"  # auto-approval waits for the address too

    code = moto_email_code("writer@seaside.example")
    credentials = {"email": GOOD["email"], "password": GOOD["password"]}
    wrong = browser.post("/signup/verify", json={**credentials, "code": "000000" if code != "000000" else "111111"})
    assert wrong.status == 400 and "code is not right" in wrong.json["message"]
    bad_password = browser.post("/signup/verify", json={**credentials, "password": "Other-pass-99", "code": code})
    assert bad_password.status == 400 and bad_password.json["message"] == wrong.json["message"]
    assert next(Agent.scan()).status == "unverified"

    verified = browser.post("/signup/verify", json={**credentials, "code": code})
    assert verified.status == 200 and verified.json["status"] == "active"
    assert verified.json["login_url"].endswith("/login")
    login = browser.post("/api/login", json={"email": GOOD["email"], "password": GOOD["password"]})
    assert login.status == 200 and login.json["token_type"] == "Bearer"
    api = WebClient(aws, runtime, bearer=login.json["id_token"])
    profile = api.get("/api/profile")
    assert profile.status == 200 and profile.json["agent_id"] == verified.json["agent_id"]


def test_a_new_code_replaces_the_old_one(program, browser):
    browser.post("/signup", json=GOOD)
    first = moto_email_code("writer@seaside.example")
    resent = browser.post("/signup/resend", json={"email": GOOD["email"], "password": GOOD["password"]})
    assert resent.status == 202 and "new code" in resent.json["message"]
    second = moto_email_code("writer@seaside.example")
    credentials = {"email": GOOD["email"], "password": GOOD["password"]}
    if first != second:
        assert browser.post("/signup/verify", json={**credentials, "code": first}).status == 400
    assert browser.post("/signup/verify", json={**credentials, "code": second}).status == 200
    # A wrong password gets the same answer and no code: it must not tell whether the address signed up.
    wrong = browser.post("/signup/resend", json={"email": GOOD["email"], "password": "Not-the-one-1"})
    unknown = browser.post("/signup/resend", json={"email": "nobody@example.com", "password": "Not-the-one-1"})
    assert wrong.status == unknown.status == 202
    assert wrong.json["message"].replace(GOOD["email"].lower(), "X") == unknown.json["message"].replace(
        "nobody@example.com", "X"
    )


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


def _same(text: str, email: str, name: str) -> str:
    """An answer with what the request itself put in it blanked, and the page's per-browser token."""
    text = re.sub(r'name="csrf_token" value="[^"]*"', "", text)
    return text.replace(email.lower(), "EMAIL").replace(name, "NAME")


@pytest.mark.parametrize("as_json", [False, True], ids=["form", "json"])
def test_a_known_address_gets_the_same_answer_as_a_new_one_and_nothing_changes(aws, runtime, program, as_json):
    from tests.helpers.programs import make_agent
    from waymark.partners.accounts import ADMINS_GROUP, create_login

    partner = make_agent(program, name="Old Partner", email="old@example.com")
    create_login("old@example.com", GOOD["password"], group="partners", agent_id=partner.agent_id)
    create_login("operator@example.com", GOOD["password"], group=ADMINS_GROUP)
    before = {u["Username"]: attributes(u) for u in users()}

    def sign_up(email: str, name: str, ip: str):
        client = WebClient(aws, runtime, source_ip=ip)
        fields = {**GOOD, "email": email, "name": name}
        answer = client.post("/signup", json=fields) if as_json else client.submit("/signup", "/signup", fields)
        return answer.status, _same(answer.body, email, name)

    new = sign_up("new@example.com", "New Blog", "203.0.113.1")
    assert new[0] == (202 if as_json else 200)
    assert sign_up("OLD@example.com", "Impostor", "203.0.113.2") == new
    assert sign_up("operator@example.com", "Impostor", "203.0.113.3") == new
    assert sorted(a.name for a in Agent.scan()) == ["New Blog", "Old Partner"]
    after = {u["Username"]: attributes(u) for u in users()}
    assert {k: v for k, v in after.items() if k in before} == before  # no known login was touched
    assert len(after) == len(before) + 1


def test_terms_must_be_accepted_and_the_form_links_the_programs_terms(program, browser):
    page = browser.get("/signup")
    assert '<a href="https://www.example.com/partner-terms"' in page.body
    answer = browser.post("/signup", json={**GOOD, "accept_terms": False})
    assert answer.status == 422 and [e["field"] for e in answer.json["errors"]] == ["accept_terms"]
    assert "accept_terms must be true" in answer.json["message"]
    missing = browser.post("/signup", json={k: v for k, v in GOOD.items() if k != "accept_terms"})
    assert missing.status == 422 and [e["field"] for e in missing.json["errors"]] == ["accept_terms"]
    assert not users() and not list(Agent.scan())


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


def test_invalid_fields_are_refused_field_by_field_and_change_nothing(aws, runtime, program):
    for number, (change, field) in enumerate(INVALID):
        browser = WebClient(aws, runtime, source_ip=f"203.0.113.{number + 10}")  # attempt limits count per address
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
    assert browser.post("/signup", json=GOOD).status == 202


def test_an_address_signed_up_by_someone_else_and_never_confirmed_returns_to_its_owner(
    aws, runtime, program, monkeypatch
):
    squatter = WebClient(aws, runtime, source_ip="203.0.113.50")
    owner = WebClient(aws, runtime, source_ip="203.0.113.51")
    squatted = {**GOOD, "name": "Squatter", "password": "Squatter-pass-1"}
    assert squatter.post("/signup", json=squatted).status == 202
    [agent] = list(Agent.scan())

    early = owner.post("/signup", json={**GOOD, "name": "Real Owner"})
    assert early.status == 202 and Agent.get(agent.agent_id).name == "Squatter"  # within a day: left alone

    monkeypatch.setattr(signup, "RECLAIM_AFTER", timedelta(0))  # as if a day had passed
    late = owner.post("/signup", json={**GOOD, "name": "Real Owner"})
    assert (late.status, late.json) == (early.status, early.json)
    [taken_over] = list(Agent.scan())
    assert (taken_over.agent_id, taken_over.name, taken_over.status) == (agent.agent_id, "Real Owner", "unverified")
    code = moto_email_code(GOOD["email"].lower())
    stale = squatter.post("/signup/verify", json={"email": GOOD["email"], "password": "Squatter-pass-1", "code": code})
    assert stale.status == 400  # the squatter's password no longer works
    mine = owner.post("/signup/verify", json={"email": GOOD["email"], "password": GOOD["password"], "code": code})
    assert mine.status == 200 and mine.json["agent_id"] == agent.agent_id

    # Once confirmed, the address is never taken over again.
    assert squatter.post("/signup", json=squatted).status == 202
    assert Agent.get(agent.agent_id).name == "Real Owner" and len(users()) == 1
