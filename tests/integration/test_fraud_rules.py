"""Fraud and quality rules through the postback function: held sales, caps and bursts, exact under concurrency."""

from decimal import Decimal

import pytest

from tests.helpers.concurrency import all_at_once
from tests.helpers.reporting import SLACK
from tests.helpers.tracking import click, pixel, postback
from waymark.conversions import status_changes
from waymark.core import cache
from waymark.models import Agent, Conversion, Session
from waymark.portal.admin.setup_schemas import FraudRulesIn
from waymark.programs import settings


def bot_click(runtime, code: str) -> str:
    """A click from a link-preview fetcher: the click path stores its agent; the bot verdict is derived from it."""
    click_id = click(runtime, code)
    Session(*Session.key(click_id)).update(actions=[Session.user_agent.set(SLACK)])
    return click_id


def sale(merchant, order_id="A-1", **fields) -> dict:
    return {"token": merchant.token, "order_id": order_id, "amount": "200.00", "currency": "EUR", **fields}


def stored(order_id: str = "A-1") -> Conversion:
    return Conversion.get(f"shop-backend:{order_id}", consistent_read=True)


def rules(merchant, **values) -> None:
    """Set the program's rules as the console and the API do: validated, then stored."""
    stored_rules = FraudRulesIn(**values).stored()
    settings.update_program(merchant.program.program_id, {"fraud_rules": stored_rules}, by="ops@example.com")
    cache.clear_all()


def test_a_bot_click_is_held_with_its_commission_and_an_operator_can_approve_it(runtime, merchant):
    click_id = bot_click(runtime, merchant.link.code)
    answer = postback(runtime, sale(merchant, click_id=click_id))
    assert (answer.status, answer.json["status"], answer.json["reason"]) == (200, "held", "bot")
    assert answer.json["commission"] == "20.00"  # kept until an operator decides
    assert "judged a bot" in stored().hold_evidence
    approved = status_changes.change_status(stored().conversion_id, "approved", by="ops@example.com")
    assert approved.status == "approved"
    assert [(c.from_status, c.to_status) for c in stored().history] == [(None, "held"), ("held", "approved")]
    assert stored().history[0].reason == "bot" and stored().reason is None  # approved: no reason shown any more


def test_a_pixel_sale_on_a_bot_click_is_held_too(runtime, merchant):
    click_id = bot_click(runtime, merchant.link.code)
    pixel(runtime, {"advertiser": merchant.advertiser.advertiser_id, "order_id": "A-1", "amount": "200.00",
                    "currency": "EUR", "click_id": click_id})  # fmt: skip
    assert (stored().status, stored().reason, stored().reported_by) == ("held", "bot", "pixel")


def test_the_partners_own_email_holds_the_sale(runtime, merchant):
    answer = postback(runtime, sale(merchant, click_id=click(runtime, merchant.link.code), email="PARTNER@example.com"))
    assert (answer.json["status"], answer.json["reason"]) == ("held", "self_referral")
    assert stored().hold_evidence == "the customer's email is the partner's own"


def test_the_partners_own_ip_hash_holds_the_sale(runtime, merchant):
    click_id = click(runtime, merchant.link.code)
    Agent(merchant.agent.agent_id).update(actions=[Agent.ip_hashes.set({Session.get(*Session.key(click_id)).ip_hash})])
    cache.clear_all()
    answer = postback(runtime, sale(merchant, click_id=click_id))
    assert (answer.json["status"], answer.json["reason"]) == ("held", "self_referral")
    assert stored().hold_evidence == "the customer's IP hash equals the partner's"


def test_a_sale_too_soon_after_its_click_is_held_with_the_times(runtime, merchant):
    rules(merchant, min_seconds=3600)
    answer = postback(runtime, sale(merchant, click_id=click(runtime, merchant.link.code)))
    assert (answer.json["status"], answer.json["reason"]) == ("held", "too_fast")
    assert stored().hold_evidence.endswith("s between click and sale, minimum 3600 s")


def test_without_rules_sales_stay_pending(runtime, merchant):
    click_id = click(runtime, merchant.link.code)
    for order in ("A-1", "A-2", "A-3"):
        assert postback(runtime, sale(merchant, order, click_id=click_id)).json["status"] == "pending"


