"""The IAM check's evaluator and its reading of AWS calls (tests/helpers/iam.py)."""

import pytest

from devstack.template import Stack
from tests.helpers.iam import CallMapper, Request, Statement, UnsupportedPolicy, decide

TABLE = "arn:aws:dynamodb:eu-west-1:123456789012:table/waymark-test-ConfigTable"
OTHER = "arn:aws:dynamodb:eu-west-1:123456789012:table/waymark-test-AgentsTable"


def statements(*documents):
    return [Statement.compile(document, "test") for document in documents]


ROLE = statements(
    {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"], "Resource": TABLE},
    {"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::exports/*"},
    {"Effect": "Allow", "Action": "dynamodb:Query", "Resource": f"{OTHER}/index/*"},
    {
        "Effect": "Allow",
        "Action": ["dynamodb:PutItem"],
        "Resource": TABLE,
        "Condition": {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["PROGRAM#*"]}},
    },
)


def test_a_call_a_statement_allows_passes():
    assert decide(ROLE, Request("dynamodb:GetItem", TABLE)).allowed
    assert decide(ROLE, Request("DynamoDB:getitem", TABLE)).allowed  # actions ignore case, as in IAM
    assert decide(ROLE, Request("s3:GetObject", "arn:aws:s3:::exports/2026/11/a.csv")).allowed
    assert decide(ROLE, Request("dynamodb:Query", f"{OTHER}/index/program-status-index")).allowed


def test_another_table_is_refused():
    decision = decide(ROLE, Request("dynamodb:GetItem", OTHER))
    assert not decision.allowed
    assert decision.reason == "no statement allows it"
    assert not decide(ROLE, Request("dynamodb:Query", OTHER)).allowed  # the index grant is not the table
    assert not decide(ROLE, Request("s3:GetObject", "arn:aws:s3:::exports")).allowed


def test_a_missing_action_is_refused():
    assert not decide(ROLE, Request("dynamodb:UpdateItem", TABLE)).allowed
    assert not decide(ROLE, Request("s3:PutObject", "arn:aws:s3:::exports/a.csv")).allowed


def test_leading_keys_must_all_match():
    allowed = Request("dynamodb:PutItem", TABLE, {"dynamodb:leadingkeys": ["PROGRAM#p1"]})
    refused = Request("dynamodb:PutItem", TABLE, {"dynamodb:leadingkeys": ["PROGRAM#p1", "OPERATOR#o1"]})
    assert decide(ROLE, allowed).allowed
    assert not decide(ROLE, refused).allowed


def test_a_wildcard_matches_line_breaks_as_iam_does():
    odd = Request("dynamodb:PutItem", TABLE, {"dynamodb:leadingkeys": ["PROGRAM#a\nb\rc\u2028d"]})
    assert decide(ROLE, odd).allowed
    assert not decide(ROLE, Request("dynamodb:PutItem", TABLE, {"dynamodb:leadingkeys": ["OPERATOR#a\nb"]})).allowed


def test_an_explicit_deny_wins():
    role = ROLE + statements({"Effect": "Deny", "Action": "dynamodb:*", "Resource": "*"})
    decision = decide(role, Request("dynamodb:GetItem", TABLE))
    assert not decision.allowed
    assert decision.reason.startswith("explicitly denied")


def test_secure_transport_is_what_the_sdk_uses():
    role = statements(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
    )
    assert decide(role, Request("s3:GetObject", "arn:aws:s3:::b/k", {"aws:securetransport": ["true"]})).allowed
    assert not decide(role, Request("s3:GetObject", "arn:aws:s3:::b/k", {"aws:securetransport": ["false"]})).allowed


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"dynamodb:ReturnConsumedCapacity": ["TOTAL"]}},
        {"NumericLessThan": {"dynamodb:LeadingKeys": "3"}},
        {"StringEquals": {"aws:PrincipalTag/team": "x"}},
    ],
)
def test_an_unsupported_condition_fails_loudly(condition):
    with pytest.raises(UnsupportedPolicy):
        Statement.compile({"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": condition})


@pytest.fixture
def mapper():
    stack = Stack(name="waymark-test")
    for logical_id in stack.of_type("AWS::DynamoDB::Table"):
        stack.physical[logical_id] = {"Ref": stack.local_name(logical_id)}
    return CallMapper(stack)


