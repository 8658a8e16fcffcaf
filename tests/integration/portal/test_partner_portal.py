"""The partner portal's pages and the same data as JSON: links, snippets, sales link, profile."""

from urllib.parse import parse_qs, urlsplit

from markupsafe import escape

from tests.helpers.portal import client
from tests.helpers.programs import make_link
from tests.helpers.tokens import partner_token
from tests.helpers.tracking import follow
from waymark.models import Agent, Link, Program, Session


def escaped(text: str) -> str:
    """How the page's autoescaping writes `text` (Jinja2 uses markupsafe: &#34; for quotes)."""
    return str(escape(text))


def test_a_partner_creates_a_link_on_the_page_and_it_tracks_to_the_merchant_page(world, as_a):
    answer = as_a.submit(
        "/portal/links", "/portal/links", {"destination": "https://shop.example.com/tours/7?lang=de", "name": "Tour 7"}
    )
    assert answer.status == 303
    code = answer.location.rsplit("/", 1)[1]
    link = Link.get(code)
    assert (link.agent_id, link.name, link.destination) == (
        world.a.agent_id,
        "Tour 7",
        "https://shop.example.com/tours/7?lang=de",
    )

    page = as_a.get(answer.location)
    assert page.status == 200
    tracking_url = f"http://track.example.com/c/{code}"
    assert escaped(f'<a href="{tracking_url}" rel="sponsored">Tour 7</a>') in page.body

    click = follow(world.runtime, tracking_url)
    assert click.status == 302
    location = urlsplit(click.location)
    assert (location.netloc, location.path) == ("shop.example.com", "/tours/7")
    assert [s.link_code for s in Session.scan()] == [code]


HOSTILE_DESTINATIONS = [
    "javascript:alert(1)",
    "https://evil.example/",
    "//evil.example/",
    "https://www.example.com@evil.example/",
    "https://www.example.com/%0d%0aSet-Cookie:x",
    "http://www.example.com/",  # the program allows https only
    "not a url",
]


def test_links_only_go_to_the_merchants_site(world, as_a, api_a):
    before = {link.code for link in Link.scan()}
    for destination in HOSTILE_DESTINATIONS:
        page = as_a.submit("/portal/links", "/portal/links", {"destination": destination})
        assert page.status == 400 and 'aria-invalid="true"' in page.body, destination
        answer = api_a.post("/api/links", json={"destination": destination})
        assert answer.status == 400 and "destination" in answer.json["message"], destination
    assert {link.code for link in Link.scan()} == before


def test_the_api_creates_lists_and_reads_only_the_partners_own_links(world, api_a, api_b):
    created = api_a.post(
        "/api/links",
        json={"destination": "https://www.example.com/x", "name": "X", "sub_defaults": {"sub1": "mail"}},
    )
    assert created.status == 201 and created.json["tracking_url"].endswith(f"/c/{created.json['code']}")
    assert Link.get(created.json["code"]).sub_defaults.as_dict() == {"sub1": "mail"}
    mine = api_a.get("/api/links").json
    assert {link["code"] for link in mine["links"]} == {created.json["code"], world.a_link.code, world.a.agent_id}
    assert mine["next_cursor"] is None
    assert api_b.get(f"/api/links/{created.json['code']}").status == 404
    assert api_a.get(f"/api/links/{created.json['code']}").json["snippets"]["text"].endswith(">X</a>")
    bad = api_a.post("/api/links", json={"destination": "https://www.example.com/", "sub_defaults": {"sub9": "x"}})
    assert bad.status == 400 and "sub9" in bad.json["message"]
    assert api_a.post("/api/links", json={"destination": "https://www.example.com/", "extra": 1}).status == 422


def test_link_lists_are_paginated_with_cursors_bound_to_the_partner(world, api_a, api_b, as_a):
    for i in range(50):
        make_link(world.a, world.program, destination=f"https://www.example.com/p/{i}")
    first = api_a.get("/api/links").json
    assert len(first["links"]) == 50 and first["next_cursor"]
    second = api_a.get("/api/links", query={"cursor": first["next_cursor"]}).json
    codes = [link["code"] for link in first["links"] + second["links"]]
    assert len(codes) == len(set(codes)) == 52 and second["next_cursor"] is None
    assert api_b.get("/api/links", query={"cursor": first["next_cursor"]}).status == 400  # not B's listing
    assert api_a.get("/api/links", query={"cursor": first["next_cursor"][:-2] + "xx"}).status == 400
    page = as_a.get("/portal/links")
    assert 'rel="next"' in page.body and as_a.get("/portal/links", query={"cursor": "garbage"}).status == 400


