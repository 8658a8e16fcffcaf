"""The local gateway routes by template.yaml and speaks API Gateway's payload 2.0 both ways."""

import base64
import http.client
import json
import threading

import pytest

from devstack.gateway import Gateway, make_server
from devstack.runtime import FunctionRuntime
from devstack.template import ROOT, TEMPLATE, Stack


def test_every_template_route_is_served(aws):
    gateway = Gateway(aws, runtime=None)
    for route in aws.routes():
        concrete = route.path.replace("{proxy+}", "a/b").replace("{", "").replace("}", "")
        method = "GET" if route.method == "ANY" else route.method
        found = gateway.match(method, concrete)
        assert found is not None and found[0].function == route.function, route


def test_head_is_not_get_and_unknown_paths_are_404(aws):
    gateway = Gateway(aws, runtime=None)
    assert gateway.match("HEAD", "/c/abc")[0].method == "HEAD"
    assert gateway.match("POST", "/c/abc") is None
    assert gateway.match("GET", "/nowhere") is None


def test_more_specific_routes_win():
    from devstack.template import Route

    routes = sorted(
        [
            Route.make("ANY", "/api/{proxy+}", "Any"),
            Route.make("GET", "/api/{name}", "Var"),
            Route.make("GET", "/api/openapi.json", "Exact"),
            Route.make("ANY", "/api/links", "AnyExact"),
        ],
        key=lambda r: r.specificity,
        reverse=True,
    )
    stack = type("S", (), {"routes": lambda self: routes, "account": "1"})()
    gateway = Gateway(stack, runtime=None)
    assert gateway.match("GET", "/api/openapi.json")[0].function == "Exact"
    assert gateway.match("GET", "/api/links")[0].function == "AnyExact"
    assert gateway.match("GET", "/api/other")[0].function == "Var"
    assert gateway.match("POST", "/api/x/y")[0].function == "Any"


def test_events_carry_cookies_query_and_binary_bodies(aws):
    gateway = Gateway(aws, runtime=None)
    route, params = gateway.match("GET", "/c/abc%20d")
    event = gateway.event(
        route,
        params,
        method="GET",
        raw_path="/c/abc%20d",
        raw_query="a=1&a=2&b=x%2Cy",
        headers=[
            ("Cookie", "__Host-wm_click=1; other=2"),
            ("X-Multi", "a"),
            ("x-multi", "b"),
            ("Content-Type", "application/octet-stream"),
        ],
        body=b"\x00\xff",
        source_ip="192.0.2.1",
    )
    assert event["version"] == "2.0" and event["routeKey"] == "GET /c/{code}"
    assert event["pathParameters"] == {"code": "abc d"}
    assert event["cookies"] == ["__Host-wm_click=1", "other=2"] and "cookie" not in event["headers"]
    assert event["headers"]["x-multi"] == "a,b"
    assert event["queryStringParameters"] == {"a": "1,2", "b": "x,y"}
    assert event["rawQueryString"] == "a=1&a=2&b=x%2Cy"
    assert event["requestContext"]["http"]["sourceIp"] == "192.0.2.1"
    assert event["isBase64Encoded"] and base64.b64decode(event["body"]) == b"\x00\xff"


def test_responses_map_like_api_gateway():
    status, headers, body = Gateway.response(
        {"statusCode": 302, "headers": {"Location": "/x"}, "cookies": ["a=1", "b=2"]}
    )
    assert status == 302 and ("Set-Cookie", "a=1") in headers and ("Set-Cookie", "b=2") in headers
    assert Gateway.response({"ok": True}) == (200, [("Content-Type", "application/json")], b'{"ok": true}')
    status, _, body = Gateway.response(
        {"statusCode": 200, "body": base64.b64encode(b"GIF").decode(), "isBase64Encoded": True}
    )
    assert body == b"GIF"


@pytest.fixture
def served_from(aws):
    """Serve a given template over HTTP on a free port; returns a request function."""
    servers = []

    def serve(template_path):
        stack = Stack(template_path, name="waymark-test", root=ROOT)
        stack.physical = aws.physical
        stack.dynamic_references = aws.dynamic_references
        runtime = FunctionRuntime(stack)
        runtime.prepare()
        server = make_server(Gateway(stack, runtime), "127.0.0.1", 0, quiet=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)

        def request(method, path):
            connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=10)
            connection.request(method, path)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()

        return request

    yield serve
    for server in servers:
        server.shutdown()


def test_a_route_added_to_the_template_is_served_with_no_other_change(served_from, tmp_path):
    from tests.helpers.programs import make_agent, make_link, make_program

    program = make_program()
    link = make_link(make_agent(program), program)
    anchor = '          Properties: {ApiId: !Ref HttpApi, Path: "/c/{code}", Method: HEAD}\n'
    added = (
        anchor + "        ShortClick:\n          Type: HttpApi\n"
        '          Properties: {ApiId: !Ref HttpApi, Path: "/go/{code}", Method: GET}\n'
    )
    assert anchor in TEMPLATE.read_text()
    changed = tmp_path / "template.yaml"
    changed.write_text(TEMPLATE.read_text().replace(anchor, added))

    request = served_from(changed)
    status, headers, _ = request("GET", f"/go/{link.code}")
    assert status == 302 and "click_id=" in headers["Location"]
    status, _, body = request("GET", "/nowhere")
    assert status == 404 and json.loads(body) == {"message": "Not Found"}
    status, headers, body = request("HEAD", f"/c/{link.code}")
    assert status == 302 and body == b""


def test_a_loopback_test_client_plays_its_own_address_only_when_the_stack_allows_it(aws):
    from devstack.gateway import CLIENT_IP_HEADER

    gateway = Gateway(aws, runtime=None)
    played = [(CLIENT_IP_HEADER, "198.51.100.7")]
    # `make dev`: the peer's address, whatever the client claims.
    assert gateway.source_ip("127.0.0.1", played) == "127.0.0.1"
    gateway.client_ip_header = True  # serve --client-ip-header, as the e2e tests start it
    assert gateway.source_ip("127.0.0.1", played) == "198.51.100.7"
    assert gateway.source_ip("127.0.0.1", []) == "127.0.0.1"
    # Only a client on this machine plays an address: one from elsewhere is what it is.
    assert gateway.source_ip("192.0.2.1", played) == "192.0.2.1"
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 address"):
        gateway.source_ip("127.0.0.1", [(CLIENT_IP_HEADER.lower(), "not-an-address")])
