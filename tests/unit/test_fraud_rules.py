"""Fraud and quality rules (waymark.conversions.fraud), without AWS: what holds a sale, what caps it."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from waymark.conversions.attribution import Attribution, Reason, Report
from waymark.conversions.fraud import FraudRules, capped, check, limits
from waymark.conversions.vocabulary import ConversionStatus
from waymark.core import ids
from waymark.models import Agent, Session

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def agent(email="partner@example.com", ip_hashes=None) -> Agent:
    return Agent("agent001", program_id="shop", name="P", email=email, created_at="2026-01-01", ip_hashes=ip_hashes)


BROWSER = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36"
)


def session(clicked=NOW - timedelta(minutes=5), bot=False, ip_hash="visitor-hash", user_agent=None, **extra) -> Session:
    """A stored click; `bot` gives it a link-preview fetcher's agent (the verdict is derived from the agent)."""
    click_id = ids.new_click_id(int(clicked.timestamp() * 1000))
    return Session(
        *Session.key(click_id),
        agent_id="agent001",
        link_code="link000001",
        program_id="shop",
        destination="https://www.example.com/",
        ip_hash=ip_hash,
        created_at=clicked.isoformat(timespec="milliseconds"),
        expires_at=int((NOW + timedelta(days=1)).timestamp()),
        ttl=int((NOW + timedelta(days=2)).timestamp()),
        user_agent=(user_agent if user_agent is not None else "Slackbot-LinkExpanding 1.0" if bot else BROWSER) or None,
        **extra,
    )


def credited(s: Session | None = None) -> Attribution:
    return Attribution("agent001", ConversionStatus.PENDING, None, "click", s or session())


def report(**fields) -> Report:
    return Report(**{"order_id": "A-1", "amount": Decimal("100.00"), "currency": "EUR", **fields})


NO_RULES = FraudRules()


def judge(credit=None, rep=None, found_agent=None, rules=NO_RULES):
    return check(credit or credited(), rep or report(), agent=found_agent or agent(), rules=rules, now=NOW)


def test_by_default_a_sale_passes_untouched():
    credit = credited()
    assert judge(credit) is credit


def test_an_inside_sales_visit_without_an_agent_is_no_bot():
    visit = session(user_agent="", inside_sales_by="ops@example.com")
    assert visit.user_agent is None
    assert judge(credited(visit)).status == ConversionStatus.PENDING
    assert judge(credited(session(user_agent=""))).reason == Reason.BOT  # a real click without an agent is


def test_a_bot_click_is_held_for_review_not_rejected():
    result = judge(credited(session(bot=True, user_agent="Slackbot-LinkExpanding 1.0")))
    assert (result.status, result.reason, result.agent_id) == ("held", Reason.BOT, "agent001")
    assert result.earns  # it keeps its commission until an operator decides
    assert "judged a bot" in result.evidence and "Slackbot" in result.evidence


def test_the_partners_own_email_holds_the_sale():
    result = judge(rep=report(email=" Partner@Example.com"))
    assert (result.status, result.reason) == ("held", Reason.SELF_REFERRAL)
    assert result.evidence == "the customer's email is the partner's own"


def test_the_partners_own_ip_hash_holds_the_sale():
    result = judge(found_agent=agent(ip_hashes={"visitor-hash"}))
    assert (result.status, result.reason) == ("held", Reason.SELF_REFERRAL)
    assert result.evidence == "the customer's IP hash equals the partner's"
    assert judge(found_agent=agent(ip_hashes={"someone-else"})).status == "pending"


def test_a_program_may_turn_self_referral_off():
    rules = FraudRules(self_referral=False)
    assert judge(rep=report(email="partner@example.com"), rules=rules).status == "pending"


def test_a_sale_sooner_after_its_click_than_the_minimum_is_held():
    rules = FraudRules(min_seconds=60)
    quick = judge(credited(session(clicked=NOW - timedelta(seconds=12))), rules=rules)
    assert (quick.status, quick.reason) == ("held", Reason.TOO_FAST)
    assert quick.evidence == "12 s between click and sale, minimum 60 s"
    assert judge(credited(session(clicked=NOW - timedelta(seconds=60))), rules=rules).status == "pending"


