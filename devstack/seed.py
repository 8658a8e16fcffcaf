"""The demo `make dev` adds to what the bootstrap made (the program and its operator): the program's
demo settings, a merchant, its shop's postback token, the operator's known password, an approved
partner with a login, tracking links into the demo merchant site, and 60 days of history
(devstack.history). `make dev DEMO=0` skips it."""

from __future__ import annotations

from decimal import Decimal

ADMIN_EMAIL = "admin@example.com"
# The demo's logins exist only in the embedded AWS, and `make dev` prints them.
ADMIN_PASSWORD = "Admin-demo-2026"  # nosec B105
PARTNER_EMAIL = "partner@example.com"
PARTNER_PASSWORD = "Partner-demo-2026"  # nosec B105


def seed(
    gateway_url: str, shop_url: str, program_id: str = "demo", operator: str = ADMIN_EMAIL, *, history: bool = True
) -> dict:
    """The demo on top of the bootstrapped program and operator; returns what a person (and the demo
    site) needs of it.

    Writes through the library as the functions would, so the stack must be provisioned, the
    functions' environment applied (the library finds its tables there) and the bootstrap run.
    """
    from waymark.conversions.advertisers import create_advertiser
    from waymark.core import aws
    from waymark.models import Program
    from waymark.partners.accounts import PARTNERS_GROUP, create_login, user_pool_id
    from waymark.partners.links import create_link
    from waymark.partners.management import create_agent
    from waymark.programs.settings import update_program

    # What an operator sets in the console, through the console's own domain function; only
    # allow_http (the demo's links lead to the local shop over http) is no console setting.
    Program(*Program.key(program_id)).update(actions=[Program.allow_http.set(True)])
    program = update_program(
        program_id,
        {
            "default_landing_url": f"{shop_url}/",
            "allowed_domains": ["localhost"],
            "languages": ["en", "de"],
            "default_language": "en",
            "order_page_url": f"{shop_url}/order",
            "commission_rules": [{"kind": "percent", "value": Decimal("10"), "note": "standard rate"}],
            "banners": [{"image_url": f"{shop_url}/banner.svg", "width": 468, "height": 60}],
        },
        by=operator,
    )
    advertiser, token, hmac_secret = create_advertiser(program, "demo-shop", "Demo Tours booking system")
    # The bootstrap invited the operator; the demo skips the first login's new password.
    aws.client("cognito-idp", background=True).admin_set_user_password(
        UserPoolId=user_pool_id(), Username=operator, Password=ADMIN_PASSWORD, Permanent=True
    )
    agent = create_agent(
        program,
        name="Harbour View Hotel",
        email=PARTNER_EMAIL,
        website="https://partner.example",
        partner_type="concierge",
        status="active",
    )
    create_login(PARTNER_EMAIL, PARTNER_PASSWORD, group=PARTNERS_GROUP, agent_id=agent.agent_id)
    link = create_link(agent, program, destination=f"{shop_url}/tours/sunset-cruise", name="Sunset cruise")
    remarketing = seed_remarketing(program, gateway_url, shop_url)
    default_url = f"{gateway_url}/c/{agent.agent_id}"
    link_url = f"{gateway_url}/c/{link.code}"
    deep_url = f"{gateway_url}/c/{agent.agent_id}?url={shop_url}/tours/city-walk&sub1=newsletter"
    facts = {
        "program_id": program.program_id,
        "advertiser_id": advertiser.advertiser_id,
        "advertiser_token": token,
        "hmac_secret": hmac_secret,
        "agent_id": agent.agent_id,
        "link_code": link.code,
        "admin": {"email": operator, "password": ADMIN_PASSWORD},
        "partner": {"email": PARTNER_EMAIL, "password": PARTNER_PASSWORD},
        "tracking_links": [link_url, default_url, deep_url],
        "remarketing": remarketing,
        "lines": [
            f"Operator login   {operator} / {ADMIN_PASSWORD}, then a code from an authenticator app (the first "
            "login shows its key; `oathtool --totp -b KEY` works too)",
            f"Partner login    {PARTNER_EMAIL} / {PARTNER_PASSWORD}",
            f"Tracking link    {link_url}",
            f"Partner link     {default_url}",
            f"Deep link        {deep_url}",
            f"Postback token   {token}",
            "Remarketing      book on the demo site, then `make invoke FN=remarketing_sender` and open /_local/mail",
            f"Email offers     {gateway_url}/admin/remarketing (profiles, templates, subjects; operator login)",
        ],
    }
    if history:
        from devstack.history import seed_history

        made = seed_history(facts, operator=operator).as_data()
        facts["history"] = made
        facts["lines"].append(
            f"History          {made['days']} days from {made['first_day']}: {made['clicks']} clicks, "
            f"{sum(made['conversions'].values())} sales on every channel, {made['emails_sent']} remarketing emails, "
            "a paid payout run"
        )
    return facts


