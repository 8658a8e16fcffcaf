"""Payout runs against the embedded DynamoDB: the hold period, the minimum, paying, cancelling,
clawbacks taken by the next run, and two runs at once never paying one conversion twice."""

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.helpers.concurrency import all_at_once
from tests.helpers.payouts import AFTER_HOLD, SALE_DAY, approved_sale, partner_with_details, payouts_program, reverse
from tests.helpers.programs import make_agent
from waymark.models import ChangeRecord, ConversionPayout, as_dict
from waymark.payouts import store

CUTOFF = AFTER_HOLD.date()


def test_a_run_pays_what_passed_the_hold_and_reaches_the_minimum(aws):
    program = payouts_program()
    alpha = partner_with_details(program, "Alpha")
    small = partner_with_details(program, "Small")
    no_details = make_agent(program, name="Nodetails")
    approved_sale(program, alpha, "a1", "30.00")
    approved_sale(program, alpha, "a2", "12.50", at=AFTER_HOLD - timedelta(days=2))  # still in its hold
    approved_sale(program, small, "s1", "5.00")  # below the minimum of 20
    approved_sale(program, no_details, "n1", "40.00")

    run = store.start_run(program, CUTOFF, by="op@example.com", now=AFTER_HOLD)

    lines = store.lines_of(run.run_id)
    assert [(line.agent_id, line.amount) for line in lines] == [(alpha.agent_id, Decimal("30.00"))]
    assert [c.conversion_id for c in lines[0].conversions] == ["shop-booking:a1"]
    assert run.skipped == [f"{no_details.agent_id}: no payment details"]
    balance = store.balance_of(program, alpha.agent_id, AFTER_HOLD)["EUR"]
    assert (balance.in_payout, balance.waiting, balance.payable) == (Decimal("30.00"), Decimal("12.50"), 0)
    records = [c for c in ChangeRecord.query("PROGRAM#shop") if c.subject == f"payout:{run.run_id}"]
    assert [(c.action, c.by) for c in records] == [("create", "op@example.com")]


def test_paid_then_reversed_is_a_clawback_that_the_next_run_takes(aws):
    program = payouts_program()
    alpha = partner_with_details(program, "Alpha")
    first = approved_sale(program, alpha, "a1", "30.00")
    run = store.start_run(program, CUTOFF, by="op@example.com", now=AFTER_HOLD)
    store.mark_paid("shop", run.run_id, by="op@example.com", now=AFTER_HOLD)
    assert store.get_run("shop", run.run_id).status == "paid"
    paid = store.balance_of(program, alpha.agent_id, AFTER_HOLD)["EUR"]
    assert (paid.paid, paid.balance) == (Decimal("30.00"), 0)

    reverse(first)
    later = AFTER_HOLD + timedelta(days=40)
    clawed = store.balance_of(program, alpha.agent_id, later)["EUR"]
    assert (clawed.adjustments, clawed.balance) == (Decimal("-30.00"), Decimal("-30.00"))
    assert store.start_run(program, later.date(), by="op@example.com", now=later).lines == 0  # nothing to pay

    approved_sale(program, alpha, "a2", "75.00", at=AFTER_HOLD)
    second = store.start_run(program, later.date(), by="op@example.com", now=later)
    (line,) = store.lines_of(second.run_id)
    assert line.amount == Decimal("45.00")
    assert sorted((c.conversion_id, c.amount) for c in line.conversions) == [
        ("shop-booking:a1", Decimal("-30.00")),
        ("shop-booking:a2", Decimal("75.00")),
    ]
    store.mark_paid("shop", second.run_id, by="op@example.com", agent_id=alpha.agent_id, now=later)
    settled = store.balance_of(program, alpha.agent_id, later)["EUR"]
    assert (settled.paid, settled.balance, settled.adjustments) == (Decimal("75.00"), 0, 0)


