"""Lambda events for tests: the sample events in events/, and API Gateway events for a request,
routed by template.yaml as the local gateway routes them."""

import copy
import json

from devstack.gateway import Gateway
from devstack.template import ROOT

EVENTS = ROOT / "events"


def load_event(function: str, name: str) -> dict:
    return json.loads((EVENTS / function / f"{name}.json").read_text())


def click_event(code: str, name: str = "link", **changes) -> dict:
    """The click function's sample event `name` (events/click/) for link `code`, with `changes`."""
    event = copy.deepcopy(load_event("click", name))
    event["pathParameters"]["code"] = code
    event["rawPath"] = event["requestContext"]["http"]["path"] = f"/c/{code}"
    event.update(changes)
    return event


def http_event(
    stack,
    method: str,
    path: str,
    *,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: bytes | str = b"",
    source_ip: str = "198.51.100.7",
) -> tuple[str, dict]:
    """(function logical id, payload 2.0 event) for a request, routed by template.yaml like the local gateway."""
    gateway = Gateway(stack, runtime=None)  # type: ignore[arg-type]
    found = gateway.match(method, path)
    if found is None:
        raise LookupError(f"template.yaml has no route for {method} {path}")
    route, params = found
    pairs = [("host", "track.example.com"), ("user-agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0")]
    pairs += list((headers or {}).items())
    raw = body.encode() if isinstance(body, str) else body
    event = gateway.event(
        route,
        params,
        method=method,
        raw_path=path,
        raw_query=query,
        headers=pairs,
        body=raw,
        source_ip=source_ip,
    )
    return route.function, event
