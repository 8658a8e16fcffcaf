"""The local API Gateway: an HTTP server that routes by template.yaml's HttpApi events.

A standard-library ThreadingHTTPServer rather than Powertools' ASGI resolver under uvicorn:
the point is to run each Lambda exactly as API Gateway would (a payload 2.0 event in, a
proxy result out, through `lambda_handler` and its decorators), for every function in the
template, including those that use no resolver. No extra dependency, nothing to translate.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import sys
import threading
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

from devstack.runtime import FunctionRuntime
from devstack.template import Route, Stack

MAX_BODY = 10 * 1024 * 1024  # API Gateway's payload limit
# Every local client is 127.0.0.1, where API Gateway sees each visitor's own address. With
# `serve --client-ip-header` (the e2e tests), a loopback client names the address it plays in this
# header, so a partner, a visitor and an operator are different networks, as they are in AWS
# (self-referral by IP, attempt limits per client). The functions never see the header.
CLIENT_IP_HEADER = "X-Local-Client-Ip"
_TEXT_TYPES = (
    "text/",
    "application/json",
    "application/x-www-form-urlencoded",
    "application/xml",
    "application/javascript",
    "application/problem+json",
)


class Gateway:
    def __init__(self, stack: Stack, runtime: FunctionRuntime) -> None:
        self.stack = stack
        self.runtime = runtime
        self.routes = stack.routes()
        # Local-only endpoints under /_local/ (never in the template): invoke, mail viewer.
        self.control: dict[str, Callable[[str, str, bytes], tuple[int, dict, bytes]]] = {}
        self.client_ip_header = False  # serve --client-ip-header: see CLIENT_IP_HEADER

    def source_ip(self, peer: str, headers: list[tuple[str, str]]) -> str:
        """The address API Gateway would report: the peer's, or the one a loopback test client plays.
        Raises ValueError for a played address that is none."""
        played = [value for name, value in headers if name.lower() == CLIENT_IP_HEADER.lower()]
        if not (self.client_ip_header and played and ipaddress.ip_address(peer).is_loopback):
            return peer
        return str(ipaddress.ip_address(played[-1].strip()))

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            if route.method not in (method, "ANY"):
                continue
            found = route.pattern.match(path)
            if found:
                return route, {k: unquote(v) for k, v in found.groupdict().items()}
        return None

    def event(
        self,
        route: Route,
        params: dict[str, str],
        *,
        method: str,
        raw_path: str,
        raw_query: str,
        headers: list[tuple[str, str]],
        body: bytes,
        source_ip: str,
    ) -> dict:
        """A payload format 2.0 event, as API Gateway HTTP APIs send it."""
        merged: dict[str, str] = {}
        cookies: list[str] = []
        for name, value in headers:
            key = name.lower()
            if key == "cookie":
                cookies.extend(part.strip() for part in value.split(";") if part.strip())
                continue
            merged[key] = f"{merged[key]},{value}" if key in merged else value
        # API Gateway adds these; here the client talks plain HTTP to the local server.
        merged.setdefault("x-forwarded-proto", "http")
        merged.setdefault("x-forwarded-for", source_ip)
        now = datetime.now(UTC)
        event: dict = {
            "version": "2.0",
            "routeKey": route.route_key,
            "rawPath": raw_path,
            "rawQueryString": raw_query,
            "headers": merged,
            "requestContext": {
                "accountId": self.stack.account,
                "apiId": "local",
                "domainName": merged.get("host", "localhost"),
                "domainPrefix": merged.get("host", "localhost").split(".")[0],
                "http": {
                    "method": method,
                    "path": raw_path,
                    "protocol": "HTTP/1.1",
                    "sourceIp": source_ip,
                    "userAgent": merged.get("user-agent", ""),
                },
                "requestId": uuid.uuid4().hex,
                "routeKey": route.route_key,
                "stage": "$default",
                "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
                "timeEpoch": int(now.timestamp() * 1000),
            },
            "isBase64Encoded": False,
        }
        if cookies:
            event["cookies"] = cookies
        if raw_query:
            values: dict[str, str] = {}
            for pair in raw_query.split("&"):
                if pair:
                    name, _, value = pair.partition("=")
                    name, value = unquote(name.replace("+", " ")), unquote(value.replace("+", " "))
                    values[name] = f"{values[name]},{value}" if name in values else value
            event["queryStringParameters"] = values
        if params:
            event["pathParameters"] = params
        if body:
            content_type = merged.get("content-type", "")
            if content_type.startswith(_TEXT_TYPES) and _is_utf8(body):
                event["body"] = body.decode()
            else:
                event["body"] = base64.b64encode(body).decode()
                event["isBase64Encoded"] = True
        return event

    @staticmethod
    def response(result: object) -> tuple[int, list[tuple[str, str]], bytes]:
        """Map a handler's proxy result to HTTP, as API Gateway does for payload 2.0."""
        if not isinstance(result, dict) or "statusCode" not in result:
            body = json.dumps(result).encode()
            return 200, [("Content-Type", "application/json")], body
        headers = [(k, str(v)) for k, v in (result.get("headers") or {}).items()]
        for name, values in (result.get("multiValueHeaders") or {}).items():
            headers.extend((name, str(v)) for v in values)
        headers.extend(("Set-Cookie", cookie) for cookie in result.get("cookies") or [])
        body = result.get("body") or ""
        raw = base64.b64decode(body) if result.get("isBase64Encoded") else str(body).encode()
        return int(result["statusCode"]), headers, raw


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode()
    except UnicodeDecodeError:
        return False
    return True


