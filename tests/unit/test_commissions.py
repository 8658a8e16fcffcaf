"""Commission rules: precedence, channels, dates, kinds, currencies and rounding. No AWS."""

from datetime import date
from decimal import Decimal

import pytest

from waymark.conversions.commissions import check_rule, price
from waymark.models import CommissionRule

JUNE = date(2026, 6, 15)


def rule(kind: str, value: str, **fields) -> CommissionRule:
    return CommissionRule(kind=kind, value=Decimal(value), **fields)


def pay(amount="100.00", channel="web", on=JUNE, program=(), partner=(), currency="EUR"):
    return price(
        Decimal(amount),
        currency,
        channel,
        on,
        program_rules=list(program),
        partner_rules=list(partner),
        program_currency="EUR",
    )


NORMAL = rule("percent", "10")
CHAT_HALF = rule("percent", "5", channel="chat")
CHAT_JUNE_FULL = rule("relative", "100", channel="chat", valid_from="2026-06-01", valid_until="2026-06-30")


def test_the_program_rate_applies_to_every_channel():
    assert pay(program=[NORMAL]).commission == Decimal("10.00")
    assert pay(channel="phone", program=[NORMAL]).commission == Decimal("10.00")
    assert pay(program=[NORMAL]).rule == "program, all sales: 10 %"


def test_a_channel_rule_beats_the_normal_rate():
    assert pay(channel="chat", program=[NORMAL, CHAT_HALF]).commission == Decimal("5.00")
    assert pay(channel="web", program=[NORMAL, CHAT_HALF]).commission == Decimal("10.00")


def test_chat_at_100_percent_of_the_normal_rate_for_one_month():
    rules = [NORMAL, CHAT_HALF, CHAT_JUNE_FULL]
    assert pay(channel="chat", on=date(2026, 6, 1), program=rules).commission == Decimal("10.00")
    assert pay(channel="chat", on=date(2026, 6, 30), program=rules).commission == Decimal("10.00")
    assert pay(channel="chat", on=date(2026, 5, 31), program=rules).commission == Decimal("5.00")
    assert pay(channel="chat", on=date(2026, 7, 1), program=rules).commission == Decimal("5.00")
    june = pay(channel="chat", program=rules)
    assert june.rule == "program, chat sales 2026-06-01..2026-06-30: 100 % of (program, all sales: 10 %)"


def test_a_relative_channel_rule_follows_the_partners_own_rate():
    partner = [rule("percent", "12")]
    assert pay(channel="chat", program=[NORMAL, CHAT_JUNE_FULL], partner=partner).commission == Decimal("12.00")
    half = rule("relative", "50", channel="chat")
    assert pay(channel="chat", program=[NORMAL, half], partner=partner).commission == Decimal("6.00")


def test_precedence_partner_channel_then_program_channel_then_partner_then_program():
    program = [NORMAL, rule("percent", "4", channel="phone")]
    partner = [rule("percent", "15"), rule("fixed", "7", channel="phone")]
    assert pay(channel="phone", program=program, partner=partner).commission == Decimal("7.00")  # 1
    assert pay(channel="phone", program=program, partner=partner[:1]).commission == Decimal("4.00")  # 2
    assert pay(channel="web", program=program, partner=partner).commission == Decimal("15.00")  # 3
    assert pay(channel="web", program=program).commission == Decimal("10.00")  # 4


def test_a_relative_partner_rate_scales_the_program_rate():
    assert pay(program=[NORMAL], partner=[rule("relative", "150")]).commission == Decimal("15.00")


def test_a_dated_rule_beats_an_undated_one_and_expires():
    promo = rule("percent", "20", valid_from="2026-06-10", valid_until="2026-06-20")
    assert pay(program=[NORMAL, promo]).commission == Decimal("20.00")
    assert pay(on=date(2026, 6, 21), program=[NORMAL, promo]).commission == Decimal("10.00")
    open_ended = rule("percent", "30", valid_from="2026-06-01")
    assert pay(on=date(2030, 1, 1), program=[NORMAL, open_ended]).commission == Decimal("30.00")
    assert pay(on=date(2026, 5, 1), program=[NORMAL, open_ended]).commission == Decimal("10.00")


def test_fixed_sums_apply_only_in_their_currency():
    fixed = rule("fixed", "5")
    assert pay(program=[fixed]).commission == Decimal("5.00")
    assert pay(currency="USD", program=[fixed]).commission == Decimal("0")  # no EUR sum for a USD sale
    assert pay(currency="USD", program=[fixed]).rule is None
    assert pay(currency="USD", program=[fixed, NORMAL]).commission == Decimal("10.00")
    usd = rule("fixed", "6", currency="USD")
    assert pay(currency="USD", program=[fixed, usd]).commission == Decimal("6.00")


def test_rounding_is_half_up_once_in_the_sales_currency():
    assert pay(amount="12.35", program=[NORMAL]).commission == Decimal("1.24")  # 1.235
    assert pay(amount="12.34", program=[NORMAL]).commission == Decimal("1.23")  # 1.234
    assert pay(amount="1005", currency="JPY", program=[NORMAL]).commission == Decimal("101")  # 100.5
    assert pay(amount="1.005", currency="KWD", program=[NORMAL]).commission == Decimal("0.101")  # 0.1005
    third = rule("percent", "33.3333")
    assert pay(amount="0.10", program=[third]).commission == Decimal("0.03")


def test_no_rule_pays_nothing_and_broken_rules_are_ignored():
    assert pay().commission == Decimal("0") and pay().rule is None
    broken = [rule("percent", "-5"), rule("percent", "150"), rule("bonus", "3"), rule("relative", "100")]
    assert pay(program=broken).commission == Decimal("0")
    assert pay(program=[*broken, NORMAL]).commission == Decimal("10.00")


@pytest.mark.parametrize(
    "bad",
    [
        rule("percent", "-1"),
        rule("percent", "101"),
        rule("relative", "1001"),
        rule("share", "1"),
        rule("percent", "1", valid_from="2026-07-01", valid_until="2026-06-01"),
        rule("percent", "1", valid_from="June"),
    ],
)
def test_check_rule_refuses_unusable_rules(bad):
    with pytest.raises(ValueError, match=r"kind|value|percentage|relative|valid_from|isoformat"):
        check_rule(bad)
