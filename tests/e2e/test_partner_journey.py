"""A new partner's first day in a real browser: sign up, get approved in the admin console,
log in, create a link, a visitor follows it and books on the merchant's site, the dashboard
shows the click and the pending commission, an operator approves the sale in the console, the
partner sees approved commission and downloads the month's statement as CSV.

Figures reach the dashboard through the local stack's stream poller (every 0.2 s), so the
test reloads the page until they show, for a bounded time.
"""

import csv
import io
import json
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.helpers.local_stack import log_in_operator, new_browser_context, screenshot

pytestmark = pytest.mark.e2e
PASSWORD = "Journey-pass-2026"
FIGURES_TIMEOUT = 60  # seconds: the stream poller runs every 0.2 s; this bound only matters on a loaded machine


def figure(page, name: str) -> str:
    return page.locator(f'[data-figure="{name}"]').first.inner_text()


def wait_for_figures(page, url: str, expected: dict[str, str]) -> None:
    """Reload `url` until its figure cards show `expected` (bounded: the counters follow the streams)."""
    deadline = time.monotonic() + FIGURES_TIMEOUT
    while True:
        page.goto(url)
        shown = {name: figure(page, name) for name in expected}
        if shown == expected:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"the dashboard shows {shown}, expected {expected}")
        time.sleep(0.3)


def shot(page, name: str) -> None:
    screenshot(page, f"partner-journey-{name}")


