"""Partner postback URLs: the SSRF rules (waymark.partner_postbacks.addresses), macros and the signature."""

import pytest

from waymark.partner_postbacks import addresses, macros, signing
from waymark.partner_postbacks.addresses import TEST_ONLY_LOOPBACK_SWITCH, RefusedUrl, target

PUBLIC = "93.184.215.14"


def dns(table: dict[str, list[str]]):
    """A resolver answering from a table, as a hostile DNS server might."""
    return lambda host, port: table.get(host, [])


HOSTILE = [
    "http://partner.example.com/pb",  # not https
    "ftp://partner.example.com/pb",
    "https://user:pass@partner.example.com/pb",
    "https://127.0.0.1/pb",
    "https://127.1/pb",  # shortened loopback
    "https://2130706433/pb",  # decimal 127.0.0.1
    "https://0x7f000001/pb",  # hex
    "https://0177.0.0.1/pb",  # octal
    "https://0x7f.0.0.1/pb",
    "https://017700000001/pb",
    "https://0/pb",
    "https://0.0.0.0/pb",
    "https://10.0.0.5/pb",
    "https://172.16.3.4/pb",
    "https://172.31.255.255/pb",
    "https://192.168.1.1/pb",
    "https://169.254.169.254/latest/meta-data/",  # cloud metadata
    "https://169.254.170.2/v2/credentials",  # ECS/Lambda credentials endpoint
    "https://100.64.0.1/pb",  # CGNAT
    "https://100.127.255.254/pb",
    "https://192.0.0.8/pb",
    "https://198.18.0.1/pb",  # benchmarking
    "https://224.0.0.1/pb",  # multicast
    "https://239.255.255.250/pb",
    "https://240.0.0.1/pb",  # reserved
    "https://255.255.255.255/pb",
    "https://[::1]/pb",
    "https://[::]/pb",
    "https://[::ffff:127.0.0.1]/pb",  # v4-mapped
    "https://[::ffff:7f00:1]/pb",
    "https://[::ffff:169.254.169.254]/pb",
    "https://[::127.0.0.1]/pb",  # v4-compatible
    "https://[fd00:ec2::254]/latest/meta-data/",  # the IPv6 metadata address (ULA)
    "https://[fc00::1]/pb",
    "https://[fe80::1]/pb",  # link-local
    "https://[fe80::1%25eth0]/pb",
    "https://[fec0::1]/pb",  # site-local
    "https://[ff02::1]/pb",  # multicast
    "https://[2002:7f00:1::]/pb",  # 6to4 of 127.0.0.1
    "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/pb",  # Teredo
    "https://[64:ff9b::a9fe:a9fe]/pb",  # NAT64 of 169.254.169.254
    "https://localhost/pb",
    "https://localhost./pb",
    "https://metadata.google.internal/computeMetadata/v1/",  # resolves to 169.254.169.254 below
    "https://internal.partner.example.com/pb",  # resolves to 10.1.2.3 below
    "https://rebind.partner.example.com/pb",  # one public, one private answer
    "https://v6private.partner.example.com/pb",
    "https://mapped.partner.example.com/pb",
    "https://nxdomain.partner.example.com/pb",  # resolves to nothing
    "https://%31%32%37.0.0.1/pb",  # percent-encoded host
    "https://partner.example.com\\@10.0.0.1/pb",
    "https://partner.example.com /pb",
    "https://partner.example.com:99999/pb",
    "https:///pb",
    "https://" + "a" * 2000 + ".example.com/",
]
HOSTILE_DNS = dns(
    {
        "metadata.google.internal": ["169.254.169.254"],
        "internal.partner.example.com": ["10.1.2.3"],
        "rebind.partner.example.com": [PUBLIC, "192.168.0.10"],
        "v6private.partner.example.com": ["fd12:3456::1"],
        "mapped.partner.example.com": ["::ffff:10.0.0.1"],
        "partner.example.com": [PUBLIC],
        "localhost": ["127.0.0.1", "::1"],
    }
)


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_postback_urls_are_refused(url):
    with pytest.raises(RefusedUrl):
        target(url, HOSTILE_DNS)


