"""Cross-sell rules: which profiles match a booking's cart, what they offer, and when they write.

Pure functions over the stored models; no I/O. Dates are calendar dates in UTC.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from urllib.parse import quote

from waymark import wording
from waymark.click.destinations import UnsafeDestination
from waymark.models import CartLine, OfferedProduct, Program, RemarketingProfile, as_dict

WEB_KINDS = ("web", "both")
EMAIL_KINDS = ("email", "both")
PROFILE_KINDS = ("web", "email", "both")
ANCHORS = ("booking", "service")
MAX_SENDS_PER_BOOKING = 30
MAX_WEB_OFFERS = 12
MAX_EMAIL_OFFERS = 12  # one email merging several bookings' offers shows at most this many
# Links in an email work this long after its send day; the booking's customer item is kept as long.
LINK_VALID_DAYS = 30
# A booking no email profile wants: its customer data is deleted this soon.
UNPLANNED_KEEP_DAYS = 2
BOOKING_URL_MACROS = ("booking_ref", "order_id", "product", "lang", "click_id")
_MACRO = re.compile(r"\{([^{}]*)\}")
# The booking page may name its values as the subjects and emails do ({{ booking.ref }}): one style
# across the channel's form. {booking_ref} and the other single-brace names keep working.
_TEMPLATE_MACRO = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")
_TEMPLATE_NAMES = {"booking.ref": "booking_ref", **{name: name for name in BOOKING_URL_MACROS}}


@dataclass(frozen=True)
class Cart:
    """What the rules look at: a booking (from its customer item) or a checkout's cart (web offers)."""

    products: frozenset[str]
    categories: frozenset[str]
    destinations: frozenset[str]
    lang: str | None
    channel: str
    amount: Decimal | None
    currency: str | None

    @classmethod
    def of(
        cls,
        items: Iterable[CartLine | dict],
        *,
        lang: str | None,
        channel: str,
        amount: Decimal | None,
        currency: str | None,
    ) -> "Cart":
        lines = [as_dict(item) for item in items]
        if amount is None and lines and all(line.get("price") is not None for line in lines):
            amount = sum((Decimal(line["price"]) * int(line.get("quantity") or 1) for line in lines), Decimal(0))
        return cls(
            products=frozenset(line["product"] for line in lines if line.get("product")),
            categories=frozenset(line["category"] for line in lines if line.get("category")),
            destinations=frozenset(line["destination"] for line in lines if line.get("destination")),
            lang=lang,
            channel=channel,
            amount=amount,
            currency=currency,
        )


def matches(profile: RemarketingProfile, cart: Cart, program_currency: str) -> bool:
    rules = profile.rules
    products, categories = set(rules.products or ()), set(rules.categories or ())
    if (products or categories) and not (products & cart.products or categories & cart.categories):
        return False
    if rules.destinations and not set(rules.destinations) & cart.destinations:
        return False
    if rules.languages and cart.lang not in rules.languages:
        return False
    if rules.channels and cart.channel not in rules.channels:
        return False
    if rules.min_amount is None:
        return True
    # The minimum is in the program's currency; a cart in another currency is not converted.
    return cart.amount is not None and cart.currency == program_currency and cart.amount >= rules.min_amount


def matching_profiles(
    profiles: Iterable[RemarketingProfile], cart: Cart, *, kinds: Sequence[str], program_currency: str
) -> list[RemarketingProfile]:
    """Active profiles of the given kinds that match, in priority order (then name, then id)."""
    found = [p for p in profiles if p.active and p.kind in kinds and matches(p, cart, program_currency)]
    return sorted(found, key=lambda p: (int(p.priority), p.name, p.profile_id))


def offers(profile: RemarketingProfile, cart: Cart) -> list[OfferedProduct]:
    """The profile's products, less those already in the cart."""
    return [offer for offer in profile.offers if offer.code not in cart.products]


def web_offers(profiles: Sequence[RemarketingProfile], cart: Cart) -> list[tuple[RemarketingProfile, OfferedProduct]]:
    """Offers of matching profiles (already sorted), each product once (the first profile wins)."""
    seen: set[str] = set()
    out = []
    for profile in profiles:
        for offer in offers(profile, cart):
            if offer.code not in seen:
                seen.add(offer.code)
                out.append((profile, offer))
    return out[:MAX_WEB_OFFERS]


def merged_offers[T](parts: Sequence[tuple[T, RemarketingProfile, Cart]]) -> list[tuple[T, OfferedProduct]]:
    """One email for several bookings of one customer on one day: every booking's offers in
    order, each product once (the first booking offering it wins, so its link credits that
    booking), less any product one of the bookings already holds."""
    booked = frozenset().union(*(cart.products for _, _, cart in parts))
    seen: set[str] = set()
    out = []
    for origin, profile, _cart in parts:
        for offer in profile.offers:
            if offer.code not in booked and offer.code not in seen:
                seen.add(offer.code)
                out.append((origin, offer))
    return out[:MAX_EMAIL_OFFERS]


def language(program: Program, wanted: str | None) -> str:
    """The customer's language when the program has it, else the program's default."""
    if wanted:
        if wanted in program.languages:
            return wanted
        base = wanted.split("-")[0].lower()
        if base in program.languages:
            return base
    return program.default_language


def product_name(offer: OfferedProduct, lang: str, default_lang: str) -> str:
    names = as_dict(offer.names)
    return names.get(lang) or names.get(default_lang) or next(iter(names.values()), offer.code)


@dataclass(frozen=True)
class PlannedSend:
    send_date: date
    profile_id: str
    step: int
    template_id: str


def booking_date(booked_at: str) -> date:
    return datetime.fromisoformat(booked_at).date()


def parse_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def plan_sends(
    profiles: Sequence[RemarketingProfile], *, booked_on: date, service_date: date | None, today: date
) -> list[PlannedSend]:
    """Send dates of the matching email profiles' schedules (profiles already in priority order).

    Steps anchored on the service need a service date; dates already past are dropped; a
    booking gets at most one email a day (the first profile's step wins that day).
    """
    by_date: dict[date, PlannedSend] = {}
    for profile in profiles:
        for index, step in enumerate(profile.schedule):
            anchor = booked_on if step.anchor == "booking" else service_date
            if anchor is None:
                continue
            when = anchor + timedelta(days=int(step.days))
            if when < today or when in by_date:
                continue
            by_date[when] = PlannedSend(when, profile.profile_id, index, step.template_id)
    return [by_date[d] for d in sorted(by_date)][:MAX_SENDS_PER_BOOKING]


def fill_booking_url(template: str, values: dict[str, str]) -> str:
    """Substitute the booking page's placeholders, each value percent-encoded; {click_id} is left
    for waymark.click.destinations.add_tracking. Raises UnsafeDestination for an unknown placeholder."""

    def named(match: re.Match) -> str:
        name = _TEMPLATE_NAMES.get(match.group(1))
        if name is None:
            known = ", ".join(f"{{{{ {known} }}}}" for known in _TEMPLATE_NAMES if known != "booking_ref")
            raise UnsafeDestination(wording.RM_UNKNOWN_PLACEHOLDER(placeholder=match.group(0), known=known))
        return f"{{{name}}}"

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in BOOKING_URL_MACROS:
            raise UnsafeDestination(
                wording.RM_UNKNOWN_PLACEHOLDER(placeholder=f"{{{name}}}", known=", ".join(BOOKING_URL_MACROS))
            )
        return match.group(0) if name == "click_id" else quote(values.get(name) or "", safe="")

    return _MACRO.sub(replace, _TEMPLATE_MACRO.sub(named, template))
