"""The bootstrap's rules without AWS: which settings it accepts, and what it answers CloudFormation."""

import pytest

from devstack.template import Stack
from tests.helpers.policies import resource_name
from waymark.setup import bootstrap, custom_resource, secrets_migration

GOOD = {
    "program_id": "tours",
    "program_name": "  Harbour Tours ",
    "currency": "gbp",
    "landing_page": "https://www.example.com/",
    "allowed_domains_text": "",
    "operator_email": " Ops@Example.com ",
}


def test_settings_are_normalised_and_domains_default_to_the_landing_page_host():
    chosen = bootstrap.settings(**GOOD)
    assert chosen.operator_email == "ops@example.com"
    assert chosen.program == bootstrap.FirstProgram(
        "tours", "Harbour Tours", "GBP", "https://www.example.com/", ("www.example.com",)
    )


def test_a_list_of_domains_is_kept_as_given_and_must_hold_the_landing_page():
    chosen = bootstrap.settings(**{**GOOD, "allowed_domains_text": "www.example.com, *.example.com"})
    assert chosen.program.allowed_domains == ("www.example.com", "*.example.com")
    with pytest.raises(bootstrap.BootstrapRefused, match="ProgramLandingPage"):
        bootstrap.settings(**{**GOOD, "allowed_domains_text": "shop.example.org"})


def test_http_landing_pages_only_where_the_local_stack_allows_them():
    local = {**GOOD, "landing_page": "http://localhost:3001/"}
    with pytest.raises(bootstrap.BootstrapRefused, match="https URL"):
        bootstrap.settings(**local)
    assert bootstrap.settings(**local, allow_http=True).program.allowed_domains == ("localhost",)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"program_id": ""}, "DefaultProgram"),
        ({"program_name": " "}, "ProgramName"),
        ({"program_name": "x" * 201}, "ProgramName"),
        ({"currency": "XXX"}, "ProgramCurrency"),
        ({"landing_page": ""}, "ProgramLandingPage"),
        ({"landing_page": "https://user@www.example.com/"}, "ProgramLandingPage"),
        ({"allowed_domains_text": "*."}, "ProgramAllowedDomains"),
        ({"operator_email": "ops@"}, "OperatorEmail"),
    ],
)
def test_each_unusable_setting_is_refused_by_its_parameter_name(change, named):
    with pytest.raises(bootstrap.BootstrapRefused, match=named):
        bootstrap.settings(**{**GOOD, **change})


def test_properties_from_a_comma_delimited_list_parameter_are_accepted():
    properties = {
        "ProgramId": "tours",
        "ProgramName": "Tours",
        "ProgramCurrency": "EUR",
        "ProgramLandingPage": "https://www.example.com/",
        "ProgramAllowedDomains": ["www.example.com", "*.example.com"],
        "OperatorEmail": "ops@example.com",
    }
    assert bootstrap.settings_from_properties(properties).program.allowed_domains == (
        "www.example.com",
        "*.example.com",
    )
    with pytest.raises(bootstrap.BootstrapRefused, match="ProgramName must be text"):
        bootstrap.settings_from_properties({**properties, "ProgramName": {"Ref": "x"}})


def _login(status="FORCE_CHANGE_PASSWORD", groups=(), agent_id=None):
    from waymark.partners.accounts import Login

    return Login("ops-user", "ops@example.com", status, groups=frozenset(groups), agent_id=agent_id)


@pytest.mark.parametrize(
    ("login", "decision"),
    [
        (_login("CONFIRMED", ["admins"]), "kept"),
        (_login("FORCE_CHANGE_PASSWORD", ["admins"]), "kept"),
        (_login(), "invitation completed"),  # our invitation, its group step failed last time
        # never promoted: a partner (signup gives a partner code and a password its owner chose)
        (_login("CONFIRMED", ["partners"], "ag123456"), "not made an operator"),
        (_login("FORCE_CHANGE_PASSWORD", [], "ag123456"), "not made an operator"),
        (_login("CONFIRMED"), "not made an operator"),
        (_login("RESET_REQUIRED"), "not made an operator"),
    ],
)
def test_an_existing_login_is_kept_completed_or_never_promoted(login, decision):
    assert bootstrap.existing_login_decision(login) == decision


EVENT = {
    "RequestType": "Create",
    "ResponseURL": "https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/x",
    "StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/shop/uuid",
    "RequestId": "r-1",
    "LogicalResourceId": "Bootstrap",
    "ResourceProperties": {"A": "1"},
}


@pytest.fixture
def sent(monkeypatch) -> list:
    answers: list = []
    monkeypatch.setattr(custom_resource, "send", lambda url, body: answers.append((url, body)) or True)
    return answers


class Context:
    log_stream_name = "2026/12/01/[$LATEST]abc"