def test_a_transaction_is_authorized_item_by_item(mapper):
    requests = mapper.requests(
        "dynamodb",
        "TransactWriteItems",
        {
            "TransactItems": [
                {"Put": {"TableName": "waymark-test-AgentsTable", "Item": {"agent_id": {"S": "a1"}}}},
                {"ConditionCheck": {"TableName": "waymark-test-ConfigTable", "Key": {"pk": {"S": "PROGRAM#p"}}}},
            ]
        },
    )
    assert [(r.action, r.resource.rsplit("/", 1)[-1]) for r in requests] == [
        ("dynamodb:PutItem", "waymark-test-AgentsTable"),
        ("dynamodb:ConditionCheckItem", "waymark-test-ConfigTable"),
    ]
    assert requests[1].context["dynamodb:leadingkeys"] == ["PROGRAM#p"]


def test_a_query_names_its_partition_key(mapper):
    (request,) = mapper.requests(
        "dynamodb",
        "Query",
        {
            "TableName": "waymark-test-ConfigTable",
            "KeyConditionExpression": "#pk = :pk AND begins_with(sk, :prefix)",
            "ExpressionAttributeNames": {"#pk": "pk"},
            "ExpressionAttributeValues": {":pk": {"S": "PROGRAM#p"}, ":prefix": {"S": "RULE#"}},
        },
    )
    assert request.context["dynamodb:leadingkeys"] == ["PROGRAM#p"]


def test_s3_multipart_parts_are_put_object(mapper):
    (request,) = mapper.requests("s3", "UploadPart", {"Bucket": "exports", "Key": "a.csv", "PartNumber": 1})
    assert (request.action, request.resource) == ("s3:PutObject", "arn:aws:s3:::exports/a.csv")


def test_attributes_are_the_names_a_write_touches(mapper):
    role = statements(
        {
            "Effect": "Allow",
            "Action": "dynamodb:UpdateItem",
            "Resource": "*",
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:Attributes": ["pk", "sk", "token_exposed_by"]}},
        }
    )
    update = {
        "TableName": "waymark-test-ConfigTable",
        "Key": {"pk": {"S": "PROGRAM#p"}, "sk": {"S": "PROGRAM"}},
        "UpdateExpression": "ADD #0 :0",
        "ConditionExpression": "attribute_exists (#1)",
        "ExpressionAttributeNames": {"#0": "token_exposed_by", "#1": "pk"},
        "ExpressionAttributeValues": {":0": {"SS": ["adv"]}},
    }
    (request,) = mapper.requests("dynamodb", "UpdateItem", update)
    assert request.context["dynamodb:attributes"] == ["pk", "sk", "token_exposed_by"]
    assert decide(role, request).allowed

    (wider,) = mapper.requests("dynamodb", "UpdateItem", {**update, "UpdateExpression": "ADD #0 :0 SET status = :0"})
    assert "status" in wider.context["dynamodb:attributes"]
    assert not decide(role, wider).allowed


@pytest.mark.parametrize("returned", ["ALL_NEW", "ALL_OLD"])
def test_asking_for_the_whole_item_back_touches_every_attribute(mapper, returned):
    role = statements(
        {
            "Effect": "Allow",
            "Action": "dynamodb:UpdateItem",
            "Resource": "*",
            "Condition": {"ForAllValues:StringEquals": {"dynamodb:Attributes": ["pk", "sk", "token_exposed_by"]}},
        }
    )
    update = {
        "TableName": "waymark-test-ConfigTable",
        "Key": {"pk": {"S": "PROGRAM#p"}, "sk": {"S": "PROGRAM"}},
        "UpdateExpression": "ADD #0 :0",
        "ExpressionAttributeNames": {"#0": "token_exposed_by"},
        "ExpressionAttributeValues": {":0": {"SS": ["adv"]}},
    }
    for quiet in ({}, {"ReturnValues": "NONE"}, {"ReturnValues": "UPDATED_NEW"}):
        (request,) = mapper.requests("dynamodb", "UpdateItem", {**update, **quiet})
        assert decide(role, request).allowed, quiet

    (request,) = mapper.requests("dynamodb", "UpdateItem", {**update, "ReturnValues": returned})
    decision = decide(role, request)
    assert not decision.allowed
    assert f"every attribute: ReturnValues {returned}" in str(request)

    anything = statements(
        {
            "Effect": "Allow",
            "Action": "dynamodb:UpdateItem",
            "Resource": "*",
            "Condition": {"ForAllValues:StringLike": {"dynamodb:Attributes": ["*"]}},
        }
    )
    assert decide(anything, request).allowed
