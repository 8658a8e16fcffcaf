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
