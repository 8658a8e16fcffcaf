"""A sale in the browser: tracking link → demo merchant page (with waymark.js) → book → the shop's
backend posts /postback → the confirmation shows Waymark's answer, and the conversion is stored."""

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers.local_stack import embedded_client
from waymark.core import ids

pytestmark = pytest.mark.e2e


def stored_conversion(local_stack, conversion_id: str) -> dict | None:
    dynamodb = embedded_client(local_stack, "dynamodb")
    table = local_stack["resources"]["ConversionsTable"]
    return dynamodb.get_item(TableName=table, Key={"conversion_id": {"S": conversion_id}}).get("Item")


def test_a_booking_after_a_tracking_link_is_credited_to_the_partner(local_stack, page):
    demo = local_stack["demo"]
    page.goto(demo["tracking_links"][0])
    click_id = parse_qs(urlsplit(page.url).query)["click_id"][0]

    # The page script kept the click id in a first-party cookie and shows the phone reference.
    page.wait_for_function("window.Waymark !== undefined")
    assert page.evaluate("Waymark.clickId()") == click_id
    assert page.evaluate("Waymark.reference()") == ids.ref_code(click_id)
    assert page.locator("#reference").inner_text().replace(" ", "") == ids.ref_code(click_id)
    assert {c["name"]: c["value"] for c in page.context.cookies()}["waymark_click"] == click_id

    # A later page without the click id in its URL still knows it (the cookie), as a checkout would.
    page.goto(local_stack["demo_url"] + "/tours/wine-tasting")
    page.wait_for_function("window.Waymark !== undefined")
    assert page.evaluate("Waymark.clickId()") == click_id
    assert page.locator("#click_id").input_value() == click_id

    page.click("#book")
    page.wait_for_selector("#postback")
    answer = json.loads(page.locator("#postback").inner_text())
    assert answer["agent"] == demo["agent_id"] and answer["status"] == "pending"
    assert answer["amount"] == "129.00" and answer["commission"] == "12.90"  # 2 x 64.50, the demo's 10 %
    assert demo["agent_id"] in page.locator("#credit").inner_text()

    item = stored_conversion(local_stack, answer["conversion_id"])
    assert item is not None
    assert item["agent_id"]["S"] == demo["agent_id"] and item["click_id"]["S"] == click_id
    assert item["channel"]["S"] == "web" and item["commission"]["N"] == "12.90"


def test_the_page_script_computes_the_same_reference_codes_as_python(local_stack, page):
    page.goto(local_stack["demo_url"] + "/")
    page.wait_for_function("window.Waymark !== undefined")
    click_ids = [ids.new_click_id() for _ in range(500)]
    click_ids += ["-" * 23, "z" * 23, "0" * 15 + "zzzzzzzz", "A" * 15 + "-_-_-_-_"]
    computed = page.evaluate("ids => ids.map(id => Waymark.reference(id))", click_ids)
    assert computed == [ids.ref_code(click_id) for click_id in click_ids]
    assert page.evaluate("Waymark.reference('not-a-click-id')") is None
