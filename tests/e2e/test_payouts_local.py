"""Paying partners on the local stack (`make dev`), as the operator and the partner see it in a browser.

The local stack's functions run in their own process and take no injected clock, so the hold
period passes the other way round: the sales are stored dated 40 days back in the stack's embedded
DynamoDB (the program holds commissions 30 days), which is what the clock moving on would show.
Approved sales → past their hold → a run → the PayPal file downloaded and checked → its line marked
paid → the partner sees it paid and a zero balance → a reversal makes a negative balance that the
next run takes.
"""

import csv
import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.helpers.local_stack import embedded_client, log_in_operator, new_browser_context

pytestmark = pytest.mark.e2e


def _store_sale(local_stack, agent_id: str, order_id: str, commission: str) -> str:
    """An approved sale of 40 days ago, written as the postback stores one."""
    demo = local_stack["demo"]
    at = (datetime.now(UTC) - timedelta(days=40)).isoformat(timespec="milliseconds")
    conversion_id = f"e2e-payouts:{order_id}"
    item = {
        "conversion_id": {"S": conversion_id},
        "advertiser_id": {"S": "e2e-payouts"},
        "order_id": {"S": order_id},
        "program_id": {"S": demo["program_id"]},
        "agent_id": {"S": agent_id},
        "channel": {"S": "web"},
        "amount": {"N": "500"},
        "currency": {"S": "EUR"},
        "commission": {"N": commission},
        "status": {"S": "approved"},
        "created_at": {"S": at},
        "items": {"L": []},
        "history": {"L": []},
    }
    table = local_stack["resources"]["ConversionsTable"]
    embedded_client(local_stack, "dynamodb").put_item(TableName=table, Item=item)
    return conversion_id


def _balance(page) -> str:
    return page.locator('[data-figure="balance-EUR"]').inner_text()


def test_approved_sales_are_paid_by_a_run_and_a_later_reversal_is_taken_by_the_next(local_stack, browser):
    demo, gateway = local_stack["demo"], local_stack["gateway_url"]
    agent_id, order = demo["agent_id"], secrets.token_hex(4)

    partner = new_browser_context(browser).new_page()
    partner.goto(f"{gateway}/login")
    partner.get_by_label("Email", exact=True).fill(demo["partner"]["email"])
    partner.get_by_label("Password", exact=True).fill(demo["partner"]["password"])
    partner.get_by_role("button", name="Log in").click()
    partner.goto(f"{gateway}/portal/payouts")
    partner.get_by_label("Method").select_option("paypal")
    partner.get_by_label("PayPal or Wise email, or IBAN").fill("Harbour.View@example.com")
    partner.get_by_role("button", name="Save payment details").click()
    expect(partner.get_by_role("status")).to_contain_text("Your payment details are saved")
    expect(partner.get_by_text("h***@example.com")).to_be_visible()
    # The demo's history paid the partner two weeks back (by bank); its sales approved since and past
    # their hold are owed again: the first run pays them too.
    owed = f"{Decimal(_balance(partner)) + Decimal('42.50'):.2f}"
    first = _store_sale(local_stack, agent_id, f"{order}-1", "42.50")

    console = new_browser_context(browser, accept_downloads=True).new_page()
    console.on("dialog", lambda dialog: dialog.accept())
    log_in_operator(console, gateway, demo["admin"]["email"], demo["admin"]["password"])
    console.goto(f"{gateway}/admin/payouts")
    console.get_by_label("Hold period (days after the sale)").fill("30")
    console.get_by_label("Minimum payout").fill("10")
    console.get_by_label("Merchant name on statements").fill("Harbour Tours Ltd")
    console.get_by_role("button", name="Save the terms").click()
    console.get_by_role("button", name="Start the run").click()
    row = console.get_by_role("row").filter(has_text=agent_id)
    expect(row).to_contain_text(f"{owed} EUR")
    expect(row).to_contain_text("h***@example.com")

    with console.expect_download() as download:
        console.get_by_role("button", name="PayPal Payouts file (EUR)").click()
    with open(download.value.path(), newline="") as paid_file:
        lines = [line for line in csv.reader(paid_file) if line[3].endswith(agent_id)]
    assert [line[:3] + line[5:] for line in lines] == [["harbour.view@example.com", owed, "EUR", "PAYPAL"]]
    row.get_by_role("button", name="Mark paid").click()
    expect(console.get_by_role("row").filter(has_text=agent_id)).to_contain_text("paid")

    partner.goto(f"{gateway}/portal/payouts")
    assert _balance(partner) == "0.00"
    history = partner.get_by_role("row").filter(has_text=f"{owed} EUR")
    expect(history).to_contain_text("paid")
    history.get_by_role("link").click()
    expect(partner.get_by_role("heading", name="Payout statement")).to_be_visible()
    expect(partner.locator("article")).to_contain_text("Harbour Tours Ltd")

    # The merchant refunds the first sale after it was paid; a new sale comes.
    table = local_stack["resources"]["ConversionsTable"]
    embedded_client(local_stack, "dynamodb").update_item(
        TableName=table,
        Key={"conversion_id": {"S": first}},
        UpdateExpression="SET #s = :r",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":r": {"S": "reversed"}},
    )
    partner.goto(f"{gateway}/portal/payouts")
    assert _balance(partner) == "-42.50"
    _store_sale(local_stack, agent_id, f"{order}-2", "100.00")

    console.goto(f"{gateway}/admin/payouts")
    console.get_by_role("button", name="Start the run").click()
    expect(console.get_by_role("row").filter(has_text=agent_id)).to_contain_text("57.50 EUR")  # 100 less 42.50
