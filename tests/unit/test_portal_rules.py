"""Signup, profile and commission validation; password policy; snippets: pure rules, no AWS."""

from decimal import Decimal

import pytest
from pydantic import ValidationError

from waymark.models import Agent, Link, Program
from waymark.partners import snippets
from waymark.partners.signup import PasswordPolicy
from waymark.portal.schemas import CommissionRuleIn, PartnerUpdate, ProfileUpdate, SignupRequest

SIGNUP = {"name": "Ana", "email": "ana@example.com", "password": "x", "partner_type": "affiliate", "accept_terms": True}


def test_signup_normalizes_email_and_website():
    request = SignupRequest.model_validate({**SIGNUP, "email": " Ana@Example.COM ", "website": "blog.example/path"})
    assert request.email == "ana@example.com" and request.website == "https://blog.example/path"
    assert SignupRequest.model_validate({**SIGNUP, "website": ""}).website is None
    assert SignupRequest.model_validate({**SIGNUP, "accept_terms": "true"}).accept_terms is True


@pytest.mark.parametrize(
    "website",
    [
        "javascript:alert(1)",
        "ftp://x.example",
        "https://localhost",
        "https://a b.example",
        "https://u@x.example",
        "https://x.example/<b>",
        "https://x.example:99999",
    ],
)
def test_websites_must_be_plain_http_addresses(website):
    with pytest.raises(ValidationError):
        SignupRequest.model_validate({**SIGNUP, "website": website})


@pytest.mark.parametrize("name", ["", "   ", "a" * 121, "Ana\x00", "Ana\u202egnp.exe"])
def test_names_must_be_short_plain_text(name):
    with pytest.raises(ValidationError):
        SignupRequest.model_validate({**SIGNUP, "name": name})


def test_profile_changes_are_only_the_fields_sent():
    assert ProfileUpdate.model_validate({"website": None}).changes() == {"website": None}
    assert ProfileUpdate.model_validate({}).changes() == {}
    with pytest.raises(ValidationError):
        ProfileUpdate.model_validate({"name": None})
    with pytest.raises(ValidationError):
        ProfileUpdate.model_validate({"status": "active"})


def test_commission_rules_are_exact_and_consistent():
    rule = CommissionRuleIn.model_validate(
        {
            "kind": "percent",
            "value": "12.345",
            "channel": "phone",
            "valid_from": "2026-01-01",
            "valid_until": "2026-01-01",
        }
    )
    assert rule.stored() == {
        "kind": "percent",
        "value": Decimal("12.345"),
        "channel": "phone",
        "valid_from": "2026-01-01",
        "valid_until": "2026-01-01",
        "note": None,
    }
    assert CommissionRuleIn.model_validate({"kind": "fixed", "value": "250"}).value == Decimal("250")
    for bad in (
        {"kind": "percent", "value": "100.01"},
        {"kind": "fixed", "value": "0"},
        {"kind": "fixed", "value": "1.00001"},
        {"kind": "fixed", "value": "NaN"},
        {"kind": "fixed", "value": "5", "valid_from": "2026-02-01", "valid_until": "2026-01-31"},
        {"kind": "fixed", "value": "5", "channel": "fax"},
    ):
        with pytest.raises(ValidationError):
            CommissionRuleIn.model_validate(bad)
    with pytest.raises(ValidationError):
        PartnerUpdate.model_validate({"commission_rules": [{"kind": "fixed", "value": "1"}] * 21})
    assert PartnerUpdate.model_validate({"commission_rules": None}).changes() == {"commission_rules": []}


def test_the_password_policy_reads_the_pool_and_says_what_is_missing():
    policy = PasswordPolicy.from_user_pool(
        {
            "Policies": {
                "PasswordPolicy": {
                    "MinimumLength": 12,
                    "RequireUppercase": True,
                    "RequireLowercase": True,
                    "RequireNumbers": True,
                    "RequireSymbols": True,
                }
            }
        }
    )
    assert policy.problems("Abcdefgh-123") == []
    assert policy.problems("abc") == ["at least 12 characters", "an upper-case letter", "a digit", "a symbol"]
    assert "no spaces at the start or end" in policy.problems(" Abcdefgh-123")
    assert policy.describe() == "at least 12 characters, a lower-case letter, an upper-case letter, a digit, a symbol"
    lenient = PasswordPolicy(
        minimum_length=6, require_lowercase=False, require_uppercase=False, require_numbers=False, require_symbols=False
    )
    assert lenient.problems("aaaaaa") == []


def _program(**fields) -> Program:
    defaults = {
        "program_id": "p",
        "name": "P & Co",
        "default_landing_url": "https://www.example.com/",
        "order_page_url": "https://www.example.com/order?from=desk",
    }
    return Program(*Program.key("p"), **{**defaults, **fields})


def _agent(partner_type: str = "concierge") -> Agent:
    return Agent("abcd2345", program_id="p", name="A", email="a@x", partner_type=partner_type, created_at="2026")


def test_sales_links_are_deep_links_to_the_order_page_for_concierges_only():
    url = snippets.sales_link("https://t.example/", _agent(), _program())
    assert (
        url == "https://t.example/c/abcd2345?url=https%3A%2F%2Fwww.example.com%2Forder%3Ffrom%3Ddesk&source=sales-link"
    )
    assert snippets.sales_link("https://t.example", _agent("affiliate"), _program()) is None
    assert snippets.sales_link("https://t.example", _agent(), _program(order_page_url=None)) is None


def test_snippets_escape_every_value_for_their_context():
    link = Link("k7m2p9qx4t", agent_id="abcd2345", program_id="p", created_at="2026", name='<b>"x"</b>')
    program = _program(
        settings={
            "banners": [
                {"image_url": 'https://cdn.example/b.png?x="1"', "width": 300, "height": "250", "alt": "<Tours>"},
                {"image_url": "javascript:alert(1)"},
                {"image_url": "https://cdn.example/c.png", "width": -1, "height": "tall"},
            ]
        }
    )
    found = snippets.for_link("https://t.example", link, program)
    assert found.text == '<a href="https://t.example/c/k7m2p9qx4t" rel="sponsored">&lt;b&gt;&quot;x&quot;&lt;/b&gt;</a>'
    assert found.banners == [
        '<a href="https://t.example/c/k7m2p9qx4t" rel="sponsored"><img src="https://cdn.example/b.png?x=&quot;1&quot;" '
        'alt="&lt;Tours&gt;" width="300" height="250"></a>',
        '<a href="https://t.example/c/k7m2p9qx4t" rel="sponsored">'
        '<img src="https://cdn.example/c.png" alt="P &amp; Co"></a>',
    ]
    assert not found.banner_is_placeholder
    bare = snippets.for_link("https://t.example", link, _program())
    assert bare.banner_is_placeholder and "IMAGE-URL-FROM-THE-MERCHANT" in bare.banners[0]


def test_a_banner_preview_lets_the_csp_load_only_plain_image_hosts():
    from waymark.partners.snippets import Banner, image_origins

    images = [
        Banner("https://cdn.example.com/b.png?x=1"),
        Banner("http://localhost:4321/banner.svg"),
        Banner("https://cdn.example.com/other.png"),
        Banner("https://user@evil.example/b.png"),  # userinfo dropped: the host alone
        Banner("https://x;script-src *.example/b.png"),  # would add a directive to the policy
        Banner("data:image/png;base64,AAAA"),
    ]
    assert image_origins(images) == [
        "https://cdn.example.com",
        "http://localhost:4321",
        "https://cdn.example.com",
        "https://evil.example",
    ]
