"""Creates the template's resources in moto: tables (keys, indexes, TTL, streams), queues,
the exports bucket and its access log bucket, the Cognito user pool, the SES sender, the secrets (keys generated as the
template's GenerateSecretString asks), the alarm topic and the access log group.
NOT_PROVISIONED names the types it leaves out, and why.

Works against moto's server (AWS_ENDPOINT_URL set) and its in-process mock alike, because
it only speaks boto3. Nothing here is hand-listed: every resource comes from template.yaml.
"""

from __future__ import annotations

import json
import os
import secrets

import boto3

from devstack.template import NoValue, Stack

# Resource types provision() creates (or, for functions and the HTTP API, gives local ids).
PROVISIONED = frozenset(
    {
        "AWS::SecretsManager::Secret",
        "AWS::KMS::Key",
        "AWS::DynamoDB::Table",
        "AWS::SQS::Queue",
        "AWS::S3::Bucket",
        "AWS::S3::BucketPolicy",
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolClient",
        "AWS::Cognito::UserPoolGroup",
        "AWS::SES::EmailIdentity",
        "AWS::SNS::Topic",
        "AWS::SNS::Subscription",
        "AWS::Logs::LogGroup",
        "AWS::Serverless::Function",
        "AWS::Serverless::HttpApi",
        "AWS::Events::EventBus",
        "AWS::Events::Rule",
    }
)

# Types the local stack leaves out. A type in template.yaml that is in neither set fails
# tests/unit/test_operations.py, so each new kind of resource gets a decision here.
_NO_WEBHOOK = "moto never calls an API destination; locally merchants read events through a rule to SQS"
_NO_DOMAIN = "the local gateway answers on localhost: no certificate, custom domain or DNS"
NOT_PROVISIONED = {
    "AWS::Serverless::LayerVersion": "the local runtime imports shared/ and the .venv packages directly",
    "AWS::IAM::ManagedPolicy": "moto does not enforce IAM",
    "AWS::SQS::QueuePolicy": "it lets EventBridge deliver failed schedules; nothing delivers through it locally",
    "AWS::CloudWatch::Alarm": "moto never evaluates alarms; tests/unit/test_operations.py checks them",
    "Custom::WaymarkBootstrap": "the local stack runs the same bootstrap code itself (devstack/local.py)",
    "AWS::CloudWatch::Dashboard": "it only draws CloudWatch metrics; locally metrics are in the functions' log lines",
    "AWS::ApiGatewayV2::DomainName": _NO_DOMAIN,
    "AWS::ApiGatewayV2::ApiMapping": _NO_DOMAIN,
    "AWS::Route53::RecordSetGroup": _NO_DOMAIN,
    # Only with MerchantWebhookUrl, and a local stack has no merchant on the internet.
    "AWS::Events::Connection": _NO_WEBHOOK,
    "AWS::Events::ApiDestination": _NO_WEBHOOK,
    "AWS::IAM::Role": "moto does not enforce IAM (the role only lets EventBridge call the merchant's webhook)",
}


