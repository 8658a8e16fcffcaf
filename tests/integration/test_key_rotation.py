"""Rotating the signing keyrings as docs/operators.md "Rotating keys" says, through the real functions
and Secrets Manager (moto): everyone who unsubscribed stays unsubscribed, and links already in
mailboxes keep working until their key is removed."""

import json
import re
import secrets
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import boto3
import pytest

from devstack.pumps import StreamPump
from tests.helpers.events import http_event
from tests.helpers.remarketing import VirtualClock, configure, make_customer, run_sender, sent_emails

SIGNING_SECRETS = ("EmailLinkKeysSecret", "WebKeysSecret")


@pytest.fixture
def mail(shop, aws, runtime, monkeypatch):
    """Book for `email`, plan and run the day's sends; the links of the mail sent to it, or None."""
    from waymark.core.times import utcnow
    from waymark.remarketing import sender

    clock = VirtualClock()
    monkeypatch.setattr(sender, "CLOCK", clock)
    configure(shop.program)

    def book_and_send(email: str) -> dict | None:
        before = len(sent_emails(aws))
        make_customer(shop.program, email=email)
        StreamPump(aws, runtime).drain()
        day = utcnow().date() + timedelta(days=1)
        run_sender(runtime, day, clock)
        mine = [m for m in sent_emails(aws)[before:] if m["to"] == [email]]
        if not mine:
            return None
        offers = re.findall(r'href="([^"]+/x/[^"]+)"', mine[-1]["html"])
        return {"offer": offers[0], "unsubscribe": mine[-1]["message"]["List-Unsubscribe"].strip("<>")}

    return book_and_send


def request(aws, runtime, method: str, url: str, body: str = "") -> dict:
    parts = urlsplit(url)
    function, event = http_event(aws, method, parts.path, query=parts.query, body=body)
    return runtime.invoke(function, event)


def rotate(aws, logical_id: str, *, new_id: str, drop: tuple[str, ...] = ()) -> None:
    """The operator's rotation: add a key and make it current (or remove old ones), one new version."""
    client = boto3.client("secretsmanager")
    arn = aws.physical[logical_id]["Ref"]
    keyring = json.loads(client.get_secret_value(SecretId=arn)["SecretString"])
    keyring.setdefault(new_id, secrets.token_urlsafe(36))
    keyring["current"] = new_id
    for key_id in drop:
        keyring.pop(key_id)
    client.put_secret_value(SecretId=arn, SecretString=json.dumps(keyring))
    forget_after_max_age()


def forget_after_max_age() -> None:
    """What a warm container does once a keyring is older than its max age: read it again."""
    from waymark.core import signing_keys as keys

    keys.forget()


def suppressed() -> list[str]:
    from waymark.models import Suppression

    return sorted(s.email_hash for s in Suppression.scan(Suppression.sk == "SUPPRESSED"))  # test inspection only


def key_id(url: str) -> str:
    return url.rsplit("/", 1)[1].split(".", 1)[0]


def test_rotating_every_signing_keyring_keeps_every_unsubscribe_and_old_links_work_during_the_overlap(
    aws, runtime, mail
):
    gone = [f"gone{n}@example.org" for n in range(3)]
    for address in gone:
        links = mail(address)
        assert key_id(links["unsubscribe"]) == "k1"
        done = request(aws, runtime, "POST", links["unsubscribe"], body="List-Unsubscribe=One-Click")
        assert done["statusCode"] == 200
    suppressed_before = suppressed()
    assert len(suppressed_before) == 3
    staying = mail("stays@example.org")

    for logical_id in SIGNING_SECRETS:
        rotate(aws, logical_id, new_id="k2")

    # No one who unsubscribed is mailed again, whatever they book after the rotation.
    for address in gone:
        assert mail(address) is None
    assert suppressed() == suppressed_before
    # Links signed before the rotation still work while k1 is listed; new mail is signed with k2.
    assert request(aws, runtime, "GET", staying["offer"])["statusCode"] == 302
    assert request(aws, runtime, "GET", staying["unsubscribe"])["statusCode"] == 200
    fresh = mail("new@example.org")
    assert key_id(fresh["offer"]) == key_id(fresh["unsubscribe"]) == "k2"

    for logical_id in SIGNING_SECRETS:
        rotate(aws, logical_id, new_id="k2", drop=("k1",))

    # After the overlap the old key is gone: its links get a page, not a redirect; new links work.
    refused = request(aws, runtime, "GET", staying["offer"])
    assert refused["statusCode"] == 400 and "Location" not in refused["headers"]
    assert request(aws, runtime, "POST", staying["unsubscribe"], body="x")["statusCode"] == 400
    assert request(aws, runtime, "GET", fresh["offer"])["statusCode"] == 302
    assert request(aws, runtime, "POST", fresh["unsubscribe"], body="")["statusCode"] == 200
    for address in (*gone, "new@example.org"):
        assert mail(address) is None


def test_a_warm_function_signs_with_the_new_key_once_the_keyring_is_older_than_its_max_age(
    aws, runtime, mail, monkeypatch
):
    from waymark.core import cache
    from waymark.core import signing_keys as keys

    assert key_id(mail("a@example.org")["unsubscribe"]) == "k1"
    client = boto3.client("secretsmanager")
    arn = aws.physical["EmailLinkKeysSecret"]["Ref"]
    keyring = json.loads(client.get_secret_value(SecretId=arn)["SecretString"])
    client.put_secret_value(SecretId=arn, SecretString=json.dumps({**keyring, "k2": "x" * 40, "current": "k2"}))

    assert key_id(mail("b@example.org")["unsubscribe"]) == "k1"  # still within the max age
    later = cache.time.monotonic() + keys.SIGNING_KEYRING_MAX_AGE + 1
    monkeypatch.setattr(cache, "time", SimpleNamespace(monotonic=lambda: later))  # ...and once it has passed
    assert key_id(mail("c@example.org")["unsubscribe"]) == "k2"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/c/{link}"),
        ("GET", "/login"),
        ("GET", "/signup?program=shop"),
        ("GET", "/x/{offer}"),
        ("GET", "/unsubscribe/{unsubscribe}"),
        ("POST", "/unsubscribe/{unsubscribe}"),
    ],
)
def test_public_pages_answer_503_while_secrets_manager_fails(aws, runtime, shop, mail, inject_failure, method, path):
    from waymark.core import signing_keys as keys

    links = mail("someone@example.org")
    url = "https://track.example.com" + path.format(
        link=shop.link.code,
        offer=links["offer"].rsplit("/", 1)[1],
        unsubscribe=links["unsubscribe"].rsplit("/", 1)[1],
    )
    assert request(aws, runtime, method, url)["statusCode"] in (200, 302)  # the page needs a key...
    keys.forget()  # ...and a cold container cannot read it
    inject_failure("secretsmanager", "GetSecretValue", code="InternalServiceError")
    response = request(aws, runtime, method, url)
    assert response["statusCode"] == 503 and response["headers"]["Retry-After"], response.get("body", "")[:300]
