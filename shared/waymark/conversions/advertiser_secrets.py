"""Advertisers' HMAC secrets as stored: encrypted under the stack's KMS key (ADVERTISER_SECRETS_KEY).

Each secret is encrypted directly (it is 43 characters; KMS takes up to 4 KB) with the advertiser's
id as the encryption context, so a stored value copied onto another advertiser's item does not
decrypt. Stored values read "kms:<base64 ciphertext>". A value without the prefix is a plaintext
secret from before encryption: it keeps verifying, and the bootstrap encrypts it in place
(waymark.setup.secrets_migration).

The console's test conversion signs with a test secret of its own (`test_hmac_secret`), encrypted
with the context {"advertiser_id": id, "purpose": "test"}. The console's roles may decrypt only
under that purpose (an IAM condition on kms:EncryptionContext:purpose), so they can never decrypt
a real secret, whose context names no purpose; and /postback takes the test secret only for a
test click (waymark.conversions.postback_auth).
"""

import base64
import binascii
import os
from functools import lru_cache

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from waymark.core import aws

logger = Logger(child=True)

PREFIX = "kms:"
CONTEXT_KEY = "advertiser_id"
PURPOSE_KEY = "purpose"
TEST_PURPOSE = "test"


def key_arn() -> str:
    return os.environ["ADVERTISER_SECRETS_KEY"]


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def _context(advertiser_id: str, purpose: str | None) -> dict[str, str]:
    return {CONTEXT_KEY: advertiser_id} | ({PURPOSE_KEY: purpose} if purpose else {})


def encrypt(advertiser_id: str, secret: str, *, purpose: str | None = None) -> str:
    """The value to store for `secret`: only this advertiser's item (and `purpose`) decrypts it."""
    blob = aws.client("kms").encrypt(
        KeyId=key_arn(), Plaintext=secret.encode(), EncryptionContext=_context(advertiser_id, purpose)
    )["CiphertextBlob"]
    return PREFIX + base64.b64encode(blob).decode()


def decrypt(advertiser_id: str, stored: str, *, purpose: str | None = None) -> str | None:
    """The secret a stored value holds, or None when it does not decrypt for this advertiser and purpose.

    Plaintext real secrets (stored before encryption) are returned as they are; a test secret was
    always stored encrypted, so a plaintext one is refused. Decrypted secrets stay in the warm
    container, keyed by the stored value, so a warm postback makes no KMS call and a rotation (a
    new stored value) is decrypted afresh.
    """
    if not is_encrypted(stored):
        return None if purpose else stored
    return _decrypted(advertiser_id, stored, purpose)


def forget() -> None:
    """Drop the decrypted secrets this container holds."""
    _decrypted.cache_clear()


@lru_cache(maxsize=256)
def _decrypted(advertiser_id: str, stored: str, purpose: str | None) -> str | None:
    try:
        blob = base64.b64decode(stored.removeprefix(PREFIX), validate=True)
        answer = aws.client("kms").decrypt(
            KeyId=key_arn(), CiphertextBlob=blob, EncryptionContext=_context(advertiser_id, purpose)
        )
    except binascii.Error:
        logger.warning("an advertiser's stored HMAC secret is not base64", extra={"advertiser_id": advertiser_id})
        return None
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("InvalidCiphertextException", "IncorrectKeyException"):
            raise
        # Remembered as None too: this stored value can never start decrypting for this advertiser.
        logger.warning("a stored HMAC secret does not decrypt for its item", extra={"advertiser_id": advertiser_id})
        return None
    return answer["Plaintext"].decode()
