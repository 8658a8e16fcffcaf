"""The local stack (`python -m devstack serve`, what `make dev` runs) in its own process, and a browser."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devstack.template import ROOT

ARTIFACTS = ROOT / "test-artifacts"
# Headless Chromium announces itself as "HeadlessChrome", which Waymark rightly counts as a bot
# (and a bot's session earns no commission). The tests play a person's desktop browser.
VISITOR_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36"
)


def start_local_stack(ready: Path, *extra: str, port: int = 0) -> subprocess.Popen:
    log = open(ready.with_suffix(".log"), "w")  # noqa: SIM115 - closed with the process
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devstack",
            "serve",
            "--port",
            str(port),
            "--demo-port",
            "0",
            "--ready-file",
            str(ready),
            "--quiet",
            *extra,
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )


def wait_ready(process: subprocess.Popen, ready: Path, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready.exists():
            return json.loads(ready.read_text())
        if process.poll() is not None:
            break
        time.sleep(0.1)
    process.kill()
    pytest.fail("local stack did not start:\n" + ready.with_suffix(".log").read_text()[-5000:])


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory):
    ready = tmp_path_factory.mktemp("local-stack") / "ready.json"
    process = start_local_stack(ready)
    info = wait_ready(process, ready)
    info["log"] = ready.with_suffix(".log")
    yield info
    process.send_signal(signal.SIGINT)
    process.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).exists():
        pytest.fail("Chromium is missing: run scripts/ensure-chromium (make test does)")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-sync",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(user_agent=VISITOR_USER_AGENT)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
