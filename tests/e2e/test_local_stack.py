"""`make dev` as a new user meets it: the printed links work over HTTP and in a real browser."""

import signal
import subprocess
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.helpers.local_stack import fetch, log_in_operator, start_local_stack, wait_ready

pytestmark = pytest.mark.e2e


def test_the_printed_tracking_links_answer_302_to_the_demo_site(local_stack):
    demo = local_stack["demo"]
    for link in demo["tracking_links"]:
        response, _ = fetch(link)
        assert response.status == 302, link
        location = urlsplit(response.getheader("Location"))
        assert f"{location.scheme}://{location.netloc}" == local_stack["demo_url"]
        assert parse_qs(location.query)["click_id"]
        assert response.getheader("Set-Cookie").startswith("__Host-wm_click=")
    assert fetch(f"{local_stack['gateway_url']}/c/{demo['link_code']}?url=https://evil.example/")[0].status == 400
    assert fetch(f"{local_stack['gateway_url']}/no/such/route")[0].status == 404


def test_a_visitor_lands_on_the_merchant_page_with_its_click_id(local_stack, page):
    link = local_stack["demo"]["tracking_links"][0]
    page.goto(link)
    assert page.url.startswith(local_stack["demo_url"] + "/tours/sunset-cruise?click_id=")
    click_id = parse_qs(urlsplit(page.url).query)["click_id"][0]
    assert click_id in page.locator("#arrival").inner_text()
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["__Host-wm_click"]["value"] == click_id
    assert cookies["__Host-wm_click"]["httpOnly"] and cookies["__Host-wm_click"]["sameSite"] == "Lax"


def test_a_taken_port_is_a_clear_error_and_ctrl_c_stops_cleanly(local_stack, tmp_path):
    taken = int(urlsplit(local_stack["gateway_url"]).port)
    clash = start_local_stack(tmp_path / "clash.json", port=taken)
    assert clash.wait(timeout=60) == 2
    assert f"port {taken}" in (tmp_path / "clash.log").read_text()


def _embedded_aws(info: dict, service: str):
    import boto3

    return boto3.client(
        service,
        endpoint_url=info["aws_endpoint_url"],
        region_name=info["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
        aws_session_token="local",
    )


def test_without_the_demo_the_stack_holds_what_a_fresh_deployment_holds(tmp_path, page):
    """`make dev DEMO=0`: the bootstrap's program and operator only; the operator's first login sets a password."""
    fresh = start_local_stack(tmp_path / "fresh.json", "--no-seed")
    try:
        info = wait_ready(fresh, tmp_path / "fresh.json")
        assert "demo" not in info and "demo_url" not in info
        dynamodb = _embedded_aws(info, "dynamodb")
        stored = {}
        for logical_id, name in info["resources"].items():
            if logical_id.endswith("Table"):
                stored[logical_id] = [item.get("pk", {}).get("S") for item in dynamodb.scan(TableName=name)["Items"]]
        assert stored.pop("ConfigTable") == ["PROGRAM#demo"]
        assert all(items == [] for items in stored.values()), stored
        cognito = _embedded_aws(info, "cognito-idp")
        pool = info["resources"]["UserPool"]
        [user] = cognito.list_users(UserPoolId=pool)["Users"]
        assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
        operator = info["bootstrap"]["operator"]
        groups = cognito.admin_list_groups_for_user(UserPoolId=pool, Username=operator["email"])["Groups"]
        assert [group["GroupName"] for group in groups] == ["admins"]
        assert operator["temporary_password"] in info["bootstrap"]["lines"][0]

        page.goto(f"{info['gateway_url']}/login")
        page.fill("#f-email", operator["email"])
        page.fill("#f-password", operator["temporary_password"])
        page.click("button[type=submit]")
        assert page.locator("h1").inner_text() == "Choose your password"
        page.fill("#f-new_password", "My-own-password-1")
        page.click("main button[type=submit]")
        # An operator's first login goes on to set up its authenticator app, then logs in with a code.
        assert page.locator("h1").inner_text() == "Set up your authenticator app"
        log_in_operator(page, info["gateway_url"], operator["email"], "My-own-password-1")
        page.wait_for_url(f"{info['gateway_url']}/admin")
        assert operator["email"] in page.locator(".who").inner_text()
    finally:
        fresh.send_signal(signal.SIGINT)
        try:
            assert fresh.wait(timeout=20) == 0  # Ctrl-C stops cleanly
        except subprocess.TimeoutExpired:
            fresh.kill()
            raise
