"""Plaintext HMAC secrets (stored before encryption) encrypted in place by the bootstrap, against moto,
as BootstrapFunction's role allows; a concurrent rotation's write is never lost."""

import time

import boto3

from devstack.runtime import running_as
from tests.helpers.programs import make_advertiser
from waymark.conversions import advertiser_secrets, advertisers
from waymark.conversions.postback_auth import Credentials, authenticate, sign
from waymark.core import cache
from waymark.models import Advertiser
from waymark.setup import secrets_migration


def stored(advertiser_id: str) -> dict:
    pk, sk = Advertiser.key(advertiser_id)
    key = {"pk": {"S": pk}, "sk": {"S": sk}}
    return boto3.client("dynamodb").get_item(TableName=Advertiser.Meta.table_name, Key=key, ConsistentRead=True)["Item"]


def store_plaintext(advertiser_id: str, **values: str) -> None:
    pk, sk = Advertiser.key(advertiser_id)
    boto3.client("dynamodb").update_item(
        TableName=Advertiser.Meta.table_name,
        Key={"pk": {"S": pk}, "sk": {"S": sk}},
        UpdateExpression="SET " + ", ".join(f"{name} = :{name}" for name in values),
        ExpressionAttributeValues={f":{name}": {"S": value} for name, value in values.items()},
    )


def migrate(runtime) -> secrets_migration.Migrated:
    with running_as("BootstrapFunction"):  # its calls are checked against its deployed role
        return secrets_migration.encrypt_plaintext_secrets()


def signs(advertiser_id: str, secret: str) -> bool:
    cache.clear_all()
    advertiser_secrets.forget()
    signature = sign(secret, int(time.time()), b"{}")
    credentials = Credentials(advertiser_id=advertiser_id, signature=signature, signed=b"{}")
    try:
        return authenticate(credentials, now=time.time()).advertiser_id == advertiser_id
    except Exception:
        return False


def test_plaintext_secrets_are_encrypted_in_place_and_keep_verifying(runtime, shop, iam_check):
    make_advertiser(shop.program, "legacy")
    _, _, current = make_advertiser(shop.program, "current")
    store_plaintext("legacy", hmac_secret="legacy-current", previous_hmac_secret="legacy-previous")
    untouched = stored("current")["hmac_secret"]["S"]

    assert migrate(runtime) == secrets_migration.Migrated(encrypted=2)

    item = stored("legacy")
    assert item["hmac_secret"]["S"].startswith("kms:") and item["previous_hmac_secret"]["S"].startswith("kms:")
    assert "legacy-current" not in str(item) and "legacy-previous" not in str(item)
    assert advertiser_secrets.decrypt("legacy", item["hmac_secret"]["S"]) == "legacy-current"
    assert advertiser_secrets.decrypt("legacy", item["previous_hmac_secret"]["S"]) == "legacy-previous"
    assert signs("legacy", "legacy-current") and signs("current", current)
    assert stored("current")["hmac_secret"]["S"] == untouched  # already encrypted: not written
    assert migrate(runtime) == secrets_migration.Migrated()  # a second run finds nothing to do
    assert iam_check.refusals == []


def test_a_rotation_between_the_read_and_the_write_is_not_lost(runtime, shop, monkeypatch):
    make_advertiser(shop.program, "busy")
    store_plaintext("busy", hmac_secret="old-plaintext")
    rotated = {}
    encrypt = advertiser_secrets.encrypt

    def rotate_first(advertiser_id: str, secret: str, **kwargs) -> str:
        if not rotated:  # the operator rotates (in the console) while the migration encrypts the value it read
            rotated["secret"] = None
            with running_as("ApiFunction"):
                rotated["secret"] = advertisers.rotate_credentials("busy", grace_hours=0, by="ops@example.com")[2]
        return encrypt(advertiser_id, secret, **kwargs)

    monkeypatch.setattr(advertiser_secrets, "encrypt", rotate_first)
    assert migrate(runtime) == secrets_migration.Migrated(changed_meanwhile=1)

    value = stored("busy")["hmac_secret"]["S"]
    assert advertiser_secrets.decrypt("busy", value) == rotated["secret"]  # the rotation's secret stands
    assert signs("busy", rotated["secret"]) and not signs("busy", "old-plaintext")
