"""Waymark on an embedded AWS: moto's server in this process, the template's resources in it,
the gateway in front of the handlers, and the stream and queue pollers behind them."""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime

from devstack.template import Stack

LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_SESSION_TOKEN": "local",
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_REGION": "eu-west-1",
}


class PortInUse(RuntimeError):
    pass


def check_port_free(host: str, port: int) -> None:
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise PortInUse(
                f"port {port} on {host} is already in use ({error.strerror}); "
                f"stop what is using it or choose another: make dev PORT=3100"
            ) from error


@dataclass
class LocalWaymark:
    host: str = "127.0.0.1"
    port: int = 3000
    demo_port: int = 3001
    quiet: bool = False
    seed_demo: bool = True
    stack: Stack = field(init=False)

    def start(self) -> dict:
        check_port_free(self.host, self.port)
        check_port_free(self.host, self.demo_port)
        os.environ.update(LOCAL_CREDENTIALS)
        from moto.server import ThreadedMotoServer

        from devstack import moto_fixes

        moto_fixes.apply()

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.moto.start()
        moto_host, moto_port = self.moto.get_host_and_port()
        self.moto_url = f"http://{moto_host}:{moto_port}"
        os.environ["AWS_ENDPOINT_URL"] = self.moto_url

        from devstack.gateway import Gateway, make_server, serve_in_thread
        from devstack.provision import provision
        from devstack.pumps import Poller, QueuePump, StreamPump
        from devstack.runtime import FunctionRuntime

        self.stack = Stack(name="waymark-local", region=LOCAL_CREDENTIALS["AWS_REGION"])
        provision(self.stack)
        self.runtime = FunctionRuntime(self.stack)
        self.gateway = Gateway(self.stack, self.runtime)
        self.server = make_server(self.gateway, self.host, self.port, quiet=self.quiet)
        self.port = self.server.server_address[1]
        self.url = f"http://localhost:{self.port}"
        # Links in emails (remarketing) point at this gateway, as a custom domain would in AWS.
        self.stack.parameters["PublicBaseUrl"] = self.url
        self.runtime.prepare()
        self.poller = Poller(StreamPump(self.stack, self.runtime), QueuePump(self.stack, self.runtime))

        from devstack import control, demo_site, seed

        control.install(self)
        self.demo = demo_site.start(self, self.host, self.demo_port)
        self.demo_port = self.demo.server_address[1]
        self.demo_url = f"http://localhost:{self.demo_port}"
        serve_in_thread(self.server)
        self.poller.start()
        self.info = {
            "gateway_url": self.url,
            "demo_url": self.demo_url,
            "aws_endpoint_url": self.moto_url,
            "region": self.stack.region,
            "resources": {lid: ids.get("Ref") for lid, ids in self.stack.physical.items()},
            "started_at": datetime.now(UTC).isoformat(),
        }
        if self.seed_demo:
            self.info["demo"] = seed.seed(self)
        self.poller.drain()
        return self.info

    def drain(self) -> None:
        """Run every pending stream record and queue message through its consumer now."""
        self.poller.drain()

    def stop(self) -> None:
        self.poller.stop()
        self.server.shutdown()
        self.demo.shutdown()
        self.moto.stop()

    def banner(self) -> str:
        demo = self.info.get("demo", {})
        lines = [
            "",
            "Waymark is running on an embedded AWS (moto). Ctrl-C stops it.",
            "",
            f"  Partner portal   {self.url}/login",
            f"  Partner signup   {self.url}/signup",
            f"  Admin console    {self.url}/admin",
            f"  Demo merchant    {self.demo_url}/",
            f"  Sent emails      {self.url}/_local/mail",
            f"  Embedded AWS     {self.moto_url}  (region {self.stack.region}, any credentials)",
        ]
        for line in demo.get("lines", []):
            lines.append(f"  {line}")
        lines.append("")
        return "\n".join(lines)


def write_ready_file(path: str, info: dict) -> None:
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(info, handle, indent=2)
    os.replace(path + ".tmp", path)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
