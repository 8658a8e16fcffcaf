"""Keyrings: tokens name their key, old keys verify until removed, unknown ids and changes are refused."""

import json

import pytest

from waymark import web
from waymark.core import signing_keys as keys
from waymark.remarketing.tokens import BadToken, OfferLink, UnsubscribeLink, email_hash, offer_id
from waymark.web import csrf
from waymark.web.errors import BadRequest

K1, K2 = "first-key-0123456789abcdef", "second-key-0123456789abcdef"


@pytest.fixture
def secrets(monkeypatch) -> dict[str, str]:
    """Secret texts by environment name; a test changes one, then `keys.forget()` stands for the re-read."""
    texts = {name: json.dumps({"current": "k1", "k1": K1}) for name in (
        keys.VISITOR_HASH_KEY, keys.REMARKETING_HASH_KEY, keys.EMAIL_LINK_KEYS, keys.WEB_KEYS,
    )}  # fmt: skip
    monkeypatch.setattr(keys, "_secret_text", lambda name: texts[name])
    return texts


def rotate(secrets: dict[str, str], name: str, keyring: dict) -> None:
    secrets[name] = json.dumps(keyring)
    keys.forget()


def test_tokens_name_the_current_key(secrets):
    assert OfferLink("abc", "addons", "wine", 2_000_000_000).token().startswith("k1.")
    assert UnsubscribeLink("h" * 32, "shop", "en").token().startswith("k1.")
    assert csrf.token_for("session-1").startswith("k1.")
    assert web.encode_cursor({"sk": "x"}, "links:ab").startswith("k1.")
    rotate(secrets, keys.EMAIL_LINK_KEYS, {"current": "k2", "k1": K1, "k2": K2})
    rotate(secrets, keys.WEB_KEYS, {"current": "k2", "k1": K1, "k2": K2})
    assert UnsubscribeLink("h" * 32, "shop", "en").token().startswith("k2.")
    assert csrf.token_for("session-1").startswith("k2.")


def test_during_a_rotation_old_and_new_tokens_verify_until_the_old_key_is_removed(secrets):
    offer = OfferLink("abc", "addons", "wine", 2_000_000_000)
    unsubscribe = UnsubscribeLink("h" * 32, "shop", "en")
    old_offer, old_unsubscribe = offer.token(), unsubscribe.token()
    old_csrf, old_cursor = csrf.token_for("session-1", now=1000), web.encode_cursor({"sk": "x"}, "links:ab")

    rotate(secrets, keys.EMAIL_LINK_KEYS, {"current": "k2", "k1": K1, "k2": K2})
    rotate(secrets, keys.WEB_KEYS, {"current": "k2", "k1": K1, "k2": K2})
    assert OfferLink.parse(old_offer, now=0) == OfferLink.parse(offer.token(), now=0) == offer
    assert UnsubscribeLink.parse(old_unsubscribe) == UnsubscribeLink.parse(unsubscribe.token()) == unsubscribe
    assert csrf.verify(old_csrf, "session-1", now=1001)
    assert web.decode_cursor(old_cursor, "links:ab") == {"sk": "x"}

    rotate(secrets, keys.EMAIL_LINK_KEYS, {"current": "k2", "k2": K2})
    rotate(secrets, keys.WEB_KEYS, {"current": "k2", "k2": K2})
    with pytest.raises(BadToken):
        OfferLink.parse(old_offer, now=0)
    with pytest.raises(BadToken):
        UnsubscribeLink.parse(old_unsubscribe)
    assert not csrf.verify(old_csrf, "session-1", now=1001)
    with pytest.raises(BadRequest, match="start again from the first page"):
        web.decode_cursor(old_cursor, "links:ab")
    assert UnsubscribeLink.parse(unsubscribe.token()) == unsubscribe


@pytest.mark.parametrize("key_id", ["k9", "legacy", "", "k1k1k1k1k1k1k1k1k", "k<1"])
def test_a_token_naming_a_key_not_listed_is_refused(secrets, key_id):
    offer = OfferLink("abc", "addons", "wine", 2_000_000_000).token()
    unsubscribe = UnsubscribeLink("h" * 32, "shop", "en").token()
    csrf_token = csrf.token_for("session-1", now=1000)
    cursor = web.encode_cursor({"sk": "x"}, "links:ab")

    def renamed(token: str) -> str:
        return key_id + token[len("k1") :]

    with pytest.raises(BadToken):
        OfferLink.parse(renamed(offer), now=0)
    with pytest.raises(BadToken):
        UnsubscribeLink.parse(renamed(unsubscribe))
    assert not csrf.verify(renamed(csrf_token), "session-1", now=1001)
    with pytest.raises(BadRequest):
        web.decode_cursor(renamed(cursor), "links:ab")