def test_listing_links_and_partners_queries_indexes_and_never_scans(world, api_a, api_admin, aws_requests):
    api_a.get("/api/links")
    api_admin.get("/api/admin/partners")
    api_admin.get("/api/admin/partners", query="status=pending")
    api_admin.get("/api/admin/inside-sales")
    assert "Scan" not in aws_requests.calls and aws_requests.of("Query")


def test_partners_pause_and_resume_their_own_links_but_not_the_default_one(world, as_a, api_a, api_b):
    code = world.a_link.code
    assert api_b.patch(f"/api/links/{code}", json={"status": "paused"}).status == 404
    assert Link.get(code).status == "active"
    assert api_a.patch(f"/api/links/{code}", json={"status": "paused"}).json["status"] == "paused"
    assert Link.get(code).status == "paused"
    token = as_a.get("/portal/links").csrf()
    answer = as_a.post(
        f"/portal/links/{code}/status", form={"csrf_token": token, "status": "active", "back": "/portal/links"}
    )
    assert answer.status == 303 and answer.location == "/portal/links" and Link.get(code).status == "active"
    default = api_a.patch(f"/api/links/{world.a.agent_id}", json={"status": "paused"})
    assert default.status == 400 and "default link" in default.json["message"]
    assert api_a.patch(f"/api/links/{code}", json={"status": "deleted"}).status == 422


def test_snippets_escape_names_and_use_the_programs_banner(world, api_a, as_a):
    program = Program.get(*Program.key("demo"))
    program.update(
        actions=[
            Program.settings.set(
                {
                    "banners": [
                        {
                            "image_url": "https://cdn.example.com/b.png?a=1&b=2",
                            "width": 468,
                            "height": 60,
                            "alt": 'Tours "48h"',
                        }
                    ]
                }
            )
        ]
    )
    from waymark import catalog

    catalog._programs.clear()
    created = api_a.post(
        "/api/links", json={"destination": "https://www.example.com/", "name": 'Best "tours" <b>&</b>'}
    ).json
    snippets = created["snippets"]
    url = created["tracking_url"]
    assert snippets["text"] == f'<a href="{url}" rel="sponsored">Best &quot;tours&quot; &lt;b&gt;&amp;&lt;/b&gt;</a>'
    assert snippets["banners"] == [
        f'<a href="{url}" rel="sponsored"><img src="https://cdn.example.com/b.png?a=1&amp;b=2" '
        'alt="Tours &quot;48h&quot;" width="468" height="60"></a>'
    ]
    assert snippets["banner_is_placeholder"] is False
    shown = as_a.get(f"/portal/links/{created['code']}")
    page = shown.body
    assert escaped(snippets["text"]) in page and "<b>&</b>" not in page
    # A preview of the banner (an image, not a link: no click of the partner's own), which the page's
    # CSP lets load from the banner's host and no other.
    preview = page[page.index('class="banner-preview"') :].split("</figure>")[0]
    assert '<img src="https://cdn.example.com/b.png?a=1&amp;b=2" alt="Tours &#34;48h&#34;" width="468"' in preview
    assert "<a " not in preview
    policy = shown.headers["Content-Security-Policy"]
    assert "img-src 'self' data: https://cdn.example.com;" in policy and "script-src 'self';" in policy


def test_concierges_get_a_sales_link_to_the_order_page(world, as_b, api_a, api_b):
    sales_link = api_b.get("/api/profile").json["sales_link"]
    parts = urlsplit(sales_link)
    assert parts.path == f"/c/{world.b.agent_id}"
    assert parse_qs(parts.query) == {"url": ["https://www.example.com/order"], "source": ["sales-link"]}
    assert escaped(sales_link) in as_b.get("/portal").body
    assert api_a.get("/api/profile").json["sales_link"] is None  # an affiliate has none

    click = follow(world.runtime, sales_link)
    assert urlsplit(click.location).path == "/order"
    [session] = Session.scan()
    assert (session.agent_id, session.source) == (world.b.agent_id, "sales-link")


