"""Waymark on an embedded AWS: moto's server in this process, the template's resources in it,
the gateway in front of the handlers, and the stream and queue pollers behind them."""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import ThreadingHTTPServer
from typing import TYPE_CHECKING

from devstack.template import Stack

if TYPE_CHECKING:
    from devstack.gateway import Gateway
    from devstack.pumps import Poller
    from devstack.runtime import FunctionRuntime

LOCAL_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    # Placeholders the embedded AWS accepts; no real AWS takes them.
    "AWS_SECRET_ACCESS_KEY": "local",  # nosec B105
    "AWS_SESSION_TOKEN": "local",  # nosec B105
    "AWS_DEFAULT_REGION": "eu-west-1",
    "AWS_REGION": "eu-west-1",
}


# The template parameters a deployment is given (samconfig.toml or --guided), as the local stack gives them.
LOCAL_PARAMETERS = {
    "OperatorEmail": "admin@example.com",
    "ProgramName": "Demo Tours",
    "ProgramCurrency": "EUR",
    "ProgramLandingPage": "https://www.example.com/",
    "ProgramAllowedDomains": "www.example.com",
}
# Deployed, Cognito makes up the invitation's temporary password and emails it; the embedded user
# pool sends no email, so the local operator's is known and printed.
LOCAL_TEMPORARY_PASSWORD = "First-login-2026"  # noqa: S105 - local only, printed on purpose  # nosec B105


# Called with each stack once its resources exist, before any function runs: how a caller wraps
# the functions' AWS calls (the test suite's IAM check, tests/helpers/checked_stack.py) without
# the stack knowing it.
ON_DEPLOY: list[Callable[[Stack], None]] = []


class PortInUse(RuntimeError):
    pass


def check_port_free(host: str, port: int, *, serving: str, setting: str, instead: int) -> None:
    """Fail before anything starts, naming what wanted the port and the `make dev` setting that moves it."""
    if port == 0:
        return
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise PortInUse(
                f"port {port} on {host} (the {serving}) is already in use ({error.strerror}); "
                f"stop what is using it or choose another: make dev {setting}={instead}"
            ) from error


@dataclass(frozen=True)
class Deployment:
    """The template deployed on the embedded AWS, its functions ready to run and not yet serving."""

    stack: Stack
    runtime: FunctionRuntime
    gateway: Gateway
    server: ThreadingHTTPServer
    poller: Poller
    gateway_url: str
    aws_url: str


@dataclass(frozen=True)
class Demo:
    """The demo program (what `seed` made of it) and the merchant site its links lead to."""

    facts: dict
    url: str
    site: ThreadingHTTPServer


def deploy(aws_url: str, host: str, port: int, *, quiet: bool) -> Deployment:
    """Provision the template's resources on the embedded AWS at `aws_url` and load its functions
    behind a gateway bound to `host:port` (0: any free port)."""
    os.environ["AWS_ENDPOINT_URL"] = aws_url
    from devstack.gateway import Gateway, make_server
    from devstack.provision import provision
    from devstack.pumps import Poller, QueuePump, StreamPump
    from devstack.runtime import FunctionRuntime

    stack = Stack(name="waymark-local", region=LOCAL_CREDENTIALS["AWS_REGION"], parameters=LOCAL_PARAMETERS)
    runtime = FunctionRuntime(stack)
    gateway = Gateway(stack, runtime)
    server = make_server(gateway, host, port, quiet=quiet)
    gateway_url = f"http://localhost:{server.server_address[1]}"
    # Links in emails (remarketing, the user pool's invitations) point at this gateway, as a custom
    # domain would in AWS: known before provisioning, which writes the invitation's text.
    stack.parameters["PublicBaseUrl"] = gateway_url
    provision(stack)
    for hook in ON_DEPLOY:
        hook(stack)
    runtime.prepare()
    poller = Poller(StreamPump(stack, runtime), QueuePump(stack, runtime))
    return Deployment(stack, runtime, gateway, server, poller, gateway_url, aws_url)


def bootstrap(stack: Stack) -> dict:
    """What `sam deploy` does through the template's Bootstrap custom resource, with the same code and
    the resource's own properties: the first program and operator, created if absent."""
    from devstack.runtime import running_as
    from waymark.setup import bootstrap as first_minute

    facts: dict = {}
    for resource in stack.of_type("Custom::WaymarkBootstrap").values():
        chosen = first_minute.settings_from_properties(stack.resolve(resource["Properties"]))
        # Its calls are the custom resource's function's (ServiceToken), as deployed.
        with running_as(resource["Properties"]["ServiceToken"]["Fn::GetAtt"][0]):
            outcome = first_minute.ensure(chosen, temporary_password=LOCAL_TEMPORARY_PASSWORD)
        email = chosen.operator_email
        facts = {
            "program_id": chosen.program.program_id,
            "operator": {"email": email, "temporary_password": LOCAL_TEMPORARY_PASSWORD},
            "outcome": outcome.as_data(),
            "lines": [
                f"Operator login   {email} / {LOCAL_TEMPORARY_PASSWORD} (temporary: choose yours at first login, "
                "then set up an authenticator app)"
            ],
        }
    return facts


def open_demo(gateway_url: str, host: str, port: int, first: dict, *, history: bool = True) -> Demo:
    """Seed the demo into the bootstrapped program and serve its merchant site on `host:port` (0: any free port)."""
    from devstack import demo_site, seed

    listener = demo_site.listen(host, port)
    url = f"http://localhost:{listener.getsockname()[1]}"
    facts = seed.seed(
        gateway_url=gateway_url,
        shop_url=url,
        program_id=first["program_id"],
        operator=first["operator"]["email"],
        history=history,
    )
    site = demo_site.serve(listener, gateway_url=gateway_url, postback_token=facts["advertiser_token"])
    return Demo(facts, url, site)


