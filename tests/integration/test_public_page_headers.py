"""Public HTML pages run no script and cannot be framed by another site (clickjacking the unsubscribe button)."""

import pytest

from tests.helpers.events import http_event

PAGES = [
    ("ClickFunction", "GET", "/c/nothing-here"),  # an unknown link's page
    ("RemarketingLinkFunction", "GET", "/x/not-a-token"),  # an offer link that does not verify
    ("RemarketingLinkFunction", "GET", "/unsubscribe/not-a-token"),
]


@pytest.mark.parametrize(("function", "method", "path"), PAGES)
def test_public_pages_send_a_scriptless_csp_and_refuse_frames(runtime, shop, function, method, path):
    routed, event = http_event(runtime.stack, method, path)
    assert routed == function
    response = runtime.invoke(function, event)
    assert response["statusCode"] in (400, 404, 410)
    headers = {name.lower(): value for name, value in response["headers"].items()}
    assert headers["content-type"].startswith("text/html")
    policy = dict(part.strip().split(" ", 1) for part in headers["content-security-policy"].split(";"))
    assert policy["default-src"] == "'none'" and "script-src" not in policy
    assert policy["frame-ancestors"] == "'none'" and headers["x-frame-options"] == "DENY"
    assert policy["form-action"] == "'self'"