def provision(stack: Stack) -> None:
    """Create every supported resource of `stack` and record its physical ids on `stack.physical`."""
    clients = _Clients(stack.region)
    for logical_id, resource in stack.of_type("AWS::SecretsManager::Secret").items():
        _secret(stack, clients, logical_id, resource)
    for logical_id, resource in stack.of_type("AWS::KMS::Key").items():
        _kms_key(stack, clients, logical_id, resource)
    for logical_id, resource in stack.of_type("AWS::DynamoDB::Table").items():
        _table(stack, clients, logical_id, resource)
    queues = stack.of_type("AWS::SQS::Queue")
    # Dead-letter queues first: their ARNs go into the other queues' redrive policies.
    for logical_id, resource in sorted(queues.items(), key=lambda kv: "RedrivePolicy" in kv[1].get("Properties", {})):
        _queue(stack, clients, logical_id, resource)
    for logical_id, resource in stack.of_type("AWS::S3::Bucket").items():
        _bucket(stack, clients, logical_id, resource)
    for logical_id, resource in stack.of_type("AWS::S3::BucketPolicy").items():
        props = stack.resolve(resource["Properties"])
        policy = _local_bucket_policy(props["PolicyDocument"])
        if policy["Statement"]:
            clients.s3.put_bucket_policy(Bucket=props["Bucket"], Policy=json.dumps(policy))
        stack.physical[logical_id] = {"Ref": props["Bucket"]}
    # Access logging names its target bucket, which must exist (and allow delivery) first.
    for logical_id, resource in stack.of_type("AWS::S3::Bucket").items():
        logging = stack.resolve(resource.get("Properties", {})).get("LoggingConfiguration")
        if logging:
            target = {
                "TargetBucket": logging["DestinationBucketName"],
                "TargetPrefix": logging.get("LogFilePrefix", ""),
            }
            clients.s3.put_bucket_logging(
                Bucket=stack.physical[logical_id]["Ref"], BucketLoggingStatus={"LoggingEnabled": target}
            )
    for logical_id, resource in stack.of_type("AWS::Cognito::UserPool").items():
        _user_pool(stack, clients, logical_id, resource)
    for logical_id, resource in stack.of_type("AWS::Cognito::UserPoolClient").items():
        props = stack.resolve(resource["Properties"])
        created = clients.cognito.create_user_pool_client(
            UserPoolId=props["UserPoolId"],
            ClientName=stack.local_name(logical_id),
            GenerateSecret=bool(props.get("GenerateSecret", False)),
            ExplicitAuthFlows=props.get("ExplicitAuthFlows", []),
        )["UserPoolClient"]
        stack.physical[logical_id] = {"Ref": created["ClientId"], "ClientId": created["ClientId"]}
    for logical_id, resource in stack.of_type("AWS::Cognito::UserPoolGroup").items():
        props = stack.resolve(resource["Properties"])
        clients.cognito.create_group(
            GroupName=props["GroupName"],
            UserPoolId=props["UserPoolId"],
            Description=props.get("Description", ""),
        )
        stack.physical[logical_id] = {"Ref": props["GroupName"]}
    for logical_id, resource in stack.of_type("AWS::SES::EmailIdentity").items():
        identity = stack.resolve(resource["Properties"])["EmailIdentity"]
        clients.ses.verify_email_identity(EmailAddress=identity)
        stack.physical[logical_id] = {"Ref": identity}
    for logical_id, resource in stack.of_type("AWS::SNS::Topic").items():
        props = stack.resolve(resource.get("Properties", {}))
        name = props.get("TopicName") or stack.local_name(logical_id)
        arn = clients.sns.create_topic(Name=name)["TopicArn"]
        stack.physical[logical_id] = {"Ref": arn, "TopicArn": arn, "TopicName": name}
    for logical_id, resource in stack.of_type("AWS::SNS::Subscription").items():
        props = stack.resolve(resource["Properties"])
        subscription = clients.sns.subscribe(
            TopicArn=props["TopicArn"], Protocol=props["Protocol"], Endpoint=props["Endpoint"]
        )
        stack.physical[logical_id] = {"Ref": subscription["SubscriptionArn"]}
    for logical_id, resource in stack.of_type("AWS::Logs::LogGroup").items():
        _log_group(stack, clients, logical_id, resource)
    for logical_id, resource in stack.of_type("AWS::Events::EventBus").items():
        name = stack.resolve(resource["Properties"])["Name"]
        arn = clients.events.create_event_bus(Name=name)["EventBusArn"]
        stack.physical[logical_id] = {"Ref": name, "Arn": arn, "Name": name}
    for logical_id, resource in stack.of_type("AWS::Events::Rule").items():
        _rule(stack, clients, logical_id, resource)
    for logical_id in stack.functions:
        arn = f"arn:aws:lambda:{stack.region}:{stack.account}:function:{stack.local_name(logical_id)}"
        stack.physical[logical_id] = {"Ref": stack.local_name(logical_id), "Arn": arn}
    for logical_id in stack.of_type("AWS::Serverless::HttpApi"):
        stack.physical[logical_id] = {"Ref": "local"}


class _Clients:
    """boto3 clients by short name, made once per process (tests provision many times)."""

    _cache: dict[tuple[str, str, str | None], object] = {}

    def __init__(self, region: str) -> None:
        self.region = region

    def __getattr__(self, name: str):
        service = {"cognito": "cognito-idp", "secrets": "secretsmanager"}.get(name, name)
        key = (service, self.region, os.environ.get("AWS_ENDPOINT_URL"))
        if key not in self._cache:
            self._cache[key] = boto3.client(service, region_name=self.region)
        return self._cache[key]


