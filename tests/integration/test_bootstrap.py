"""The Bootstrap custom resource: BootstrapFunction with CloudFormation's Create, Update and Delete
events (events/bootstrap/) against moto, its answers PUT to a ResponseURL on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest

from tests.helpers.events import load_event
from waymark.models import Program
from waymark.partners.accounts import ADMINS_GROUP, PARTNERS_GROUP, create_login, describe_login

OPERATOR = "operator@example.com"  # the sample events' OperatorEmail


class _Receiver(BaseHTTPRequestHandler):
    """CloudFormation's side of the ResponseURL: keeps each PUT (path, headers, JSON body)."""

    def do_PUT(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.answers.append(  # type: ignore[attr-defined]
            {"path": self.path, "content_type": self.headers.get("Content-Type"), "body": json.loads(body)}
        )
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format, *args) -> None:
        pass


@pytest.fixture(scope="module")
def cloudformation():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    server.answers = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()


@pytest.fixture
def deploy(runtime, cloudformation):
    """Send one sample event (with changed properties) to BootstrapFunction; return CloudFormation's answer."""

    def send(name: str, **properties) -> dict:
        event = load_event("bootstrap", name)
        event["ResponseURL"] = f"http://127.0.0.1:{cloudformation.server_address[1]}/response/{name}?X-Amz-Signature=s"
        event["ResourceProperties"].update(properties)
        cloudformation.answers.clear()
        returned = runtime.invoke("BootstrapFunction", event)
        [answer] = cloudformation.answers
        assert answer["path"] == f"/response/{name}?X-Amz-Signature=s"
        assert answer["content_type"] == ""  # what the pre-signed URL was signed for
        assert answer["body"] == returned
        for key in ("StackId", "RequestId", "LogicalResourceId"):
            assert answer["body"][key] == event[key]
        return answer["body"]

    return send


def _user(email: str) -> dict:
    from waymark.partners.accounts import user_pool_id

    return boto3.client("cognito-idp").admin_get_user(UserPoolId=user_pool_id(), Username=email)


def test_create_makes_the_program_and_invites_the_operator(deploy):
    answer = deploy("create")
    assert answer["Status"] == "SUCCESS", answer
    assert answer["Data"] == {"Program": "created", "Operator": "invited"}
    assert answer["PhysicalResourceId"] == "Bootstrap-waymark"
    program = Program.get(*Program.key("demo"))
    assert (program.name, program.currency, program.default_landing_url) == (
        "Demo Tours",
        "EUR",
        "https://www.example.com/",
    )
    assert program.allowed_domains == ["www.example.com", "*.example.com"] and not program.allow_http
    login = describe_login(OPERATOR)
    assert login.groups == {ADMINS_GROUP} and login.status == "FORCE_CHANGE_PASSWORD"


def test_update_and_a_second_create_change_nothing_and_delete_keeps_everything(deploy):
    deploy("create")
    before = Program.get(*Program.key("demo")).serialize()
    user_before = _user(OPERATOR)

    # The sample update renames the program: an operator may have changed it since; the stack never overwrites.
    updated = deploy("update")
    assert updated["Status"] == "SUCCESS" and updated["Data"] == {"Program": "kept", "Operator": "kept"}
    assert updated["PhysicalResourceId"] == "Bootstrap-waymark"
    assert deploy("create")["Data"] == {"Program": "kept", "Operator": "kept"}

    deleted = deploy("delete")
    assert deleted["Status"] == "SUCCESS" and deleted["PhysicalResourceId"] == "Bootstrap-waymark"
    assert Program.get(*Program.key("demo")).serialize() == before
    user_after = _user(OPERATOR)
    assert user_after["UserStatus"] == user_before["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert user_after["UserAttributes"] == user_before["UserAttributes"]


def test_an_update_naming_a_new_program_and_operator_adds_them_beside_the_first(deploy):
    deploy("create")
    answer = deploy("update", ProgramId="second", OperatorEmail="Second@Example.com")
    assert answer["Data"] == {"Program": "created", "Operator": "invited"}
    assert Program.get(*Program.key("demo")).name == "Demo Tours"
    assert describe_login("second@example.com").groups == {ADMINS_GROUP}


def test_an_existing_partner_login_is_never_made_an_operator(deploy):
    # Anyone may sign up as a partner with an address they guessed; their password is their own.
    create_login(OPERATOR, "Chosen-by-them-1", group=PARTNERS_GROUP, agent_id="ag123456")
    answer = deploy("create")
    assert answer["Status"] == "SUCCESS" and answer["Data"]["Operator"] == "not made an operator"
    assert describe_login(OPERATOR).groups == {PARTNERS_GROUP}


def test_an_invitation_whose_group_step_failed_is_completed_on_the_next_deploy(deploy):
    from waymark.partners.accounts import user_pool_id

    boto3.client("cognito-idp").admin_create_user(
        UserPoolId=user_pool_id(), Username=OPERATOR, MessageAction="SUPPRESS"
    )
    assert deploy("update")["Data"]["Operator"] == "invitation completed"
    assert describe_login(OPERATOR).groups == {ADMINS_GROUP}


@pytest.mark.parametrize(
    ("properties", "named"),
    [
        ({"ProgramCurrency": "EURO"}, "ProgramCurrency"),
        ({"ProgramLandingPage": "https://evil.example/"}, "ProgramLandingPage"),
        ({"ProgramLandingPage": "http://www.example.com/"}, "ProgramLandingPage"),
        ({"ProgramAllowedDomains": "www.example.com, not a domain"}, "ProgramAllowedDomains"),
        ({"OperatorEmail": "nobody"}, "OperatorEmail"),
        ({"ProgramId": "no spaces"}, "DefaultProgram"),
    ],
)
def test_unusable_settings_fail_the_resource_with_a_reason_and_write_nothing(deploy, properties, named):
    answer = deploy("create", **properties)
    assert answer["Status"] == "FAILED" and named in answer["Reason"], answer
    assert Program.count() == 0


def test_an_aws_failure_still_answers_failed_and_the_retry_succeeds(deploy):
    from botocore.exceptions import ClientError

    from waymark.core import aws

    def outage(**kwargs):
        raise ClientError({"Error": {"Code": "InternalErrorException", "Message": "injected"}}, "AdminCreateUser")

    events = aws.client("cognito-idp", background=True).meta.events  # the client background jobs use
    events.register("before-call.cognito-idp.AdminCreateUser", outage)
    try:
        answer = deploy("create")
    finally:
        events.unregister("before-call.cognito-idp.AdminCreateUser", outage)
    assert answer["Status"] == "FAILED" and "CloudWatch log stream" in answer["Reason"], answer
    assert deploy("create")["Data"] == {"Program": "kept", "Operator": "invited"}


def test_the_sample_events_finish_even_when_nothing_receives_the_answer(runtime, monkeypatch):
    # As the packaging test sends them: their ResponseURL (127.0.0.1:9) refuses the connection.
    from waymark.setup import custom_resource

    monkeypatch.setattr(custom_resource.time, "sleep", lambda seconds: None)
    for name in ("create", "update", "delete"):
        assert runtime.invoke("BootstrapFunction", load_event("bootstrap", name))["Status"] == "SUCCESS", name
