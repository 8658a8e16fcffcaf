"""Every page, once at a desktop's width (1280 px) and once at a phone's (390 px), on the demo stack
(`make dev`) in one browser: axe-core finds no violation of any impact, no page is wider than the
phone's screen, and a screenshot of each is kept in test-artifacts/pages-<role>-<page>-<width>.jpg.
Lighthouse then scores the login, dashboard and conversions pages (accessibility, best practices).

A new page is one line in PUBLIC, PARTNER or OPERATOR below (docs/development.md "Adding a page to
the page audit"); `{name}` in a path is filled from the demo's ids (`page_ids`).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.helpers.local_stack import (
    ARTIFACTS,
    VISITOR_USER_AGENT,
    fetch,
    log_in_operator,
    new_browser_context,
    screenshot,
)

pytestmark = pytest.mark.e2e

# One line a page. Public pages need no login.
PUBLIC = [
    "/login",
    "/signup",
    "/signup/verify",
    "/password/forgot",
    "/password/reset",
    "/c/no-such-link",
    "/x/not-a-token",
    "/unsubscribe/not-a-token",
    "{unsubscribe_path}",
]
PARTNER = [
    "/portal",
    "/portal/links",
    "/portal/links/{link_code}",
    "/portal/reports",
    "/portal/reports/{month}",
    "/portal/payouts",
    "/portal/payouts/{payout_id}",
    "/portal/postbacks",
    "/portal/profile",
    "/portal/password",
]
OPERATOR = [
    "/admin",
    "/admin/partners",
    "/admin/partners/new",
    "/admin/partners/{agent_id}",
    "/admin/partners/{agent_id}/reports",
    "/admin/partners/{agent_id}/reports/{month}",
    "/admin/conversions",
    "/admin/conversions/new",
    "/admin/conversions/{conversion_id}",
    "/admin/reports",
    "/admin/reports/{month}",
    "/admin/inside-sales",
    "/admin/remarketing",
    "/admin/remarketing/profiles/new",
    "/admin/remarketing/profiles/{profile_id}",
    "/admin/remarketing/templates/new",
    "/admin/remarketing/templates/{template_id}",
    "/admin/remarketing/channels/web",
    "/admin/programs",
    "/admin/programs/new",
    "/admin/programs/{program_id}",
    "/admin/advertisers",
    "/admin/advertisers/{advertiser_id}",
    "/admin/advertisers/{advertiser_id}/integration",
    "/admin/operators",
    "/admin/account",
    "/admin/payouts",
    "/admin/payouts/{payout_id}",
    "/admin/coupons",
    "/admin/rates",
    "/admin/mail",
    "/admin/mail/partner-emails/approved",
    "/admin/personal-data",
    "/admin/changes",
    "/admin/password",
]
WIDTHS = {"desktop": 1280, "phone": 390}
# Lighthouse's pages: the first a person meets, and the two most looked at.
LIGHTHOUSE = {
    "login": ("", "/login"),
    "dashboard": ("partner", "/portal"),
    "conversions": ("operator", "/admin/conversions"),
}
LIGHTHOUSE_MINIMUM = 0.95

# The tables wider than their box (a scrolling region, or whatever holds them) or than the window,
# named by caption, region or id. Tables in closed <details> (the charts' figures) are measured open.
WIDE_TABLES = """() => {
    const closed = [...document.querySelectorAll('details:not([open])')].filter(d => d.querySelector('table'));
    closed.forEach(d => { d.open = true; });
    const window_width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('table')].filter(t => {
        const box = t.closest('.table-scroll') || t.parentElement;
        return box.scrollWidth > box.clientWidth + 1 || t.getBoundingClientRect().right > window_width + 1;
    }).map(t => (t.caption && t.caption.textContent.trim()) ||
        (t.closest('.table-scroll') && t.closest('.table-scroll').getAttribute('aria-label')) || t.id ||
        t.querySelector('th').textContent.trim());
    closed.forEach(d => { d.open = false; });
    return wide;
}"""

NODE_MODULES = Path(__file__).parent / "node_modules"
AXE = NODE_MODULES / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def page_ids(local_stack) -> dict[str, str]:
    """What the paths' `{name}`s stand for: the demo's ids (its history's paid payout run too), this month,
    a conversion and an unsubscribe link."""
    demo, gateway = local_stack["demo"], local_stack["gateway_url"]
    return {
        **{name: demo[name] for name in ("agent_id", "link_code", "program_id", "advertiser_id")},
        **{name: demo["remarketing"][name] for name in ("profile_id", "template_id")},
        "payout_id": demo["history"]["payout_id"],
        "month": datetime.now(UTC).strftime("%Y-%m"),
        "conversion_id": a_conversion(local_stack),
        "unsubscribe_path": an_unsubscribe_path(local_stack, gateway),
    }


def a_conversion(local_stack) -> str:
    """A sale of the demo partner, posted as the shop's backend posts it."""
    demo, gateway = local_stack["demo"], local_stack["gateway_url"]
    response, _ = fetch(demo["tracking_links"][0], headers={"User-Agent": VISITOR_USER_AGENT})
    click_id = re.search(r"click_id=([^&]+)", response.getheader("Location")).group(1)
    reference = f"AUDIT-{datetime.now(UTC):%H%M%S%f}"
    query = f"token={demo['advertiser_token']}&click_id={click_id}&order_id={reference}&amount=120.00&currency=EUR"
    response, body = fetch(f"{gateway}/postback?{query}")
    assert response.status == 200, body
    return json.loads(body)["conversion_id"]


def an_unsubscribe_path(local_stack, gateway: str) -> str:
    """The unsubscribe link of a remarketing email the local stack sends (its mail box at /_local/mail)."""
    from tests.e2e.test_remarketing_local import write_customer

    booking_ref = write_customer(local_stack, f"audit-{datetime.now(UTC):%H%M%S%f}@example.org")
    fetch(f"{gateway}/_local/drain", "POST")
    assert fetch(f"{gateway}/_local/invoke/remarketing_sender", "POST")[0].status == 200
    listing = fetch(f"{gateway}/_local/mail")[1].decode()
    import html

    message_id = re.search(r"/_local/mail/([^'\"]+)'>[^<]*" + booking_ref, html.unescape(listing)).group(1)
    email = html.unescape(html.unescape(fetch(f"{gateway}/_local/mail/{message_id}")[1].decode()))
    return re.search(r"List-Unsubscribe</th><td><http://[^/]+(/unsubscribe/[^>]+)>", email).group(1)


def logged_in(browser, local_stack, role: str):
    """A browser page of its own network, logged in as the demo's partner or operator (or nobody)."""
    gateway, demo = local_stack["gateway_url"], local_stack["demo"]
    page = new_browser_context(browser).new_page()
    if role == "operator":
        log_in_operator(page, gateway, demo["admin"]["email"], demo["admin"]["password"])
        page.wait_for_url(f"{gateway}/admin")
    elif role == "partner":
        page.goto(f"{gateway}/login")
        page.get_by_label("Email", exact=True).fill(demo["partner"]["email"])
        page.get_by_label("Password", exact=True).fill(demo["partner"]["password"])
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(f"{gateway}/portal")
    return page


def audit(page, name: str) -> list[str]:
    """axe-core's violations of the page as shown (any impact), a too-wide page, and its screenshot."""
    # evaluate() runs outside the page's CSP (script-src 'self'), so axe needs no exception in it.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => {
            const result = await axe.run(document, {resultTypes: ["violations"]});
            return result.violations.map(v => `${v.impact} ${v.id}: ${v.help} — ` +
                v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "));
        }"""
    )
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if width > viewport:
        found.append(f"the page is {width} px wide in a {viewport} px window")
    # At either width no table hides columns behind a side-scroll (on a phone each row is a card).
    found += [f"the table {label!r} scrolls sideways" for label in page.evaluate(WIDE_TABLES)]
    screenshot(page, name)
    return found


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


@pytest.mark.parametrize(("role", "paths"), [("public", PUBLIC), ("partner", PARTNER), ("operator", OPERATOR)])
def test_every_page_passes_axe_and_fits_a_phone(local_stack, browser, page_ids, role, paths):
    gateway = local_stack["gateway_url"]
    page = logged_in(browser, local_stack, role)
    problems: dict[str, list[str]] = {}
    try:
        for template in paths:
            path = template.format(**page_ids)
            # Loaded once, then seen at each width: the layout follows the window, as a turned phone's does.
            page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
            response = page.goto(gateway + path)
            assert response is not None and response.status < 500, f"{path}: {response and response.status}"
            assert page.url.startswith(gateway + path.split("?")[0]), f"{path} led to {page.url}"
            for label, width in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": 900})
                found = audit(page, f"pages-{role}-{slug(template)}-{width}")
                if found:
                    problems[f"{path} at {width} px ({label})"] = found
    finally:
        page.context.close()
    assert not problems, "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())


def login_cookies(browser, local_stack, role: str) -> list[dict]:
    """The cookies a login of `role` leaves in the browser (none for a public page)."""
    if not role:
        return []
    page = logged_in(browser, local_stack, role)
    # A URL, no domain: a __Host- cookie names none. Secure and path as the login set them.
    fields = ("name", "value", "path", "secure", "httpOnly")
    cookies = [
        {**{field: c[field] for field in fields}, "url": local_stack["gateway_url"]} for c in page.context.cookies()
    ]
    page.context.close()
    return cookies


def test_lighthouse_scores_the_login_dashboard_and_conversions_pages(local_stack, browser, tmp_path):
    """Desktop preset, one Chrome for the three pages (tests/e2e/lighthouse.mjs)."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    gateway = local_stack["gateway_url"]
    pages = [
        {"name": name, "url": gateway + path, "cookies": login_cookies(browser, local_stack, role)}
        for name, (role, path) in LIGHTHOUSE.items()
    ]
    from devstack.gateway import CLIENT_IP_HEADER

    plan = {"chrome": executable, "pages": pages, "headers": {CLIENT_IP_HEADER: "198.51.100.250"}}
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    node = shutil.which("node")
    assert node, "node (v20) is missing: the page audits need it (make test installs their packages with npm)"
    done = subprocess.run(
        [node, str(Path(__file__).parent / "lighthouse.mjs"), str(tmp_path / "plan.json")],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    scores = json.loads(done.stdout)
    (ARTIFACTS / "lighthouse.json").write_text(json.dumps(scores, indent=2))
    low = {
        f"{name} {category}": (score, failing)
        for name, categories in scores.items()
        for category, (score, failing) in categories.items()
        if score < LIGHTHOUSE_MINIMUM
    }
    assert not low, low


def test_copied_goes_back_to_copy_even_after_two_quick_clicks(local_stack, browser, page_ids):
    from playwright.sync_api import expect

    page = logged_in(browser, local_stack, "partner")
    try:
        page.goto(f"{local_stack['gateway_url']}/portal/links/{page_ids['link_code']}")
        button = page.locator('[data-copy="url"]')
        button.click()
        button.click()  # within the pause: its label once stayed "Copied"
        expect(button).to_have_text("Copied")
        expect(button).to_have_text("Copy", timeout=5000)
    finally:
        page.context.close()
