"""devstack.moto_fixes holds moto to DynamoDB's documented transaction and write semantics, and to
Cognito's for email verification codes."""

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.helpers.concurrency import all_at_once
from waymark.models import Session


@pytest.fixture
def table(aws):
    return Session.Meta.table_name


def key(click_id: str) -> dict:
    return {"ref_code": {"S": "REFCOD"}, "click_id": {"S": click_id}}  # the sessions table's whole key


def put(name, click_id, **extra):
    item = {**key(click_id), **{k: {"S": v} for k, v in extra.items()}}
    return {"Put": {"TableName": name, "Item": item, "ConditionExpression": "attribute_not_exists(click_id)"}}


def stream_records(stack) -> int:
    streams = boto3.client(
        "dynamodbstreams", region_name="eu-west-1", config=Config(account_id_endpoint_mode="disabled")
    )
    arn = stack.physical["ClickSessionsTable"]["StreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    return len(streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"])


def test_a_transaction_with_a_failed_condition_writes_nothing_and_streams_nothing(aws, table):
    dynamodb = boto3.client("dynamodb", region_name="eu-west-1")
    dynamodb.transact_write_items(TransactItems=[put(table, "a")])
    before = stream_records(aws)
    with pytest.raises(ClientError) as raised:
        dynamodb.transact_write_items(TransactItems=[put(table, "b"), put(table, "a"), put(table, "c")])
    reasons = [r["Code"] for r in raised.value.response["CancellationReasons"]]
    assert reasons == ["None", "ConditionalCheckFailed", "None"]
    assert sorted(i["click_id"]["S"] for i in dynamodb.scan(TableName=table)["Items"]) == ["a"]
    assert stream_records(aws) == before


def test_conditions_see_the_state_before_the_transaction(aws, table):
    dynamodb = boto3.client("dynamodb", region_name="eu-west-1")
    check = {
        "ConditionCheck": {
            "TableName": table,
            "Key": key("x"),
            "ConditionExpression": "attribute_exists(click_id)",
        }
    }
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(TransactItems=[put(table, "y"), check])
    assert dynamodb.scan(TableName=table)["Count"] == 0


def test_a_write_refused_half_way_is_undone_item_by_item(aws, table):
    dynamodb = boto3.client("dynamodb", region_name="eu-west-1")
    dynamodb.put_item(TableName=table, Item={**key("kept"), "link_code": {"S": "OLD"}})
    before = stream_records(aws)
    overwrite = {"Put": {"TableName": table, "Item": {**key("kept"), "link_code": {"S": "NEW"}}}}
    # An update adding a number to a string fails when applied, after the put went through.
    bad_update = {
        "Update": {
            "TableName": table,
            "Key": key("kept-too"),
            "UpdateExpression": "SET link_code = :n ADD bad :s",
            "ExpressionAttributeValues": {":n": {"S": "x"}, ":s": {"S": "not a number"}},
        }
    }
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(TransactItems=[overwrite, bad_update])
    items = {i["click_id"]["S"]: i for i in dynamodb.scan(TableName=table)["Items"]}
    assert items["kept"]["link_code"]["S"] == "OLD" and "kept-too" not in items
    assert stream_records(aws) == before


def test_concurrent_conditional_puts_store_exactly_one(aws, table):
    dynamodb = boto3.client("dynamodb", region_name="eu-west-1")
    outcomes = []

    def attempt() -> None:
        try:
            dynamodb.transact_write_items(TransactItems=[put(table, "same", n="1"), put(table, "other")])
            outcomes.append("stored")
        except ClientError:
            outcomes.append("refused")

    all_at_once(*[attempt] * 30)
    assert sorted(outcomes) == ["refused"] * 29 + ["stored"]
    assert dynamodb.scan(TableName=table)["Count"] == 2


def test_email_codes_are_checked_used_up_and_verify_the_address(aws):
    import os

    from devstack.control import email_codes
    from waymark.partners.accounts import user_pool_client_id

    cognito = boto3.client("cognito-idp", region_name="eu-west-1")
    pool = os.environ["USER_POOL_ID"]
    cognito.admin_create_user(
        UserPoolId=pool, Username="new@example.com", UserAttributes=[{"Name": "email", "Value": "new@example.com"}]
    )
    cognito.admin_set_user_password(
        UserPoolId=pool, Username="new@example.com", Password="Long-pass-123", Permanent=True
    )
    auth = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=user_pool_client_id(),
        AuthParameters={"USERNAME": "new@example.com", "PASSWORD": "Long-pass-123"},
    )
    token = auth["AuthenticationResult"]["AccessToken"]
    sent = cognito.get_user_attribute_verification_code(AccessToken=token, AttributeName="email")
    assert sent["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
    code = email_codes(aws)["new@example.com"]
    assert len(code) == 6 and code.isdigit()

    with pytest.raises(ClientError) as wrong:
        cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=f"{(int(code) + 1) % 10**6:06d}")
    assert wrong.value.response["Error"]["Code"] == "CodeMismatchException"
    cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    attributes = {a["Name"]: a["Value"] for a in cognito.get_user(AccessToken=token)["UserAttributes"]}
    assert attributes["email_verified"] == "true"
    with pytest.raises(ClientError) as again:  # a code works once
        cognito.verify_user_attribute(AccessToken=token, AttributeName="email", Code=code)
    assert again.value.response["Error"]["Code"] == "CodeMismatchException"
    assert "new@example.com" not in email_codes(aws)


def test_kms_keys_sign_and_encrypt_with_their_key_pair_made_on_first_use(aws):
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.kms.models import kms_backends

    kms = boto3.client("kms", region_name="eu-west-1")
    symmetric = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=symmetric, Plaintext=b"secret", EncryptionContext={"purpose": "test"})["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "test"})["Plaintext"] == b"secret"
    assert kms_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].keys[symmetric].private_key._key is None  # never made

    signing = kms.create_key(KeyUsage="SIGN_VERIFY", KeySpec="RSA_2048")["KeyMetadata"]["KeyId"]
    signed = kms.sign(KeyId=signing, Message=b"m", SigningAlgorithm="RSASSA_PSS_SHA_256")["Signature"]
    verify = {"KeyId": signing, "Message": b"m", "SigningAlgorithm": "RSASSA_PSS_SHA_256"}
    assert kms.verify(**verify, Signature=signed)["SignatureValid"]
    assert not kms.verify(**verify, Signature=signed[:-1] + bytes([signed[-1] ^ 1]))["SignatureValid"]


def test_user_pools_share_moto_s_one_signing_key_and_their_tokens_verify(aws):
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.core import DEFAULT_ACCOUNT_ID

    cognito = boto3.client("cognito-idp", region_name="eu-west-1")
    first, second = (cognito.create_user_pool(PoolName=name)["UserPool"]["Id"] for name in ("one", "two"))
    pools = cognitoidp_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].user_pools
    assert pools[first].json_web_key is pools[second].json_web_key