def make_server(gateway: Gateway, host: str, port: int, *, quiet: bool = False) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "waymark-local"

        def _serve(self) -> None:
            started = time.perf_counter()
            raw_path, _, raw_query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(413, [("Content-Type", "application/json")], b'{"message":"Request Entity Too Large"}')
                return
            body = self.rfile.read(length) if length else b""
            if raw_path.startswith("/_local/") and (handler := _control(gateway, raw_path)):
                status, headers, payload = handler(self.command, raw_path, body)
                self._send(status, list(headers.items()), payload)
                return
            found = gateway.match(self.command, raw_path)
            if found is None:
                self._send(404, [("Content-Type", "application/json")], b'{"message":"Not Found"}')
                return
            route, params = found
            try:
                source_ip = gateway.source_ip(self.client_address[0], list(self.headers.items()))
            except ValueError:
                self._send(400, [("Content-Type", "text/plain")], f"{CLIENT_IP_HEADER} is no IP address\n".encode())
                return
            headers = [(k, v) for k, v in self.headers.items() if k.lower() != CLIENT_IP_HEADER.lower()]
            event = gateway.event(
                route,
                params,
                method=self.command,
                raw_path=raw_path,
                raw_query=raw_query,
                headers=headers,
                body=body,
                source_ip=source_ip,
            )
            try:
                result = gateway.runtime.invoke(route.function, event, beside_running=_from_a_function(event))
                status, headers, payload = gateway.response(result)
            except Exception as error:  # a Lambda error: API Gateway answers 500 and logs nothing useful
                print(f"[gateway] {route.function} raised {error!r}", file=sys.stderr)
                import traceback

                traceback.print_exc()
                status, headers, payload = (
                    500,
                    [("Content-Type", "application/json")],
                    b'{"message":"Internal Server Error"}',
                )
            self._send(status, headers, payload)
            if not quiet:
                took = (time.perf_counter() - started) * 1000
                print(
                    f"[gateway] {self.command} {raw_path} -> {route.function} {status} {took:.1f} ms",
                    file=sys.stderr,
                )

        def _send(self, status: int, headers: list[tuple[str, str]], payload: bytes) -> None:
            self.send_response(status, HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "")
            for name, value in headers:
                if name.lower() != "content-length":
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def _from_a_function(event: dict) -> bool:
    """A request a running function makes to this API and waits for: the console's test conversion."""
    from waymark.conversions.integration import TEST_USER_AGENT  # after the runtime set the environment

    return event["headers"].get("user-agent") == TEST_USER_AGENT


def _control(gateway: Gateway, raw_path: str):
    for prefix, handler in gateway.control.items():
        if raw_path.startswith(prefix):
            return handler
    return None


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, name="gateway", daemon=True)
    thread.start()
    return thread
