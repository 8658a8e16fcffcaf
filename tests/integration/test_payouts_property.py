"""Random days of partner money against the embedded DynamoDB: sales approved and reversed, runs started,
paid line by line or cancelled, the clock moving on. After every step: paid + in runs + waiting + balance
is the commission approved now, what the lines paid agrees with the conversions' own record, and no
conversion is paid twice (net of its clawback, each is paid its commission or nothing). A run of 60
examples passed when this was written; the suite runs 8 (about 5 s)."""

import contextlib
import itertools
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.payouts import SALE_DAY, approved_sale, partner_with_details, payouts_program, reverse
from waymark.models import Conversion
from waymark.payouts import store

_programs = itertools.count(1)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("approve"), st.sampled_from(["5.00", "12.34", "30.00"])),
        st.tuples(st.just("reverse"), st.integers(0, 20)),
        st.tuples(st.just("run"), st.just(0)),
        st.tuples(st.just("pay"), st.integers(0, 5)),
        st.tuples(st.just("cancel"), st.integers(0, 5)),
        st.tuples(st.just("wait"), st.sampled_from([1, 20, 40])),
    ),
    min_size=3,
    max_size=12,
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_random_days_of_payouts_keep_every_cent_accounted_for(aws, steps):
    program = payouts_program(f"p{next(_programs)}", minimum="10")
    agent = partner_with_details(program, "Alpha")
    now, sales, runs = SALE_DAY, [], []
    for n, (action, value) in enumerate(steps):
        if action == "approve":
            sales.append(approved_sale(program, agent, f"{program.program_id}-{n}", value, at=now))
        elif action == "reverse" and sales:
            sale = sales[value % len(sales)]
            if Conversion.get(sale.conversion_id).status == "approved":
                reverse(sale)
        elif action == "run":
            runs.append(store.start_run(program, now.date(), by="op", now=now).run_id)
        elif action in ("pay", "cancel") and runs:
            run = runs[value % len(runs)]
            if store.get_run(program.program_id, run).status == "review":
                act = store.mark_paid if action == "pay" else store.cancel_run
                with contextlib.suppress(store.PayoutRefused):  # a run without lines has nothing to pay
                    act(program.program_id, run, by="op", now=now)
        elif action == "wait":
            now += timedelta(days=value)
        if action in ("run", "pay", "cancel"):
            _check(program, agent, runs, now)
    _check(program, agent, runs, now)


def _check(program, agent, runs, now):
    figures = store.balance_of(program, agent.agent_id, now)["EUR"]
    conversions = list(Conversion.by_agent.query(agent.agent_id))
    approved = sum((c.commission for c in conversions if c.status == "approved"), Decimal(0))
    assert figures.paid + figures.in_payout + figures.waiting + figures.balance == approved

    paid_by_lines: dict[str, Decimal] = defaultdict(Decimal)
    open_claims: dict[str, int] = defaultdict(int)
    for run in runs:
        for line in store.lines_of(run):
            for part in line.conversions:
                if line.status == "paid":
                    paid_by_lines[part.conversion_id] += part.amount
                elif line.status == "open":
                    open_claims[part.conversion_id] += 1
    assert sum(paid_by_lines.values(), Decimal(0)) == figures.paid
    commissions = {c.conversion_id: c.commission for c in conversions}
    for conversion_id, paid in paid_by_lines.items():
        assert paid in (0, commissions[conversion_id]), f"{conversion_id} paid {paid}"
    assert all(count == 1 for count in open_claims.values())