def test_offline_sales_without_a_click_have_no_click_time_to_judge():
    credit = Attribution("agent001", ConversionStatus.PENDING, None, "agent", None)
    assert judge(credit, rules=FraudRules(min_seconds=60)) is credit


def test_a_sale_larger_than_an_amount_cap_is_rejected_whatever_else():
    rules = FraudRules(day_amount=Decimal("50"))
    result = judge(credited(session(bot=True)), rules=rules)
    assert (result.status, result.reason, result.earns) == ("rejected", Reason.CAP, False)
    assert result.evidence == "a sale of 100.00 is over the cap of 50 a day"


def test_a_sale_that_earns_nothing_is_not_judged_again():
    rejected = Attribution("agent001", ConversionStatus.REJECTED, Reason.EXPIRED, "click", session(bot=True))
    assert judge(rejected) is rejected


def test_rules_read_from_the_program_settings():
    stored = {"fraud_rules": {"min_seconds": 30, "day_count": 5, "month_amount": "1000.50", "self_referral": False}}
    rules = FraudRules.of(stored)
    assert (rules.min_seconds, rules.day_count, rules.month_amount, rules.self_referral) == (
        30,
        5,
        Decimal("1000.50"),
        False,
    )
    assert FraudRules.of({}) == FraudRules()


def test_no_counters_when_no_counted_rule_is_on():
    assert limits(FraudRules(), credited(), Decimal(10), program_id="shop", table="t", now=NOW) == []


def test_no_counters_for_a_sale_that_earns_nothing():
    rules = FraudRules(day_count=5, burst_count=3)
    assert limits(rules, capped(credited(), "x"), Decimal(10), program_id="shop", table="t", now=NOW) == []


def test_caps_count_per_partner_per_day_and_month_with_ttl():
    rules = FraudRules(day_count=5, month_count=100, month_amount=Decimal("1000"))
    day, month = limits(rules, credited(), Decimal("100.00"), program_id="shop", table="t", now=NOW)
    assert day.update["Key"] == {"pk": {"S": "CAP#shop#agent001#DAY#2026-06-15"}}
    assert day.update["ExpressionAttributeValues"][":count"] == {"N": "5"}
    assert ":room" not in day.update["ExpressionAttributeValues"]
    assert day.evidence == "over the partner's cap of 5 conversions a day (2026-06-15)"
    assert month.update["Key"] == {"pk": {"S": "CAP#shop#agent001#MONTH#2026-06"}}
    assert month.update["ExpressionAttributeValues"][":room"] == {"N": "900.00"}  # cap minus this sale
    assert month.evidence == "over the partner's cap of 100 conversions and 1000 in sales a month (2026-06)"
    assert int(day.update["ExpressionAttributeValues"][":ttl"]["N"]) > NOW.timestamp() + 24 * 3600
    assert {day.reason, month.reason} == {Reason.CAP}


def test_bursts_count_per_visitor_ip_hash_in_fixed_windows():
    rules = FraudRules(burst_count=5, burst_minutes=10)
    (burst,) = limits(rules, credited(), Decimal(1), program_id="shop", table="t", now=NOW + timedelta(minutes=3))
    assert burst.reason == Reason.IP_BURST
    assert burst.update["Key"] == {"pk": {"S": f"BURST#shop#visitor-hash#{int(NOW.timestamp())}"}}
    assert burst.evidence == "more than 5 conversions from one IP hash in 10 minutes (the window from 12:00 UTC)"
    offline = Attribution("agent001", ConversionStatus.PENDING, None, "agent", None)
    assert limits(rules, offline, Decimal(1), program_id="shop", table="t", now=NOW) == []


@pytest.mark.parametrize("minutes", [0, 9])
def test_one_window_holds_every_sale_inside_it(minutes):
    rules = FraudRules(burst_count=5, burst_minutes=10)
    (burst,) = limits(rules, credited(), Decimal(1), program_id="shop", table="t", now=NOW + timedelta(minutes=minutes))
    assert burst.update["Key"]["pk"]["S"].endswith(str(int(NOW.timestamp())))