def test_a_cancelled_run_gives_its_conversions_back(aws):
    program = payouts_program()
    alpha = partner_with_details(program, "Alpha")
    approved_sale(program, alpha, "a1", "30.00")
    run = store.start_run(program, CUTOFF, by="op@example.com", now=AFTER_HOLD)
    assert store.cancel_run("shop", run.run_id, by="op@example.com", now=AFTER_HOLD).status == "cancelled"
    with pytest.raises(store.PayoutRefused, match="only a run in review"):
        store.cancel_run("shop", run.run_id, by="op@example.com", now=AFTER_HOLD)
    with pytest.raises(store.PayoutRefused, match="nothing to mark paid"):
        store.mark_paid("shop", run.run_id, by="op@example.com", now=AFTER_HOLD)
    again = store.start_run(program, CUTOFF, by="op@example.com", now=AFTER_HOLD)
    assert as_dict(again.totals) == {"EUR": "30.00"}


def test_a_cutoff_still_to_come_is_refused(aws):
    program = payouts_program()
    with pytest.raises(store.PayoutRefused, match="at most today"):
        store.start_run(program, (AFTER_HOLD + timedelta(days=1)).date(), by="op@example.com", now=AFTER_HOLD)


def test_a_change_of_payment_details_shortly_before_the_run_is_flagged(aws):
    program = payouts_program()
    steady = partner_with_details(program, "Steady")
    moved = partner_with_details(program, "Moved", method="bank", at=AFTER_HOLD - timedelta(days=2))
    approved_sale(program, steady, "s1", "30.00")
    approved_sale(program, moved, "m1", "30.00")
    run = store.start_run(program, CUTOFF, by="op@example.com", now=AFTER_HOLD)
    flags = {line.agent_id: line.flag for line in store.lines_of(run.run_id)}
    assert flags == {
        steady.agent_id: None,
        moved.agent_id: f"payment details changed on {AFTER_HOLD.date() - timedelta(days=2)}",
    }


def test_two_runs_at_once_never_pay_a_conversion_twice(aws):
    program = payouts_program(minimum="0.01")
    partners = [partner_with_details(program, f"P{n}") for n in range(3)]
    for n in range(150):  # more than one transaction's 100 items
        approved_sale(program, partners[n % 3], f"o{n}", "1.00", at=SALE_DAY)
    runs = []
    all_at_once(*[lambda: runs.append(store.start_run(program, CUTOFF, by="op", now=AFTER_HOLD))] * 2)

    claimed = [c.conversion_id for run in runs for line in store.lines_of(run.run_id) for c in line.conversions]
    assert len(claimed) == len(set(claimed)) == 150
    holders = {item.conversion_id: item.open_payout for item in ConversionPayout.scan()}
    for run in runs:
        for line in store.lines_of(run.run_id):
            assert all(holders[c.conversion_id] == run.run_id for c in line.conversions)
    assert sum(Decimal(as_dict(run.totals).get("EUR", "0")) for run in runs) == Decimal("150.00")


def test_a_run_that_loses_a_claim_leaves_that_conversion_out_and_keeps_the_rest(aws):
    """The race made certain: a run read the conversions, another claimed one of them before it wrote."""
    program = payouts_program()
    alpha = partner_with_details(program, "Alpha")
    approved_sale(program, alpha, "a1", "30.00")
    approved_sale(program, alpha, "a2", "40.00")
    read = {e.conversion_id: e for e in store.entries(store.Conversion.by_program.query("shop"), 30)}
    assert store.claim("other-run", [(read["shop-booking:a1"], Decimal("30.00"))]) == {"shop-booking:a1"}

    parts = [(read["shop-booking:a1"], Decimal("30.00")), (read["shop-booking:a2"], Decimal("40.00"))]
    assert store.claim("this-run", parts) == {"shop-booking:a2"}
    assert ConversionPayout.get(*ConversionPayout.key("shop-booking:a1")).open_payout == "other-run"
