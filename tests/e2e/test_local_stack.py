"""`make dev` as a new user meets it: the printed links work over HTTP and in a real browser."""

import signal
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers.local_stack import fetch, start_local_stack, wait_ready

pytestmark = pytest.mark.e2e


def test_the_printed_tracking_links_answer_302_to_the_demo_site(local_stack):
    demo = local_stack["demo"]
    for link in demo["tracking_links"]:
        response, _ = fetch(link)
        assert response.status == 302, link
        location = urlsplit(response.getheader("Location"))
        assert f"{location.scheme}://{location.netloc}" == local_stack["demo_url"]
        assert parse_qs(location.query)["click_id"]
        assert response.getheader("Set-Cookie").startswith("wm_click=")
    assert fetch(f"{local_stack['gateway_url']}/c/{demo['link_code']}?url=https://evil.example/")[0].status == 400
    assert fetch(f"{local_stack['gateway_url']}/no/such/route")[0].status == 404


def test_a_visitor_lands_on_the_merchant_page_with_its_click_id(local_stack, page):
    link = local_stack["demo"]["tracking_links"][0]
    page.goto(link)
    assert page.url.startswith(local_stack["demo_url"] + "/tours/sunset-cruise?click_id=")
    click_id = parse_qs(urlsplit(page.url).query)["click_id"][0]
    assert click_id in page.locator("#arrival").inner_text()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["wm_click"]["value"] == click_id
    assert cookies["wm_click"]["httpOnly"] and cookies["wm_click"]["sameSite"] == "Lax"


def test_a_taken_port_is_a_clear_error_and_ctrl_c_stops_cleanly(local_stack, tmp_path):
    taken = int(urlsplit(local_stack["gateway_url"]).port)
    clash = start_local_stack(tmp_path / "clash.json", port=taken)
    assert clash.wait(timeout=60) == 2
    assert f"port {taken}" in (tmp_path / "clash.log").read_text()

    second = start_local_stack(tmp_path / "second.json", "--no-seed")
    wait_ready(second, tmp_path / "second.json")
    second.send_signal(signal.SIGINT)
    try:
        assert second.wait(timeout=20) == 0
    except subprocess.TimeoutExpired:
        second.kill()
        raise
