"""Helpers for building requests and demo data in tests."""

import itertools
import json
from decimal import Decimal
from pathlib import Path

from devstack.gateway import Gateway
from devstack.template import ROOT

EVENTS = ROOT / "events"
_emails = itertools.count(1)


def load_event(function: str, name: str) -> dict:
    return json.loads((EVENTS / function / f"{name}.json").read_text())


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


def make_program(program_id: str = "shop", **overrides):
    from waymark.models import CommissionRule, Program

    fields = {
        "program_id": program_id,
        "name": "Example Tours",
        "currency": "EUR",
        "default_landing_url": "https://www.example.com/",
        "allowed_domains": ["www.example.com", "*.example.com"],
        "languages": ["en", "de"],
        "order_page_url": "https://www.example.com/order",
        "commission_rules": [CommissionRule(kind="percent", value=Decimal("10"))],
    }
    fields.update(overrides)
    program = Program(*Program.key(program_id), **fields)
    program.save()
    return program


def make_agent(program, *, status: str = "active", email: str | None = None, **overrides):
    from waymark.partners.management import create_agent

    name = overrides.pop("name", "Partner")
    return create_agent(
        program, name=name, email=email or f"partner{next(_emails)}@example.com", status=status, **overrides
    )


def make_link(agent, program, destination: str | None = "https://www.example.com/tours/1", **overrides):
    from waymark.partners.links import create_link

    return create_link(agent, program, destination=destination, **overrides)


def read_json(path: Path) -> dict:
    return json.loads(path.read_text())


def make_advertiser(program, advertiser_id: str = "shop-backend", **overrides):
    """An advertiser of `program`; returns (advertiser, its postback token)."""
    from waymark.conversions.advertisers import create_advertiser

    return create_advertiser(program, advertiser_id, overrides.pop("name", "Shop booking system"), **overrides)
