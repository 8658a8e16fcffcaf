"""A new partner's first day in a real browser: sign up, get approved in the admin console,
log in, create a link and follow it to the merchant's page.

(Seeing that click and a sale on the dashboard needs the reports module; until it is merged
the dashboard says where the figures will appear.)
"""

import secrets
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.conftest import ARTIFACTS, VISITOR_USER_AGENT

pytestmark = pytest.mark.e2e
PASSWORD = "Journey-pass-2026"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"partner-journey-{name}.png"), full_page=True)


def test_signup_approval_login_link_and_click(local_stack, browser, page):
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
    assert page.get_by_role("heading", name=f"Thank you, {name}").is_visible()

    # Not approved yet: the partner sees its status, not the portal.
    page.goto(f"{gateway}/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("heading", name="Awaiting approval").is_visible()
    page.get_by_role("button", name="Log out").click()

    # 2. An operator approves the application in the admin console.
    console = browser.new_context(user_agent=VISITOR_USER_AGENT).new_page()
    console.goto(f"{gateway}/login")
    console.get_by_label("Email", exact=True).fill(admin["email"])
    console.get_by_label("Password", exact=True).fill(admin["password"])
    console.get_by_role("button", name="Log in").click()
    assert console.get_by_role("heading", name="Partners awaiting approval").is_visible()
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
    assert page.get_by_role("heading", name=f"Welcome, {name}").is_visible()
    assert page.locator("[data-placeholder=reports]").is_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Links").click()
    page.get_by_label("Page on the merchant's site").fill(f"{demo}/tours/city-walk")
    page.get_by_label("Name (for you)").fill("City walk")
    page.get_by_role("button", name="Create link").click()
    tracking_url = page.get_by_label("Tracking link").input_value()
    assert tracking_url.startswith(f"{gateway}/c/")
    assert tracking_url in page.get_by_label("Text link (HTML)").input_value()
    shot(page, "4-link-snippets")

    # 4. A visitor follows the link and lands on the merchant's page with a click id.
    page.goto(tracking_url)
    assert page.url.startswith(f"{demo}/tours/city-walk?click_id=")
    click_id = parse_qs(urlsplit(page.url).query)["click_id"][0]
    assert click_id in page.locator("#arrival").inner_text()
    shot(page, "5-merchant-page")
