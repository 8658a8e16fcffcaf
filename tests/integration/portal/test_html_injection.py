"""Partner-supplied text never becomes markup: autoescaped pages, a strict CSP, and JSON as JSON."""

import re

import pytest

from tests.helpers.portal import client, moto_email_code
from tests.helpers.tokens import partner_token
from waymark.core import cache
from waymark.models import Agent, Link

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '"><img src=x onerror=alert(1)>'


@pytest.fixture
def hostile(world):
    """Hostile values written straight to storage, as if validation had been bypassed."""
    agent = Agent.get(world.b.agent_id)
    agent.update(
        actions=[
            Agent.name.set(f"Bravo {SCRIPT}"),
            Agent.website.set("javascript:alert(1)"),
            Agent.email.set(f"b{ATTRIBUTE}@example.com"),
        ]
    )
    link = Link.get(world.b_link.code)
    link.update(
        actions=[Link.name.set(f"Tour {ATTRIBUTE}"), Link.destination.set(f"https://www.example.com/{ATTRIBUTE}")]
    )
    cache.clear_all()  # a fresh container: nothing cached from before the change
    return world


def pages(world):
    b = world.b.agent_id
    return {
        "admin": ["/admin/partners", f"/admin/partners/{b}", "/admin/inside-sales", "/admin/partners?status=active"],
        "b": ["/portal", "/portal/links", f"/portal/links/{world.b_link.code}", "/portal/profile"],
    }


def test_hostile_names_websites_and_links_are_shown_as_text(hostile, as_admin):
    as_b = client(hostile, partner_token(Agent.get(hostile.b.agent_id)))  # the login of the stored email
    for who, paths in pages(hostile).items():
        browser = as_admin if who == "admin" else as_b
        for path in paths:
            answer = browser.get(path)
            assert answer.status == 200, path
            body = answer.body
            for payload in (SCRIPT, ATTRIBUTE):
                assert payload not in body, (path, payload)
            # The pages' own images (the link's QR code) only: none made of what a partner typed.
            for tag in re.findall(r"<img\b[^>]*>", body):
                own = re.match(r'<img src="/portal/links/[a-z0-9]+/qr\.svg\?', tag)
                assert own and "onerror" not in tag, (path, tag)
            assert 'href="javascript:' not in body, path
            assert "&lt;script&gt;" in body or "&#34;&gt;&lt;img" in body, path


def test_every_page_and_answer_carries_the_strict_headers(world, as_a, api_a):
    for answer in (as_a.get("/portal"), as_a.get("/login"), as_a.get("/portal/nowhere"), api_a.get("/api/links")):
        headers = answer.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp and "form-action 'self'" in csp
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
        assert headers["Cache-Control"] == "no-store"
        assert headers["Referrer-Policy"] == "same-origin"
    page = as_a.get("/portal").body
    assert "<script>" not in page and " on" + "click=" not in page and "style=" not in page


def test_json_answers_are_json_even_with_hostile_content(hostile, api_admin):
    answer = api_admin.get(f"/api/admin/partners/{hostile.b.agent_id}")
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json["name"] == f"Bravo {SCRIPT}"  # the data is kept as sent; JSON is not HTML


def test_a_signup_with_markup_in_its_name_is_escaped_in_the_console(world, as_admin):
    from tests.helpers.web import WebClient

    browser = WebClient(world.stack, world.runtime)
    answer = browser.post(
        "/signup",
        json={
            "name": f"Evil {SCRIPT}",
            "email": "evil@example.com",
            "password": "Evil-pass-2026",
            "partner_type": "affiliate",
            "accept_terms": True,
        },
    )
    assert answer.status == 202
    code = moto_email_code("evil@example.com")
    confirmed = browser.post(
        "/signup/verify", json={"email": "evil@example.com", "password": "Evil-pass-2026", "code": code}
    )
    assert confirmed.status == 200  # operators see an applicant once its address is confirmed
    page = as_admin.get("/admin").body
    assert "Evil &lt;script&gt;alert(1)&lt;/script&gt;" in page and SCRIPT not in page
