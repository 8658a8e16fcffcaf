"""Advertisers' HMAC secrets at rest: encrypted under the template's KMS key, bound to their advertiser."""

import json
import time
from datetime import UTC, datetime

import boto3
import pytest

from tests.helpers.programs import make_advertiser
from tests.helpers.tracking import click, postback
from waymark.conversions import advertiser_secrets, advertisers, integration
from waymark.conversions.postback_auth import Credentials, Unauthorized, authenticate, sign
from waymark.models import Advertiser, Conversion


def stored_item(advertiser_id: str) -> dict:
    pk, sk = Advertiser.key(advertiser_id)
    return boto3.client("dynamodb").get_item(
        TableName=Advertiser.Meta.table_name, Key={"pk": {"S": pk}, "sk": {"S": sk}}, ConsistentRead=True
    )["Item"]


def signed_sale(runtime, merchant, advertiser_id: str, secret: str, order_id: str):
    click_id = click(runtime, merchant.link.code)
    body = json.dumps({"order_id": order_id, "amount": "50.00", "currency": "EUR", "click_id": click_id})
    signature = sign(secret, int(time.time()), body.encode())
    headers = {"x-waymark-advertiser": advertiser_id, "x-waymark-signature": signature}
    return postback(runtime, body=body, headers=headers)


def test_the_stored_item_holds_no_plaintext_secret(merchant):
    item = json.dumps(stored_item(merchant.advertiser.advertiser_id))

    assert merchant.hmac_secret not in item
    assert stored_item(merchant.advertiser.advertiser_id)["hmac_secret"]["S"].startswith("kms:")
    assert advertiser_secrets.decrypt(merchant.advertiser.advertiser_id, merchant.advertiser.hmac_secret) == (
        merchant.hmac_secret
    )


def test_a_secret_copied_onto_another_advertisers_item_does_not_decrypt(runtime, merchant):
    make_advertiser(merchant.program, "other-shop")
    stolen = stored_item(merchant.advertiser.advertiser_id)["hmac_secret"]
    pk, sk = Advertiser.key("other-shop")
    boto3.client("dynamodb").update_item(
        TableName=Advertiser.Meta.table_name,
        Key={"pk": {"S": pk}, "sk": {"S": sk}},
        UpdateExpression="SET hmac_secret = :stolen",
        ExpressionAttributeValues={":stolen": stolen},
    )

    assert advertiser_secrets.decrypt("other-shop", stolen["S"]) is None
    # The copy proves nothing: signed with the first advertiser's secret in the other one's name, refused.
    answer = signed_sale(runtime, merchant, "other-shop", merchant.hmac_secret, "B-1")
    assert answer.status == 401, answer.body
    assert signed_sale(runtime, merchant, merchant.advertiser.advertiser_id, merchant.hmac_secret, "B-2").status == 200


def test_a_warm_signed_postback_makes_no_kms_call(runtime, merchant, aws_requests):
    with aws_requests.listening():
        assert signed_sale(runtime, merchant, "shop-backend", merchant.hmac_secret, "C-1").status == 200
    assert aws_requests.of("Decrypt") == ["Decrypt"]  # the first signed postback of a container decrypts
    with aws_requests.listening():
        assert signed_sale(runtime, merchant, "shop-backend", merchant.hmac_secret, "C-2").status == 200
    assert aws_requests.of("Decrypt") == [] and aws_requests.of("PutItem")


def test_a_plaintext_secret_from_before_encryption_works_until_rotated_and_through_the_grace(runtime, merchant):
    legacy = "secret-stored-before-encryption"
    pk, sk = Advertiser.key("shop-backend")
    boto3.client("dynamodb").update_item(
        TableName=Advertiser.Meta.table_name,
        Key={"pk": {"S": pk}, "sk": {"S": sk}},
        UpdateExpression="SET hmac_secret = :legacy",
        ExpressionAttributeValues={":legacy": {"S": legacy}},
    )
    assert signed_sale(runtime, merchant, "shop-backend", legacy, "D-1").status == 200

    _, _, new_secret = advertisers.rotate_credentials(
        "shop-backend", grace_hours=1, by="ops@example.com", now=datetime.now(UTC)
    )
    item = stored_item("shop-backend")
    assert item["hmac_secret"]["S"].startswith("kms:") and new_secret not in json.dumps(item)
    assert item["previous_hmac_secret"]["S"] == legacy  # copied inside DynamoDB, as it was
    assert signed_sale(runtime, merchant, "shop-backend", new_secret, "D-2").status == 200
    assert signed_sale(runtime, merchant, "shop-backend", legacy, "D-3").status == 200  # within the grace hour


# ---------------------------------------------------------------- the console's test secret
def signed_test_sale(runtime, advertiser_id: str, secret: str, sale: dict):
    body = json.dumps(sale)
    headers = {
        "x-waymark-advertiser": advertiser_id,
        "x-waymark-signature": sign(secret, int(time.time()), body.encode()),
    }
    return postback(runtime, body=body, headers=headers)


def test_the_test_secret_is_stored_apart_and_decrypts_only_under_its_purpose(merchant):
    shop_id = merchant.advertiser.advertiser_id
    stored = stored_item(shop_id)["test_hmac_secret"]["S"]
    _, test_secret = advertisers.test_signing_advertiser(shop_id)

    assert stored.startswith("kms:") and test_secret not in json.dumps(stored_item(shop_id))
    assert test_secret != merchant.hmac_secret
    assert advertiser_secrets.decrypt(shop_id, stored) is None  # no purpose: not the real secret's context
    real = stored_item(shop_id)["hmac_secret"]["S"]
    assert advertiser_secrets.decrypt(shop_id, real, purpose=advertiser_secrets.TEST_PURPOSE) is None


def test_the_test_secret_records_only_a_test_clicks_rejected_sale(runtime, merchant):
    shop_id = merchant.advertiser.advertiser_id
    _, test_secret = advertisers.test_signing_advertiser(shop_id)
    test_click = integration.new_test_click(merchant.program, datetime.now(UTC))
    real_click = click(runtime, merchant.link.code)

    def sale(click_id: str, **extra) -> dict:
        return {"order_id": f"test-{click_id}", "amount": "10.00", "currency": "EUR", "click_id": click_id, **extra}

    refused = [
        signed_test_sale(runtime, shop_id, test_secret, sale(real_click)),  # a partner's real click
        signed_test_sale(runtime, shop_id, test_secret, sale(test_click, status="approved")),
        signed_test_sale(runtime, shop_id, test_secret, {**sale(test_click), "order_id": "A-1001"}),
        signed_test_sale(runtime, shop_id, test_secret, sale(test_click, email="someone@example.org")),
        signed_test_sale(
            runtime, shop_id, test_secret, sale(test_click, channel="phone", agent=merchant.agent.agent_id)
        ),
    ]
    assert [answer.status for answer in refused] == [403] * 5, [answer.body for answer in refused]
    assert "not a test click" in refused[0].json["message"] and "pending" in refused[1].json["message"]
    assert list(Conversion.scan()) == []  # nothing written

    answer = signed_test_sale(runtime, shop_id, test_secret, sale(test_click))
    assert answer.status == 200, answer.body
    assert (answer.json["status"], answer.json["reason"], answer.json["agent"]) == ("rejected", "test", None)
    [conversion] = Conversion.scan()
    assert conversion.test is True and conversion.commission == 0
    with pytest.raises(Unauthorized):  # outside /postback the test secret proves nothing
        authenticate(
            Credentials(advertiser_id=shop_id, signature=sign(test_secret, int(time.time()), b"x"), signed=b"x"),
            now=time.time(),
        )
