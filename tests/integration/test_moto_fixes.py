"""devstack.moto_fixes holds moto to DynamoDB's documented transaction and write semantics."""

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.helpers.concurrency import all_at_once
from waymark.models import Session


@pytest.fixture
def table(aws):
    return Session.Meta.table_name


def put(name, click_id, **extra):
    item = {"click_id": {"S": click_id}, **{k: {"S": v} for k, v in extra.items()}}
    return {"Put": {"TableName": name, "Item": item, "ConditionExpression": "attribute_not_exists(click_id)"}}


def stream_records(stack) -> int:
    streams = boto3.client(
        "dynamodbstreams", region_name="eu-west-1", config=Config(account_id_endpoint_mode="disabled")
    )
    arn = stack.physical["SessionsTable"]["StreamArn"]
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
            "Key": {"click_id": {"S": "x"}},
            "ConditionExpression": "attribute_exists(click_id)",
        }
    }
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(TransactItems=[put(table, "y"), check])
    assert dynamodb.scan(TableName=table)["Count"] == 0


def test_a_write_refused_half_way_is_undone_item_by_item(aws, table):
    dynamodb = boto3.client("dynamodb", region_name="eu-west-1")
    dynamodb.put_item(TableName=table, Item={"click_id": {"S": "kept"}, "ref_code": {"S": "OLD"}})
    before = stream_records(aws)
    overwrite = {"Put": {"TableName": table, "Item": {"click_id": {"S": "kept"}, "ref_code": {"S": "NEW"}}}}
    # An update adding a number to a string fails when applied, after the put went through.
    bad_update = {
        "Update": {
            "TableName": table,
            "Key": {"click_id": {"S": "kept-too"}},
            "UpdateExpression": "SET ref_code = :n ADD bad :s",
            "ExpressionAttributeValues": {":n": {"S": "x"}, ":s": {"S": "not a number"}},
        }
    }
    with pytest.raises(ClientError):
        dynamodb.transact_write_items(TransactItems=[overwrite, bad_update])
    items = {i["click_id"]["S"]: i for i in dynamodb.scan(TableName=table)["Items"]}
    assert items["kept"]["ref_code"]["S"] == "OLD" and "kept-too" not in items
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
