"""Partner money's world: a program with payout terms, partners with payment details, sales at known moments."""

from datetime import UTC, datetime, timedelta

from tests.helpers.programs import make_agent, make_program
from tests.helpers.reporting import stored_sale

SALE_DAY = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
AFTER_HOLD = SALE_DAY + timedelta(days=31)  # the terms below hold commissions 30 days
TERMS = {"hold_days": 30, "minimum": "20", "details_change_days": 7, "merchant": {"name": "Example Tours"}}
IBAN = "DE89370400440532013000"  # the standard example IBAN (valid check digits)


def payouts_program(program_id: str = "shop", **terms):
    return make_program(program_id, settings={"payouts": {**TERMS, **terms}})


def partner_with_details(program, name: str, *, method: str = "paypal", at: datetime = SALE_DAY):
    from waymark.payouts import store

    agent = make_agent(program, name=name)
    account = IBAN if method == "bank" else f"{name.lower().replace(' ', '.')}@example.com"
    store.save_details(
        agent.agent_id,
        program.program_id,
        method=method,
        account=account,
        bic="COBADEFFXXX" if method == "bank" else None,
        account_holder=name,
        by=agent.email,
        now=at,
    )
    return agent


def approved_sale(program, agent, order_id: str, commission: str, *, at: datetime = SALE_DAY):
    return stored_sale(program.program_id, agent.agent_id, order_id, commission=commission, status="approved", at=at)


def reverse(conversion) -> None:
    from waymark.models import Conversion

    conversion.update(actions=[Conversion.status.set("reversed")])


def payout_run_for(program, agent, *, also_details_of=None) -> str:
    """A run in review paying `agent` an approved sale of 40 days before the pages' NOW: its payout id."""
    from tests.helpers.portal import NOW
    from waymark.payouts import store

    for payee in filter(None, (agent, also_details_of)):
        store.save_details(
            payee.agent_id,
            program.program_id,
            method="paypal",
            account=f"payee-{payee.agent_id}@example.com",
            bic=None,
            account_holder=None,
            by="setup",
            now=NOW - timedelta(days=60),
        )
    stored_sale(
        program.program_id, agent.agent_id, "paid-1", commission="80.00", status="approved", at=NOW - timedelta(days=40)
    )
    return store.start_run(program, NOW.date(), by="setup", now=NOW).run_id
