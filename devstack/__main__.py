"""`python -m devstack serve` (make dev) and `python -m devstack invoke NAME` (make invoke)."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import urllib.error
import urllib.request
from datetime import date


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run Waymark locally on an embedded AWS")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=3000, help="the gateway's port (make dev PORT=); 0: any free one")
    serve.add_argument(
        "--demo-port",
        type=int,
        default=3001,
        help="the demo merchant site's port (make dev DEMO_PORT=); 0: any free one",
    )
    serve.add_argument("--ready-file", help="write URLs and demo credentials here as JSON once serving")
    serve.add_argument("--quiet", action="store_true", help="no access log")
    serve.add_argument(
        "--no-seed",
        action="store_true",
        help="only what a fresh deployment holds: the bootstrap's program and operator (make dev DEMO=0)",
    )
    serve.add_argument(
        "--no-history",
        action="store_true",
        help="the demo without its 60 days of history (tests that need only its links start faster)",
    )
    serve.add_argument(
        "--client-ip-header",
        action="store_true",
        help="tests: a loopback client plays the address in X-Local-Client-Ip (one network per browser)",
    )
    invoke = commands.add_parser("invoke", help="fire a function (e.g. a schedule) on the running local stack")
    invoke.add_argument("function", help="folder or logical id, e.g. remarketing_sender")
    invoke.add_argument("--port", type=int, default=3000)
    when = invoke.add_mutually_exclusive_group()
    when.add_argument("--event", help="JSON file with the event (default: the scheduled event)")
    when.add_argument(
        "--date",
        type=date.fromisoformat,
        help="YYYY-MM-DD: a daily schedule's run for that day (the scheduled event's time), e.g. a future send day",
    )
    args = parser.parse_args(argv)
    return _serve(args) if args.command == "serve" else _invoke(args)


def _serve(args: argparse.Namespace) -> int:
    from devstack.local import LocalWaymark, PortInUse, banner, log, write_ready_file

    local = LocalWaymark(
        host=args.host,
        port=args.port,
        demo_port=args.demo_port,
        quiet=args.quiet,
        seed_demo=not args.no_seed,
        seed_history=not args.no_history,
        client_ip_header=args.client_ip_header,
    )
    try:
        info = local.start()
    except PortInUse as error:
        log(f"error: {error}")
        return 2
    stopping = threading.Event()

    def stop(signum, frame) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    log(banner(info))
    if args.ready_file:
        write_ready_file(args.ready_file, info)
    while not stopping.wait(0.5):  # a timed wait lets the signal handler run promptly in the main thread
        pass
    log("Stopping Waymark...")
    local.stop()
    return 0


def _invoke(args: argparse.Namespace) -> int:
    body = b""
    if args.event:
        with open(args.event, "rb") as handle:
            body = handle.read()
    elif args.date:
        body = json.dumps(_scheduled_event(args.date)).encode()
    url = f"http://127.0.0.1:{args.port}/_local/invoke/{args.function}"
    try:
        request = urllib.request.Request(url, data=body, method="POST")
        with urllib.request.urlopen(request, timeout=900) as response:  # noqa: S310 - the local stack's URL  # nosec B310
            print(json.dumps(json.loads(response.read()), indent=2))
            return 0
    except urllib.error.HTTPError as error:
        print(error.read().decode(), file=sys.stderr)
        return 1
    except OSError:
        print(
            f"Nothing answers on port {args.port}: start the local stack first with `make dev`.",
            file=sys.stderr,
        )
        return 1


def _scheduled_event(day: date) -> dict:
    """What EventBridge sends a schedule, for 08:00 UTC on `day` (the daily jobs read the day from `time`)."""
    return {
        "version": "0",
        "id": f"local-{day.isoformat()}",
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "time": f"{day.isoformat()}T08:00:00Z",
        "resources": [],
        "detail": {},
    }


if __name__ == "__main__":
    sys.exit(main())
