"""GET|HEAD /c/{code} through the click function's lambda_handler, against moto."""

import json
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.exceptions import ReadTimeoutError

from tests.helpers.events import click_event, http_event, load_event
from waymark.click import seen
from waymark.core import ids
from waymark.models import Session


def sessions() -> list[Session]:
    return list(Session.scan())


def test_a_click_redirects_with_click_id_and_stores_the_session(runtime, shop, aws_requests, monkeypatch):
    runtime.handler("ClickFunction")  # loading a handler applies the template's environment
    monkeypatch.setenv("TRUST_VIEWER_COUNTRY", "true")  # as with TrustViewerCountry=true: CloudFront in front
    response = runtime.invoke("ClickFunction", click_event(shop.link.code))
    calls = list(aws_requests.calls)

    assert response["statusCode"] == 302
    location = urlsplit(response["headers"]["Location"])
    assert (location.scheme, location.netloc, location.path) == ("https", "www.example.com", "/tours/1")
    query = parse_qs(location.query)
    click_id = query["click_id"][0]
    assert query["utm_source"] == ["blog"]  # passed through; sub1 is ours, not the merchant's
    assert "sub1" not in query
    assert response["headers"]["Cache-Control"] == "no-store"
    assert response["headers"]["Referrer-Policy"] == "strict-origin-when-cross-origin"
    # A first click: the browser now holds this link, from this second, for an hour.
    clicked_at = int(datetime.fromisoformat(Session.get(*Session.key(click_id)).created_at).timestamp())
    seen_now = seen.updated({}, shop.link.code, clicked_at)
    assert response["cookies"] == [
        f"__Host-wm_click={click_id}; Max-Age=31536000; Path=/; Secure; HttpOnly; SameSite=Lax",
        f"__Secure-wm_seen={seen_now}; Max-Age=3600; Path=/c; Secure; HttpOnly; SameSite=Lax",
    ]

    [session] = sessions()
    assert session.click_id == click_id and ids.is_click_id(click_id)
    assert (session.agent_id, session.link_code, session.program_id) == (
        shop.agent.agent_id,
        shop.link.code,
        "shop",
    )
    assert session.sub1 == "spring-newsletter"
    assert session.referrer_host == "blog.partner.example"
    assert session.country == "DE"
    assert session.user_agent.startswith("Mozilla/5.0 (iPhone")
    assert session.ip_hash and "203.0.113.45" not in json.dumps(session.serialize())
    assert session.ttl > session.expires_at
    # Cold container: one GetItem per lookup, the visitor-hash key once, then the write.
    assert sorted(calls) == ["GetItem", "GetItem", "GetItem", "GetSecretValue", "PutItem"]


def test_without_cloudfront_in_front_a_sent_country_is_not_stored(runtime, shop):
    """Anyone can send CloudFront-Viewer-Country to an API Gateway URL: it means something only behind CloudFront."""
    event = click_event(shop.link.code)
    assert event["headers"]["cloudfront-viewer-country"] == "DE"
    assert runtime.invoke("ClickFunction", event)["statusCode"] == 302
    assert [session.country for session in sessions()] == [None]


def test_a_warm_click_makes_exactly_one_write_and_no_read(runtime, shop, aws_requests):
    runtime.invoke("ClickFunction", click_event(shop.link.code))
    aws_requests.calls.clear()
    runtime.invoke("ClickFunction", click_event(shop.link.code))
    assert aws_requests.calls == ["PutItem"]
    aws_requests.recording = False
    assert len(sessions()) == 2


def test_the_partner_code_goes_to_the_landing_page(runtime, shop):
    response = runtime.invoke("ClickFunction", click_event(shop.agent.agent_id))
    assert response["headers"]["Location"].startswith("https://www.example.com/?")
    assert sessions()[0].link_code == shop.agent.agent_id