def _secret(stack: Stack, clients: _Clients, logical_id: str, resource: dict) -> None:
    props = stack.resolve(resource.get("Properties", {}))
    generate = props.get("GenerateSecretString", {})
    length = int(generate.get("PasswordLength", 48))
    value = secrets.token_urlsafe(length)[:length]
    if "GenerateStringKey" in generate:  # a JSON secret: the template's object plus the generated key
        value = json.dumps({**json.loads(generate["SecretStringTemplate"]), generate["GenerateStringKey"]: value})
    created = clients.secrets.create_secret(Name=stack.local_name(logical_id), SecretString=value)
    stack.physical[logical_id] = {"Ref": created["ARN"], "Id": created["ARN"]}
    for ref in (created["ARN"], created["Name"]):
        stack.dynamic_references[f"{{{{resolve:secretsmanager:{ref}:SecretString}}}}"] = value


def _kms_key(stack: Stack, clients: _Clients, logical_id: str, resource: dict) -> None:
    props = stack.resolve(resource.get("Properties", {}))
    created = clients.kms.create_key(
        Description=props.get("Description", logical_id), KeyUsage=props.get("KeyUsage", "ENCRYPT_DECRYPT")
    )["KeyMetadata"]
    if props.get("EnableKeyRotation"):
        clients.kms.enable_key_rotation(KeyId=created["KeyId"])
    stack.physical[logical_id] = {"Ref": created["KeyId"], "KeyId": created["KeyId"], "Arn": created["Arn"]}


def _table(stack: Stack, clients: _Clients, logical_id: str, resource: dict) -> None:
    props = stack.resolve(resource["Properties"])
    name = props.get("TableName") or stack.local_name(logical_id)
    request = {
        "TableName": name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": props.get("BillingMode", "PROVISIONED"),
    }
    if request["BillingMode"] == "PROVISIONED":
        request["ProvisionedThroughput"] = props["ProvisionedThroughput"]
    if props.get("GlobalSecondaryIndexes"):
        request["GlobalSecondaryIndexes"] = [
            {k: v for k, v in index.items() if k in ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput")}
            for index in props["GlobalSecondaryIndexes"]
        ]
    if props.get("StreamSpecification"):
        request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    description = clients.dynamodb.create_table(**request)["TableDescription"]
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        clients.dynamodb.update_time_to_live(
            TableName=name, TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True}
        )
    pitr = props.get("PointInTimeRecoverySpecification", {})
    if pitr.get("PointInTimeRecoveryEnabled"):
        clients.dynamodb.update_continuous_backups(
            TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
        )
    stack.physical[logical_id] = {"Ref": name, "Arn": description["TableArn"]}
    if "LatestStreamArn" in description:
        stack.physical[logical_id]["StreamArn"] = description["LatestStreamArn"]


def _queue(stack: Stack, clients: _Clients, logical_id: str, resource: dict) -> None:
    props = stack.resolve(resource.get("Properties", {}))
    name = props.get("QueueName") or stack.local_name(logical_id)
    attributes = {
        key: str(props[key]) for key in ("MessageRetentionPeriod", "VisibilityTimeout", "DelaySeconds") if key in props
    }
    if "RedrivePolicy" in props:
        attributes["RedrivePolicy"] = json.dumps(props["RedrivePolicy"])
    url = clients.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = clients.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    stack.physical[logical_id] = {"Ref": url, "Arn": arn, "QueueName": name, "QueueUrl": url}


def _rule(stack: Stack, clients: _Clients, logical_id: str, resource: dict) -> None:
    """A rule with an event pattern on a bus; its SQS targets are put (moto delivers to them on PutEvents).
    Schedules are the local stack's own (functions' Schedule events); other targets are not called locally."""
    props = stack.resolve(resource["Properties"])
    if "EventPattern" not in props:
        return
    name = props.get("Name") or stack.local_name(logical_id)
    bus = props.get("EventBusName", "default")
    arn = clients.events.put_rule(Name=name, EventBusName=bus, EventPattern=json.dumps(props["EventPattern"]))[
        "RuleArn"
    ]
    targets = [{"Id": t["Id"], "Arn": t["Arn"]} for t in props.get("Targets", []) if ":sqs:" in t["Arn"]]
    if targets:
        clients.events.put_targets(Rule=name, EventBusName=bus, Targets=targets)
    stack.physical[logical_id] = {"Ref": name, "Arn": arn}