def test_a_new_partners_dashboard_shows_zeros_not_invented_figures(world, as_a):
    page = as_a.get("/portal").body
    for name, shown in (
        ("clicks", "0"),
        ("conversions", "0"),
        ("sales", "0.00 EUR"),
        ("commission_pending", "0.00 EUR"),
    ):
        assert f'data-figure="{name}">{shown}<' in page, name
    assert "0 clicks (0 unique) and 0 conversions in 30 days." in page
    assert "10 %" in page  # the program's rate, as configured


def test_partners_edit_their_profile_but_not_their_email_or_status(world, as_a, api_a):
    answer = as_a.submit(
        "/portal/profile", "/portal/profile", {"name": "Alpha Travel Blog", "website": "alpha.example"}
    )
    assert answer.status == 303 and answer.location == "/portal/profile?done=saved"
    agent = Agent.get(world.a.agent_id)
    assert (agent.name, agent.website) == ("Alpha Travel Blog", "https://alpha.example")
    assert "Your profile is saved." in as_a.get(answer.location).body

    assert as_a.submit("/portal/profile", "/portal/profile", {"name": "", "website": ""}).status == 400
    assert api_a.patch("/api/profile", json={"website": "ftp://x.example"}).status == 422
    assert api_a.patch("/api/profile", json={"status": "active"}).status == 422
    assert api_a.patch("/api/profile", json={"email": "new@example.com"}).status == 422
    cleared = api_a.patch("/api/profile", json={"website": None})
    assert cleared.status == 200 and cleared.json["website"] is None and cleared.json["name"] == "Alpha Travel Blog"
    assert Agent.get(world.a.agent_id).status == "active"


def test_a_partner_suspended_meanwhile_is_refused_at_once_in_this_container(world, as_a, api_admin):
    assert as_a.get("/portal").status == 200
    api_admin.post(f"/api/admin/partners/{world.a.agent_id}/status", json={"action": "suspend"})
    page = as_a.get("/portal")
    assert page.status == 403 and "suspended" in page.body
    assert client(world, partner_token(world.a), cookie=False).get("/api/links").json["status"] == "suspended"


def test_a_bare_destination_gets_https_as_signup_does_and_a_foreign_one_names_the_allowed_domains(world, as_a, api_a):
    answer = as_a.submit("/portal/links", "/portal/links", {"destination": "shop.example.com/tours/8"})
    assert answer.status == 303, answer.body[:500]
    assert Link.get(answer.location.rsplit("/", 1)[1]).destination == "https://shop.example.com/tours/8"

    allowed = "www.example.com or any subdomain of example.com"
    page = as_a.submit("/portal/links", "/portal/links", {"destination": "https://evil.example/"})
    assert page.status == 400 and escaped(allowed) in page.body
    answer = api_a.post("/api/links", json={"destination": "evil.example/tours"})
    assert answer.status == 400 and allowed in answer.json["message"]


def test_validation_errors_are_plain_sentences_in_the_callers_language_among_the_programs(world, as_a, api_a):
    answer = api_a.post("/api/links", json={"destination": "", "name": "x" * 1001})
    assert answer.status == 422
    by_field = {e["field"]: e for e in answer.json["errors"]}
    assert by_field["body.destination"]["message"] == "Destination is required."
    assert by_field["body.destination"]["type"] == "string_too_short"  # for programs, beside the sentence
    assert by_field["body.destination"]["loc"] == ["body", "destination"]
    assert by_field["body.name"]["message"] == "Name must be at most 1000 characters long."

    german = api_a.post("/api/links", json={"destination": ""}, headers={"accept-language": "de-DE,de;q=0.9"})
    assert german.json["errors"][0]["message"] == "Destination ist erforderlich."
    french = api_a.post("/api/links", json={"destination": ""}, headers={"accept-language": "fr"})
    assert french.json["errors"][0]["message"] == "Destination is required."  # not a language of the program

    form = {"csrf_token": as_a.get("/portal/links").csrf(), "destination": ""}
    page = as_a.post("/portal/links", form=form, headers={"accept-language": "de"})
    assert page.status == 400 and "String should" not in page.body
    assert "ist erforderlich" in page.body, page.body[:2000]
