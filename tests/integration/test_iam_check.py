"""The IAM check is on for every invocation: a call the function's deployed role refuses is refused here."""

import pytest

from tests.helpers.events import click_event
from tests.helpers.iam import decide
from waymark.conversions.advertisers import CONSOLE_ATTRIBUTES, TEST_SIGNING_ATTRIBUTES
from waymark.models import Advertiser, advertisers_listing


def test_a_call_the_role_does_not_allow_is_refused_as_aws_refuses_it(runtime, shop, iam_check, monkeypatch):
    roles = iam_check.roles
    without_reads = [s for s in roles.statements("ClickFunction") if not s.actions.match("dynamodb:GetItem")]
    monkeypatch.setattr(roles, "_compile", lambda function: without_reads)
    monkeypatch.setitem(roles._compiled, "ClickFunction", without_reads)

    runtime.invoke("ClickFunction", click_event(shop.link.code))
    refusals = list(iam_check.refusals)
    iam_check.refusals.clear()  # the refusal is this test's subject, not a failure of it

    assert refusals, "the click's GetItem on LinksTable went through a role that does not allow it"
    links = runtime.stack.physical["LinksTable"]["Arn"]
    assert refusals[0].startswith(f"ClickFunction may not dynamodb:GetItem on {links}")
    assert "no statement allows it" in refusals[0]


def test_calls_outside_an_invocation_are_not_checked(shop, iam_check):
    from waymark.models import Link

    assert Link.get(shop.link.code).code == shop.link.code  # test set-up reads what no role grants it
    assert iam_check.refusals == []


# ---------------------------------------------------------------- the config table's secrets
def decision(iam_check, function: str, operation: str, params: dict, service: str = "dynamodb"):
    """What `function`'s deployed role answers `operation` with `params` (on the stack as provisioned now)."""
    (request,) = iam_check.mapper.requests(service, operation, params)
    request.context.setdefault("aws:securetransport", ["true"])
    return decide(iam_check.roles.statements(function, fresh=True), request)


def config_get(pk: str, sk: str, attributes: list[str] | None = None) -> dict:
    params = {"TableName": Advertiser.Meta.table_name, "Key": {"pk": {"S": pk}, "sk": {"S": sk}}}
    if attributes is not None:
        params["ProjectionExpression"] = ", ".join(f"#a{n}" for n in range(len(attributes)))
        params["ExpressionAttributeNames"] = {f"#a{n}": name for n, name in enumerate(attributes)}
    return params


def listing_query(program_id: str, attributes: list[str] | None = None) -> dict:
    params = {
        "TableName": Advertiser.Meta.table_name,
        "IndexName": "listing-index",
        "KeyConditionExpression": "#l = :l",
        "ExpressionAttributeNames": {"#l": "listed_in"},
        "ExpressionAttributeValues": {":l": {"S": advertisers_listing(program_id)}},
    }
    if attributes is not None:
        params["ProjectionExpression"] = ", ".join(f"#a{n}" for n in range(len(attributes)))
        params["ExpressionAttributeNames"].update({f"#a{n}": name for n, name in enumerate(attributes)})
    return params


@pytest.mark.parametrize("function", ["PortalFunction", "ApiFunction"])
def test_the_web_roles_read_advertisers_without_their_secrets_but_for_the_test_conversion(aws, iam_check, function):
    shown = list(CONSOLE_ATTRIBUTES)
    assert decision(iam_check, function, "GetItem", config_get("ADVERTISER#shop", "ADVERTISER", shown)).allowed
    assert decision(iam_check, function, "Query", listing_query("p1", shown)).allowed
    assert decision(iam_check, function, "GetItem", config_get("PROGRAM#p1", "PROGRAM")).allowed  # no secrets

    whole = decision(iam_check, function, "GetItem", config_get("ADVERTISER#shop", "ADVERTISER"))
    assert not whole.allowed and whole.reason == "no statement allows it"
    for secret in ("hmac_secret", "previous_hmac_secret"):
        assert not decision(iam_check, function, "Query", listing_query("p1", [*shown, secret])).allowed
        assert not decision(
            iam_check, function, "GetItem", config_get("ADVERTISER#s", "ADVERTISER", [*shown, secret])
        ).allowed
    # The test conversion signs with the test secret: that one, with nothing else it does not need.
    signing = list(TEST_SIGNING_ATTRIBUTES)
    assert decision(iam_check, function, "GetItem", config_get("ADVERTISER#s", "ADVERTISER", signing)).allowed
    for secret in ("hmac_secret", "previous_hmac_secret"):
        real = [*signing, secret]
        assert not decision(iam_check, function, "GetItem", config_get("ADVERTISER#s", "ADVERTISER", real)).allowed
    assert not decision(iam_check, function, "Query", listing_query("p1")).allowed  # the index's full projection
    assert not decision(iam_check, function, "Scan", {"TableName": Advertiser.Meta.table_name}).allowed

    update = {**config_get("ADVERTISER#shop", "ADVERTISER"), "UpdateExpression": "SET #n = :n"}
    update["ExpressionAttributeNames"], update["ExpressionAttributeValues"] = {"#n": "name"}, {":n": {"S": "x"}}
    assert decision(iam_check, function, "UpdateItem", update).allowed
    assert not decision(iam_check, function, "UpdateItem", {**update, "ReturnValues": "ALL_NEW"}).allowed

    key = {"KeyId": iam_check.stack.physical["AdvertiserSecretsKey"]["Arn"]}
    assert decision(iam_check, function, "Encrypt", {**key, "Plaintext": b"s"}, service="kms").allowed


def test_only_the_postback_decrypts_real_secrets_and_the_console_only_test_secrets(aws, iam_check):
    key = {"KeyId": iam_check.stack.physical["AdvertiserSecretsKey"]["Arn"], "CiphertextBlob": b"c"}
    real = {**key, "EncryptionContext": {"advertiser_id": "shop"}}
    test = {**key, "EncryptionContext": {"advertiser_id": "shop", "purpose": "test"}}

    def decrypting(params: dict) -> list[str]:
        return sorted(f for f in iam_check.stack.functions if decision(iam_check, f, "Decrypt", params, "kms").allowed)

    assert decrypting(real) == ["PostbackFunction"]
    assert decrypting(key) == ["PostbackFunction"]  # no context: no purpose either
    assert decrypting({**key, "EncryptionContext": {"advertiser_id": "shop", "purpose": "live"}}) == [
        "PostbackFunction"
    ]
    assert decrypting(test) == ["ApiFunction", "PortalFunction", "PostbackFunction"]
    assert decision(iam_check, "PostbackFunction", "GetItem", config_get("ADVERTISER#shop", "ADVERTISER")).allowed