# ---------------------------------------------------------------------------- remarketing

_DEMO_EMAIL = {
    "en": """<h1>Make the most of your trip</h1>
<p>Thank you for booking with {{ program.name }}{% if booking.ref %} (booking {{ booking.ref }}){% endif %}.
{% if booking.service_date %}Your tour is on {{ booking.service_date|date }}.{% endif %}
Guests who booked the same tour also enjoyed:</p>
<ul>{% for offer in offers %}
  <li><a href="{{ offer.url }}">{{ offer.name }}</a> from {{ offer.price|money(offer.currency) }}</li>{% endfor %}
</ul>
<p>One click adds it to your booking.</p>
<p style="font-size:12px;color:#666"><a href="{{ unsubscribe_url }}">No more offers, please</a></p>""",
    "de": """<h1>Holen Sie mehr aus Ihrer Reise</h1>
<p>Danke für Ihre Buchung bei {{ program.name }}{% if booking.ref %} (Buchung {{ booking.ref }}){% endif %}.
{% if booking.service_date %}Ihre Tour ist am {{ booking.service_date|date }}.{% endif %}
Gäste mit derselben Tour buchten auch:</p>
<ul>{% for offer in offers %}
  <li><a href="{{ offer.url }}">{{ offer.name }}</a> ab {{ offer.price|money(offer.currency) }}</li>{% endfor %}
</ul>
<p>Ein Klick fügt es Ihrer Buchung hinzu.</p>
<p style="font-size:12px;color:#666"><a href="{{ unsubscribe_url }}">Keine Angebote mehr</a></p>""",
}
_DEMO_OFFERS = [
    ("sunset-cruise", "Sunset cruise", "Bootsfahrt bei Sonnenuntergang", "89.00"),
    ("city-walk", "Old town walking tour", "Altstadtführung", "25.00"),
    ("wine-tasting", "Vineyard wine tasting", "Weinprobe im Weingut", "64.50"),
]


def seed_remarketing(program, gateway_url: str, shop_url: str) -> dict:
    """A demo cross-sell profile (web and email), its template in English and German, and the
    web and concierge channels' subjects, so a demo booking gets an email from `make invoke`."""
    from waymark.remarketing import config

    config.save_template(
        program,
        config.TemplateInput(
            template_id="demo-addons",
            name="Add-ons for your trip",
            bodies={lang: config.TemplateBody(html=html) for lang, html in _DEMO_EMAIL.items()},
        ),
        by="seed",
    )
    booking_page = f"{shop_url}/tours/{{{{ product }}}}?booking={{{{ booking.ref }}}}&lang={{{{ lang }}}}"
    subjects = {
        "web": {"en": "Add to your trip, {{ booking.ref }}", "de": "Ergänzen Sie Ihre Reise, {{ booking.ref }}"},
        "concierge": {"en": "Your concierge suggests more", "de": "Ihr Concierge empfiehlt mehr"},
    }
    for channel, by_language in subjects.items():
        config.save_channel_settings(
            program,
            config.ChannelSettingsInput(
                channel=channel, subjects=by_language, booking_url=booking_page, from_name="Demo Tours"
            ),
            by="seed",
        )
    profile = config.save_profile(
        program,
        config.ProfileInput(
            profile_id="demo-addons",
            name="Tour add-ons",
            kind="both",
            offers=[
                config.OfferInput(code=code, names={"en": en, "de": de}, price=price, link=f"{shop_url}/tours/{code}")
                for code, en, de, price in _DEMO_OFFERS
            ],
            schedule=[
                # The day of the booking, so `make invoke FN=remarketing_sender` right after a demo booking sends it.
                config.ScheduleStepInput(anchor="booking", days=0, template_id="demo-addons"),
                config.ScheduleStepInput(anchor="service", days=-2, template_id="demo-addons"),
            ],
        ),
        by="seed",
    )
    return {"profile_id": profile.profile_id, "template_id": "demo-addons", "offers_url": f"{gateway_url}/offers/demo"}
