"""Advertiser authentication: tokens, HMAC signatures with a 5-minute window, IP allow-lists. No AWS."""

import hashlib
import hmac

import pytest

from waymark.conversions.advertisers import token_digest
from waymark.conversions.postback_auth import Credentials, Forbidden, Unauthorized, authenticate, sign, source_allowed
from waymark.models import Advertiser

NOW = 1_800_000_000
TOKEN = "shop.s3cret-token"
SECRET = "hmac-secret"


def advertiser(**fields) -> Advertiser:
    return Advertiser(
        *Advertiser.key("shop"),
        advertiser_id="shop",
        program_id="p",
        name="Shop",
        token_sha256=token_digest(TOKEN),
        hmac_secret=SECRET,
        **fields,
    )


def lookup_of(found: Advertiser | None):
    return lambda advertiser_id: found if found is not None and advertiser_id == found.advertiser_id else None


def auth(credentials: Credentials, found=None, now=NOW):
    return authenticate(credentials, now=now, lookup=lookup_of(found if found is not None else advertiser()))


def test_the_token_identifies_the_advertiser():
    assert auth(Credentials(token=TOKEN)).advertiser_id == "shop"


@pytest.mark.parametrize("token", ["shop.wrong", "other.s3cret-token", "shop.", ".s3cret-token", "shop", ""])
def test_wrong_tokens_are_refused(token):
    with pytest.raises(Unauthorized):
        auth(Credentials(token=token))


def test_a_token_with_a_contradicting_advertiser_name_is_refused():
    with pytest.raises(Unauthorized):
        auth(Credentials(token=TOKEN, advertiser_id="other"))


def test_suspended_advertisers_are_refused():
    with pytest.raises(Unauthorized):
        auth(Credentials(token=TOKEN), found=advertiser(status="suspended"))


def test_missing_credentials_are_refused():
    with pytest.raises(Unauthorized, match="missing"):
        auth(Credentials())


def test_the_signature_is_the_documented_hmac():
    body = b'{"order_id":"1"}'
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + body, hashlib.sha256).hexdigest()
    assert sign(SECRET, NOW, body) == f"t={NOW},v1={expected}"
    assert auth(Credentials(advertiser_id="shop", signature=sign(SECRET, NOW, body), signed=body)).advertiser_id


def test_a_rotated_secret_may_send_two_signatures():
    body = b"x"
    old = sign("old-secret", NOW, body).split("v1=")[1]
    header = f"{sign(SECRET, NOW, body)},v1={old}"
    assert auth(Credentials(advertiser_id="shop", signature=header, signed=body))
    reversed_header = f"t={NOW},v1={old},{sign(SECRET, NOW, body).split(',')[1]}"
    assert auth(Credentials(advertiser_id="shop", signature=reversed_header, signed=body))


@pytest.mark.parametrize("skew", [-301, 301, -10_000])
def test_signatures_outside_five_minutes_are_replays(skew):
    body = b"x"
    with pytest.raises(Unauthorized, match="5 minutes"):
        auth(Credentials(advertiser_id="shop", signature=sign(SECRET, NOW + skew, body), signed=body))


def test_signatures_within_five_minutes_pass():
    body = b"x"
    for skew in (-300, 0, 300):
        assert auth(Credentials(advertiser_id="shop", signature=sign(SECRET, NOW + skew, body), signed=body))


@pytest.mark.parametrize(
    "header",
    ["", "v1=abc", f"t={NOW}", f"t=-{NOW},v1=00", f"t={NOW},v1=ü", f"t={NOW},v1=" + "0" * 64, "t=1e9,v1=00"],
)
def test_malformed_or_wrong_signatures_are_refused(header):
    with pytest.raises(Unauthorized):
        auth(Credentials(advertiser_id="shop", signature=header or "garbage", signed=b"x"))


def test_a_signature_over_other_bytes_is_refused():
    with pytest.raises(Unauthorized):
        auth(Credentials(advertiser_id="shop", signature=sign(SECRET, NOW, b"amount=1"), signed=b"amount=100"))


def test_a_signature_needs_the_advertiser_named():
    with pytest.raises(Unauthorized, match="names its advertiser"):
        auth(Credentials(signature=sign(SECRET, NOW, b"x"), signed=b"x"))


def test_the_allow_list_is_checked_after_the_credentials():
    listed = advertiser(allowed_cidrs=["203.0.113.0/24"])
    assert auth(Credentials(token=TOKEN, source_ip="203.0.113.200"), found=listed)
    with pytest.raises(Forbidden):
        auth(Credentials(token=TOKEN, source_ip="198.51.100.1"), found=listed)
    with pytest.raises(Unauthorized):  # wrong credentials from outside learn nothing about the list
        auth(Credentials(token="shop.wrong", source_ip="198.51.100.1"), found=listed)


@pytest.mark.parametrize(
    ("cidrs", "ip", "allowed"),
    [
        ([], "198.51.100.1", True),
        (["10.0.0.0/8"], "10.1.2.3", True),
        (["10.0.0.0/8"], "11.0.0.1", False),
        (["2001:db8::/32"], "2001:db8::5", True),
        (["2001:db8::/32"], "10.0.0.1", False),
        (["192.0.2.7"], "192.0.2.7", True),
        (["not-a-network"], "192.0.2.7", False),
        (["10.0.0.0/8"], "", False),
        (["10.0.0.0/8"], "not-an-ip", False),
    ],
)
def test_source_allowed(cidrs, ip, allowed):
    assert source_allowed(cidrs, ip) is allowed


def rotated(*, valid_until: int) -> Advertiser:
    """After a rotation: new credentials, the old TOKEN and SECRET kept as the previous pair."""
    found = advertiser(previous_token_sha256=token_digest(TOKEN), previous_hmac_secret=SECRET)
    found.token_sha256, found.hmac_secret = token_digest("shop.new-token"), "new-secret"
    found.previous_valid_until = valid_until
    return found


@pytest.mark.parametrize(("offset", "accepted"), [(-3600, True), (-1, True), (0, False), (3600, False)])
def test_the_previous_credentials_work_until_the_grace_period_ends(offset, accepted):
    found = rotated(valid_until=NOW - offset)  # offset < 0: the grace period ends after NOW
    body = b'{"order_id": "1"}'
    for credentials in (
        Credentials(token=TOKEN),
        Credentials(advertiser_id="shop", signature=sign(SECRET, NOW, body), signed=body),
    ):
        if accepted:
            assert auth(credentials, found).advertiser_id == "shop"
        else:
            with pytest.raises(Unauthorized):
                auth(credentials, found)
    # The new pair works whatever the grace period.
    assert auth(Credentials(token="shop.new-token"), found).advertiser_id == "shop"
    signed = Credentials(advertiser_id="shop", signature=sign("new-secret", NOW, body), signed=body)
    assert auth(signed, found).advertiser_id == "shop"


def test_a_previous_pair_without_an_end_is_never_accepted():
    found = advertiser(previous_token_sha256=token_digest(TOKEN))
    found.token_sha256 = token_digest("shop.new-token")
    with pytest.raises(Unauthorized):
        auth(Credentials(token=TOKEN), found)
