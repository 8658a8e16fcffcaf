"""Partners' postback signing secrets as stored: encrypted under PARTNER_POSTBACK_SECRETS_KEY, with the
partner's agent id as the encryption context (a value copied onto another partner's item does not
decrypt). The portal and API functions may only encrypt; PartnerPostbackFunction decrypts to sign.
"""

import base64
import os
import secrets as random
from functools import lru_cache

from waymark.core import aws

PREFIX = "kms:"
CONTEXT_KEY = "agent_id"


def _key_arn() -> str:
    return os.environ["PARTNER_POSTBACK_SECRETS_KEY"]


def new_secret() -> str:
    return "wps_" + random.token_urlsafe(32)


def encrypt(agent_id: str, secret: str) -> str:
    blob = aws.client("kms").encrypt(
        KeyId=_key_arn(), Plaintext=secret.encode(), EncryptionContext={CONTEXT_KEY: agent_id}
    )["CiphertextBlob"]
    return PREFIX + base64.b64encode(blob).decode()


@lru_cache(maxsize=512)
def decrypt(agent_id: str, stored: str) -> str:
    """The secret; kept per stored value in the warm container (a rotation stores a new value)."""
    blob = base64.b64decode(stored.removeprefix(PREFIX), validate=True)
    answer = aws.client("kms", background=True).decrypt(
        KeyId=_key_arn(), CiphertextBlob=blob, EncryptionContext={CONTEXT_KEY: agent_id}
    )
    return answer["Plaintext"].decode()