def test_over_the_daily_count_cap_a_sale_is_rejected_with_cap_and_a_repeat_counts_nothing(runtime, merchant):
    rules(merchant, day_count=2)
    click_id = click(runtime, merchant.link.code)
    assert postback(runtime, sale(merchant, "A-1", click_id=click_id)).json["status"] == "pending"
    repeat = postback(runtime, sale(merchant, "A-1", click_id=click_id))
    assert repeat.json["status"] == "pending"  # the stored answer; the counter did not move
    assert postback(runtime, sale(merchant, "A-2", click_id=click_id)).json["status"] == "pending"
    over = postback(runtime, sale(merchant, "A-3", click_id=click_id))
    assert (over.json["status"], over.json["reason"], over.json["commission"]) == ("rejected", "cap", "0")
    assert stored("A-3").hold_evidence.startswith("over the partner's cap of 2 conversions a day")


def test_the_monthly_amount_cap_counts_the_sales_amounts(runtime, merchant):
    rules(merchant, month_amount="500.00")
    click_id = click(runtime, merchant.link.code)
    assert postback(runtime, sale(merchant, "A-1", click_id=click_id, amount="300.00")).json["status"] == "pending"
    assert postback(runtime, sale(merchant, "A-2", click_id=click_id, amount="200.00")).json["status"] == "pending"
    over = postback(runtime, sale(merchant, "A-3", click_id=click_id, amount="0.01"))
    assert (over.json["status"], over.json["reason"]) == ("rejected", "cap")
    alone = postback(runtime, sale(merchant, "A-4", click_id=click_id, amount="900.00"))
    assert (alone.json["status"], alone.json["reason"]) == ("rejected", "cap")


def test_many_sales_from_one_ip_hash_are_held_beyond_the_burst(runtime, merchant):
    rules(merchant, burst_count=2, burst_minutes=10)
    click_id = click(runtime, merchant.link.code)
    statuses = [postback(runtime, sale(merchant, f"A-{n}", click_id=click_id)).json["status"] for n in range(4)]
    assert statuses == ["pending", "pending", "held", "held"]
    assert stored("A-2").reason == "ip_burst"
    assert stored("A-2").hold_evidence.startswith("more than 2 conversions from one IP hash in 10 minutes")


def test_a_held_sale_still_counts_against_the_cap(runtime, merchant):
    rules(merchant, day_count=1, burst_count=1)
    click_id = bot_click(runtime, merchant.link.code)
    assert postback(runtime, sale(merchant, "A-1", click_id=click_id)).json["status"] == "held"
    assert postback(runtime, sale(merchant, "A-2", click_id=click_id)).json["reason"] == "cap"


@pytest.mark.parametrize(("rule", "expected"), [({"day_count": 1}, "cap"), ({"burst_count": 1}, "ip_burst")])
def test_two_concurrent_postbacks_at_the_limit_cannot_both_pass(runtime, merchant, rule, expected):
    rules(merchant, **rule)
    click_id = click(runtime, merchant.link.code)
    answers = {}

    def send(order_id):
        return lambda: answers.__setitem__(order_id, postback(runtime, sale(merchant, order_id, click_id=click_id)))

    all_at_once(send("A-1"), send("A-2"))
    outcomes = sorted((a.status, a.json["status"], a.json["reason"]) for a in answers.values())
    kept = "rejected" if expected == "cap" else "held"
    assert outcomes == sorted([(200, "pending", None), (200, kept, expected)])
    assert sorted(stored(o).status for o in ("A-1", "A-2")) == sorted(["pending", kept])


def test_rules_are_recorded_in_the_change_record(merchant):
    from waymark.programs import changes

    rules(merchant, day_count=3, day_amount="1000")
    (latest, *_) = changes.changes_of(merchant.program.program_id).changes
    assert changes.decoded(latest.after) == {
        "fraud_rules": {"self_referral": True, "day_count": 3, "day_amount": "1000"}
    }
    assert changes.decoded(latest.before) == {"fraud_rules": {"self_referral": True}}
    assert latest.by == "ops@example.com"
    assert Decimal(settings.get_program(merchant.program.program_id).settings["fraud_rules"]["day_amount"]) == 1000