def _log_group(stack: Stack, clients: _Clients, logical_id: str, resource: dict) -> None:
    props = stack.resolve(resource.get("Properties", {}))
    name = props.get("LogGroupName") or stack.local_name(logical_id)
    clients.logs.create_log_group(logGroupName=name)
    if "RetentionInDays" in props:
        clients.logs.put_retention_policy(logGroupName=name, retentionInDays=int(props["RetentionInDays"]))
    arn = f"arn:aws:logs:{stack.region}:{stack.account}:log-group:{name}"
    stack.physical[logical_id] = {"Ref": name, "Arn": f"{arn}:*"}


def _bucket(stack: Stack, clients: _Clients, logical_id: str, resource: dict) -> None:
    props = stack.resolve(resource.get("Properties", {}))
    name = props.get("BucketName") or stack.local_name(logical_id).lower()
    if stack.region == "us-east-1":
        clients.s3.create_bucket(Bucket=name)
    else:
        clients.s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": stack.region})
    if "BucketEncryption" in props:
        # CloudFormation spells the rule's key differently from the S3 API.
        rules = [
            {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
            for rule in props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        ]
        clients.s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
    if "PublicAccessBlockConfiguration" in props:
        clients.s3.put_public_access_block(
            Bucket=name, PublicAccessBlockConfiguration=props["PublicAccessBlockConfiguration"]
        )
    if "LifecycleConfiguration" in props:
        rules = []
        for rule in props["LifecycleConfiguration"]["Rules"]:
            out = {
                "ID": rule.get("Id", "rule"),
                "Status": rule["Status"],
                "Filter": {"Prefix": rule.get("Prefix", "")},
            }
            if "ExpirationInDays" in rule:
                out["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
            if "AbortIncompleteMultipartUpload" in rule:
                days = int(rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"])
                out["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days}
            rules.append(out)
        clients.s3.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
    stack.physical[logical_id] = {
        "Ref": name,
        "Arn": f"arn:aws:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
    }


def _local_bucket_policy(document: dict) -> dict:
    """The policy without statements conditioned on aws:SecureTransport: moto cannot tell the transport
    (the local endpoint is plain HTTP) and would apply such a Deny to every request."""
    statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
    kept = [s for s in statements if "aws:SecureTransport" not in json.dumps(s.get("Condition", {}))]
    return {**document, "Statement": kept}


def _user_pool(stack: Stack, clients: _Clients, logical_id: str, resource: dict) -> None:
    props = stack.resolve(resource.get("Properties", {}))
    request = {"PoolName": props.get("UserPoolName") or stack.local_name(logical_id)}
    for key in ("Policies", "UsernameAttributes", "AutoVerifiedAttributes", "AdminCreateUserConfig"):
        if key in props and props[key] is not NoValue:
            request[key] = props[key]
    if "Schema" in props:
        request["Schema"] = [
            {k: v for k, v in attribute.items() if k in ("Name", "AttributeDataType", "Mutable", "Required")}
            for attribute in props["Schema"]
        ]
    pool = clients.cognito.create_user_pool(**request)["UserPool"]
    mfa = props.get("MfaConfiguration", "OFF")
    if mfa != "OFF":  # EnabledMfas is CloudFormation's; the API sets it as the pool's MFA configuration
        clients.cognito.set_user_pool_mfa_config(
            UserPoolId=pool["Id"],
            MfaConfiguration=mfa,
            SoftwareTokenMfaConfiguration={"Enabled": "SOFTWARE_TOKEN_MFA" in props.get("EnabledMfas", [])},
        )
    stack.physical[logical_id] = {
        "Ref": pool["Id"],
        "Arn": pool["Arn"],
        "ProviderName": f"cognito-idp.{stack.region}.amazonaws.com/{pool['Id']}",
        "ProviderURL": f"https://cognito-idp.{stack.region}.amazonaws.com/{pool['Id']}",
    }
