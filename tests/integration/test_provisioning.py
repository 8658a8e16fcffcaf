"""The local stack creates what template.yaml declares, operations resources included."""

import boto3

from devstack.provision import PROVISIONED


def test_every_provisioned_type_gets_its_resources_created(aws):
    for logical_id, resource in aws.resources.items():
        if resource["Type"] in PROVISIONED and aws.included(logical_id):
            assert aws.physical.get(logical_id, {}).get("Ref"), logical_id


def test_the_alarm_topic_and_the_access_log_group_exist_with_the_templates_settings(aws):
    topics = [t["TopicArn"] for t in boto3.client("sns").list_topics()["Topics"]]
    assert aws.physical["AlarmTopic"]["Ref"] in topics
    name = aws.physical["ApiAccessLogGroup"]["Ref"]
    (group,) = boto3.client("logs").describe_log_groups(logGroupNamePrefix=name)["logGroups"]
    retention = aws.resolve(aws.resources["ApiAccessLogGroup"]["Properties"]["RetentionInDays"])
    assert group["retentionInDays"] == int(retention)
    assert aws.resolve({"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}) == group["arn"]


def test_the_exports_bucket_logs_its_access_and_the_secrets_key_exists(aws):
    logging = boto3.client("s3").get_bucket_logging(Bucket=aws.physical["ExportsBucket"]["Ref"])["LoggingEnabled"]
    assert logging == {"TargetBucket": aws.physical["ExportsAccessLogBucket"]["Ref"], "TargetPrefix": "exports/"}

    key = boto3.client("kms").describe_key(KeyId=aws.physical["AdvertiserSecretsKey"]["Arn"])["KeyMetadata"]
    assert key["Enabled"] and key["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert boto3.client("kms").get_key_rotation_status(KeyId=key["KeyId"])["KeyRotationEnabled"]


def _inventory() -> dict:
    """What the embedded AWS holds, by name and setting (ids and timestamps left out)."""
    dynamodb, sqs, cognito = boto3.client("dynamodb"), boto3.client("sqs"), boto3.client("cognito-idp")
    tables = {}
    for name in dynamodb.list_tables()["TableNames"]:
        table = dynamodb.describe_table(TableName=name)["Table"]
        tables[name] = (
            table["KeySchema"],
            sorted(index["IndexName"] for index in table.get("GlobalSecondaryIndexes", [])),
            table.get("StreamSpecification"),
            dynamodb.scan(TableName=name)["Count"],
        )
    queues = {}
    for url in sqs.list_queues()["QueueUrls"]:
        attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        queues[url] = {k: v for k, v in attributes.items() if not k.endswith("Timestamp")}
    (pool,) = cognito.list_user_pools(MaxResults=10)["UserPools"]
    secrets = boto3.client("secretsmanager")
    return {
        "tables": tables,
        "queues": queues,
        "users": cognito.list_users(UserPoolId=pool["Id"])["Users"],
        "groups": sorted(g["GroupName"] for g in cognito.list_groups(UserPoolId=pool["Id"])["Groups"]),
        "secrets": {
            s["Name"]: secrets.get_secret_value(SecretId=s["ARN"])["SecretString"]
            for s in secrets.list_secrets()["SecretList"]
        },
        "buckets": sorted(b["Name"] for b in boto3.client("s3").list_buckets()["Buckets"]),
        "keys": len(boto3.client("kms").list_keys()["Keys"]),
        "topics": sorted(t["TopicArn"] for t in boto3.client("sns").list_topics()["Topics"]),
        "rules": sorted(r["Name"] for r in boto3.client("events").list_rules()["Rules"]),
    }


def test_each_embedded_aws_holds_what_provisioning_made_and_nothing_a_test_wrote():
    """Later embedded AWSes are copies of the first one's provisioned state (tests/helpers/stack.py):
    the copy must equal that state and take nothing from the test before."""
    from tests.helpers.stack import embedded_aws

    with embedded_aws() as stack:
        provisioned = _inventory()
        table = stack.physical["LinksTable"]["Ref"]
        boto3.client("dynamodb").put_item(TableName=table, Item={"code": {"S": "left-behind"}})
        boto3.client("sqs").send_message(QueueUrl=stack.physical["ReplayQueue"]["QueueUrl"], MessageBody="left")
        pool = stack.physical["UserPool"]["Ref"]
        boto3.client("cognito-idp").admin_create_user(UserPoolId=pool, Username="left@example.com")
        boto3.client("secretsmanager").put_secret_value(
            SecretId=stack.physical["WaymarkSecret"]["Ref"], SecretString="changed"
        )
        assert _inventory() != provisioned
    with embedded_aws():
        assert _inventory() == provisioned