def test_a_deep_link_goes_to_any_page_of_the_merchant(runtime, shop):
    response = runtime.invoke("ClickFunction", click_event(shop.link.code, "deep-link"))
    location = urlsplit(response["headers"]["Location"])
    assert location.path == "/tours/sunset-cruise"
    assert parse_qs(location.query)["date"] == ["2026-12-01"]
    assert sessions()[0].sub2 == "sidebar"


HOSTILE_URLS = [
    "https://evil.com/",
    "javascript:alert(1)",
    "//evil.com/",
    "https://www.example.com@evil.com/",
    "https://evil.com\\@www.example.com/",
    "https://www.example.com/%0d%0aSet-Cookie:x=1",
    "https://www.example.com.evil.com/",
    "data:text/html;base64,PHNjcmlwdD4=",
    "http://www.example.com/",
]


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_hostile_deep_links_get_a_400_and_change_nothing(runtime, shop, url, aws_requests):
    from urllib.parse import quote

    _, event = http_event(runtime.stack, "GET", f"/c/{shop.link.code}", query=f"url={quote(url, safe='')}")
    response = runtime.invoke("ClickFunction", event)
    assert response["statusCode"] == 400
    assert "Location" not in response["headers"] and "cookies" not in response
    assert "cannot be followed" in response["body"]
    assert "PutItem" not in aws_requests.calls


def test_unknown_codes_are_a_404_page(runtime, shop, aws_requests):
    response = runtime.invoke("ClickFunction", click_event("nosuchcode"))
    assert response["statusCode"] == 404 and "text/html" in response["headers"]["Content-Type"]
    malformed = runtime.invoke("ClickFunction", click_event("../../etc"))
    assert malformed["statusCode"] == 404
    assert aws_requests.calls == ["GetItem"]  # the malformed code is not even looked up


def test_a_refusal_page_speaks_the_visitors_language_among_the_programs(runtime, shop):
    hostile = "url=https%3A%2F%2Fevil.example%2F"
    _, german = http_event(runtime.stack, "GET", f"/c/{shop.link.code}", query=hostile,
                           headers={"accept-language": "de-CH,de;q=0.9,en;q=0.5"})  # fmt: skip
    page = runtime.invoke("ClickFunction", german)
    assert page["statusCode"] == 400 and '<html lang="de">' in page["body"]
    assert "Diesem Link kann nicht gefolgt werden: der Host des Ziels ist nicht erlaubt." in page["body"]
    _, french = http_event(runtime.stack, "GET", f"/c/{shop.link.code}", query=hostile,
                           headers={"accept-language": "fr"})  # fmt: skip
    page = runtime.invoke("ClickFunction", french)  # not a language of the program: its default, English
    assert '<html lang="en">' in page["body"] and "This link cannot be followed: destination host" in page["body"]
    _, unknown = http_event(runtime.stack, "GET", "/c/nosuchcode", headers={"accept-language": "de"})
    assert "Diesen Tracking-Link gibt es nicht." in runtime.invoke("ClickFunction", unknown)["body"]


@pytest.mark.parametrize("change", ["pause_link", "suspend_partner"])
def test_paused_links_and_suspended_partners_redirect_without_credit(runtime, shop, change):
    if change == "pause_link":
        shop.link.update(actions=[type(shop.link).status.set("paused")])
    else:
        shop.agent.set_status("suspended")
        shop.agent.save()
    response = runtime.invoke("ClickFunction", click_event(shop.link.code))
    assert response["statusCode"] == 302
    assert response["headers"]["Location"] == "https://www.example.com/tours/1?utm_source=blog"
    assert "cookies" not in response
    assert sessions() == []


def test_head_requests_are_redirected_but_not_counted(runtime, shop, aws_requests):
    response = runtime.invoke("ClickFunction", click_event(shop.link.code, "head"))
    assert response["statusCode"] == 302 and "cookies" not in response
    assert "PutItem" not in aws_requests.calls


