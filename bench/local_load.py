"""`local.clicks_per_s`: sustained clicks through the local gateway on moto, 8 clients for 10 s.

The stack runs in its own process (`python -m devstack serve`), the clients in this one, on
keep-alive connections over loopback. Every answer must be the 302 a click gets.
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
from pathlib import Path
from urllib.parse import urlsplit

from bench.measure import figure

ROOT = Path(__file__).resolve().parent.parent


def start_stack(ready: Path) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "POWERTOOLS_"))}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devstack",
            "serve",
            "--port",
            "0",
            "--demo-port",
            "0",
            "--quiet",
            "--ready-file",
            str(ready),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not ready.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the local stack did not start")
        time.sleep(0.1)
    return process


def _client(url: str, stop: threading.Event, counts: dict, lock: threading.Lock) -> None:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    ok = errors = 0
    while not stop.is_set():
        try:
            connection.request("GET", parts.path, headers={"User-Agent": "Mozilla/5.0 (bench) Chrome/120.0"})
            response = connection.getresponse()
            response.read()
            if response.status == 302:
                ok += 1
            else:
                errors += 1
        except OSError:
            errors += 1
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    with lock:
        counts["ok"] += ok
        counts["errors"] += errors


def run(clients: int = 8, seconds: float = 10.0) -> dict[str, dict]:
    with tempfile.TemporaryDirectory() as folder:
        ready = Path(folder) / "ready.json"
        process = start_stack(ready)
        try:
            info = json.loads(ready.read_text())
            link = info["demo"]["tracking_links"][0]
            counts, lock, stop = {"ok": 0, "errors": 0}, threading.Lock(), threading.Event()
            threads = [threading.Thread(target=_client, args=(link, stop, counts, lock)) for _ in range(clients)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            time.sleep(seconds)
            stop.set()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)
    rate = counts["ok"] / elapsed
    result = figure(
        rate,
        50,
        unit="clicks/s",
        higher_is_better=True,
        clients=clients,
        seconds=round(elapsed, 1),
        errors=counts["errors"],
        note="the issue asks for zero errors; 50/s is a floor set here",
    )
    result["holds"] = result["holds"] and counts["errors"] == 0
    return {"local.clicks_per_s": result}
