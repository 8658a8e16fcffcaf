"""Per-client attempt limits on signup, login, password reset and email codes (RateLimitsTable in moto)."""

import os

import pytest

from tests.helpers.concurrency import all_at_once
from tests.helpers.portal import aws_client
from tests.helpers.programs import make_program
from tests.helpers.web import WebClient
from waymark.core import rate_limits
from waymark.core.rate_limits import Bucket
from waymark.models import Agent
from waymark.partners.accounts import PARTNERS_GROUP, create_login
from waymark.web.client_limits import CLIENT_LIMITS

PASSWORD = "Partner-pass-2026"
SIGNUP = {
    "name": "Seaside Blog",
    "email": "writer@seaside.example",
    "password": "Waves-and-sand-7",
    "accept_terms": True,
}


def stored_buckets() -> list[dict]:
    return aws_client("dynamodb").scan(TableName=os.environ["RATE_LIMITS_TABLE"])["Items"]


def test_a_bucket_allows_its_burst_then_one_attempt_per_refill_interval(aws):
    bucket = Bucket(burst=3, refill_seconds=10)
    start = 1_800_000_000_000
    for _ in range(3):
        rate_limits.take("try#client", bucket, now_ms=start)
    with pytest.raises(rate_limits.RateLimited) as refused:
        rate_limits.take("try#client", bucket, now_ms=start)
    assert refused.value.retry_after == 10
    [item] = stored_buckets()
    assert item["full_at"] == {"N": str(start + 30_000)}  # the refusal changed nothing
    assert int(item["ttl"]["N"]) == (start + 30_000) // 1000 + 60  # gone a minute after it is full again

    with pytest.raises(rate_limits.RateLimited) as still:
        rate_limits.take("try#client", bucket, now_ms=start + 9_000)
    assert still.value.retry_after == 1
    rate_limits.take("try#client", bucket, now_ms=start + 10_000)  # one token back after one interval
    with pytest.raises(rate_limits.RateLimited):
        rate_limits.take("try#client", bucket, now_ms=start + 10_000)
    rate_limits.take("another#client", bucket, now_ms=start)  # every key has its own bucket

    # A client idle long enough has a full bucket again: its burst, never more.
    later = start + 3_600_000
    for _ in range(3):
        rate_limits.take("try#client", bucket, now_ms=later)
    with pytest.raises(rate_limits.RateLimited):
        rate_limits.take("try#client", bucket, now_ms=later)


def test_concurrent_attempts_never_take_more_than_the_burst(aws):
    bucket = Bucket(burst=4, refill_seconds=60)
    taken, refused = [], []

    def attempt() -> None:
        try:
            rate_limits.take("race#client", bucket, now_ms=1_800_000_000_000)
            taken.append(1)
        except rate_limits.RateLimited:
            refused.append(1)

    all_at_once(*[attempt] * 12)
    assert 1 <= len(taken) <= 4 and len(taken) + len(refused) == 12


def assert_refused_plainly(answer) -> None:
    assert answer.status == 429
    assert int(answer.headers["Retry-After"]) >= 1
    text = answer.json["message"] if answer.headers["Content-Type"].startswith("application/json") else answer.body
    assert "Too many attempts from your network. Please try again in" in text


def test_signup_is_limited_per_client_and_a_refused_signup_creates_nothing(aws, runtime):
    make_program("demo")
    browser = WebClient(aws, runtime, source_ip="203.0.113.9")
    burst = CLIENT_LIMITS["signup"].burst
    for number in range(burst):
        answer = browser.post("/signup", json={**SIGNUP, "email": f"p{number}@example.com"})
        assert answer.status == 202
    refused = browser.post("/signup", json={**SIGNUP, "email": "one-more@example.com"})
    assert_refused_plainly(refused)
    assert "one-more@example.com" not in {a.email for a in Agent.scan()} and len(list(Agent.scan())) == burst
    page = browser.submit("/signup", "/signup", {**SIGNUP, "email": "form@example.com", "accept_terms": "true"})
    assert_refused_plainly(page)
    assert "<h1>Too many attempts</h1>" in page.body

    neighbour = WebClient(aws, runtime, source_ip="203.0.113.10")
    assert neighbour.post("/signup", json={**SIGNUP, "email": "other@example.com"}).status == 202
    # The table holds keyed hashes, never an address.
    assert all("203.0.113" not in item["bucket"]["S"] for item in stored_buckets())


def test_login_is_limited_per_client_even_with_the_right_password(world):
    create_login(world.a.email, PASSWORD, group=PARTNERS_GROUP, agent_id=world.a.agent_id)
    api = WebClient(world.stack, world.runtime, source_ip="203.0.113.20")
    for _ in range(CLIENT_LIMITS["login"].burst):
        assert api.post("/api/login", json={"email": world.a.email, "password": "Wrong-guess-123"}).status == 401
    assert_refused_plainly(api.post("/api/login", json={"email": world.a.email, "password": PASSWORD}))
    browser = WebClient(world.stack, world.runtime, source_ip="203.0.113.20")
    page = browser.submit("/login", "/login", {"email": world.a.email, "password": PASSWORD})
    assert_refused_plainly(page)
    assert not any(c.startswith("__Host-wm_session=") for c in page.cookies)
    elsewhere = WebClient(world.stack, world.runtime, source_ip="203.0.113.21")
    assert elsewhere.post("/api/login", json={"email": world.a.email, "password": PASSWORD}).status == 200


def test_forgotten_password_codes_are_limited_per_client(world):
    api = WebClient(world.stack, world.runtime, source_ip="203.0.113.30")
    for _ in range(CLIENT_LIMITS["forgot_password"].burst):
        assert api.post("/api/password/forgot", json={"email": world.a.email}).status == 202
    assert_refused_plainly(api.post("/api/password/forgot", json={"email": world.a.email}))
    browser = WebClient(world.stack, world.runtime, source_ip="203.0.113.30")
    assert_refused_plainly(browser.submit("/password/forgot", "/password/forgot", {"email": world.a.email}))


def test_new_codes_and_code_guesses_are_limited_per_client(aws, runtime):
    make_program("demo")
    browser = WebClient(aws, runtime, source_ip="203.0.113.40")
    assert browser.post("/signup", json=SIGNUP).status == 202
    credentials = {"email": SIGNUP["email"], "password": SIGNUP["password"]}
    for _ in range(CLIENT_LIMITS["resend_code"].burst):
        assert browser.post("/signup/resend", json=credentials).status == 202
    assert_refused_plainly(browser.post("/signup/resend", json=credentials))
    for _ in range(CLIENT_LIMITS["verify_email"].burst):
        assert browser.post("/signup/verify", json={**credentials, "code": "not-it"}).status == 400
    assert_refused_plainly(browser.post("/signup/verify", json={**credentials, "code": "not-it"}))
    assert next(Agent.scan()).status == "unverified"
