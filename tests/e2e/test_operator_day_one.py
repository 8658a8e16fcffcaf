"""An operator's first day on a fresh Waymark, in a real browser, doing only what docs/operators.md
("First steps", "Setting up", "Reviewing conversions") and docs/integrating.md say.

The stack is started as `make dev DEMO=0` starts it (`serve --no-seed`: the bootstrap's program and
operator, nothing else), under the IAM check like every e2e stack. Each step is one function: the
first login (new password, authenticator app, then password and code), the program and its rate,
an advertiser and its postback URL, a test conversion and the postback log, a colleague invited and
logging in, a partner signing up and confirming the emailed code, approved, its link clicked by a
visitor, the sale posted and seen in both reports, rejected, and the rejection undone.

Each browser context is a network of its own to the stack (tests/helpers/local_stack.py
`new_browser_context`), as the operator, the partner and the visitor are in AWS.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import signal
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from tests.helpers.local_stack import (
    fetch,
    log_in_operator,
    new_browser_context,
    screenshot,
    set_up_authenticator,
    start_local_stack,
    wait_ready,
)

pytestmark = pytest.mark.e2e
OPERATOR_PASSWORD = "Day-one-ops-2026"
PARTNER_PASSWORD = "Day-one-partner-2026"
COMMISSION_PERCENT = "10"
FIGURES_TIMEOUT = 60  # seconds: reports follow the stream poller (every 0.2 s); this bound only matters when loaded
# The bootstrap program's landing page and allowed domain (devstack/local.py LOCAL_PARAMETERS): the
# merchant's real site, which the browser is kept from reaching (the test serves its pages).
MERCHANT = "https://www.example.com"
# Columns of the operator's report, by their headings.
FIGURES = ("Clicks", "Conversions", "Commission pending")
DECIDED = ("Commission pending", "Rejected")


@dataclass
class Credentials:
    advertiser_id: str
    token: str
    hmac_secret: str
    postback_url: str = ""


@pytest.fixture(scope="module")
def fresh_stack(tmp_path_factory):
    """`make dev DEMO=0`: what a fresh deployment holds. Its banner (the terminal's text) is its log."""
    ready = tmp_path_factory.mktemp("day-one") / "ready.json"
    process = start_local_stack(ready, "--no-seed")
    info = wait_ready(process, ready)
    info["banner"] = ready.with_suffix(".log").read_text()
    yield info
    process.send_signal(signal.SIGINT)
    process.wait(timeout=20)


def shot(page: Page, name: str) -> None:
    screenshot(page, f"operator-day-one-{name}")


def new_page(browser) -> Page:
    return new_browser_context(browser).new_page()


def log_in(page: Page, gateway: str, email: str, password: str) -> None:
    page.goto(f"{gateway}/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def reload_until(page: Page, url: str, read, expected, what: str) -> None:
    """Reload `url` until `read(page)` gives `expected` (bounded: reports follow the streams)."""
    deadline = time.monotonic() + FIGURES_TIMEOUT
    while True:
        page.goto(url)
        shown = read(page)
        if shown == expected:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"{what} shows {shown}, expected {expected}")
        time.sleep(0.3)


# ---------------------------------------------------------------------------------- the steps
def first_login(console: Page, gateway: str, banner: str) -> str:
    """ "First steps" 1: log in with the temporary password (locally the banner prints it, the
    deployed stack emails it), choose one's own, set up the authenticator app, then log in with
    the password and a code. Answers the operator's email."""
    found = re.search(r"Operator login\s+(\S+) / (\S+) \(temporary", banner)
    assert found, f"the banner names no operator login:\n{banner}"
    email, temporary = found.groups()
    log_in(console, gateway, email, temporary)
    expect(console.get_by_role("heading", name="Choose your password")).to_be_visible()
    console.get_by_label("New password").fill(OPERATOR_PASSWORD)
    shot(console, "1-new-password")
    console.get_by_role("button", name="Save the password and log in").click()
    # No console before the authenticator app: the new password leads to its set-up page.
    expect(console.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    shot(console, "1-authenticator")
    set_up_authenticator(console, gateway, email)
    log_in_with_code(console, gateway, email, OPERATOR_PASSWORD)
    assert email in console.locator(".who").inner_text()
    # The temporary password is spent: the new one (and a code) is the login now.
    console.get_by_role("button", name="Log out").click()
    log_in_with_code(console, gateway, email, OPERATOR_PASSWORD)
    expect(console.get_by_role("heading", name="Partners awaiting approval")).to_be_visible()
    return email


def log_in_with_code(page: Page, gateway: str, email: str, password: str) -> None:
    """An operator's login: the password, then the code of the app it set up; ends in the console."""
    log_in_operator(page, gateway, email, password)
    page.wait_for_url(f"{gateway}/admin")


def set_up_the_program(console: Page, operator: str) -> str:
    """ "First steps" 3: the bootstrap's program, its settings and a commission rate. Answers its name."""
    main_nav(console, "Programs")
    console.get_by_role("link", name="Demo Tours").click()
    name = "Harbour Tours"
    console.get_by_label("Name", exact=True).fill(name)
    console.get_by_label("Partner program terms page").fill(f"{MERCHANT}/partner-terms")
    console.get_by_label("Kind of rule 1").select_option("percent")
    console.get_by_label("Value of rule 1").fill(COMMISSION_PERCENT)
    console.get_by_label("Note for rule 1").fill("Standard rate")
    shot(console, "2-program")
    console.get_by_role("button", name="Save").click()
    expect(console.get_by_role("status")).to_have_text("Saved.")
    assert console.get_by_label("Value of rule 1").input_value() == COMMISSION_PERCENT
    # Every change is recorded: who, and the fields before and after.
    console.get_by_role("link", name="Change record").click()
    record = console.locator("main table").inner_text()
    assert operator in record and "partner-terms" in record and "Harbour Tours" in record
    return name


def create_an_advertiser(console: Page) -> Credentials:
    """ "First steps" 4: Advertisers → New advertiser; its credentials are shown this once."""
    main_nav(console, "Advertisers")
    console.get_by_label("Name", exact=True).fill("Harbour booking system")
    console.get_by_role("button", name="Create and show the credentials").click()
    expect(console.get_by_role("heading", name="Copy these now")).to_be_visible()
    credentials = Credentials(
        advertiser_id=console.get_by_label("Advertiser id").input_value(),
        token=console.get_by_label("Postback token", exact=False).input_value(),
        hmac_secret=console.get_by_label("HMAC secret", exact=False).input_value(),
    )
    assert credentials.token.startswith(f"{credentials.advertiser_id}.") and credentials.hmac_secret
    shot(console, "3-credentials")
    return credentials


def copy_the_postback_url(console: Page, gateway: str, credentials: Credentials) -> None:
    """The page with the credentials also gives the merchant's developers the postback URL."""
    credentials.postback_url = console.get_by_label("Postback URL").input_value()
    assert credentials.postback_url == f"{gateway}/postback"
    # Shown this once: neither the list nor the advertiser's own page shows a secret again.
    main_nav(console, "Advertisers")
    assert credentials.advertiser_id in console.locator("main table").inner_text()
    assert credentials.token not in console.content() and credentials.hmac_secret not in console.content()
    console.get_by_role("link", name="Harbour booking system").click()
    expect(console.locator("h1")).to_contain_text("Harbour booking system")
    assert credentials.token not in console.content() and credentials.hmac_secret not in console.content()


def send_a_test_conversion_and_see_it_in_the_log(console: Page, credentials: Credentials) -> None:
    """ "Setting up", the integration page: "Send a test conversion" goes through the public
    /postback and shows Waymark's answer (rejected, reason `test`); the postback log has its line."""
    console.get_by_role("link", name="Integration: postback URL").click()
    expect(console.locator("h1")).to_contain_text("Integration: Harbour booking system")
    assert console.get_by_label("Postback URL").input_value() == credentials.postback_url
    assert credentials.token not in console.content() and credentials.hmac_secret not in console.content()
    console.get_by_role("button", name="Send a test conversion").click()
    answer = console.locator("#test-answer")
    expect(answer).to_contain_text("Waymark answered 200")
    order_id = answer.locator("code").inner_text()
    assert order_id.startswith("test-")
    shown = json.loads(answer.locator("pre").inner_text())
    assert (shown["order_id"], shown["status"], shown["reason"]) == (order_id, "rejected", "test")
    line = console.locator("#postback-log tbody tr", has_text=order_id)
    expect(line).to_have_count(1)
    assert "signed" in line.inner_text() and "200" in line.inner_text()
    assert "not authenticated" not in line.inner_text()
    shot(console, "3-test-conversion")


def invite_an_operator(console: Page) -> str:
    """ "First steps" 5: Operators, invite a colleague by email."""
    colleague = f"colleague-{secrets.token_hex(3)}@example.com"
    main_nav(console, "Operators")
    console.get_by_label("Email address").fill(colleague)
    console.get_by_role("button", name="Send the invitation").click()
    expect(console.get_by_role("status")).to_contain_text("The invitation is sent")
    row = console.locator("main table tr", has_text=colleague)
    expect(row).to_contain_text("invited: has not logged in yet")
    shot(console, "4-operators")
    return colleague


def the_colleague_logs_in(browser, gateway: str, colleague: str) -> None:
    """The invited operator's first login, with the temporary password of the invitation (locally
    on /_local/mail, where the embedded user pool keeps what Cognito would email): a password of
    its own, its authenticator app, then the password and a code."""
    inbox = new_page(browser)
    inbox.goto(f"{gateway}/_local/mail")
    inbox.locator("tr", has_text=colleague).get_by_role("link").click()
    invitation = inbox.frame_locator("iframe").locator("pre").inner_text()
    assert f"{gateway}/login" in invitation, invitation
    found = re.search(r"temporary password is (\S+) ", invitation)
    assert found, invitation
    log_in(inbox, gateway, colleague, found.group(1))
    expect(inbox.get_by_role("heading", name="Choose your password")).to_be_visible()
    inbox.get_by_label("New password").fill("Colleague-pass-2026")
    inbox.get_by_role("button", name="Save the password and log in").click()
    expect(inbox.get_by_role("heading", name="Set up your authenticator app")).to_be_visible()
    set_up_authenticator(inbox, gateway, colleague)
    log_in_with_code(inbox, gateway, colleague, "Colleague-pass-2026")
    assert colleague in inbox.locator(".who").inner_text()
    inbox.context.close()


def partner_signs_up(partner: Page, console: Page, gateway: str, program: str) -> tuple[str, str]:
    """ "First steps" 6: partners sign up at /signup and confirm their address with the emailed
    code (locally on /_local/codes); only then do operators see the application. Answers (email, name)."""
    email = f"day-one-{secrets.token_hex(4)}@example.com"
    name = f"Harbour Blog {secrets.token_hex(2)}"
    partner.goto(f"{gateway}/signup")
    expect(partner.get_by_role("heading", name=f"Become a partner of {program}")).to_be_visible()
    partner.get_by_label("Your name or company").fill(name)
    partner.get_by_label("Email (your login)").fill(email)
    partner.get_by_label("Password", exact=True).fill(PARTNER_PASSWORD)
    partner.get_by_label("I accept the terms").check()
    shot(partner, "5-signup")
    partner.get_by_role("button", name="Sign up").click()
    expect(partner.get_by_role("heading", name=f"Thank you, {name}")).to_be_visible()
    # Not confirmed yet: the application is not in the operator's queue.
    main_nav(console, "Awaiting approval")
    expect(console.get_by_role("heading", name="Partners awaiting approval")).to_be_visible()
    expect(console.get_by_role("link", name=name)).to_have_count(0)
    inbox = partner.context.new_page()
    inbox.goto(f"{gateway}/_local/codes")
    code = json.loads(inbox.locator("body").inner_text())[email]
    inbox.close()
    partner.get_by_label("Email", exact=True).first.fill(email)
    partner.get_by_label("Password", exact=True).first.fill(PARTNER_PASSWORD)
    partner.get_by_label("Code from the email").fill(code)
    shot(partner, "5-confirm")
    partner.get_by_role("button", name="Confirm").click()
    expect(partner.get_by_role("heading", name="Email address confirmed")).to_be_visible()
    return email, name


def approve_the_partner(console: Page, name: str) -> None:
    """ "Partners", Approval: the pending queue, the partner's page, Approve."""
    main_nav(console, "Awaiting approval")
    console.get_by_role("link", name=name).click()
    console.get_by_role("button", name="Approve").click()
    expect(console.get_by_role("status")).to_contain_text("The partner is approved")
    shot(console, "6-approved")


def partner_makes_a_link(partner: Page, gateway: str, email: str, name: str) -> tuple[str, str]:
    """The approved partner logs in and makes a link to a tour. Answers (partner code, tracking link)."""
    log_in(partner, gateway, email, PARTNER_PASSWORD)
    expect(partner.get_by_role("heading", name=f"Welcome, {name}")).to_be_visible()
    agent_id = partner.locator(".lead code").inner_text()
    # The program's standard rate, as the operator set it, is what the partner is shown.
    expect(partner.locator("section[aria-labelledby=rates]")).to_contain_text(f"{COMMISSION_PERCENT} % (Standard rate)")
    main_nav(partner, "Links")
    partner.get_by_label("Page on the merchant's site").fill(f"{MERCHANT}/tours/harbour-cruise")
    partner.get_by_label("Name (for you)").fill("Harbour cruise")
    partner.get_by_role("button", name="Create link").click()
    tracking_url = partner.get_by_label("Tracking link").input_value()
    assert tracking_url.startswith(f"{gateway}/c/")
    shot(partner, "7-link")
    return agent_id, tracking_url


def a_visitor_clicks(browser, tracking_url: str) -> str:
    """A visitor follows the link: Chromium is sent on to the merchant's page with the click id.
    Answers the click id."""
    visitor = new_page(browser)
    # Playwright's routes do not answer a redirect's next request, and the merchant's real site
    # may be unreachable from the test machine: the test reads the request Chromium makes to it.
    with visitor.expect_request(lambda request: request.url.startswith(f"{MERCHANT}/")) as landing:
        try:
            visitor.goto(tracking_url)
        except PlaywrightError as error:
            if "net::ERR_" not in str(error):  # anything but the merchant's site being out of reach
                raise
    request = landing.value
    assert request.redirected_from is not None and request.redirected_from.url == tracking_url
    landed = urlsplit(request.url)
    assert f"{landed.scheme}://{landed.netloc}{landed.path}" == f"{MERCHANT}/tours/harbour-cruise"
    click_id = parse_qs(landed.query)["click_id"][0]
    visitor.context.close()
    return click_id


def the_merchant_reports_the_sale(credentials: Credentials, click_id: str) -> dict:
    """The booking system posts the sale, signed with the HMAC secret as docs/integrating.md
    ("Signatures") shows in Python. Answers Waymark's answer."""
    sale = {"order_id": f"HB-{secrets.token_hex(3)}", "amount": "200.00", "currency": "EUR", "click_id": click_id}
    body = json.dumps(sale).encode()
    t = str(int(time.time()))
    v1 = hmac.new(credentials.hmac_secret.encode(), t.encode() + b"." + body, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": "application/json",
        "X-Waymark-Advertiser": credentials.advertiser_id,
        "X-Waymark-Signature": f"t={t},v1={v1}",
    }
    response, answer = fetch(credentials.postback_url, "POST", body, headers)
    assert response.status == 200, answer
    recorded = json.loads(answer)
    assert (recorded["order_id"], recorded["status"], recorded["commission"]) == (sale["order_id"], "pending", "20.00")
    # The signature is what authenticates it: the same sale with a wrong one is refused.
    forged = {**headers, "X-Waymark-Signature": f"t={t},v1={'0' * 64}"}
    assert fetch(credentials.postback_url, "POST", body, forged)[0].status == 401
    return recorded


def the_sale_shows_in_both_reports(console: Page, partner: Page, gateway: str, name: str, sale: dict) -> None:
    """The operator's report of the month (a row for the partner) and the partner's dashboard."""
    reload_until(
        console, report_url(gateway), partner_row(name, *FIGURES), ["1", "1", "20.00"], "the operator's report"
    )
    shot(console, "8-report")
    reload_until(
        partner,
        f"{gateway}/portal",
        lambda page: [figure(page, "clicks"), figure(page, "conversions"), figure(page, "commission_pending")],
        ["1", "1", "20.00 EUR"],
        "the partner's dashboard",
    )
    shot(partner, "9-dashboard")
    main_nav(partner, "Reports")
    expect(partner.locator("#conversion-list")).to_contain_text(sale["order_id"])


def reject_the_sale(console: Page, partner: Page, gateway: str, agent_id: str, name: str, sale: dict) -> None:
    """ "Reviewing conversions": find the sale by partner code, reject it with a reason."""
    open_the_sale(console, agent_id, sale)
    console.get_by_label("Reject", exact=True).check()
    console.get_by_label("Reason (needed to reject or reverse)").select_option("fraud")
    console.get_by_label("Note (for the audit trail)").fill("Card reported stolen")
    console.get_by_role("button", name="Save decision").click()
    expect(console.get_by_role("status")).to_contain_text("The conversion is rejected")
    assert "pending → rejected" in console.locator("section[aria-labelledby=history]").inner_text()
    shot(console, "10-rejected")
    reload_until(
        partner,
        f"{gateway}/portal",
        lambda page: [figure(page, "commission_pending"), figure(page, "reversed_rejected")],
        ["0.00 EUR", "0 · 1"],
        "the partner's dashboard after the rejection",
    )
    after = "the operator's report after the rejection"
    reload_until(console, report_url(gateway), partner_row(name, *DECIDED), ["0.00", "1"], after)


def undo_the_rejection(console: Page, partner: Page, gateway: str, agent_id: str, name: str, sale: dict) -> None:
    """ "Reviewing conversions", undoing a decision: the rejected sale goes back to pending with a
    note; the history keeps both entries and the partner's commission is pending again."""
    open_the_sale(console, agent_id, sale)
    console.get_by_label("Back to pending (undo the rejected decision)").check()
    console.get_by_label("Note (for the audit trail").fill("The card was not stolen: the bank confirmed the payment")
    console.get_by_role("button", name="Save decision").click()
    expect(console.get_by_role("status")).to_contain_text("The conversion is pending again")
    history = console.locator("section[aria-labelledby=history]").inner_text()
    assert "pending → rejected" in history and "rejected → pending" in history
    assert "the bank confirmed the payment" in history
    shot(console, "11-undone")
    reload_until(
        partner,
        f"{gateway}/portal",
        lambda page: [figure(page, "commission_pending"), figure(page, "reversed_rejected")],
        ["20.00 EUR", "0 · 0"],
        "the partner's dashboard after the undo",
    )
    after = "the operator's report after the undo"
    reload_until(console, report_url(gateway), partner_row(name, *DECIDED), ["20.00", "0"], after)


def open_the_sale(console: Page, agent_id: str, sale: dict) -> None:
    """Conversions, filtered by the partner code, then the sale's page."""
    main_nav(console, "Conversions")
    console.get_by_label("Partner code").fill(agent_id)
    console.get_by_role("button", name="Filter").click()
    console.get_by_role("link", name=sale["order_id"]).click()
    expect(console.get_by_role("heading", name=f"Order {sale['order_id']}")).to_be_visible()


def report_url(gateway: str) -> str:
    return f"{gateway}/admin/reports/{datetime.now(UTC):%Y-%m}"


def partner_row(name: str, *columns: str):
    """Reads the figures under the given column headings in the partner's row of the operator's
    report (by-partner)."""

    def read(page: Page) -> list[str]:
        row = page.locator("#by-partner tbody tr", has_text=name)
        if not row.count():
            return []
        # The row opens with the partner's name (a th); the figures follow in the headings' order.
        headings = page.locator("#by-partner thead th").all_inner_texts()[1:]
        cells = dict(zip(headings, row.first.locator("td").all_inner_texts(), strict=True))
        return [cells[column] for column in columns]

    return read


def main_nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()


def figure(page: Page, name: str) -> str:
    return page.locator(f'[data-figure="{name}"]').first.inner_text()


# ---------------------------------------------------------------------------------- the day
def test_an_operator_sets_up_a_fresh_waymark_and_runs_its_first_sale(fresh_stack, browser):
    gateway = fresh_stack["gateway_url"]
    console, partner = new_page(browser), new_page(browser)
    try:
        operator = first_login(console, gateway, fresh_stack["banner"])
        program = set_up_the_program(console, operator)
        credentials = create_an_advertiser(console)
        copy_the_postback_url(console, gateway, credentials)
        send_a_test_conversion_and_see_it_in_the_log(console, credentials)
        the_colleague_logs_in(browser, gateway, invite_an_operator(console))
        email, name = partner_signs_up(partner, console, gateway, program)
        approve_the_partner(console, name)
        agent_id, tracking_url = partner_makes_a_link(partner, gateway, email, name)
        click_id = a_visitor_clicks(browser, tracking_url)
        sale = the_merchant_reports_the_sale(credentials, click_id)
        assert sale["agent"] == agent_id
        the_sale_shows_in_both_reports(console, partner, gateway, name, sale)
        reject_the_sale(console, partner, gateway, agent_id, name, sale)
        undo_the_rejection(console, partner, gateway, agent_id, name, sale)
    finally:
        shot(console, "console-last")
        shot(partner, "partner-last")
        console.context.close()
        partner.context.close()
