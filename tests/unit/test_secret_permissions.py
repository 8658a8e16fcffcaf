"""Secrets in template.yaml: environments name secrets and never hold them, and each function may
read exactly the secrets it uses (docs/architecture.md "Secrets")."""

import json

from tests.helpers.policies import decided, listed
from tests.helpers.stack import STACK
from waymark.core import signing_keys as keys

SECRETS = set(STACK.of_type("AWS::SecretsManager::Secret"))

# Who reads which key, and why (the code paths in waymark.core.signing_keys' callers).
EXPECTED_READS = {
    "ClickFunction": {"VisitorHashSecret"},  # the session's visitor hash
    "RemarketingLinkFunction": {"VisitorHashSecret", "EmailLinkKeysSecret"},  # offer-click sessions; link tokens
    "RemarketingPlannerFunction": {"WaymarkSecret"},  # email hashes and offer ids of planned sends
    "ErasureFunction": {"WaymarkSecret"},  # the email hash and offer ids of the customer it erases
    "RemarketingSenderFunction": {"EmailLinkKeysSecret"},  # signs the email's links
    # CSRF (and page cursors); the visitor hash keys the per-client attempt buckets (waymark.web.client_limits)
    "SignupFunction": {"WebKeysSecret", "VisitorHashSecret"},
    # the same, and a partner's sign-in address hash (waymark.partners.own_addresses)
    # and, for suppressions an operator adds, lifts or checks by address, the email hash
    "PortalFunction": {"WebKeysSecret", "VisitorHashSecret", "WaymarkSecret"},
    "ApiFunction": {"WebKeysSecret", "VisitorHashSecret", "WaymarkSecret"},
    "PartnerMailFunction": {"EmailLinkKeysSecret", "WaymarkSecret"},  # unsubscribe links; the suppression check
    "MailEventsFunction": {"WaymarkSecret"},  # a bounced or complaining address's hash, suppressed
    "PartnerPostbackFunction": {"PartnerPostbackHashSecret"},  # {order_ref}, a keyed hash of the sale
}
ENVIRONMENT_NAMES = {
    "VisitorHashSecret": keys.VISITOR_HASH_KEY,
    "WaymarkSecret": keys.REMARKETING_HASH_KEY,
    "EmailLinkKeysSecret": keys.EMAIL_LINK_KEYS,
    "WebKeysSecret": keys.WEB_KEYS,
    "PartnerPostbackHashSecret": keys.PARTNER_POSTBACK_HASH_KEY,
}


def secret_grants(logical_id: str) -> set[str]:
    """The secrets this function's policies let it read (SAM's policy template or a statement)."""
    granted = set()
    for policy in STACK.functions[logical_id].properties.get("Policies", []):
        if isinstance(policy, dict) and "AWSSecretsManagerGetSecretValuePolicy" in policy:
            granted.add(policy["AWSSecretsManagerGetSecretValuePolicy"]["SecretArn"]["Ref"])
        for statement in decided(policy.get("Statement", []) if isinstance(policy, dict) else []):
            assert not any("secretsmanager" in action for action in listed(statement["Action"])), logical_id
    return granted


def test_no_environment_holds_a_secret_value():
    for logical_id, spec in STACK.functions.items():
        for name, value in spec.properties.get("Environment", {}).get("Variables", {}).items():
            text = json.dumps(value)
            assert "resolve:secretsmanager" not in text and "resolve:ssm" not in text, (logical_id, name)
            if isinstance(value, dict) and value.get("Ref") in SECRETS:
                assert name == ENVIRONMENT_NAMES[value["Ref"]], (logical_id, name)  # the ARN, by its one name


def test_each_function_may_read_exactly_the_secrets_its_environment_names():
    for logical_id, spec in STACK.functions.items():
        variables = spec.properties.get("Environment", {}).get("Variables", {})
        named = {v["Ref"] for v in variables.values() if isinstance(v, dict) and v.get("Ref") in SECRETS}
        assert secret_grants(logical_id) == named == EXPECTED_READS.get(logical_id, set()), logical_id


def test_no_shared_policy_reads_secrets():
    for logical_id, policy in STACK.of_type("AWS::IAM::ManagedPolicy").items():
        assert "secretsmanager" not in json.dumps(policy), logical_id


def test_signing_keyrings_start_with_a_current_key_and_hashing_keys_are_their_own_secrets():
    for logical_id in ("VisitorHashSecret", "EmailLinkKeysSecret", "WebKeysSecret"):
        generate = STACK.resources[logical_id]["Properties"]["GenerateSecretString"]
        assert json.loads(generate["SecretStringTemplate"]) == {"current": generate["GenerateStringKey"]}
    assert set(ENVIRONMENT_NAMES) == SECRETS
