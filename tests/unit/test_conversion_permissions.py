"""The template grants the postback and replay functions exactly the DynamoDB access the conversion code uses."""

from devstack.template import Stack
from tests.helpers.policies import decided, grants, listed
from tests.helpers.stack import STACK


def dynamodb_grants(logical_id: str) -> dict[str, set[str]]:
    """action -> the tables (or indexes) it is allowed on, as written in template.yaml."""
    policies = STACK.functions[logical_id].properties["Policies"]
    return grants(
        statement for policy in policies if isinstance(policy, dict) for statement in policy.get("Statement", [])
    )


def test_the_postback_function_reads_sessions_and_config_and_writes_conversions_only():
    assert dynamodb_grants("PostbackFunction") == {
        "dynamodb:GetItem": {"ClickSessionsTable", "AgentsTable", "ConfigTable", "ConversionsTable"},
        # a reference code (the sessions under it); and the exchange rates' partition only (the next test)
        "dynamodb:Query": {"ClickSessionsTable", "ConfigTable"},
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
        for statement in decided(policy.get("Statement", []) if isinstance(policy, dict) else [])
        if statement["Action"] == "dynamodb:Query" and statement["Resource"] == {"Fn::GetAtt": ["ConfigTable", "Arn"]}
    ]
    assert [s["Condition"] for s in statements] == [{"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["RATES"]}}]


def test_the_postback_function_may_update_only_a_programs_exposed_token_flag_and_fraud_counters():
    statements = [
        statement
        for policy in STACK.functions["PostbackFunction"].properties["Policies"]
        for statement in decided(policy.get("Statement", []) if isinstance(policy, dict) else [])
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
        "dynamodb:PutItem": {"ClickSessionsTable", "ConversionsTable", "RemarketingTable"},
    }


def test_the_postback_function_may_keep_writes_in_the_replay_queue():
    policies = STACK.functions["PostbackFunction"].properties["Policies"]
    assert {"SQSSendMessagePolicy": {"QueueName": {"Fn::GetAtt": ["ReplayQueue", "QueueName"]}}} in policies


def test_after_an_upgrade_the_readers_of_sessions_may_only_read_the_kept_table():
    upgraded = Stack(name="waymark-test", parameters={"PreviousSessionsTable": "old-sessions"})
    table = f"arn:aws:dynamodb:{upgraded.region}:{upgraded.account}:table/old-sessions"

    def on_the_kept_table(statements, stack) -> list[tuple[list, list]]:
        resolved = stack.resolve(decided(statements, stack))
        return [
            (listed(s["Action"]), listed(s["Resource"]))
            for s in resolved
            if any("old-sessions" in r for r in listed(s["Resource"]))
        ]

    postback = [
        s for p in upgraded.functions["PostbackFunction"].properties["Policies"] for s in p.get("Statement", [])
    ]
    console = upgraded.resources["PortalDataPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert on_the_kept_table(postback, upgraded) == [
        (["dynamodb:GetItem", "dynamodb:Query"], [table, f"{table}/index/ref-index"])
    ]
    assert on_the_kept_table(console, upgraded) == [(["dynamodb:Query"], [f"{table}/index/ref-index"])]
    # Without the parameter (a fresh stack) there is no such statement at all.
    assert on_the_kept_table(postback, STACK) == [] and on_the_kept_table(console, STACK) == []
