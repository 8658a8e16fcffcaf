"""What the payouts pages and JSON API both do, with waymark.payouts' errors turned into HTTP ones."""

from datetime import date

from waymark import catalog, web, wording
from waymark.core import times
from waymark.models import Program
from waymark.payouts import accounts, files, store
from waymark.payouts.terms import PayoutTerms, terms_of
from waymark.portal import actions as common
from waymark.portal.payouts import views
from waymark.portal.payouts.schemas import (
    MarkPaid,
    MerchantOut,
    PartnerPayouts,
    PaymentDetailsIn,
    RunDetail,
    StatementOut,
    TermsIn,
)


def program(program_id: str | None) -> Program:
    return common.program(program_id)


def partner_payouts(program: Program, agent_id: str) -> PartnerPayouts:
    found = store.balance_of(program, agent_id, times.utcnow())
    return PartnerPayouts(
        balances=[views.balance_out(found[currency]) for currency in sorted(found)],
        payouts=[views.line_out(line) for line in store.lines_of_partner(agent_id)],
        payment_details=views.details_out(store.details_of(agent_id)),
    )


def statement(program: Program, agent_id: str, partner_name: str, payout_id: str) -> StatementOut:
    """The partner's own line of a run (agent-index: another partner's is never found), as a statement."""
    lines = [line for line in store.line_of_partner(agent_id, payout_id) if line.program_id == program.program_id]
    if not lines:
        raise web.NotFound(wording.NO_SUCH_PAYOUT())
    terms = terms_of(program)
    return StatementOut(
        program_name=program.name,
        merchant=MerchantOut(**terms.merchant),
        partner_name=partner_name,
        agent_id=agent_id,
        payout=views.line_out(lines[0]),
    )


def save_details(program: Program, agent_id: str, body: PaymentDetailsIn, *, by: str):
    try:
        details = store.save_details(
            agent_id,
            program.program_id,
            method=body.method,
            account=body.account,
            bic=body.bic,
            account_holder=body.account_holder,
            by=by,
        )
    except accounts.InvalidAccount as error:
        raise web.BadRequest(str(error)) from error
    return views.details_out(details)


def start_run(program_id: str | None, cutoff: date, *, by: str) -> RunDetail:
    program = common.program(program_id)
    try:
        run = store.start_run(program, cutoff, by=by)
    except store.PayoutRefused as error:
        raise web.BadRequest(str(error)) from error
    return views.run_detail(run, store.lines_of(run.run_id))


def run_detail(program_id: str | None, payout_id: str) -> RunDetail:
    program = common.program(program_id)
    run = _run(program.program_id, payout_id)
    return views.run_detail(run, store.lines_of(run.run_id))


def _run(program_id: str, payout_id: str):
    try:
        return store.get_run(program_id, payout_id)
    except store.RunNotFound as error:
        raise web.NotFound(wording.NO_SUCH_RUN()) from error


def mark_paid(program_id: str | None, payout_id: str, body: MarkPaid, *, by: str) -> RunDetail:
    program = common.program(program_id)
    _run(program.program_id, payout_id)
    try:
        run = store.mark_paid(program.program_id, payout_id, by=by, agent_id=body.agent_id, currency=body.currency)
    except store.RunNotFound as error:
        raise web.NotFound(wording.NO_LINE_FOR_PARTNER()) from error
    except store.PayoutRefused as error:
        raise web.Conflict(str(error)) from error
    return views.run_detail(run, store.lines_of(payout_id))


def cancel(program_id: str | None, payout_id: str, *, by: str) -> RunDetail:
    program = common.program(program_id)
    _run(program.program_id, payout_id)
    try:
        run = store.cancel_run(program.program_id, payout_id, by=by)
    except store.PayoutRefused as error:
        raise web.Conflict(str(error)) from error
    return views.run_detail(run, store.lines_of(payout_id))


def pay_file(program_id: str | None, payout_id: str, kind: str, currency: str | None, *, by: str) -> tuple[str, str]:
    """(file name, CSV text) of the run's PayPal file (one currency) or Wise batch; the download is recorded."""
    program = common.program(program_id)
    run = _run(program.program_id, payout_id)
    if run.status != "review":
        raise web.Conflict(wording.RUN_NOTHING_LEFT(status=run.status))
    lines = store.lines_of(payout_id)
    currency = currency or program.currency
    try:
        if kind == "paypal":
            text = files.paypal_csv(lines, currency, note=f"{program.name}: commission {payout_id}")
            name = f"paypal-{payout_id}-{currency}.csv"
        else:
            text = files.wise_csv(lines, program.currency, reference_prefix=program.name)
            name = f"wise-{payout_id}.csv"
    except files.TooManyRows as error:
        raise web.Conflict(str(error)) from error
    store.record_download(run, name, by=by)
    return name, text


def terms(program_id: str | None):
    program = common.program(program_id)
    return views.terms_out(program, terms_of(program))


def save_terms(program_id: str | None, body: TermsIn, *, by: str):
    program = common.program(program_id)
    wanted = PayoutTerms(
        hold_days=body.hold_days,
        minimum=body.minimum,
        details_change_days=body.details_change_days,
        merchant={k: v for k, v in body.merchant.model_dump().items() if v},
    )
    store.save_terms(program, wanted, by=by)
    catalog.forget_program(program.program_id)
    return views.terms_out(program, terms_of(common.program(program.program_id)))


def today() -> str:
    return times.utcnow().date().isoformat()
