"""HMAC secrets stored before encryption, encrypted in place by each bootstrap run.

Advertisers' items are few: each program's are read from the config table's listing-index (the
two secret attributes only). Each plaintext value is encrypted as new secrets are
(waymark.conversions.advertiser_secrets) and written only if the item still holds that same
plaintext: a rotation in between has replaced or moved it, and its write stands (a plaintext it
moved into the previous secret is encrypted by the next run, or expires with its grace period).
A second run finds nothing to do. The secret verifies the same before and after, so merchants
notice nothing.
"""

from dataclasses import dataclass

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from waymark.conversions import advertiser_secrets
from waymark.core import aws
from waymark.models import PROGRAMS_LISTING, Advertiser, advertisers_listing

logger = Logger(child=True)

SECRET_ATTRIBUTES = ("hmac_secret", "previous_hmac_secret")
# What is read of each advertiser (BootstrapFunction's role allows these attributes only, template.yaml).
SCANNED = ("pk", "sk", "advertiser_id", *SECRET_ATTRIBUTES)


@dataclass(frozen=True)
class Migrated:
    encrypted: int = 0  # plaintext values now stored encrypted
    changed_meanwhile: int = 0  # values a concurrent rotation replaced first (left to it)


def encrypt_plaintext_secrets() -> Migrated:
    """Encrypt every plaintext HMAC secret (current or previous) of every advertiser, conditionally."""
    encrypted = changed = 0
    for item in _advertisers():
        if "advertiser_id" not in item:
            continue
        advertiser_id = item["advertiser_id"]["S"]
        for name in SECRET_ATTRIBUTES:
            stored = item.get(name, {}).get("S")
            if not stored or advertiser_secrets.is_encrypted(stored):
                continue
            if _replace(item, name, stored, advertiser_secrets.encrypt(advertiser_id, stored)):
                encrypted += 1
            else:
                changed += 1
    if encrypted or changed:
        logger.info("plaintext HMAC secrets encrypted", extra={"encrypted": encrypted, "changed_meanwhile": changed})
    return Migrated(encrypted, changed)


def _advertisers():
    """Every advertiser's secret attributes, program by program, through the sparse listing-index
    (every advertiser is listed there from its creation), so the role reads named partitions only."""
    for program in _listed(PROGRAMS_LISTING, ("listed_in", "pk", "program_id")):
        yield from _listed(advertisers_listing(program["program_id"]["S"]), ("listed_in", *SCANNED))


def _listed(listing: str, attributes: tuple[str, ...]):
    client = aws.client("dynamodb")
    names = {f"#a{n}": name for n, name in enumerate(attributes)}
    request = {
        "TableName": Advertiser.Meta.table_name,
        "IndexName": Advertiser.by_listing.Meta.index_name,
        "KeyConditionExpression": "#a0 = :listing",
        "ProjectionExpression": ", ".join(names),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": {":listing": {"S": listing}},
    }
    while True:
        page = client.query(**request)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _replace(item: dict, name: str, plaintext: str, encrypted: str) -> bool:
    """Store `encrypted` in place of `plaintext`, only if the item still holds it; False when it did not."""
    try:
        aws.client("dynamodb").update_item(
            TableName=Advertiser.Meta.table_name,
            Key={"pk": item["pk"], "sk": item["sk"]},
            UpdateExpression="SET #s = :encrypted",
            ConditionExpression="#s = :plaintext",
            ExpressionAttributeNames={"#s": name},
            ExpressionAttributeValues={":encrypted": {"S": encrypted}, ":plaintext": {"S": plaintext}},
            ReturnValues="NONE",
        )
    except ClientError as error:
        if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return False
    return True
