"""The demo program `make dev` starts with: a merchant, its shop's postback token, an operator,
an approved partner with a login, and tracking links into the demo merchant site."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from devstack.local import LocalWaymark

ADMIN_EMAIL = "admin@example.com"
ADMIN_PASSWORD = "Admin-demo-2026"
PARTNER_EMAIL = "partner@example.com"
PARTNER_PASSWORD = "Partner-demo-2026"


def seed(local: LocalWaymark) -> dict:
    from waymark.accounts import ADMINS_GROUP, PARTNERS_GROUP, create_login
    from waymark.advertisers import create_advertiser
    from waymark.links import create_link
    from waymark.models import CommissionRule, Program
    from waymark.partners import create_agent

    program = Program(
        *Program.key("demo"),
        program_id="demo",
        name="Demo Tours",
        currency="EUR",
        default_landing_url=f"{local.demo_url}/",
        allowed_domains=["localhost"],
        allow_http=True,
        languages=["en", "de"],
        default_language="en",
        order_page_url=f"{local.demo_url}/order",
        commission_rules=[CommissionRule(kind="percent", value=Decimal("10"), note="standard rate")],
        settings={"banners": [{"image_url": f"{local.demo_url}/banner.svg", "width": 468, "height": 60}]},
    )
    program.save()
    advertiser, token = create_advertiser(program, "demo-shop", "Demo Tours booking system")
    create_login(ADMIN_EMAIL, ADMIN_PASSWORD, group=ADMINS_GROUP)
    agent = create_agent(
        program,
        name="Harbour View Hotel",
        email=PARTNER_EMAIL,
        website="https://partner.example",
        partner_type="concierge",
        status="active",
    )
    create_login(PARTNER_EMAIL, PARTNER_PASSWORD, group=PARTNERS_GROUP, agent_id=agent.agent_id)
    link = create_link(agent, program, destination=f"{local.demo_url}/tours/sunset-cruise", name="Sunset cruise")
    default_url = f"{local.url}/c/{agent.agent_id}"
    link_url = f"{local.url}/c/{link.code}"
    deep_url = f"{local.url}/c/{agent.agent_id}?url={local.demo_url}/tours/city-walk&sub1=newsletter"
    return {
        "program_id": program.program_id,
        "advertiser_id": advertiser.advertiser_id,
        "advertiser_token": token,
        "hmac_secret": advertiser.hmac_secret,
        "agent_id": agent.agent_id,
        "link_code": link.code,
        "admin": {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD},
        "partner": {"email": PARTNER_EMAIL, "password": PARTNER_PASSWORD},
        "tracking_links": [link_url, default_url, deep_url],
        "lines": [
            f"Operator login   {ADMIN_EMAIL} / {ADMIN_PASSWORD}",
            f"Partner login    {PARTNER_EMAIL} / {PARTNER_PASSWORD}",
            f"Tracking link    {link_url}",
            f"Partner link     {default_url}",
            f"Deep link        {deep_url}",
            f"Postback token   {token}",
        ],
    }
