"""The template grants the postback and replay functions exactly the DynamoDB access the conversion code uses."""

from tests.helpers.policies import grants
from tests.helpers.stack import STACK


def dynamodb_grants(logical_id: str) -> dict[str, set[str]]:
    """action -> the tables (or indexes) it is allowed on, as written in template.yaml."""
    policies = STACK.functions[logical_id].properties["Policies"]
    return grants(
        statement for policy in policies if isinstance(policy, dict) for statement in policy.get("Statement", [])
    )


def test_the_postback_function_reads_sessions_and_config_and_writes_conversions_only():
    assert dynamodb_grants("PostbackFunction") == {
        "dynamodb:GetItem": {"SessionsTable", "AgentsTable", "ConfigTable", "ConversionsTable"},
        # reference codes; and the exchange rates' partition only (the next test)
        "dynamodb:Query": {"SessionsTable/index/ref-index", "ConfigTable"},
        # a TransactWriteItems of Puts needs PutItem; the log gets one line per postback, and is never read here
        "dynamodb:PutItem": {"ConversionsTable", "RemarketingTable", "PostbackLogTable"},
        # only the exposed-token flag of a program, and the fraud rules' counters, below
        "dynamodb:UpdateItem": {"ConfigTable", "FraudCountersTable"},
        "kms:Decrypt": {"AdvertiserSecretsKey"},  # signed postbacks: the advertiser's HMAC secrets
    }


def test_the_postback_function_queries_only_the_exchange_rates_in_the_config_table():
    statements = [
        statement
        for policy in STACK.functions["PostbackFunction"].properties["Policies"]
        for statement in (policy.get("Statement", []) if isinstance(policy, dict) else [])
        if statement["Action"] == "dynamodb:Query" and statement["Resource"] == {"Fn::GetAtt": ["ConfigTable", "Arn"]}
    ]
    assert [s["Condition"] for s in statements] == [{"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["RATES"]}}]


def test_the_postback_function_may_update_only_a_programs_exposed_token_flag_and_fraud_counters():
    statements = [
        statement
        for policy in STACK.functions["PostbackFunction"].properties["Policies"]
        for statement in (policy.get("Statement", []) if isinstance(policy, dict) else [])
        if statement["Action"] == "dynamodb:UpdateItem"
    ]
    assert [(s["Resource"], s["Condition"]) for s in statements] == [
        (
            {"Fn::GetAtt": ["ConfigTable", "Arn"]},
            {
                "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["PROGRAM#*"]},
                "ForAllValues:StringEquals": {"dynamodb:Attributes": ["pk", "sk", "token_exposed_by"]},
            },
        ),
        (
            {"Fn::GetAtt": ["FraudCountersTable", "Arn"]},
            {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["CAP#*", "BURST#*"]}},
        ),
    ]


def test_the_replay_function_can_store_kept_conversions_and_customers():
    assert dynamodb_grants("ReplayFunction") == {
        "dynamodb:PutItem": {"SessionsTable", "ConversionsTable", "RemarketingTable"},
    }


def test_the_postback_function_may_keep_writes_in_the_replay_queue():
    policies = STACK.functions["PostbackFunction"].properties["Policies"]
    assert {"SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": ["ReplayQueue", "QueueName"]}}} in policies
