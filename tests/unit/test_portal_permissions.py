"""The portal and API functions get exactly the access their pages and routes use (PortalDataPolicy)."""

import json

from tests.helpers.policies import decided, grants, listed, resource_name
from tests.helpers.stack import STACK


def policy_grants(policy: str = "PortalDataPolicy") -> dict[str, set[str]]:
    """action -> resources (tables, indexes, bucket objects) the policy allows it on."""
    statements = decided(STACK.resources[policy]["Properties"]["PolicyDocument"]["Statement"])
    assert all(statement["Effect"] == "Allow" for statement in statements)
    return grants(statements)


def test_the_portal_policy_is_least_privilege():
    assert policy_grants() == {
        "dynamodb:GetItem": {
            "AgentsTable",
            "LinksTable",
            "ConfigTable",
            "StatsTable",
            "ConversionsTable",
        },  # config: below
        "dynamodb:Query": {
            "AgentsTable/index/program-status-index",
            "LinksTable/index/agent-index",
            "ClickSessionsTable",  # an offline sale's reference code names a session, as in a postback
            "StatsTable",
            "ConversionsTable/index/agent-index",
            "ConversionsTable/index/program-index",
            "ConfigTable",  # a program's partition only (remarketing configuration): see the next test
        },
        "dynamodb:BatchGetItem": {"StatsTable", "AgentsTable", "LinksTable"},
        # statuses, profiles, decisions; the program's remarketing flag
        "dynamodb:UpdateItem": {"AgentsTable", "LinksTable", "ConversionsTable", "ConfigTable"},
        # ConversionsTable: offline sales from the console; ClickSessionsTable: an operator's inside-sales visit
        "dynamodb:PutItem": {"LinksTable", "ConfigTable", "ConversionsTable", "ClickSessionsTable"},
        "dynamodb:DeleteItem": {"ConfigTable"},
        "s3:PutObject": {"ExportsBucket/*"},
        "s3:AbortMultipartUpload": {"ExportsBucket/*"},
        "s3:GetObject": {"ExportsBucket/*"},  # presigned links act with the signer's rights
        "cognito-idp:DescribeUserPool": {"UserPool"},  # the password policy the password pages name
    }
    assert "dynamodb:Scan" not in policy_grants()


PROGRAM_ACTIONS = ("GetItem", "Query", "PutItem", "DeleteItem", "UpdateItem")


def test_config_reads_and_writes_are_limited_to_program_partitions_and_operators_own_settings():
    document = STACK.resources["PortalDataPolicy"]["Properties"]["PolicyDocument"]
    partitions = []
    for statement in decided(document["Statement"]):
        config = [r for r in listed(statement["Resource"]) if resource_name(r) == "ConfigTable"]
        if config:
            (keys,) = statement["Condition"]["ForAllValues:StringLike"].values()
            partitions.append((tuple(keys), tuple(sorted(listed(statement["Action"])))))
    program_actions = tuple(sorted(f"dynamodb:{a}" for a in PROGRAM_ACTIONS))
    assert sorted(partitions) == [
        (("OPERATOR#*",), ("dynamodb:GetItem", "dynamodb:PutItem")),  # an operator's time zone (programs.time_zones)
        (("PROGRAM#*",), program_actions),
    ]  # never the advertisers' partitions, whose secrets the partner pages must not read


def test_both_web_functions_use_it_and_know_the_exports_bucket():
    for function in ("PortalFunction", "ApiFunction"):
        spec = STACK.functions[function]
        assert {"Ref": "PortalDataPolicy"} in spec.properties["Policies"]
        assert spec.properties["Environment"]["Variables"]["EXPORTS_BUCKET"] == {"Ref": "ExportsBucket"}


