"""Cross-sell rules without AWS: which profiles match a cart, what they offer, when they write."""

from datetime import date
from decimal import Decimal

import pytest

from waymark.click.destinations import UnsafeDestination
from waymark.models import CartLine, CartRules, OfferedProduct, Program, RemarketingProfile, SendStep
from waymark.remarketing import rules


def profile(profile_id="p", *, kind="email", priority=100, active=True, schedule=(), offers=("a", "b"), **rule):
    return RemarketingProfile(
        "PROGRAM#shop",
        f"REMARKETING#PROFILE#{profile_id}",
        program_id="shop",
        profile_id=profile_id,
        name=profile_id,
        kind=kind,
        active=active,
        priority=priority,
        rules=CartRules(**rule),
        offers=[OfferedProduct(code=c, names={"en": c.upper(), "de": c + "-de"}, price=Decimal("10")) for c in offers],
        schedule=[SendStep(anchor=a, days=d, template_id="t") for a, d in schedule],
        created_at="2026-01-01",
        updated_at="2026-01-01",
    )


def cart(*lines, lang="en", channel="web", amount=None, currency="EUR"):
    items = [CartLine(product=p, category=c, quantity=q, price=Decimal(pr), destination=d) for p, c, q, pr, d in lines]
    return rules.Cart.of(items, lang=lang, channel=channel, amount=amount, currency=currency)


CRUISE = ("cruise", "boats", 2, "89.00", "lisbon")
WALK = ("walk", "walks", 1, "25.00", "porto")


def test_an_empty_rule_set_matches_any_cart():
    assert rules.matches(profile(), cart(CRUISE), "EUR")


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"products": ["cruise"]}, True),
        ({"products": ["other"]}, False),
        ({"categories": ["boats"]}, True),
        ({"products": ["other"], "categories": ["boats"]}, True),  # products OR categories
        ({"destinations": ["lisbon", "faro"]}, True),
        ({"destinations": ["faro"]}, False),
        ({"languages": ["en"]}, True),
        ({"languages": ["de"]}, False),
        ({"channels": ["web", "phone"]}, True),
        ({"channels": ["phone"]}, False),
        ({"min_amount": Decimal("178.00")}, True),
        ({"min_amount": Decimal("178.01")}, False),
        ({"categories": ["boats"], "languages": ["de"]}, False),  # all rules must hold
    ],
)
def test_rules(rule, expected):
    assert rules.matches(profile(**rule), cart(CRUISE), "EUR") is expected


def test_the_minimum_is_in_the_programs_currency_and_never_converted():
    assert not rules.matches(profile(min_amount=Decimal("1")), cart(CRUISE, currency="USD"), "EUR")
    unpriced = rules.Cart.of([{"product": "x"}], lang="en", channel="web", amount=None, currency="EUR")
    assert unpriced.amount is None and not rules.matches(profile(min_amount=Decimal("1")), unpriced, "EUR")


def test_the_amount_is_the_carts_total_unless_given():
    assert cart(CRUISE, WALK).amount == Decimal("203.00")
    assert cart(CRUISE, amount=Decimal("5")).amount == Decimal("5")


def test_matching_profiles_are_active_of_the_kind_and_in_priority_order():
    found = rules.matching_profiles(
        [
            profile("late", priority=50),
            profile("web", kind="web", priority=1),
            profile("first", kind="both", priority=10),
            profile("off", active=False, priority=0),
            profile("b", priority=50),
        ],
        cart(CRUISE),
        kinds=rules.EMAIL_KINDS,
        program_currency="EUR",
    )
    assert [p.profile_id for p in found] == ["first", "b", "late"]


def test_web_offers_leave_out_booked_products_and_repeat_none():
    found = rules.web_offers([profile("a", offers=("cruise", "x", "y")), profile("b", offers=("y", "z"))], cart(CRUISE))
    assert [(p.profile_id, o.code) for p, o in found] == [("a", "x"), ("a", "y"), ("b", "z")]


