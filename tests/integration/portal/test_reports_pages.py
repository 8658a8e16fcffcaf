"""Figures in the portal and the console, read from counters the real stream consumer wrote: the
dashboard and its chart, links with their figures, the monthly report, the all-partners report,
partner lists with month totals, and partners never seeing each other's figures.

These tests only read, so they share one world (as the authorisation matrix does); the ones that
change something are in test_reports_actions.py.
"""

import re
from decimal import Decimal

import pytest

from tests.helpers.portal import MONTH, figure, world_with_figures
from tests.helpers.stack import RECORDER, reset_process_state


@pytest.fixture(scope="module")
def figures_world():
    """One embedded AWS and one world with figures for the whole module, the pages' clock at NOW."""
    with world_with_figures() as world:
        yield world


@pytest.fixture
def world(figures_world):
    reset_process_state()
    return figures_world


@pytest.fixture
def activity(world):
    return world


def test_the_dashboard_shows_this_month_twelve_months_and_a_daily_chart(activity, as_a, api_a):
    page = as_a.get("/portal")
    assert page.status == 200
    body = page.body
    assert "This month: May 2026" in body
    assert (figure(body, "clicks"), figure(body, "conversions"), figure(body, "sales")) == ("2", "1", "200.00 EUR")
    assert figure(body, "commission_pending") == "20.00 EUR" and figure(body, "commission_approved") == "0.00 EUR"

    # The chart: SVG drawn on the server, described for screen readers, its figures also as a table.
    svg = body[body.index("<svg") : body.index("</svg>")]
    assert 'role="img"' in svg and 'aria-labelledby="daily-chart-title daily-chart-desc"' in svg
    assert "Daily clicks and conversions, 26 Apr to 25 May 2026" in svg
    assert "2 clicks (2 unique) and 1 conversions in 30 days." in svg
    assert "<title>20 May: 1 click</title>" in svg and "<title>21 May: 1 click</title>" in svg
    assert "<title>20 May: 1 conversion</title>" in svg and "<title>19 May: 0 clicks</title>" in svg
    table = body[body.index('class="chart-data"') :]
    assert table.count('<th scope="row">2026-') == 30 and '<th scope="row">2026-05-20</th>' in table
    assert "<script>" not in body and "style=" not in body

    # The last 12 months, linked to each month's report.
    assert body.count('href="/portal/reports/20') >= 12 and 'href="/portal/reports/2025-06"' in body

    # The same figures as JSON.
    data = api_a.get("/api/dashboard").json
    assert data["month"] == MONTH and data["currency"] == "EUR"
    assert data["this_month"]["clicks"] == 2 and data["this_month"]["commission_pending"] == "20.00"
    assert [m["month"] for m in data["months"]][-2:] == ["2026-04", "2026-05"] and len(data["months"]) == 12
    assert len(data["days"]) == 30 and data["days"][-1]["day"] == "2026-05-25"
    assert {d["day"]: d["counters"]["clicks"] for d in data["days"]}["2026-05-21"] == 1


def test_links_show_their_figures_and_a_link_its_daily_series(activity, as_a, api_a):
    world = activity
    page = as_a.get("/portal/links").body
    row = page[page.index(f'href="/portal/links/{world.a_link.code}"') :].split("</tr>")[0]
    assert 'data-figure="clicks">2 (2)<' in row and 'data-figure="commission">20.00<' in row

    listed = {link["code"]: link["stats"] for link in api_a.get("/api/links").json["links"]}
    assert listed[world.a_link.code]["clicks"] == 2 and listed[world.a_link.code]["commission"] == "20.00"
    assert listed[world.a.agent_id]["clicks"] == 0  # the default link: no clicks yet

    detail = as_a.get(f"/portal/links/{world.a_link.code}").body
    assert figure(detail, "clicks") == "2" and figure(detail, "commission_pending") == "20.00 EUR"
    assert 'aria-labelledby="link-chart-title link-chart-desc"' in detail

    stats = api_a.get(f"/api/links/{world.a_link.code}/stats", query="days=7").json
    assert stats["totals"]["clicks"] == 2 and stats["days"][0]["day"] == "2026-05-19"
    assert [d["counters"]["clicks"] for d in stats["days"]] == [0, 1, 1, 0, 0, 0, 0]
    assert api_a.get(f"/api/links/{world.a_link.code}/stats", query="days=401").status == 422