def test_the_console_set_up_policy_is_least_privilege():
    assert policy_grants("ConsoleSetupPolicy") == {
        "dynamodb:Query": {
            "ConfigTable/index/listing-index",  # programs and a program's advertisers
            "AgentsTable/index/program-email-index",  # a partner added by hand repeats no email
            "MailLogTable",  # the send log, by day
        },
        # advertisers' items only, without their secrets: see below; suppressions (EMAIL# items only)
        "dynamodb:GetItem": {"ConfigTable", "RemarketingTable"},
        # advertisers' items only (see below); partners by hand; suppressions by hand (EMAIL# only)
        "dynamodb:PutItem": {"ConfigTable", "AgentsTable", "RemarketingTable"},
        "dynamodb:UpdateItem": {"ConfigTable"},
        # an applicant and its default link; a suppression lifted (EMAIL# only)
        "dynamodb:DeleteItem": {"AgentsTable", "LinksTable", "RemarketingTable"},
        # a customer's erasure, done by ErasureFunction; a declined partner's email, by PartnerMailFunction
        "sqs:SendMessage": {"ErasureQueue", "PartnerMailQueue"},
        "kms:Encrypt": {"AdvertiserSecretsKey"},  # new and rotated HMAC secrets; never kms:Decrypt
        "cognito-idp:ListUsersInGroup": {"UserPool"},
        "cognito-idp:AdminCreateUser": {"UserPool"},
        "cognito-idp:AdminAddUserToGroup": {"UserPool"},
        "cognito-idp:AdminDeleteUser": {"UserPool"},
        # a partner's export names its login; the gate: has this operator its authenticator app?
        "cognito-idp:AdminGetUser": {"UserPool"},
        "cognito-idp:AdminListGroupsForUser": {"UserPool"},
        "cognito-idp:AdminSetUserMFAPreference": {"UserPool"},  # another operator's reset of a lost one
    }
    document = STACK.resources["ConsoleSetupPolicy"]["Properties"]["PolicyDocument"]
    for statement in decided(document["Statement"]):
        on_config = any(resource_name(r) == "ConfigTable" for r in listed(statement["Resource"]))
        if on_config and set(listed(statement["Action"])) & {"dynamodb:PutItem", "dynamodb:UpdateItem"}:
            assert statement["Condition"] == {
                "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["ADVERTISER#*"]},
                "StringEqualsIfExists": {"dynamodb:ReturnValues": "NONE"},  # no item comes back
            }
        if any(resource_name(r) == "RemarketingTable" for r in listed(statement["Resource"])):
            # suppressions and daily marks only: never a customer's bookings or sends
            assert statement["Condition"] == {"ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["EMAIL#*"]}}
    users = [
        name for name, spec in STACK.functions.items() if {"Ref": "ConsoleSetupPolicy"} in spec.properties["Policies"]
    ]
    assert sorted(users) == ["ApiFunction", "PortalFunction"]


def test_the_console_reaches_only_the_rates_partition_through_its_rates_policy():
    assert policy_grants("ConsoleRatesPolicy") == {
        action: {"ConfigTable"}
        for action in ("dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem", "dynamodb:DeleteItem")
    }
    document = STACK.resources["ConsoleRatesPolicy"]["Properties"]["PolicyDocument"]
    assert [statement["Condition"] for statement in decided(document["Statement"])] == [
        {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["RATES"]}}
    ]
    users = [
        name for name, spec in STACK.functions.items() if {"Ref": "ConsoleRatesPolicy"} in spec.properties["Policies"]
    ]
    assert sorted(users) == ["ApiFunction", "PortalFunction"]


def test_the_console_reads_advertisers_attributes_the_code_names_and_never_their_secrets():
    from waymark.conversions.advertisers import CONSOLE_ATTRIBUTES

    document = STACK.resources["ConsoleSetupPolicy"]["Properties"]["PolicyDocument"]
    reads = [
        statement
        for statement in decided(document["Statement"])
        if set(listed(statement["Action"])) & {"dynamodb:GetItem", "dynamodb:Query"}
        and "ADVERTISER" in json.dumps(statement.get("Condition", {}))
    ]
    assert len(reads) == 2  # the item, and a program's advertisers on listing-index
    for statement in reads:
        condition = statement["Condition"]
        assert condition["ForAllValues:StringEquals"]["dynamodb:Attributes"] == list(CONSOLE_ATTRIBUTES)
        assert condition["StringEqualsIfExists"] == {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"}
    assert not {"hmac_secret", "previous_hmac_secret"} & set(CONSOLE_ATTRIBUTES)
    programs = [
        s
        for s in decided(document["Statement"])
        if s.get("Condition", {}).get("ForAllValues:StringEquals", {}).get("dynamodb:LeadingKeys")
    ]
    assert [s["Condition"]["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"] for s in programs] == [["PROGRAMS"]]


def test_the_console_reads_the_postback_log_and_writes_only_test_clicks():
    assert policy_grants("ConsoleIntegrationPolicy") == {
        "dynamodb:Query": {"PostbackLogTable"},
        "dynamodb:PutItem": {"ClickSessionsTable"},
        # the test conversion signs with the advertiser's test secret only (below), decrypted
        "dynamodb:GetItem": {"ConfigTable"},
        "kms:Decrypt": {"AdvertiserSecretsKey"},
    }
    from waymark.conversions.advertisers import TEST_SIGNING_ATTRIBUTES

    document = STACK.resources["ConsoleIntegrationPolicy"]["Properties"]["PolicyDocument"]
    (read,) = [s for s in decided(document["Statement"]) if s["Action"] == "dynamodb:GetItem"]
    assert read["Condition"] == {
        "ForAllValues:StringLike": {"dynamodb:LeadingKeys": ["ADVERTISER#*"]},
        "ForAllValues:StringEquals": {"dynamodb:Attributes": list(TEST_SIGNING_ATTRIBUTES)},
        "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
    }
    assert not {"hmac_secret", "previous_hmac_secret"} & set(TEST_SIGNING_ATTRIBUTES)
    (decrypt,) = [s for s in decided(document["Statement"]) if s["Action"] == "kms:Decrypt"]
    assert decrypt["Condition"] == {"StringEquals": {"kms:EncryptionContext:purpose": "test"}}
    users = [
        name
        for name, spec in STACK.functions.items()
        if {"Ref": "ConsoleIntegrationPolicy"} in spec.properties["Policies"]
    ]
    assert sorted(users) == ["ApiFunction", "PortalFunction"]
    log_writers = [
        name
        for name, spec in STACK.functions.items()
        for policy in spec.properties["Policies"]
        if isinstance(policy, dict)
        for statement in decided(policy.get("Statement", []))
        if "PostbackLogTable" in str(statement["Resource"])
    ]
    assert log_writers == ["PostbackFunction"]
