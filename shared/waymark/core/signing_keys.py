"""Keys by purpose, read from Secrets Manager at run time; each function reads only its own secrets.

A function's environment names a secret (its ARN), never its value, and its policy may read
only that ARN. Every secret is a keyring, a JSON object {"current": "<id>", "<id>": "<key>", ...}
(a plain string is one key with the id "legacy"). Purpose keys are HMAC(key, purpose), so one
secret serves several purposes whose tokens can never stand in for each other.

Two kinds of secret (docs/architecture.md "Secrets"):
- signing keyrings (web forms and page cursors, email links): tokens name the key id they were
  signed with; verification accepts any key listed, signing uses the current one. Rotation adds
  a key and makes it current. Read again every few minutes, so a rotation reaches warm containers.
- hashing keys (visitor IP hashes, email hashes, offer ids): they derive values that are stored
  and looked up later, so they are never rotated; only the current key is used. Read once per
  container: the click path makes no read when warm.
"""

import hashlib
import hmac
import json
import os
import re
from functools import cache

from waymark.core import aws
from waymark.core.cache import TTLCache

# The environment variable that names each secret (its ARN), as template.yaml sets it.
VISITOR_HASH_KEY = "VISITOR_HASH_SECRET"  # hashing: visitor IP hashes in sessions (unique clicks)
REMARKETING_HASH_KEY = "REMARKETING_HASH_SECRET"  # hashing: email hashes (suppressions), offer ids
EMAIL_LINK_KEYS = "EMAIL_LINK_KEYS_SECRET"  # signing: offer and unsubscribe links in emails
WEB_KEYS = "WEB_KEYS_SECRET"  # signing: CSRF tokens and page cursors
PARTNER_POSTBACK_HASH_KEY = "PARTNER_POSTBACK_HASH_SECRET"  # hashing: {order_ref} in partner postbacks

KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
LEGACY_KEY_ID = "legacy"  # a plain-string secret, and the key that checks tokens from before key ids
MIN_KEY_LENGTH = 16
SIGNING_KEYRING_MAX_AGE = 300.0

_signing_cache: TTLCache["Keyring"] = TTLCache(ttl=SIGNING_KEYRING_MAX_AGE, max_entries=16)


class Keyring:
    """The keys of one secret by id, and which one signs."""

    def __init__(self, current: str, keys: dict[str, str]) -> None:
        self.current = current
        self._keys = {key_id: key.encode() for key_id, key in keys.items()}
        self._derived: dict[tuple[str, str], bytes] = {}

    @classmethod
    def parse(cls, text: str, name: str = "the secret") -> "Keyring":
        """Refuses a keyring that could sign with a weak or missing key, naming what is wrong."""
        try:
            value = json.loads(text)
        except ValueError:
            value = {"current": LEGACY_KEY_ID, LEGACY_KEY_ID: text}
        if not isinstance(value, dict):
            value = {"current": LEGACY_KEY_ID, LEGACY_KEY_ID: text}
        current = value.pop("current", None)
        if current not in value:
            raise RuntimeError(f"{name}: 'current' must name one of its keys ({', '.join(value) or 'none listed'})")
        for key_id, key in value.items():
            if not KEY_ID.match(key_id) or not isinstance(key, str) or len(key) < MIN_KEY_LENGTH:
                raise RuntimeError(
                    f"{name}: key {key_id!r} needs an id of 1-16 letters, digits, - or _ "
                    f"and a value of at least {MIN_KEY_LENGTH} characters"
                )
        return cls(current, value)

    def key(self, purpose: str, key_id: str | None = None) -> bytes | None:
        """The purpose key under `key_id` (default: the current one); None for an id not listed."""
        key_id = self.current if key_id is None else key_id
        root = self._keys.get(key_id)
        if root is None:
            return None
        derived = self._derived.get((key_id, purpose))
        if derived is None:
            derived = self._derived[(key_id, purpose)] = hmac.new(root, purpose.encode(), hashlib.sha256).digest()
        return derived


def _secret_text(secret_env: str) -> str:
    secret_id = os.environ.get(secret_env)
    if not secret_id:
        raise RuntimeError(f"{secret_env} is not set: this function was not given that secret in template.yaml")
    return aws.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"]


def signing_keyring(secret_env: str) -> Keyring:
    """A signing keyring, read again after a few minutes (the last one read serves while reads fail)."""
    return _signing_cache.get_or_load(secret_env, lambda: Keyring.parse(_secret_text(secret_env), secret_env))


def current_signing_key(secret_env: str, purpose: str) -> tuple[str, bytes]:
    """(key id, purpose key) to sign with: the keyring's current key."""
    keyring = signing_keyring(secret_env)
    return keyring.current, keyring.key(purpose)  # type: ignore[return-value]  # parse guarantees it


def verifying_key(secret_env: str, purpose: str, key_id: str) -> bytes | None:
    """The purpose key under the id a token names; None when the keyring no longer (or never) lists it."""
    return signing_keyring(secret_env).key(purpose, key_id)


@cache
def _hashing_keyring(secret_env: str) -> Keyring:
    return Keyring.parse(_secret_text(secret_env), secret_env)


def hashing_key(secret_env: str, purpose: str) -> bytes:
    """The key that derives stored values; read once per container and never rotated."""
    return _hashing_keyring(secret_env).key(purpose)  # type: ignore[return-value]  # parse guarantees it


def visitor_hash(ip: str) -> str:
    """Keyed hash of the visitor's IP: stable enough for unique-click counting, useless to read back."""
    return hmac.new(hashing_key(VISITOR_HASH_KEY, "visitor-ip"), ip.encode(), hashlib.sha256).hexdigest()[:32]


def forget() -> None:
    """Drop every key read in this process (tests; a warm container never needs to)."""
    _signing_cache.clear()
    _hashing_keyring.cache_clear()
