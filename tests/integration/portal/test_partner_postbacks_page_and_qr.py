"""The partner's postback page (form, secret shown once, test send) and links' QR codes, own links only."""

import base64

import pytest

from tests.helpers.events import http_event
from waymark.partner_postbacks.addresses import TEST_ONLY_LOOPBACK_SWITCH


def api_a_bearer(api) -> str:
    return f"Bearer {api.bearer}"


@pytest.fixture
def loopback(monkeypatch):
    monkeypatch.setenv(TEST_ONLY_LOOPBACK_SWITCH, "1")


def test_the_postback_page_saves_shows_the_secret_once_and_refuses_private_urls(world, as_a, loopback):
    page = as_a.get("/portal/postbacks")
    assert page.status == 200 and "Postbacks to your tracking" in page.body

    refused = as_a.submit(
        "/portal/postbacks",
        "/portal/postbacks",
        {"url_template": "https://192.168.1.10/pb?c={click_id}", "conversion.approved": "on"},
    )
    assert refused.status == 400 and "public addresses only" in refused.body
    assert "Latest calls" not in refused.body  # nothing saved

    saved = as_a.submit(
        "/portal/postbacks",
        "/portal/postbacks",
        {"url_template": "http://127.0.0.1:9/pb?c={click_id}", "conversion.approved": "on"},
    )
    assert saved.status == 200 and "Your signing secret" in saved.body and "wps_" in saved.body
    again = as_a.get("/portal/postbacks")
    assert (
        "wps_" not in again.body
        and "Latest calls" in again.body
        and 'name="conversion.approved" value="on" checked' in again.body
    )
    tested = as_a.submit("/portal/postbacks", "/portal/postbacks/test", {})
    assert tested.status == 200 and "on its way" in tested.body


def test_without_a_csrf_token_nothing_is_saved(world, as_a):
    answer = as_a.post(
        "/portal/postbacks", form={"url_template": "https://p.example.com/pb", "conversion.approved": "on"}
    )
    assert answer.status == 403
    assert "Latest calls" not in as_a.get("/portal/postbacks").body


def test_a_link_has_a_qr_code_with_its_sub_ids(world, api_a, as_a):
    code = world.a_link.code
    svg = api_a.get(f"/api/links/{code}/qr.svg", query={"sub1": "flyer", "source": "qr"})
    assert svg.status == 200 and svg.headers["Content-Type"] == "image/svg+xml"
    assert f"/c/{code}?sub1=flyer&amp;source=qr" in svg.body  # the SVG's title names what it encodes
    png = api_a.get(f"/api/links/{code}/qr.png")
    assert png.status == 200 and png.headers["Content-Type"] == "image/png"
    assert base64.b64decode(png.body).startswith(b"\x89PNG\r\n\x1a\n")
    function, event = http_event(
        world.stack, "GET", f"/api/links/{code}/qr.png", headers={"authorization": api_a_bearer(api_a)}
    )
    assert world.runtime.invoke(function, event)["isBase64Encoded"] is True  # the gateway sends it as binary
    page = as_a.get(f"/portal/links/{code}")
    assert f'src="/portal/links/{code}/qr.svg?source=qr"' in page.body
    assert as_a.get(f"/portal/links/{code}/qr.svg", query={"source": "qr"}).status == 200


def test_another_partners_link_has_no_qr_code_for_you(world, api_a, as_a):
    assert api_a.get(f"/api/links/{world.b_link.code}/qr.svg").status == 404
    assert api_a.get(f"/api/links/{world.b_link.code}/qr.png").status == 404
    assert as_a.get(f"/portal/links/{world.b_link.code}/qr.svg").status == 404
    assert api_a.get("/api/links/nosuchlink/qr.svg").status == 404


def test_a_too_long_sub_id_is_a_clear_400(world, api_a):
    answer = api_a.get(f"/api/links/{world.a_link.code}/qr.svg", query={"sub1": "x" * 501})
    assert answer.status in (400, 422)
    answer = api_a.get(f"/api/links/{world.a_link.code}/qr.svg", query={f"sub{n}": "x" * 200 for n in range(1, 6)})
    assert answer.status == 400 and "at most 1000 characters" in answer.json["message"]
