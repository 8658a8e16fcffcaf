"""Two local stacks side by side, as `make dev` and `make dev PORT=3100 DEMO_PORT=3101` run them:
each answers on the ports it was given, its demo site talks to its own gateway, and a taken demo
port is as clear an error as a taken gateway port."""

import http.client
import json
import shutil
import signal
import socket
import subprocess
from urllib.parse import urlencode, urlsplit

import pytest

from devstack.template import ROOT
from tests.helpers.local_stack import start_local_stack, wait_ready

pytestmark = pytest.mark.e2e


def request(url: str, method: str = "GET", form: dict | None = None) -> tuple[int, dict, str]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    body = urlencode(form) if form else None
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if form else {}
    connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body, headers=headers)
    response = connection.getresponse()
    return response.status, dict(response.getheaders()), response.read().decode()


def free_ports(count: int) -> list[int]:
    """`count` distinct ports nothing listens on (all held open together, so none repeats)."""
    sockets = [socket.create_server(("127.0.0.1", 0)) for _ in range(count)]
    try:
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@pytest.fixture(scope="module")
def two_stacks(tmp_path_factory):
    folder = tmp_path_factory.mktemp("side-by-side")
    ports = free_ports(4)
    started = []
    for name, port, demo_port in (("first", ports[0], ports[1]), ("second", ports[2], ports[3])):
        ready = folder / f"{name}.json"
        # After the helper's own `--demo-port 0`: argparse keeps the last value given.
        # Two stacks start at once: the demo's history (which these tests do not look at) would double the wait.
        process = start_local_stack(ready, "--demo-port", str(demo_port), "--no-history", port=port)
        started.append((process, ready, port, demo_port))
    try:
        yield [
            {**wait_ready(process, ready), "log": ready.with_suffix(".log"), "port": port, "demo_port": demo_port}
            for process, ready, port, demo_port in started
        ]
    finally:
        for process, *_ in started:
            process.send_signal(signal.SIGINT)
        for process, *_ in started:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


def test_make_dev_passes_demo_port_as_it_passes_port():
    make = shutil.which("make")
    assert make, "make is missing"

    def dev_command(*settings: str) -> str:
        # -n prints what `make dev` would run (and install) without running any of it.
        dry_run = subprocess.run(
            [make, "-n", "dev", *settings], cwd=ROOT, capture_output=True, text=True, check=True, timeout=30
        )
        return next(line for line in dry_run.stdout.splitlines() if "-m devstack serve" in line)

    assert dev_command().endswith("-m devstack serve --port 3000 --demo-port 3001")
    assert dev_command("PORT=3100", "DEMO_PORT=3101").endswith("-m devstack serve --port 3100 --demo-port 3101")
    assert dev_command("DEMO=0").endswith("-m devstack serve --port 3000 --demo-port 3001 --no-seed")
    assert dev_command("DEMO=1").endswith("--demo-port 3001")


def test_each_stack_answers_on_the_ports_it_was_given(two_stacks):
    for stack in two_stacks:
        gateway, shop = f"http://localhost:{stack['port']}", f"http://localhost:{stack['demo_port']}"
        assert (stack["gateway_url"], stack["demo_url"]) == (gateway, shop)
        assert f"Demo merchant    {shop}/" in stack["log"].read_text()

        status, _, health = request(f"{gateway}/_local/health")
        assert status == 200
        assert (json.loads(health)["gateway_url"], json.loads(health)["demo_url"]) == (gateway, shop)

        status, _, home = request(f"{shop}/")
        assert status == 200 and f"<script src='{gateway}/waymark.js' defer>" in home

        status, headers, _ = request(stack["demo"]["tracking_links"][0])
        assert status == 302 and headers["Location"].startswith(f"{shop}/tours/sunset-cruise?click_id=")


def test_each_demo_site_books_through_its_own_gateway(two_stacks):
    first, second = two_stacks
    # Each stack has its own embedded AWS: one's links are unknown to the other.
    assert request(f"{second['gateway_url']}/c/{first['demo']['link_code']}")[0] == 404
    for stack in two_stacks:
        status, _, page = request(f"{stack['demo_url']}/book", "POST", {"tour": "city-walk", "quantity": "1"})
        # The postback went to this stack's gateway with this stack's token, and was recorded.
        assert status == 200 and "<p id=credit>No partner credited (no_attribution).</p>" in page


def test_a_taken_demo_port_is_a_clear_error(two_stacks, tmp_path):
    taken = two_stacks[0]["demo_port"]
    clash = start_local_stack(tmp_path / "clash.json", "--demo-port", str(taken))
    assert clash.wait(timeout=60) == 2
    log = (tmp_path / "clash.log").read_text()
    assert f"port {taken} on 127.0.0.1 (the demo merchant site) is already in use" in log
    assert "make dev DEMO_PORT=3101" in log
    assert not (tmp_path / "clash.json").exists()
