import pytest

from waymark.click.destinations import AllowedDomains, UnsafeDestination, add_tracking, check_destination, host_of

ALLOWED = AllowedDomains.parse(["www.example.com", "*.example.com", "localhost"])

HOSTILE = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html,<script>alert(1)</script>",
    "//evil.com/",
    "///evil.com/",
    "https:evil.com",
    "https:/evil.com",
    "https://evil.com/",
    "https://example.com.evil.com/",
    "https://evil.com/?next=https://www.example.com/",
    "https://evil.com#www.example.com",
    "https://www.example.com@evil.com/",
    "https://user:pass@www.example.com/",
    "https://www.example.com:443@evil.com/",
    "https://evil.com\\@www.example.com/",
    "https:\\\\evil.com",
    "https://www.example.com\\.evil.com/",
    "https://www.example.com/%0d%0aSet-Cookie:%20x=1",
    "https://www.example.com/%0D%0ALocation:%20https://evil.com",
    "https://www.example.com/\r\nSet-Cookie: x=1",
    "https://www.example.com/%00",
    " https://www.example.com/",
    "https://www.example.com /",
    "https://www.exa mple.com/",
    "https://www.example.com%2f@evil.com/",
    "https://www.example%2ecom/",
    "https://www。example.com/",
    "https://xn--exmple-cua.com/",
    "https://[::1]/",
    "https://127.0.0.1/",
    "https://www.example.com./",
    "https://-bad.example.com/",
    "https://www.example.com:99999/",
    "https://www.example.com:/",
    "ftp://www.example.com/",
    "http://www.example.com/",
    "https://{click_id}.example.com/",
    "",
    "https://www.example.com/" + "a" * 3000,
]


@pytest.mark.parametrize("url", HOSTILE)
def test_hostile_destinations_are_refused(url):
    with pytest.raises(UnsafeDestination):
        check_destination(url, ALLOWED)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.com/", "https://www.example.com/"),
        ("https://WWW.Example.COM/Tours", "https://www.example.com/Tours"),
        ("https://shop.example.com/a b".replace(" ", "%20"), "https://shop.example.com/a%20b"),
        ("https://deep.shop.example.com/x?y=1#frag", "https://deep.shop.example.com/x?y=1#frag"),
        ("https://www.example.com:8443/p", "https://www.example.com:8443/p"),
        ("https://www.example.com/tour/ü", "https://www.example.com/tour/%C3%BC"),
        (
            "https://www.example.com/land?cid={click_id}&a={agent_id}",
            "https://www.example.com/land?cid={click_id}&a={agent_id}",
        ),
        ("https://www.example.com/{not_a_macro}", "https://www.example.com/%7Bnot_a_macro%7D"),
    ],
)
def test_allowed_destinations_are_rebuilt_from_their_parts(url, expected):
    assert check_destination(url, ALLOWED) == expected


def test_subdomain_rule_does_not_cover_the_apex():
    rules = AllowedDomains.parse(["*.example.com"])
    assert rules.allows("a.example.com")
    assert not rules.allows("example.com")
    assert not rules.allows("badexample.com")


def test_http_only_when_the_program_allows_it():
    assert check_destination("http://localhost:3001/x", ALLOWED, allow_http=True) == "http://localhost:3001/x"
    with pytest.raises(UnsafeDestination):
        check_destination("http://localhost:3001/x", ALLOWED)


@pytest.mark.parametrize("rule", ["", "*.", "evil.com/", "https://x.com", "*.*.com", "a..com"])
def test_bad_domain_rules_are_rejected(rule):
    with pytest.raises(ValueError, match="not a domain rule"):
        AllowedDomains.parse([rule])


def test_click_id_is_appended_and_replaces_a_spoofed_one():
    url = add_tracking(
        "https://www.example.com/t?a=1&click_id=forged#top",
        macros={"click_id": "ABC"},
        click_param="click_id",
        passthrough={},
    )
    assert url == "https://www.example.com/t?a=1&click_id=ABC#top"


def test_macros_are_substituted_percent_encoded_and_no_param_is_added():
    url = add_tracking(
        "https://www.example.com/land?cid={click_id}&s={sub1}",
        macros={"click_id": "ABC", "sub1": "a&b=c d"},
        click_param="click_id",
        passthrough={},
    )
    assert url == "https://www.example.com/land?cid=ABC&s=a%26b%3Dc%20d"


def test_passthrough_never_overrides_the_destination_and_is_encoded():
    url = add_tracking(
        "https://www.example.com/t?utm_source=partner",
        macros={"click_id": "ABC"},
        click_param="cid",
        passthrough={"utm_source": "visitor", "x": "<script>"},
    )
    assert url == "https://www.example.com/t?utm_source=partner&cid=ABC&x=%3Cscript%3E"


def test_no_click_param_when_not_credited():
    url = add_tracking("https://www.example.com/", macros={"click_id": ""}, click_param=None, passthrough={"a": "1"})
    assert url == "https://www.example.com/?a=1"


def test_host_of():
    assert host_of("https://Blog.Partner.example/post?id=1") == "blog.partner.example"
    assert host_of("not a url") is None
    assert host_of("http://[::1") is None


def test_a_destination_split_once_still_gets_each_clicks_own_id_and_parameters():
    destination = "https://www.example.com/t?a=1&click_id=forged#top"
    first = add_tracking(destination, macros={"click_id": "ABC"}, click_param="click_id", passthrough={"x": "1"})
    second = add_tracking(destination, macros={"click_id": "DEF"}, click_param="click_id", passthrough={})
    uncredited = add_tracking(destination, macros={"click_id": ""}, click_param="click_id", passthrough={})
    assert first == "https://www.example.com/t?a=1&click_id=ABC&x=1#top"
    assert second == "https://www.example.com/t?a=1&click_id=DEF#top"
    assert uncredited == destination  # nothing to credit: the destination as checked
