from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from waymark.click.projections import AgentView, LinkView, ProgramView
from waymark.click.rules import MAX_SUB_ID_LENGTH, ClickRequest, decide
from waymark.click.sessions import TTL_GRACE
from waymark.core import ids

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def program(**overrides) -> ProgramView:
    fields = dict(
        program_id="shop",
        default_landing_url="https://www.example.com/",
        allowed_domains=["www.example.com", "*.example.com"],
    )
    fields.update(overrides)
    return ProgramView(**fields)


def agent(status="active", **overrides) -> AgentView:
    return AgentView("ag000001", "shop", status, **overrides)


def link(**overrides) -> LinkView:
    fields = dict(agent_id="ag000001", program_id="shop", destination="https://www.example.com/tours/1")
    fields.update(overrides)
    return LinkView("lnk0000001", **fields)


def request(**overrides) -> ClickRequest:
    fields = dict(
        code="lnk0000001",
        query={},
        user_agent="Mozilla/5.0",
        referer="https://blog.example.org/post",
        country="de",
        source_ip="203.0.113.9",
    )
    fields.update(overrides)
    return ClickRequest(**fields)


def test_unknown_link_is_a_404():
    assert decide(request(), None, None, program(), NOW).status == 404
    assert decide(request(), link(), agent(), None, NOW).status == 404


def test_credited_click_builds_the_session_and_redirect():
    outcome = decide(request(query={"sub1": "news", "utm_medium": "mail"}), link(), agent(), program(), NOW)
    assert outcome.status == 302 and outcome.credited
    session = outcome.session
    parts = urlsplit(outcome.location)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.example.com", "/tours/1")
    assert parse_qs(parts.query) == {"click_id": [session.click_id], "utm_medium": ["mail"]}
    assert ids.is_click_id(session.click_id)
    assert session.ref_code == ids.ref_code(session.click_id)
    assert (session.agent_id, session.link_code, session.program_id) == ("ag000001", "lnk0000001", "shop")
    assert session.sub1 == "news" and session.sub2 is None
    assert session.referrer_host == "blog.example.org"
    assert session.country == "DE"
    assert session.ip_hash != "203.0.113.9" and "203.0.113.9" not in str(session.to_item())
    assert session.expires_at == int((NOW + timedelta(days=365)).timestamp())
    assert session.ttl == int((NOW + timedelta(days=365) + TTL_GRACE).timestamp())
    assert outcome.cookie_max_age == 365 * 86400
    assert ids.click_id_time_ms(session.click_id) == int(NOW.timestamp() * 1000)


def test_window_comes_from_partner_override_then_program():
    assert decide(request(), link(), agent(), program(attribution_window_days=30), NOW).cookie_max_age == 30 * 86400
    outcome = decide(request(), link(), agent(attribution_window_days=7), program(attribution_window_days=30), NOW)
    assert outcome.cookie_max_age == 7 * 86400
    assert outcome.session.expires_at == int((NOW + timedelta(days=7)).timestamp())


def test_deep_link_goes_to_any_allowed_page():
    outcome = decide(request(query={"url": "https://shop.example.com/cart?x=1"}), link(), agent(), program(), NOW)
    assert outcome.location.startswith("https://shop.example.com/cart?x=1&click_id=")


def test_agent_code_link_uses_the_program_landing_page():
    outcome = decide(request(), link(destination=None), agent(), program(), NOW)
    assert outcome.location.startswith("https://www.example.com/?click_id=")


@pytest.mark.parametrize(
    "url", ["https://evil.com/", "javascript:alert(1)", "//evil.com", "https://www.example.com@evil.com"]
)
def test_foreign_deep_links_are_a_400_without_session(url):
    outcome = decide(request(query={"url": url}), link(), agent(), program(), NOW)
    assert outcome.status == 400 and outcome.session is None and outcome.location is None


def test_link_destination_outside_the_domains_is_refused_too():
    outcome = decide(request(), link(destination="https://old-shop.example.net/"), agent(), program(), NOW)
    assert outcome.status == 400 and outcome.location is None


@pytest.mark.parametrize(
    ("lnk", "agt", "method", "reason"),
    [
        (link(status="paused"), agent(), "GET", "link paused"),
        (link(), agent("suspended"), "GET", "partner not active"),
        (link(), agent("pending"), "GET", "partner not active"),
        (link(), None, "GET", "partner not active"),
        (link(), agent(), "HEAD", "head request"),
    ],
)
def test_not_credited_clicks_still_redirect(lnk, agt, method, reason):
    outcome = decide(request(method=method, query={"a": "1"}), lnk, agt, program(), NOW)
    assert outcome.status == 302
    assert outcome.session is None and not outcome.credited
    assert outcome.not_credited_reason == reason
    assert outcome.location == "https://www.example.com/tours/1?a=1"


def test_sub_ids_longer_than_the_limit_are_refused():
    ok = decide(request(query={"sub3": "x" * MAX_SUB_ID_LENGTH}), link(), agent(), program(), NOW)
    assert ok.status == 302 and ok.session.sub3 == "x" * MAX_SUB_ID_LENGTH
    too_long = decide(request(query={"source": "x" * (MAX_SUB_ID_LENGTH + 1)}), link(), agent(), program(), NOW)
    assert too_long.status == 400 and "source" in too_long.message


def test_link_sub_id_defaults_fill_in_missing_values():
    outcome = decide(
        request(query={"sub2": "given"}),
        link(sub_defaults={"sub1": "default", "sub2": "d2"}),
        agent(),
        program(),
        NOW,
    )
    assert (outcome.session.sub1, outcome.session.sub2) == ("default", "given")


def test_passthrough_can_be_switched_off_and_reserved_names_never_pass():
    query = {"sub1": "s", "url": "https://www.example.com/x", "click_id": "forged", "keep": "1"}
    on = decide(request(query=query), link(), agent(), program(), NOW)
    assert parse_qs(urlsplit(on.location).query) == {"click_id": [on.session.click_id], "keep": ["1"]}
    off = decide(request(query=query), link(), agent(), program(passthrough=False), NOW)
    assert parse_qs(urlsplit(off.location).query) == {"click_id": [off.session.click_id]}


def test_custom_click_param_and_macros():
    lnk = link(destination="https://www.example.com/land?ref={agent_id}&s={sub1}")
    outcome = decide(request(query={"sub1": "a b"}), lnk, agent(), program(click_param="wm"), NOW)
    assert outcome.location == f"https://www.example.com/land?ref=ag000001&s=a%20b&wm={outcome.session.click_id}"
    with_macro = decide(request(), link(destination="https://www.example.com/l?c={click_id}"), agent(), program(), NOW)
    assert with_macro.location == f"https://www.example.com/l?c={with_macro.session.click_id}"