def test_one_email_for_two_bookings_offers_each_product_once_and_nothing_either_booking_holds():
    walk_offers = profile("a", offers=("cruise", "x", "walk", "y"))
    cruise_offers = profile("b", offers=("y", "walk", "z"))
    found = rules.merged_offers([("first", walk_offers, cart(CRUISE)), ("second", cruise_offers, cart(WALK))])
    assert [(origin, o.code) for origin, o in found] == [("first", "x"), ("first", "y"), ("second", "z")]


def test_a_merged_email_shows_at_most_the_email_limit_of_offers():
    many = [(n, profile(f"p{n}", offers=[f"o{n}-{i}" for i in range(5)]), cart()) for n in range(4)]
    found = rules.merged_offers(many)
    assert len(found) == rules.MAX_EMAIL_OFFERS and found[-1][1].code == "o2-1"


def test_send_days_relative_to_booking_and_service_one_a_day_none_in_the_past():
    profiles = [
        profile("first", schedule=[("booking", 1), ("service", -7), ("service", -30)]),
        profile("second", schedule=[("booking", 1), ("booking", 3), ("service", 1)]),
    ]
    planned = rules.plan_sends(
        profiles, booked_on=date(2026, 5, 1), service_date=date(2026, 5, 20), today=date(2026, 5, 1)
    )
    assert [(p.send_date.isoformat(), p.profile_id, p.step) for p in planned] == [
        ("2026-05-02", "first", 0),  # second's +1 lands the same day: one email a day, first profile wins
        ("2026-05-04", "second", 1),
        ("2026-05-13", "first", 1),
        ("2026-05-21", "second", 2),
    ]
    no_service = rules.plan_sends(profiles, booked_on=date(2026, 5, 1), service_date=None, today=date(2026, 5, 1))
    assert [p.send_date.day for p in no_service] == [2, 4]
    late = rules.plan_sends(
        profiles, booked_on=date(2026, 5, 1), service_date=date(2026, 5, 20), today=date(2026, 5, 14)
    )
    assert [p.send_date.day for p in late] == [21]


def test_the_customers_language_else_the_programs_default():
    program = Program("PROGRAM#shop", "PROGRAM", languages=["en", "de", "pt-BR"], default_language="en")
    assert rules.language(program, "de") == "de"
    assert rules.language(program, "de-AT") == "de"
    assert rules.language(program, "pt-BR") == "pt-BR"
    assert rules.language(program, "fr") == "en"
    assert rules.language(program, None) == "en"


def test_product_names_fall_back_to_the_default_language():
    offer = OfferedProduct(code="x", names={"en": "English"}, price=Decimal("1"))
    assert rules.product_name(offer, "de", "en") == "English"


def test_booking_pages_get_encoded_values_and_only_known_placeholders():
    url = rules.fill_booking_url(
        "https://shop.example/b/{booking_ref}?add={product}&l={lang}&c={click_id}",
        {"booking_ref": "A/B?x=1&y", "product": "wine", "lang": "de"},
    )
    assert url == "https://shop.example/b/A%2FB%3Fx%3D1%26y?add=wine&l=de&c={click_id}"
    with pytest.raises(UnsafeDestination, match="unknown placeholder"):
        rules.fill_booking_url("https://shop.example/{email}", {})


def test_booking_pages_take_the_subjects_placeholder_style_too():
    """One style in the channel's form: {{ booking.ref }} as in its subjects (the single braces still work)."""
    values = {"booking_ref": "A/B", "product": "wine", "lang": "de", "order_id": "7"}
    url = rules.fill_booking_url(
        "https://shop.example/b/{{ booking.ref }}?add={{product}}&l={{ lang }}&o={order_id}&c={{ click_id }}", values
    )
    assert url == "https://shop.example/b/A%2FB?add=wine&l=de&o=7&c={click_id}"
    with pytest.raises(UnsafeDestination, match=r"unknown placeholder \{\{ customer.email \}\}.*\{\{ booking.ref \}\}"):
        rules.fill_booking_url("https://shop.example/{{ customer.email }}", values)