def test_malformed_query_strings_are_a_400(runtime, shop):
    event = click_event(shop.link.code, rawQueryString="sub1=%FF%FE")
    assert runtime.invoke("ClickFunction", event)["statusCode"] == 400
    too_long = click_event(shop.link.code, rawQueryString="sub1=" + "x" * 501)
    assert runtime.invoke("ClickFunction", too_long)["statusCode"] == 400
    assert sessions() == []


@pytest.mark.parametrize("failure", ["throttled", "timeout"])
def test_a_failed_session_write_still_redirects_and_the_click_is_replayed(runtime, shop, inject_failure, failure):
    from devstack.pumps import QueuePump

    if failure == "throttled":
        inject_failure("dynamodb", "PutItem")
    else:
        inject_failure("dynamodb", "PutItem", exception=ReadTimeoutError(endpoint_url="https://dynamodb"))
    response = runtime.invoke("ClickFunction", click_event(shop.link.code))
    assert response["statusCode"] == 302
    click_id = parse_qs(urlsplit(response["headers"]["Location"]).query)["click_id"][0]
    assert response["cookies"][0].startswith(f"__Host-wm_click={click_id};")
    assert sessions() == []  # not written yet...

    # The replay function's client is not the failing request-path client: the outage is over for it.
    assert QueuePump(runtime.stack, runtime).drain() == 1
    [session] = sessions()  # ...but kept, and stored by the replay function
    assert session.click_id == click_id and session.link_code == shop.link.code


def test_replaying_twice_does_not_duplicate(runtime, shop):
    from waymark.core import durable

    click_id = ids.new_click_id()
    item = {"click_id": {"S": click_id}, "ref_code": {"S": ids.ref_code(click_id)}}
    body = json.dumps({"writes": [{"table": "SESSIONS_TABLE", "item": item}], "replace": None})
    durable.replay(body)
    durable.replay(body)
    assert Session.count() == 1


@pytest.mark.parametrize(
    "message",
    [
        # a raw request, as kept writes looked before: the message may not choose the operation
        {"operation": "delete_item", "request": {"TableName": "waymark-test-ClickSessionsTable", "Key": {}}},
        {"writes": [{"table": "AGENTS_TABLE", "item": {"agent_id": {"S": "x"}}}]},  # not a kept table
        {
            "writes": [{"table": "waymark-test-ClickSessionsTable", "item": {"click_id": {"S": "x"}}}]
        },  # a name, not a role
        {"writes": [{"table": "SESSIONS_TABLE", "item": {"ref_code": {"S": "ABCDEF"}}}]},  # no key
        {"writes": [{"table": "SESSIONS_TABLE", "item": {"click_id": {"S": "x"}}}]},  # half the key: no ref_code
        {"writes": [{"table": "SESSIONS_TABLE", "item": {"click_id": {"S": "x"}}}], "replace": "anything"},
        {"writes": []},
    ],
)
def test_a_replay_message_cannot_make_the_replay_function_write_anything_else(runtime, shop, aws_requests, message):
    from waymark.core import durable

    with pytest.raises((KeyError, ValueError)):
        durable.replay(json.dumps(message))
    assert aws_requests.calls == []


def test_lookups_failing_with_nothing_cached_answer_503_not_500(runtime, shop, inject_failure):
    inject_failure("dynamodb", "GetItem", exception=ReadTimeoutError(endpoint_url="https://dynamodb"))
    response = runtime.invoke("ClickFunction", click_event(shop.link.code))
    assert response["statusCode"] == 503 and response["headers"]["Retry-After"] == "2"


def test_replay_function_handles_the_sample_event(runtime, shop):
    event = load_event("replay", "session")  # names the table by its role: any stack's sessions table
    assert runtime.invoke("ReplayFunction", event) == {"batchItemFailures": []}
    assert Session.count() == 1
    assert Session.get(*Session.key("P78KL0VIT5KZatnELXkxffU")).link_code == "k7m2p9qx4t"  # under its whole key
