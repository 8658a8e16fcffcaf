"""Advertisers' HMAC secrets as stored: encrypted under the stack's KMS key (ADVERTISER_SECRETS_KEY).

Each secret is encrypted directly (it is 43 characters; KMS takes up to 4 KB) with the advertiser's
id as the encryption context, so a stored value copied onto another advertiser's item does not
decrypt. Stored values read "kms:<base64 ciphertext>". A value without the prefix is a plaintext
secret from before encryption: it keeps verifying until the advertiser's credentials are rotated
(the new secret is stored encrypted; the old one, as the previous secret, until the grace ends).
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


def key_arn() -> str:
    return os.environ["ADVERTISER_SECRETS_KEY"]


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def encrypt(advertiser_id: str, secret: str) -> str:
    """The value to store for `secret`: only this advertiser's item decrypts it."""
    blob = aws.client("kms").encrypt(
        KeyId=key_arn(), Plaintext=secret.encode(), EncryptionContext={CONTEXT_KEY: advertiser_id}
    )["CiphertextBlob"]
    return PREFIX + base64.b64encode(blob).decode()


def decrypt(advertiser_id: str, stored: str) -> str | None:
    """The secret a stored value holds, or None when it does not decrypt for this advertiser.

    Plaintext values (stored before encryption) are returned as they are. Decrypted secrets stay in
    the warm container, keyed by the stored value, so a warm postback makes no KMS call and a
    rotation (a new stored value) is decrypted afresh.
    """
    if not is_encrypted(stored):
        return stored
    return _decrypted(advertiser_id, stored)


def forget() -> None:
    """Drop the decrypted secrets this container holds."""
    _decrypted.cache_clear()


@lru_cache(maxsize=256)
def _decrypted(advertiser_id: str, stored: str) -> str | None:
    try:
        blob = base64.b64decode(stored.removeprefix(PREFIX), validate=True)
        answer = aws.client("kms").decrypt(
            KeyId=key_arn(), CiphertextBlob=blob, EncryptionContext={CONTEXT_KEY: advertiser_id}
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
