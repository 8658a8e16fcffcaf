"""Property-based fuzzing of the public click endpoint: thousands of generated requests,
never a 5xx, never a redirect outside the program's domains, no write from a rejected request."""

from urllib.parse import quote, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.events import http_event
from tests.helpers.programs import make_agent, make_link, make_program

ALLOWED_HOSTS = ("www.example.com", "shop.example.com")

hostile_urls = st.sampled_from(
    [
        "https://evil.com/",
        "javascript:alert(1)",
        "//evil.com",
        "https://www.example.com@evil.com/",
        "https://evil.com\\@www.example.com/",
        "https://www.example.com/%0d%0aSet-Cookie:x",
        "\r\nLocation: x",
        "https://www.example.com.evil.com/",
        "http://www.example.com/",
        "https://[::1]/",
        "data:,x",
        "",
    ]
)
allowed_urls = st.builds(
    lambda host, path, q: f"https://{host}/{quote(path)}" + (f"?{urlencode({'q': q})}" if q else ""),
    st.sampled_from(ALLOWED_HOSTS),
    st.text(max_size=40),
    st.text(max_size=20),
)
param_names = st.one_of(
    st.sampled_from(["url", "sub1", "sub2", "sub3", "sub4", "sub5", "source", "click_id", "utm_source"]),
    st.text(min_size=1, max_size=12),
)
param_values = st.one_of(hostile_urls, allowed_urls, st.text(max_size=80), st.text(min_size=490, max_size=520))
# The unique-click cookie as a client may send it: absent, garbage, or nearly the real form.
cookies = st.one_of(
    st.none(),
    st.text(max_size=200),
    st.builds(lambda value: "__Secure-wm_seen=" + value, st.text(alphabet="abcdefghkm0123456789:._-;=", max_size=300)),
)


@pytest.fixture
def target(aws):
    program = make_program(allowed_domains=list(ALLOWED_HOSTS))
    agent = make_agent(program)
    link = make_link(agent, program, destination="https://www.example.com/tours/1")
    return {"codes": [link.code, agent.agent_id]}


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.data(),
    method=st.sampled_from(["GET", "GET", "GET", "HEAD"]),
    params=st.lists(st.tuples(param_names, param_values), max_size=6),
    user_agent=st.one_of(st.none(), st.text(max_size=600)),
    referer=st.one_of(st.none(), st.text(max_size=100), allowed_urls),
    cookie=cookies,
)
def test_random_clicks_never_fail_never_redirect_away_and_rejections_write_nothing(
    runtime, target, aws_requests, data, method, params, user_agent, referer, cookie
):
    code = data.draw(st.one_of(st.sampled_from(target["codes"]), st.text(min_size=1, max_size=70)))
    sent = {"user-agent": user_agent, "referer": referer, "cookie": cookie}
    headers = {k: v for k, v in sent.items() if v is not None}
    try:
        _, event = http_event(
            runtime.stack, method, f"/c/{quote(code, safe='')}", query=urlencode(params), headers=headers
        )
    except LookupError:
        return  # the gateway has no route for this path (e.g. an encoded slash): API Gateway answers 404
    aws_requests.calls.clear()
    response = runtime.invoke("ClickFunction", event)
    status = response["statusCode"]
    assert status in (302, 400, 404), response
    if status == 302:
        location = urlsplit(response["headers"]["Location"])
        assert location.scheme == "https" and location.hostname in ALLOWED_HOSTS, response["headers"]["Location"]
        assert "\r" not in response["headers"]["Location"] and "\n" not in response["headers"]["Location"]
    else:
        assert "Location" not in response["headers"]
        assert "PutItem" not in aws_requests.calls