def ready_info(deployment: Deployment, first: dict, demo: Demo | None) -> dict:
    """What the ready file and /_local/health say: where everything answers, what the bootstrap made
    (`bootstrap`) and the demo's facts."""
    info: dict = {"gateway_url": deployment.gateway_url}
    if demo:
        info["demo_url"] = demo.url
    info.update(
        aws_endpoint_url=deployment.aws_url,
        region=deployment.stack.region,
        resources={lid: ids.get("Ref") for lid, ids in deployment.stack.physical.items()},
        started_at=datetime.now(UTC).isoformat(),
        bootstrap=first,
    )
    if demo:
        info["demo"] = demo.facts
    return info


@dataclass
class LocalWaymark:
    """`make dev`'s stack, started in the order its parts exist: the embedded AWS, the deployment on it
    (resources, functions, gateway, pollers), the bootstrap a deployment runs, then (unless `seed_demo`
    is off: `make dev DEMO=0`) the demo and its merchant site. The gateway serves once all are in
    place, so /_local/health answers with the finished facts."""

    host: str = "127.0.0.1"
    port: int = 3000
    demo_port: int = 3001
    quiet: bool = False
    seed_demo: bool = True
    seed_history: bool = True  # the demo's 60 days (devstack.history); off: `serve --no-history`
    client_ip_header: bool = False  # devstack.gateway.CLIENT_IP_HEADER, for tests

    def start(self) -> dict:
        check_port_free(self.host, self.port, serving="gateway", setting="PORT", instead=3100)
        if self.seed_demo:
            if self.demo_port == self.port != 0:
                raise PortInUse(
                    f"the gateway and the demo merchant site cannot share port {self.port}: "
                    f"give each its own, e.g. make dev PORT={self.port} DEMO_PORT={self.port + 1}"
                )
            check_port_free(self.host, self.demo_port, serving="demo merchant site", setting="DEMO_PORT", instead=3101)
        os.environ.update(LOCAL_CREDENTIALS)
        # The embedded user pool checks operators' TOTP codes (against the one key it gives every login)
        # instead of taking any six digits: docs/development.md "Operators' authenticator app".
        os.environ["MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP"] = "true"
        # Partner postbacks may reach a receiver on this machine (http on loopback), and only that:
        # docs/security.md "Outbound URLs". A deployed stack never has the switch
        # (waymark.partner_postbacks.addresses.TEST_ONLY_LOOPBACK_SWITCH; a unit test holds the name).
        os.environ["WAYMARK_TEST_ONLY_UNSAFE_ALLOW_LOOPBACK_POSTBACKS"] = "1"
        from moto.server import ThreadedMotoServer

        from devstack import control, invitations, moto_fixes
        from devstack.gateway import serve_in_thread

        moto_fixes.apply()
        invitations.apply()
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's per-request access log
        self.moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.moto.start()
        moto_host, moto_port = self.moto.get_host_and_port()
        aws_url = f"http://{moto_host}:{moto_port}"

        self.deployment = deployment = deploy(aws_url, self.host, self.port, quiet=self.quiet)
        deployment.gateway.client_ip_header = self.client_ip_header
        # The bootstrap and the demo write through the library as the functions do: they need the deployment whole.
        first = bootstrap(deployment.stack)
        started = time.monotonic()
        self.demo = (
            open_demo(deployment.gateway_url, self.host, self.demo_port, first, history=self.seed_history)
            if self.seed_demo
            else None
        )
        seeded = time.monotonic()
        info = ready_info(deployment, first, self.demo)
        deployment.gateway.control.update(
            control.endpoints(deployment.stack, deployment.runtime, deployment.poller.drain, info)
        )
        serve_in_thread(deployment.server)
        deployment.poller.start()
        if self.demo and "history" in self.demo.facts:
            # Counting the history's stream records takes longer than writing them: the stack answers
            # now and the pollers count them in the background (POST /_local/drain waits for them).
            log(f"Demo seeded in {seeded - started:.1f} s; its history is being counted in the background")
        else:
            deployment.poller.drain()
        return info

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving; bounded, so Ctrl-C ends the process even if a server is stuck on a connection."""

        def shut_down() -> None:
            self.deployment.poller.stop()
            self.deployment.server.shutdown()
            if self.demo:
                self.demo.site.shutdown()
            self.moto.stop()

        stopper = threading.Thread(target=shut_down, name="stopping", daemon=True)
        stopper.start()
        stopper.join(timeout)
        if stopper.is_alive():
            log(f"some servers did not stop within {timeout:g} s; exiting anyway")


def banner(info: dict) -> str:
    lines = [
        "",
        "Waymark is running on an embedded AWS (moto). Ctrl-C stops it.",
        "",
        f"  Partner portal   {info['gateway_url']}/login",
        f"  Partner signup   {info['gateway_url']}/signup",
        f"  Admin console    {info['gateway_url']}/admin",
    ]
    if "demo_url" in info:
        lines.append(f"  Demo merchant    {info['demo_url']}/")
    lines += [
        f"  Sent emails      {info['gateway_url']}/_local/mail",
        f"  Embedded AWS     {info['aws_endpoint_url']}  (region {info['region']}, any credentials)",
    ]
    # The demo's operator has a permanent password; without the demo, the bootstrap's temporary one.
    facts = info.get("demo") or info.get("bootstrap") or {}
    lines += [f"  {line}" for line in facts.get("lines", [])]
    lines.append("")
    return "\n".join(lines)


def write_ready_file(path: str, info: dict) -> None:
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(info, handle, indent=2)
    os.replace(path + ".tmp", path)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