@pytest.mark.parametrize("url", ["https://127.0.0.1:8080/pb", "http://127.0.0.1:8080/pb", "https://10.0.0.5/pb"])
def test_the_test_only_switch_opens_loopback_and_nothing_else(monkeypatch, url):
    monkeypatch.setenv(TEST_ONLY_LOOPBACK_SWITCH, "1")
    if "10.0.0.5" in url:
        with pytest.raises(RefusedUrl):
            target(url, HOSTILE_DNS)
    else:
        assert target(url, HOSTILE_DNS).addresses == ("127.0.0.1",)


def test_the_switch_must_be_exactly_on(monkeypatch):
    monkeypatch.setenv(TEST_ONLY_LOOPBACK_SWITCH, "true")
    with pytest.raises(RefusedUrl):
        target("https://127.0.0.1/pb", HOSTILE_DNS)


def test_a_public_host_is_called_on_the_addresses_that_were_checked():
    found = target("https://Partner.Example.com./pb?x={click_id}", HOSTILE_DNS)
    assert (found.scheme, found.host, found.port, found.addresses) == ("https", "partner.example.com", 443, (PUBLIC,))
    assert target(f"https://{PUBLIC}:8443/pb", HOSTILE_DNS).port == 8443
    assert target("https://[2606:4700:4700::1111]/pb", HOSTILE_DNS).addresses == ("2606:4700:4700::1111",)


def test_refusals_say_what_is_allowed():
    with pytest.raises(RefusedUrl, match="https://"):
        target("http://partner.example.com/", HOSTILE_DNS)
    with pytest.raises(RefusedUrl, match="public addresses only"):
        target("https://internal.partner.example.com/", HOSTILE_DNS)
    with pytest.raises(RefusedUrl, match="four decimal numbers"):
        target("https://2130706433/", HOSTILE_DNS)


def test_macros_are_encoded_and_never_move_the_host():
    template = "https://p.example.com/pb?c={click_id}&s={sub1}&o={order_ref}"
    url = macros.fill(template, {"click_id": "c1", "sub1": "a&b=/@x"})
    assert url == "https://p.example.com/pb?c=c1&s=a%26b%3D%2F%40x&o="
    with pytest.raises(macros.MacroError, match="host"):
        macros.check_template("https://{sub1}.example.com/pb")
    with pytest.raises(macros.MacroError, match=r"\{click_id\}"):
        macros.check_template("https://p.example.com/pb?o={order_id}")  # the merchant's order id is no macro
    with pytest.raises(macros.MacroError, match="brace"):
        macros.check_template("https://p.example.com/pb?o={click_id")


def test_the_order_reference_is_stable_keyed_and_not_the_order_id():
    key = b"k" * 32
    ref = macros.order_ref(key, "shop", "shop-booking:ORD-1")
    assert ref == macros.order_ref(key, "shop", "shop-booking:ORD-1")
    assert ref != macros.order_ref(b"j" * 32, "shop", "shop-booking:ORD-1")
    assert ref != macros.order_ref(key, "shop", "shop-booking:ORD-2")
    assert "ORD" not in ref and len(ref) == 24


def test_a_signature_verifies_only_for_its_secret_method_url_and_time():
    header = signing.signature("s3cret", "GET", "https://p.example.com/pb?c=1", at=1_780_000_000)
    assert signing.verify("s3cret", "GET", "https://p.example.com/pb?c=1", header, now=1_780_000_100)
    assert not signing.verify("other", "GET", "https://p.example.com/pb?c=1", header, now=1_780_000_100)
    assert not signing.verify("s3cret", "GET", "https://p.example.com/pb?c=2", header, now=1_780_000_100)
    assert not signing.verify("s3cret", "POST", "https://p.example.com/pb?c=1", header, now=1_780_000_100)
    assert not signing.verify("s3cret", "GET", "https://p.example.com/pb?c=1", header, now=1_780_001_000)
    assert not signing.verify("s3cret", "GET", "https://p.example.com/pb?c=1", "t=x,v1=y", now=1_780_000_100)


def test_template_yaml_never_sets_the_test_only_switch():
    from devstack.template import ROOT

    assert TEST_ONLY_LOOPBACK_SWITCH not in (ROOT / "template.yaml").read_text()
    assert addresses.loopback_allowed() is False
    # The local stack (make dev, the e2e tests) sets it, by this very name.
    assert f'os.environ["{TEST_ONLY_LOOPBACK_SWITCH}"] = "1"' in (ROOT / "devstack" / "local.py").read_text()
