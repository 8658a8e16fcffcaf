"""The local stack (`python -m devstack serve`, what `make dev` runs) in its own process, as the
end-to-end tests start it, reach it (plain HTTP, its embedded AWS) and keep pictures of a run."""

import http.client
import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest

from devstack.template import ROOT

ARTIFACTS = ROOT / "test-artifacts"
# Headless Chromium announces itself as "HeadlessChrome", which Waymark rightly counts as a bot
# (and a bot's session earns no commission). The tests play a person's desktop browser.
VISITOR_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36"
)


# The refusal files of the stacks this process started, and how much of each was reported.
_REFUSAL_FILES: dict[Path, int] = {}


def refusals_file(ready: Path) -> Path:
    """Where the stack started with `ready` writes the calls its functions' roles refused."""
    return ready.with_suffix(".iam-refusals")


def start_local_stack(ready: Path, *extra: str, port: int = 0, env: dict | None = None) -> subprocess.Popen:
    """`python -m devstack serve` on `port` (0: any free one), its log beside `ready`, with the IAM
    check on (tests/helpers/checked_stack.py); the stack chooses its own AWS settings, so this
    process's (moto's) are left out. `env` adds variables. Each browser context of
    `new_browser_context` is its own network there (`--client-ip-header`)."""
    log = open(ready.with_suffix(".log"), "w")  # noqa: SIM115 - closed with the process
    child_env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    refusals = refusals_file(ready)
    _REFUSAL_FILES[refusals] = 0
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.helpers.checked_stack",
            "--iam-refusals",
            str(refusals),
            "serve",
            "--port",
            str(port),
            "--demo-port",
            "0",
            "--ready-file",
            str(ready),
            "--quiet",
            "--client-ip-header",
            *extra,
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**child_env, **(env or {})},
    )


# Documentation addresses (RFC 5737 TEST-NET-2), one per browser context this process opens.
_CLIENT_ADDRESSES = (f"198.51.100.{n}" for n in itertools.cycle(range(1, 255)))


def new_browser_context(browser, **options):
    """A browser context that is its own network to the local stack, as every person's browser is
    to API Gateway: it plays one address of its own (devstack.gateway.CLIENT_IP_HEADER), so the
    partner's portal and a visitor's click are not one IP (self-referral) and each context has its
    own attempt limits. `options` go to `browser.new_context` (the visitor's user agent by default)."""
    from devstack.gateway import CLIENT_IP_HEADER

    options.setdefault("user_agent", VISITOR_USER_AGENT)
    headers = {**options.pop("extra_http_headers", {}), CLIENT_IP_HEADER: next(_CLIENT_ADDRESSES)}
    return browser.new_context(extra_http_headers=headers, **options)


def new_refusals() -> list[str]:
    """The calls refused by any stack this process started, since the last time this was asked."""
    found = []
    for path, seen in _REFUSAL_FILES.items():
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        lines = text[: text.rfind("\n") + 1].splitlines()  # a line being written counts next time
        found += [json.loads(line) for line in lines[seen:]]
        _REFUSAL_FILES[path] = len(lines)
    return found


def wait_ready(process: subprocess.Popen, ready: Path, timeout: float = 90) -> dict:
    """What the stack's ready file says, once written; the test fails with the log's end if the
    stack stopped or was not ready in time."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready.exists():
            return json.loads(ready.read_text())
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    pytest.fail("local stack did not start:\n" + ready.with_suffix(".log").read_text()[-5000:])


def fetch(url: str, method: str = "GET", body: bytes | None = None, headers: dict | None = None):
    """One plain HTTP request, redirects not followed: (the response, its body)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    connection.request(
        method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body, headers=headers or {}
    )
    response = connection.getresponse()
    return response, response.read()


def drain_everything(gateway: str, timeout: float = 600) -> None:
    """POST /_local/drain: returns once every stream and queue record pending now has been handled
    (the demo's history takes a while on a busy machine, hence the long timeout)."""
    parts = urlsplit(gateway)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    connection.request("POST", "/_local/drain", body=b"")
    response = connection.getresponse()
    response.read()
    assert response.status == 200, response.status


def embedded_client(local_stack: dict, service: str):
    """A boto3 client of the local stack's embedded AWS (what its ready file names), for checking what it stored."""
    return boto3.client(
        service,
        endpoint_url=local_stack["aws_endpoint_url"],
        region_name=local_stack["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )


def screenshot(page, name: str) -> None:
    """The whole page as test-artifacts/<name>.jpg, to see what a run showed. JPEG: Chromium encodes
    a long page about twice as fast as PNG, and the page audit takes over a hundred."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.jpg"), full_page=True, type="jpeg", quality=80)


# What each operator's "authenticator app" holds: the key its set-up page showed, by (gateway, email).
_AUTHENTICATOR_KEYS: dict[tuple[str, str], str] = {}


def log_in_operator(page, gateway: str, email: str, password: str) -> None:
    """Log an operator in as a person does: the password, then the code its authenticator app shows.

    The first time, the set-up page comes instead: its key goes into the "app" (the code is computed
    here, as `oathtool --totp -b KEY` would), the first code confirms it, and the login starts again.
    """
    from tests.helpers.operators import code, moto_secret

    page.goto(f"{gateway}/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    if page.locator("h1").inner_text() == "Set up your authenticator app":
        set_up_authenticator(page, gateway, email)
        page.get_by_label("Password", exact=True).fill(password)
        page.get_by_role("button", name="Log in").click()
    assert page.locator("h1").inner_text() == "Enter your code"
    # A login set up before this process (not by this helper) has the embedded user pool's one key.
    key = _AUTHENTICATOR_KEYS.get((gateway, email)) or moto_secret()
    page.get_by_label("Code", exact=True).fill(code(key))
    page.get_by_role("button", name="Log in").click()


def set_up_authenticator(page, gateway: str, email: str) -> None:
    """On the set-up page: keep its key, confirm it with the first code; ends on the login form."""
    from tests.helpers.operators import code

    key = page.locator("#totp-secret").inner_text()
    assert f"secret={key}" in page.locator("#totp-uri").inner_text()
    _AUTHENTICATOR_KEYS[(gateway, email)] = key
    page.get_by_label("Code from the app").fill(code(key))
    page.get_by_role("button", name="Confirm the app").click()
    assert "Your authenticator app is set up" in page.get_by_role("status").inner_text()