def test_create_and_update_run_the_work_and_keep_one_physical_id(sent):
    calls = []
    work = lambda properties: calls.append(properties) or {"Program": "created"}  # noqa: E731
    created = custom_resource.answer(EVENT, Context(), work)
    updated = custom_resource.answer(
        {**EVENT, "RequestType": "Update", "PhysicalResourceId": "kept-id"}, Context(), work
    )
    assert calls == [{"A": "1"}, {"A": "1"}]
    assert created["Status"] == "SUCCESS" and created["Data"] == {"Program": "created"}
    assert created["PhysicalResourceId"] == "Bootstrap-shop" and updated["PhysicalResourceId"] == "kept-id"
    assert [url for url, _ in sent] == [EVENT["ResponseURL"]] * 2
    assert set(created) == {
        "Status",
        "Reason",
        "PhysicalResourceId",
        "StackId",
        "RequestId",
        "LogicalResourceId",
        "Data",
    }


def test_delete_does_no_work_and_succeeds(sent):
    def work(properties):
        raise AssertionError("Delete must not run the work")

    answer = custom_resource.answer({**EVENT, "RequestType": "Delete", "PhysicalResourceId": "p"}, Context(), work)
    assert answer["Status"] == "SUCCESS" and answer["PhysicalResourceId"] == "p" and len(sent) == 1


def test_failures_are_answered_too(sent):
    def refused(properties):
        raise bootstrap.BootstrapRefused("OperatorEmail must be an email address")

    def broken(properties):
        raise RuntimeError("secret internals")

    answer = custom_resource.answer(EVENT, Context(), refused, refusals=(bootstrap.BootstrapRefused,))
    assert (answer["Status"], answer["Reason"]) == ("FAILED", "OperatorEmail must be an email address")
    answer = custom_resource.answer(EVENT, Context(), broken)
    assert (
        answer["Status"] == "FAILED"
        and "secret" not in answer["Reason"]
        and Context.log_stream_name in answer["Reason"]
    )
    answer = custom_resource.answer({**EVENT, "RequestType": "Replace"}, Context(), broken)
    assert answer["Status"] == "FAILED" and "Replace" in answer["Reason"]
    assert len(sent) == 3


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x", "http://example.com/x", "http://169.254.169.254/x", ""]
)
def test_answers_go_only_to_https_or_a_local_receiver(url, monkeypatch):
    opened = []
    monkeypatch.setattr(custom_resource.urllib.request, "urlopen", lambda *a, **k: opened.append(a))
    assert custom_resource.send(url, {"Status": "SUCCESS"}) is False and not opened


def test_in_lambda_loopback_is_refused_too(monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001")
    opened = []
    monkeypatch.setattr(custom_resource.urllib.request, "urlopen", lambda *a, **k: opened.append(a))
    assert custom_resource.send("http://127.0.0.1:9001/2018-06-01/runtime", {}) is False and not opened


def test_the_bootstrap_function_may_only_create_a_program_invite_logins_and_encrypt_plaintext_secrets():
    stack = Stack(name="waymark-test")
    [policy] = stack.functions["BootstrapFunction"].properties["Policies"]
    grants = {}
    for statement in policy["Statement"]:
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        for action in actions:
            grants.setdefault(action, []).append((resource_name(statement["Resource"]), statement.get("Condition")))
    program_partitions = {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["PROGRAM#*"]}}
    listing = "ConfigTable/index/listing-index"
    specific = {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}
    assert grants == {
        "dynamodb:PutItem": [("ConfigTable", program_partitions)],
        "cognito-idp:AdminCreateUser": [("UserPool", None)],
        "cognito-idp:AdminAddUserToGroup": [("UserPool", None)],
        "cognito-idp:AdminGetUser": [("UserPool", None)],
        "cognito-idp:AdminListGroupsForUser": [("UserPool", None)],
        # waymark.setup.secrets_migration: programs, then advertisers' secret attributes (listing-index),
        # written back over their plaintext; no kms:Decrypt
        "dynamodb:Query": [
            (
                listing,
                {
                    "ForAllValues:StringEquals": {
                        "dynamodb:LeadingKeys": ["PROGRAMS"],
                        "dynamodb:Attributes": ["listed_in", "pk", "program_id"],
                    },
                    "StringEqualsIfExists": specific,
                },
            ),
            (
                listing,
                {
                    "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["ADVERTISERS#*"]},
                    "ForAllValues:StringEquals": {"dynamodb:Attributes": ["listed_in", *secrets_migration.SCANNED]},
                    "StringEqualsIfExists": specific,
                },
            ),
        ],
        "dynamodb:UpdateItem": [
            (
                "ConfigTable",
                {
                    "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["ADVERTISER#*"]},
                    "ForAllValues:StringEquals": {
                        "dynamodb:Attributes": ["pk", "sk", *secrets_migration.SECRET_ATTRIBUTES]
                    },
                    "StringEqualsIfExists": {"dynamodb:ReturnValues": "NONE"},
                },
            )
        ],
        "kms:Encrypt": [("AdvertiserSecretsKey", None)],
    }
    resource = stack.resources["Bootstrap"]
    assert resource["Properties"]["ServiceToken"] == {"Fn::GetAtt": ["BootstrapFunction", "Arn"]}
    assert "Events" not in stack.resources["BootstrapFunction"]["Properties"]  # CloudFormation is its only caller
