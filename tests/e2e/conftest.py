"""The local stack (`python -m devstack serve`, what `make dev` runs) in its own process, and a browser."""

import shutil
import signal
from pathlib import Path

import pytest

from tests.helpers.local_stack import (
    drain_everything,
    new_browser_context,
    new_refusals,
    screenshot,
    start_local_stack,
    wait_ready,
)


def _fail_on_refusals(when: str) -> None:
    refused = new_refusals()
    if refused:
        pytest.fail(f"AWS would refuse, {when}:\n" + "\n".join(dict.fromkeys(refused)), pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def iam_check_of_every_local_stack():
    """Calls a stack's functions make after the last test (pollers catching up) fail the session."""
    yield
    _fail_on_refusals("after the last test")


@pytest.fixture(autouse=True)
def iam_check_of_the_local_stacks():
    """Fail the test if a local stack's function made a call its deployed role refuses
    (tests/helpers/checked_stack.py), even one the code absorbed."""
    _fail_on_refusals("after the previous test ended (a poller catching up)")
    yield
    _fail_on_refusals("during this test")


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory):
    ready = tmp_path_factory.mktemp("local-stack") / "ready.json"
    process = start_local_stack(ready)
    info = wait_ready(process, ready)
    info["log"] = ready.with_suffix(".log")
    drain_everything(info["gateway_url"])  # the demo's history is counted in the background: wait for it
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
    context = new_browser_context(browser)
    page = context.new_page()
    yield page
    screenshot(page, request.node.name)
    context.close()
