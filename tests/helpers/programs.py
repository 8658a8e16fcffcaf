"""A merchant's program and what belongs to it (partners, their links, the advertiser that reports
sales), created through the domain functions."""

import itertools
from decimal import Decimal

_emails = itertools.count(1)


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


def make_advertiser(program, advertiser_id: str = "shop-backend", **overrides):
    """An advertiser of `program`; returns (advertiser, its postback token, its HMAC secret)."""
    from waymark.conversions.advertisers import create_advertiser

    return create_advertiser(program, advertiser_id, overrides.pop("name", "Shop booking system"), **overrides)
