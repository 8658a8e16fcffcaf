"""Stored runs, lines, balances and payment details as answers: accounts masked, money as exact strings."""

from decimal import Decimal

from waymark.core.currencies import round_money
from waymark.models import PaymentDetails, PayoutLine, PayoutRun, Program, as_dict
from waymark.payouts import accounts
from waymark.payouts.balances import Balance
from waymark.payouts.terms import PayoutTerms
from waymark.portal.payouts.schemas import (
    BalanceOut,
    LineOut,
    MerchantOut,
    PaidConversionOut,
    PaymentDetailsOut,
    RunDetail,
    RunOut,
    TermsOut,
)


def money(value: Decimal, currency: str) -> str:
    """Exact, with the currency's decimals: "0.00" EUR, "1500" JPY."""
    return format(round_money(value, currency), "f")


def balance_out(balance: Balance) -> BalanceOut:
    return BalanceOut(
        currency=balance.currency,
        pending=money(balance.pending, balance.currency),
        held=money(balance.held, balance.currency),
        waiting=money(balance.waiting, balance.currency),
        payable=money(balance.payable, balance.currency),
        adjustments=money(balance.adjustments, balance.currency),
        in_payout=money(balance.in_payout, balance.currency),
        paid=money(balance.paid, balance.currency),
        balance=money(balance.balance, balance.currency),
    )


def details_out(details: PaymentDetails | None) -> PaymentDetailsOut | None:
    if details is None:
        return None
    return PaymentDetailsOut(
        method=details.method,
        account=accounts.masked(details.method, details.account),
        bic=details.bic,
        account_holder=details.account_holder,
        updated_at=details.updated_at,
    )


def line_out(line: PayoutLine) -> LineOut:
    return LineOut(
        payout_id=line.payout_id,
        agent_id=line.agent_id,
        partner_name=line.partner_name,
        currency=line.currency,
        amount=money(line.amount, line.currency),
        status=line.status,
        method=line.method,
        account=accounts.masked(line.method, line.account),
        flag=line.flag,
        cutoff=line.cutoff,
        created_at=line.created_at,
        paid_at=line.paid_at,
        conversions=[
            PaidConversionOut(
                conversion_id=c.conversion_id,
                order_id=c.order_id,
                created_at=c.created_at,
                amount=money(c.amount, line.currency),
            )
            for c in line.conversions
        ],
    )


def run_out(run: PayoutRun) -> RunOut:
    return RunOut(
        payout_id=run.run_id,
        program_id=run.program_id,
        status=run.status,
        cutoff=run.cutoff,
        created_at=run.created_at,
        created_by=run.created_by,
        totals={k: str(v) for k, v in as_dict(run.totals).items()},
        line_count=int(run.lines or 0),
        skipped=list(run.skipped or []),
        exported_at=run.exported_at,
        closed_at=run.closed_at,
    )


def run_detail(run: PayoutRun, lines: list[PayoutLine]) -> RunDetail:
    return RunDetail(**run_out(run).model_dump(), lines=[line_out(line) for line in lines])


def terms_out(program: Program, terms: PayoutTerms) -> TermsOut:
    return TermsOut(
        program_id=program.program_id,
        hold_days=terms.hold_days,
        minimum=format(terms.minimum, "f"),
        details_change_days=terms.details_change_days,
        merchant=MerchantOut(**terms.merchant),
    )