def test_the_monthly_report_breaks_down_by_channel_link_and_sub_id(activity, as_a, api_a):
    world = activity
    assert as_a.get("/portal/reports", query=f"month={MONTH}").location == f"/portal/reports/{MONTH}"
    assert as_a.get("/portal/reports").location == f"/portal/reports/{MONTH}"  # this month
    page = as_a.get(f"/portal/reports/{MONTH}")
    assert page.status == 200
    body = page.body
    assert "Commission report: May 2026" in body and figure(body, "sales") == "200.00 EUR"
    channels = body[body.index('id="by-channel"') : body.index('id="links-h"')]
    labels = re.findall(r'<th scope="row">([^<]+)</th>', channels)
    assert labels == ["web", "chat", "phone", "concierge", "inside sales", "remarketing", "coupon"]
    links = body[body.index('id="by-link"') :]
    assert "A&#39;s tour" in links and world.a_link.code in links
    sub_ids = body[body.index('id="by-sub-id"') :]
    assert "<code>sub1</code> spring" in sub_ids and "<code>source</code> newsletter" in sub_ids
    conversions = body[body.index('id="conversion-list"') :]
    assert "o-a1" in conversions and "o-b1" not in conversions

    data = api_a.get(f"/api/reports/{MONTH}").json
    assert data["totals"]["commission_pending"] == "20.00" and data["currency"] == "EUR"
    assert [row["channel"] for row in data["by_channel"]] == [
        "web",
        "chat",
        "phone",
        "concierge",
        "inside_sales",
        "remarketing",
        "coupon",
    ]
    assert data["by_link"] == [
        {"code": world.a_link.code, "name": "A's tour", "counters": data["by_link"][0]["counters"]}
    ]
    assert {(row["field"], row["value"]) for row in data["by_sub_id"]} == {("sub1", "spring"), ("source", "newsletter")}
    assert data["sub_ids_next_cursor"] is None
    listed = api_a.get(f"/api/reports/{MONTH}/conversions").json
    assert [c["order_id"] for c in listed["conversions"]] == ["o-a1"] and listed["conversions"][0]["amount"] == "200.00"
    assert "history" not in listed["conversions"][0]  # operators' notes stay in the console


def test_a_partner_sees_only_its_own_figures_whatever_it_asks_for(activity, as_a, api_a, api_b):
    world = activity
    b = world.b
    assert api_a.get(f"/api/links/{world.b_link.code}/stats").status == 404
    assert as_a.get(f"/portal/links/{world.b_link.code}").status == 404
    for month in ("2026-05", "2026-04", "2025-05"):
        for answer in (api_a.get(f"/api/reports/{month}"), as_a.get(f"/portal/reports/{month}")):
            assert answer.status == 200
            assert b.agent_id not in answer.body and b.name not in answer.body and "o-b1" not in answer.body
            assert "bravo-desk" not in answer.body and "80.00" not in answer.body
    assert api_b.get(f"/api/reports/{MONTH}").json["totals"]["sales"] == "80.00"
    assert api_a.get("/api/reports/2026-06").status == 400  # not started yet ("now" is 25 May 2026)
    assert api_a.get("/api/reports/2026-13").status == 422
    assert as_a.get("/portal/reports/2026-13").status == 400
    assert as_a.get("/portal/reports", query="month=nonsense").status == 400


def test_the_all_partners_report_with_unattributed_sales_and_channels(activity, as_admin, api_admin):
    world = activity
    assert as_admin.get("/admin/reports", query={"month": MONTH}).location == f"/admin/reports/{MONTH}"
    body = as_admin.get(f"/admin/reports/{MONTH}").body
    partners = body[body.index('id="by-partner"') : body.index('id="channels-h"')]
    assert "Alpha Blog" in partners and "Bravo Hotel" in partners and "Unattributed" in partners
    assert figure(body, "sales") == "280.00 EUR"  # 200 + 80; the unattributed 50 earned nobody (rejected)
    data = api_admin.get(f"/api/admin/reports/{MONTH}").json
    rows = {row["agent_id"]: row for row in data["partners"]}
    assert rows[world.a.agent_id]["name"] == "Alpha Blog" and rows[world.b.agent_id]["counters"]["sales"] == "80.00"
    assert data["unattributed"]["conversions"] == 0 and data["unattributed"]["conversions_rejected"] == 1
    assert data["totals"]["clicks"] == 3
    assert {row["channel"]: row["counters"]["conversions"] for row in data["by_channel"]} == {
        "web": 1,
        "chat": 0,
        "phone": 0,
        "concierge": 1,
        "inside_sales": 0,
        "remarketing": 0,
        "coupon": 0,
    }
    assert [m["month"] for m in data["months"]][-1] == MONTH
    # Found by schemathesis: a year-long series ending in month 0000-01 used to leave the calendar (500).
    assert api_admin.get("/api/admin/reports/0000-01").status == 422
    assert as_admin.get("/admin/reports/0001-01").status == 400

    # One partner's month, as operators see it, and the partner lists with month totals.
    assert api_admin.get(f"/api/admin/partners/{world.b.agent_id}/reports/{MONTH}").json["totals"]["sales"] == "80.00"
    report = as_admin.get(f"/admin/partners/{world.b.agent_id}/reports/{MONTH}").body
    assert "Bravo Hotel: May 2026" in report and "o-b1" in report
    listed = api_admin.get("/api/admin/partners", query={"status": "active", "month": MONTH}).json
    assert listed["month"] == MONTH
    totals = {p["agent_id"]: p["month_totals"] for p in listed["partners"]}
    assert totals[world.a.agent_id]["commission_pending"] == "20.00" and totals[world.b.agent_id]["clicks"] == 1
    page = as_admin.get("/admin/partners", query={"status": "active", "month": MONTH}).body
    row = page[page.index("Alpha Blog") :].split("</tr>")[0]
    # Each figure is named by its column (on a phone the row is a card: money in view, no side-scroll).
    assert (
        '<td class="num" data-label="Clicks May 2026">2</td><td class="num" data-label="Conversions">1</td>'
        '<td class="num" data-label="Sales (EUR)">200.00</td>'
    ) in row
    detail = as_admin.get(f"/admin/partners/{world.a.agent_id}").body
    assert figure(detail, "sales") == "200.00 EUR"


