"""Helpers for remarketing tests: configuration, customer items (as the postback writes them), a
virtual clock, and the emails moto's SES accepted."""

import email
import itertools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from email import policy
from types import SimpleNamespace

from devstack.control import scheduled_event

_orders = itertools.count(1000)

EN_HTML = """<h1>Complete your trip, booking {{ booking.ref }}</h1>
<ul>{% for offer in offers %}
<li><a href="{{ offer.url }}">{{ offer.name }}</a> {{ offer.price|money(offer.currency) }}</li>{% endfor %}
</ul>
<p><a href="{{ unsubscribe_url }}">Unsubscribe</a></p>"""
DE_HTML = """<h1>Ergänzen Sie Ihre Reise, Buchung {{ booking.ref }}</h1>
<ul>{% for offer in offers %}
<li><a href="{{ offer.url }}">{{ offer.name }}</a> {{ offer.price|money(offer.currency) }}</li>{% endfor %}
</ul>"""
OFFERS = [
    {
        "code": "wine-tasting",
        "names": {"en": "Vineyard wine tasting", "de": "Weinprobe im Weingut"},
        "price": "64.50",
        "image_url": "https://cdn.example.net/wine.jpg",
        "link": "https://www.example.com/tours/wine-tasting",
    },
    {
        "code": "city-walk",
        "names": {"en": "Old town walking tour", "de": "Altstadtführung"},
        "price": "25.00",
        "link": "https://www.example.com/tours/city-walk",
    },
    {
        "code": "sunset-cruise",
        "names": {"en": "Sunset cruise", "de": "Sonnenuntergangsfahrt"},
        "price": "89.00",
    },
]
SUBJECTS = {
    "web": {"en": "Add to your trip {{ booking.ref }}", "de": "Ergänzen Sie Ihre Reise {{ booking.ref }}"},
    "phone": {"en": "As discussed on the phone: more for your trip", "de": "Wie am Telefon besprochen: mehr Reise"},
}


def configure(
    program,
    *,
    kind: str = "email",
    schedule: list[dict] | None = None,
    rules: dict | None = None,
    offers: list[dict] | None = None,
    profile_id: str = "addons",
    booking_url: str | None = "https://www.example.com/booking/{booking_ref}?add={product}&lang={lang}",
) -> SimpleNamespace:
    """A template (en + de), web and phone channel settings and one profile, through the domain functions."""
    from waymark.remarketing import config

    template = config.save_template(
        program,
        config.TemplateInput(
            template_id="addons-email",
            name="Add-ons",
            bodies={"en": {"html": EN_HTML}, "de": {"html": DE_HTML, "text": "Buchung {{ booking.ref }}"}},
        ),
        by="tests",
    )
    for channel, subjects in SUBJECTS.items():
        config.save_channel_settings(
            program,
            config.ChannelSettingsInput(
                channel=channel,
                subjects=subjects,
                booking_url=booking_url,
                from_name="Example Tours",
                reply_to="help@example.com",
            ),
        )
    profile = config.save_profile(
        program,
        config.ProfileInput(
            profile_id=profile_id,
            name="Tour add-ons",
            kind=kind,
            rules=rules or {},
            offers=offers or OFFERS,
            schedule=schedule
            if schedule is not None
            else [{"anchor": "booking", "days": 1, "template_id": "addons-email"}],
        ),
        by="tests",
    )
    return SimpleNamespace(template=template, profile=profile)


def make_customer(
    program,
    *,
    email: str = "guest@example.org",
    lang: str | None = "en",
    booked: date | None = None,
    service_date: date | None = None,
    channel: str = "web",
    agent_id: str | None = None,
    items: list[tuple[str, str, int, str]] = (("sunset-cruise", "cruises", 2, "89.00"),),
    save: bool = True,
):
    """The customer item the postback writes with a conversion (pk CUSTOMER#<conversion_id>)."""
    from waymark.core.times import iso
    from waymark.models import CartLine, Customer

    order = f"B{next(_orders)}"
    conversion_id = f"shop-backend:{order}"
    booked = booked or datetime.now(UTC).date()
    lines = [CartLine(product=p, category=c, quantity=q, price=Decimal(price)) for p, c, q, price in items]
    customer = Customer(
        *Customer.key(conversion_id),
        conversion_id=conversion_id,
        program_id=program.program_id,
        agent_id=agent_id,
        channel=channel,
        email=email,
        lang=lang,
        booking_ref=order,
        service_date=service_date.isoformat() if service_date else None,
        booked_at=iso(datetime.combine(booked, datetime.min.time(), UTC).replace(hour=14)),
        amount=sum((line.price * line.quantity for line in lines), Decimal(0)),
        currency="EUR",
        items=lines,
        ttl=int((datetime.now(UTC) + timedelta(days=400)).timestamp()),
    )
    if save:
        customer.save()
    return customer


@dataclass
class VirtualClock:
    """Time that passes only when the job sleeps or a send 'takes' time; no real waiting in tests."""

    now_s: float = 1000.0
    per_send: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def now(self) -> float:
        return self.now_s

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now_s += seconds


@dataclass
class VirtualContext:
    """A Lambda context whose remaining time follows a VirtualClock."""

    clock: VirtualClock
    timeout_ms: int = 300_000
    function_name: str = "waymark-test-RemarketingSenderFunction"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:eu-west-1:123456789012:function:waymark-test-RemarketingSenderFunction"
    aws_request_id: str = "test-request"
    log_group_name: str = "/aws/lambda/test"
    log_stream_name: str = "test"
    function_version: str = "$LATEST"

    def __post_init__(self) -> None:
        self.started = self.clock.now()

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self.timeout_ms - (self.clock.now() - self.started) * 1000))


def sent_emails(stack) -> list[dict]:
    """Every message moto's SES accepted, oldest first, parsed (headers, text, HTML)."""
    from moto.ses.models import ses_backends

    out = []
    for message in ses_backends[stack.account][stack.region].sent_messages:
        parsed = email.message_from_string(message.raw_data, policy=policy.default)
        out.append(
            {
                "to": list(message.destinations),
                "message": parsed,
                "subject": str(parsed["Subject"]),
                "html": parsed.get_body(("html",)).get_content(),
                "text": parsed.get_body(("plain",)).get_content(),
            }
        )
    return out


def run_sender(runtime, day: date, clock: VirtualClock, timeout_ms: int = 300_000) -> dict:
    """The sender's daily run for `day`, started as its schedule starts it (08:00 UTC, template.yaml's
    cron), with its remaining time kept by `clock`. The event is the local stack's; only its time is
    set, which is where the sender reads the day from."""
    spec = runtime.stack.functions["RemarketingSenderFunction"]
    event = {**scheduled_event(runtime.stack, spec, spec.schedules[0]), "time": f"{day.isoformat()}T08:00:00Z"}
    return runtime.handler("RemarketingSenderFunction")(event, VirtualContext(clock, timeout_ms=timeout_ms))


def configure_console(program) -> SimpleNamespace:
    """configure() plus a template no schedule uses (which the console may delete)."""
    from waymark.remarketing import config

    setup = configure(program)
    config.save_template(
        program,
        config.TemplateInput(
            template_id="spare", name="Spare", bodies={"en": {"html": EN_HTML}, "de": {"html": DE_HTML}}
        ),
    )
    return setup
