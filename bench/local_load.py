"""`local.clicks_per_s`: sustained clicks through the local gateway on moto, 8 clients for 10 s, zero errors.

The stack runs in its own process (`python -m devstack serve`), the clients in this one, on
keep-alive connections over loopback, each from its own loopback address (127.0.0.2, ...)
so the stack sees eight visitors. After a short warm-up (the click function's first import),
every answer during the 10 s must be the 302 of a credited click (with a click id), and once
the stack has drained, the sessions table must hold exactly one session per counted click:
no error, no lost click.
"""

import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HUMAN = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/150.0.0.0 Safari/537.36"


def start_stack(ready: Path, log: Path | None = None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    output = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    # No demo history: the reconciliation counts only the traffic this run sends.
    command = ["-m", "devstack", "serve", "--port", "0", "--demo-port", "0", "--quiet", "--no-history"]
    command += ["--ready-file", str(ready)]
    process = subprocess.Popen(
        [sys.executable, *command],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the local stack did not start" + (f":\n{log.read_text()[-3000:]}" if log else ""))
        time.sleep(0.1)
    return process


@contextmanager
def local_stack(log: Path | None = None) -> Iterator[dict]:
    """`python -m devstack serve` in its own process; yields its ready-file info."""
    with tempfile.TemporaryDirectory() as folder:
        ready = Path(folder) / "ready.json"
        process = start_stack(ready, log)
        try:
            yield json.loads(ready.read_text())
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


class Visitor:
    """One HTTP client on a keep-alive connection from its own loopback address."""

    def __init__(self, base_url: str, source: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port, self.source = parts.hostname, parts.port, source
        self.connection = self._connect()
        self.set_cookies: list[str] = []  # the last answer's Set-Cookie lines

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=30, source_address=(self.source, 0))

    def request(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None):
        """(status, headers, body); a broken connection is reopened and the error raised."""
        try:
            self.connection.request(method, path, body=body, headers=headers or {})
            response = self.connection.getresponse()
            self.set_cookies = response.headers.get_all("Set-Cookie") or []  # a dict keeps only one
            return response.status, dict(response.getheaders()), response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = self._connect()
            raise

    def close(self) -> None:
        self.connection.close()


class CookieJar:
    """What one browser keeps of the Set-Cookie lines it was sent, for as long as their Max-Age says."""

    def __init__(self) -> None:
        self.cookies: dict[str, tuple[str, float, str]] = {}  # name -> (value, expiry, path)

    def sent(self, path: str) -> list[str]:
        now = time.time()
        return [
            f"{name}={value}"
            for name, (value, until, scope) in self.cookies.items()
            if until > now and (path == scope or path.startswith(scope.rstrip("/") + "/"))
        ]

    def keep(self, set_cookies: list[str]) -> None:
        for line in set_cookies:
            pair, *attributes = (part.strip() for part in line.split(";"))
            name, _, value = pair.partition("=")
            options = {key.lower(): val for key, _, val in (a.partition("=") for a in attributes)}
            self.cookies[name] = (value, time.time() + int(options.get("max-age", "0")), options.get("path", "/"))


def click_id_of(status: int, headers: dict) -> str | None:
    if status != 302:
        return None
    return (parse_qs(urlsplit(headers.get("Location", "")).query).get("click_id") or [None])[0]


def drain(info: dict) -> None:
    """Run every pending stream record and queue message through its consumer (the stats, the replay)."""
    url = info["gateway_url"] + "/_local/drain"  # http://localhost:<port>, from the stack's ready file
    request = urllib.request.Request(url, data=b"", method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=900) as response:  # noqa: S310
        response.read()


def count_items(info: dict, logical_id: str) -> int:
    """How many items a table of the local stack holds (a Scan: test tooling, never a request path)."""
    import boto3

    dynamodb = boto3.client(
        "dynamodb",
        endpoint_url=info["aws_endpoint_url"],
        region_name=info["region"],
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    total, request = 0, {"TableName": info["resources"][logical_id], "Select": "COUNT"}
    while True:
        page = dynamodb.scan(**request)
        total += page["Count"]
        if "LastEvaluatedKey" not in page:
            return total
        request["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _clicker(visitor: Visitor, path: str, stop: threading.Event, tally: dict, lock: threading.Lock) -> None:
    ok = errors = 0
    while not stop.is_set():
        try:
            status, headers, _ = visitor.request("GET", path, headers={"User-Agent": HUMAN})
        except (OSError, http.client.HTTPException):
            errors += 1
            continue
        if click_id_of(status, headers):
            ok += 1
        else:
            errors += 1
    with lock:
        tally["ok"] += ok
        tally["errors"] += errors


def run(clients: int = 8, seconds: float = 10.0) -> dict[str, dict]:
    with local_stack() as info:
        path = urlsplit(info["demo"]["tracking_links"][0]).path
        visitors = [Visitor(info["gateway_url"], f"127.0.0.{2 + n}") for n in range(clients)]
        for visitor in visitors:  # warm-up: the click function's import and first lookups
            visitor.request("GET", path, headers={"User-Agent": HUMAN})
        before = count_items(info, "ClickSessionsTable")
        tally, lock, stop = {"ok": 0, "errors": 0}, threading.Lock(), threading.Event()
        threads = [threading.Thread(target=_clicker, args=(v, path, stop, tally, lock)) for v in visitors]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        time.sleep(seconds)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        for visitor in visitors:
            visitor.close()
        drain(info)
        stored = count_items(info, "ClickSessionsTable") - before
    holds = tally["errors"] == 0 and stored == tally["ok"] and tally["ok"] > 0
    return {
        "local.clicks_per_s": {
            "value": round(tally["ok"] / elapsed, 1),
            "budget": "0 errors, every click stored",
            "unit": "clicks/s",
            "holds": holds,
            "clients": clients,
            "seconds": round(elapsed, 1),
            "clicks": tally["ok"],
            "errors": tally["errors"],
            "sessions_stored": stored,
            "note": "the issue sets no rate: the budget is zero errors and no lost click",
        }
    }