def test_report_routes_never_scan(activity, as_a, api_a, as_admin, api_admin):
    world = activity
    calls: list[str] = []
    for browser, path in (
        (as_a, "/portal"),
        (as_a, "/portal/links"),
        (as_a, f"/portal/links/{world.a_link.code}"),
        (as_a, f"/portal/reports/{MONTH}"),
        (api_a, f"/api/reports/{MONTH}/sub-ids"),
        (as_admin, "/admin/conversions"),
        (as_admin, f"/admin/reports/{MONTH}"),
        (as_admin, "/admin/partners"),
        (as_admin, f"/admin/partners/{world.a.agent_id}"),
        (as_admin, f"/admin/partners/{world.b.agent_id}/reports/{MONTH}"),
        (api_a, "/api/dashboard"),
        (api_a, f"/api/links/{world.a_link.code}/stats"),
        (api_admin, "/api/admin/partners"),
        (api_admin, f"/api/admin/conversions/{world.a_sale.replace(':', '%3A')}"),
    ):
        with RECORDER.listening():
            assert browser.get(path).status == 200, path
        calls += RECORDER.calls
    # DynamoDB's calls; the web keyring (page cursors, CSRF) is read from Secrets Manager once per container,
    # and the console's gate asks the user pool whether the operator has its authenticator app.
    dynamodb = {call for call in calls if not call.startswith(("GET ", "PUT ", "POST "))}
    dynamodb -= {"GetSecretValue", "AdminGetUser"}
    assert "Scan" not in dynamodb
    assert dynamodb <= {"GetItem", "Query", "BatchGetItem"}, dynamodb
    assert {"Query", "BatchGetItem"} <= dynamodb  # the figures were read (from the counters)
    assert Decimal(api_admin.get(f"/api/admin/reports/{MONTH}").json["totals"]["sales"]) == Decimal("280.00")


def test_channel_clicks_the_merchants_own_sales_rates_and_the_favicon(activity, as_a, as_admin):
    """Issue 18's page fixes, on the figures the stream consumer wrote."""
    # Clicks are visits to the shop's website: the web channel holds the month's (3 of A and B; 2 of A).
    program = as_admin.get(f"/admin/reports/{MONTH}").body
    web = '<tr><th scope="row">web</th><td class="num" data-label="Clicks">'
    assert web + "3</td>" in program[program.index('id="by-channel"') :]
    partner = as_a.get(f"/portal/reports/{MONTH}").body
    assert web + "2</td>" in partner[partner.index('id="by-channel"') :]

    # The sale nobody earned (the merchant's own, stored as rejected) reads "not attributed".
    listed = as_admin.get("/admin/conversions", query={"month": MONTH}).body
    row = listed[listed.index("o-x1") :].split("</tr>")[0]
    assert "not attributed" in row and "status-rejected" not in row
    earned = listed[listed.index("o-a1") :].split("</tr>")[0]
    assert "not attributed" not in earned

    # An undated rate is valid always (it read as three dashes); every page links the favicon the gateway serves.
    dashboard = as_a.get("/portal").body
    rates = dashboard[dashboard.index('id="rates"') :]
    assert '<td data-label="Valid">always</td>' in rates and "— – —" not in rates
    icon = re.search(r'<link rel="icon" href="(/static/favicon\.svg\?v=\w+)"', dashboard).group(1)
    served = as_a.get(icon.split("?")[0])
    assert served.status == 200 and served.headers["Content-Type"].startswith("image/svg+xml")
