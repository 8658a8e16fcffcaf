"""Who may read the config table's partitions, as template.yaml grants it: advertisers' items (with
their HMAC secrets, encrypted) are read whole only by the postback, which verifies them."""

from tests.helpers.policies import decided, listed, resource_name
from tests.helpers.stack import STACK

READS = {"dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:BatchGetItem", "dynamodb:*"}


def statements_of(function: str) -> list[dict]:
    found = []
    for policy in STACK.functions[function].properties.get("Policies", []):
        if isinstance(policy, dict) and "Ref" in policy:
            found += decided(listed(STACK.resources[policy["Ref"]]["Properties"]["PolicyDocument"]["Statement"]))
        elif isinstance(policy, dict):
            found += decided(policy.get("Statement", []))
    return found


def config_reads(function: str) -> list[dict]:
    return [
        statement
        for statement in statements_of(function)
        if set(listed(statement["Action"])) & READS
        and any(resource_name(r).startswith("ConfigTable") for r in listed(statement["Resource"]))
    ]


def test_every_config_read_names_the_partitions_it_may_read():
    for function in STACK.functions:
        for statement in config_reads(function):
            condition = statement.get("Condition", {})
            leading = [keys["dynamodb:LeadingKeys"] for keys in condition.values() if "dynamodb:LeadingKeys" in keys]
            assert leading, f"{function} reads the config table without dynamodb:LeadingKeys: {statement}"


def test_only_the_postback_reads_advertisers_items_whole():
    whole = set()
    for function in STACK.functions:
        for statement in config_reads(function):
            condition = statement.get("Condition", {})
            leading = [k for keys in condition.values() for k in listed(keys.get("dynamodb:LeadingKeys", []))]
            limited = any("dynamodb:Attributes" in keys for keys in condition.values())
            if (not leading or any(k.startswith("ADVERTISER") for k in leading)) and not limited:
                whole.add(function)
    assert whole == {"PostbackFunction"}