def test_signup_approval_link_click_sale_approval_and_statement(local_stack, browser, page):
    gateway, demo = local_stack["gateway_url"], local_stack["demo_url"]
    admin = local_stack["demo"]["admin"]
    email = f"journey-{secrets.token_hex(4)}@example.com"
    name = f"Journey Travel Blog {secrets.token_hex(2)}"

    # 1. Sign up.
    page.goto(f"{gateway}/signup")
    page.get_by_label("Your name or company").fill(name)
    page.get_by_label("Email (your login)").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Website (optional)").fill("journey.example")
    page.get_by_label("I accept the terms").check()
    shot(page, "1-signup")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name=f"Thank you, {name}")).to_be_visible()

    # Confirm the address with the code Cognito emails (the local user pool lists it at /_local/codes).
    code = page.request.get(f"{gateway}/_local/codes").json()[email]
    page.get_by_label("Email", exact=True).first.fill(email)
    page.get_by_label("Password", exact=True).first.fill(PASSWORD)
    page.get_by_label("Code from the email").fill(code)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Email address confirmed")).to_be_visible()

    # Not approved yet: the partner sees its status, not the portal.
    page.goto(f"{gateway}/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Awaiting approval")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # 2. An operator approves the application in the admin console.
    console = new_browser_context(browser).new_page()
    log_in_operator(console, gateway, admin["email"], admin["password"])
    expect(console.get_by_role("heading", name="Partners awaiting approval")).to_be_visible()
    console.get_by_role("link", name=name).click()
    shot(console, "2-admin-review")
    console.get_by_role("button", name="Approve").click()
    assert console.get_by_role("status").inner_text().startswith("The partner is approved")
    shot(console, "3-admin-approved")
    console.context.close()

    # 3. The partner logs in and creates a link to a tour page.
    page.goto(f"{gateway}/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    assert figure(page, "clicks") == "0" and figure(page, "commission_pending") == "0.00 EUR"
    agent_id = page.locator(".lead code").inner_text()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Links").click()
    page.get_by_label("Page on the merchant's site").fill(f"{demo}/tours/city-walk")
    page.get_by_label("Name (for you)").fill("City walk")
    page.get_by_role("button", name="Create link").click()
    tracking_url = page.get_by_label("Tracking link").input_value()
    assert tracking_url.startswith(f"{gateway}/c/")
    assert tracking_url in page.get_by_label("Text link (HTML)").input_value()
    shot(page, "4-link-snippets")

    # 4. A visitor, in a browser of its own (the partner's own click would be self-referral),
    # follows the link and lands on the merchant's page with a click id.
    visitor = new_browser_context(browser).new_page()
    visitor.goto(tracking_url)
    assert visitor.url.startswith(f"{demo}/tours/city-walk?click_id=")
    click_id = parse_qs(urlsplit(visitor.url).query)["click_id"][0]
    assert click_id in visitor.locator("#arrival").inner_text()
    shot(visitor, "5-merchant-page")

    # 5. The visitor books; the shop's backend reports the sale to Waymark (postback).
    visitor.wait_for_function("window.Waymark !== undefined")
    visitor.click("#book")
    visitor.wait_for_selector("#postback")
    sale = json.loads(visitor.locator("#postback").inner_text())
    assert sale["agent"] == agent_id and sale["status"] == "pending" and sale["channel"] == "web"
    commission = f"{sale['commission']} EUR"
    shot(visitor, "6-booking")
    visitor.context.close()

    # 6. The partner's dashboard shows the click and the conversion, its commission pending.
    wait_for_figures(
        page,
        f"{gateway}/portal",
        {"clicks": "1", "conversions": "1", "commission_pending": commission, "commission_approved": "0.00 EUR"},
    )
    chart = page.locator("svg[role=img] >> visible=true")  # the drawing for this width (a phone's is hidden)
    assert chart.locator("desc").text_content().startswith("1 clicks (1 unique) and 1 conversions")
    shot(page, "7-dashboard-pending")

    # 7. An operator approves the sale in the console.
    console = new_browser_context(browser).new_page()
    log_in_operator(console, gateway, admin["email"], admin["password"])
    console.get_by_role("navigation", name="Main").get_by_role("link", name="Conversions").click()
    console.get_by_label("Partner code").fill(agent_id)
    console.get_by_role("button", name="Filter").click()
    console.get_by_role("link", name=sale["order_id"]).click()
    expect(console.get_by_role("heading", name=f"Order {sale['order_id']}")).to_be_visible()
    console.get_by_label("Approve").check()
    console.get_by_label("Note (for the audit trail)").fill("Booking paid")
    shot(console, "8-admin-conversion")
    console.get_by_role("button", name="Save decision").click()
    assert console.get_by_role("status").inner_text().startswith("The conversion is approved")
    assert "pending → approved" in console.locator("section[aria-labelledby=history]").inner_text()
    shot(console, "9-admin-approved")
    console.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    assert name in console.locator("#by-partner").inner_text()
    shot(console, "9b-admin-all-partners")
    console.context.close()

    # 8. The partner sees the commission approved.
    wait_for_figures(
        page,
        f"{gateway}/portal",
        {"conversions": "1", "commission_pending": "0.00 EUR", "commission_approved": commission},
    )
    shot(page, "10-dashboard-approved")

    # 9. The month's report, and its CSV statement downloaded with the right figures.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    month = datetime.now(UTC).strftime("%Y-%m")
    assert page.url == f"{gateway}/portal/reports/{month}"
    assert "City walk" in page.locator("#by-link").inner_text()
    assert sale["order_id"] in page.locator("#conversion-list").inner_text()
    shot(page, "11-monthly-report")
    page.get_by_role("button", name="Download CSV statement").click()
    expect(page.get_by_role("heading", name="Your file is ready")).to_be_visible()
    with page.expect_download() as download:
        page.locator("#download").click()
    content = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content, newline="")))
    [line] = [row for row in rows if row["line_type"] == "conversion"]
    assert (line["agent_id"], line["order_id"], line["status"]) == (agent_id, sale["order_id"], "approved")
    assert (line["amount"], line["commission"], line["channel"]) == (sale["amount"], sale["commission"], "web")
    totals = {row["status"]: row for row in rows if row["line_type"] == "total"}
    assert totals["approved"]["commission"] == sale["commission"] and totals["pending"]["conversions"] == "0"
    shot(page, "12-statement-ready")