def test_a_token_signed_under_one_key_does_not_verify_as_another(secrets):
    token = UnsubscribeLink("h" * 32, "shop", "en").token()
    rotate(secrets, keys.EMAIL_LINK_KEYS, {"current": "k2", "k1": K1, "k2": K2})
    with pytest.raises(BadToken):
        UnsubscribeLink.parse("k2" + token[2:])  # the id is not just a label: it picks the key that checks


def test_tampered_tokens_are_refused_under_every_key(secrets):
    rotate(secrets, keys.EMAIL_LINK_KEYS, {"current": "k2", "k1": K1, "k2": K2})
    token = UnsubscribeLink("h" * 32, "shop", "en").token()
    for tampered in (token.replace("shop", "shoq"), token.replace(".en.", ".de."), token[:-2] + "AA", "k1" + token[2:]):
        with pytest.raises(BadToken):
            UnsubscribeLink.parse(tampered)
    csrf_token = csrf.token_for("session-1", now=1000)
    assert not csrf.verify(csrf_token.replace(".1000.", ".1001."), "session-1", now=1001)
    assert not csrf.verify(csrf_token, "session-2", now=1001)


def test_links_from_before_key_ids_verify_only_with_a_listed_legacy_key(secrets):
    """Emails sent before this version carry `<parts>.<signature>`, signed with the old root secret."""
    import base64
    import hashlib
    import hmac

    old_root = "the-former-waymark-secret-0123456789"
    purpose_key = hmac.new(old_root.encode(), b"remarketing-unsubscribe", hashlib.sha256).digest()
    mac = hmac.new(purpose_key, b"h" * 32 + b"|shop|en", hashlib.sha256).digest()[:16]
    legacy = f"{'h' * 32}.shop.en.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"
    with pytest.raises(BadToken):
        UnsubscribeLink.parse(legacy)
    rotate(secrets, keys.EMAIL_LINK_KEYS, {"current": "k1", "k1": K1, "legacy": old_root})
    assert UnsubscribeLink.parse(legacy) == UnsubscribeLink("h" * 32, "shop", "en")


def test_hashing_keys_are_read_once_and_a_plain_secret_keeps_the_former_hashes(secrets):
    """The remarketing hashing secret keeps the former root's plain value: hashes stored before still match."""
    import base64
    import hashlib
    import hmac

    old_root = "the-former-waymark-secret-0123456789"
    purpose_key = hmac.new(old_root.encode(), b"remarketing-email", hashlib.sha256).digest()
    before = base64.b32encode(hmac.new(purpose_key, b"jane@example.org", hashlib.sha256).digest()[:20]).decode().lower()
    secrets[keys.REMARKETING_HASH_KEY] = old_root
    assert email_hash("Jane@Example.org") == before
    handle = offer_id("shop:B1")
    secrets[keys.REMARKETING_HASH_KEY] = json.dumps({"current": "k2", "k2": K2})
    assert email_hash("jane@example.org") == before and offer_id("shop:B1") == handle  # cached for the container


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"k1": "first-key-0123456789abcdef"}', "'current' must name one of its keys"),
        ('{"current": "k2", "k1": "first-key-0123456789abcdef"}', "'current' must name one of its keys"),
        ('{"current": "k1", "k1": "short"}', "at least 16 characters"),
        ('{"current": "k 1", "k 1": "first-key-0123456789abcdef"}', "1-16 letters, digits"),
        ("too-short", "at least 16 characters"),
    ],
)
def test_a_broken_keyring_is_refused_with_the_reason(text, problem):
    with pytest.raises(RuntimeError, match=problem):
        keys.Keyring.parse(text, "WEB_KEYS_SECRET")


def test_a_function_without_the_secret_is_told_which(monkeypatch):
    monkeypatch.undo()  # the pure-test keyrings are a monkeypatch too: read the real way
    monkeypatch.delenv(keys.WEB_KEYS, raising=False)
    keys.forget()
    with pytest.raises(RuntimeError, match="WEB_KEYS_SECRET is not set"):
        csrf.token_for("session-1")
