"""JSON API of paying partners: a partner's own balance, payouts, statements and payment details
(/api/payouts, /api/payment-details), and operators' payout runs and terms (/api/admin/payouts...)."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from waymark import web, wording
from waymark.payouts import store
from waymark.portal.params import CurrencyQuery, PayoutId, ProgramId
from waymark.portal.payouts import actions, views
from waymark.portal.payouts.schemas import (
    MarkPaid,
    PartnerPayouts,
    PaymentDetailsIn,
    PaymentDetailsOut,
    RunDetail,
    RunList,
    RunStart,
    StatementOut,
    TermsIn,
    TermsOut,
)

router = Router()
ADMIN = ["admin: payouts"]
CONFLICT = {409: {"description": "The run (or line) is no longer in review: the message says where it stands"}}


@router.get("/api/payouts", tags=["partner"], summary="The calling partner's balance, payouts and payment details")
def my_payouts() -> PartnerPayouts:
    me = web.partner()
    return actions.partner_payouts(me.program, me.agent.agent_id)


@router.get("/api/payouts/<payout_id>", tags=["partner"], summary="One payout of the calling partner, as a statement")
def my_statement(payout_id: PayoutId) -> StatementOut:
    me = web.partner()
    return actions.statement(me.program, me.agent.agent_id, me.agent.name, payout_id)


@router.get(
    "/api/payment-details",
    tags=["partner"],
    summary="How the calling partner is paid (the account masked)",
    responses={404: {"description": "No payment details yet"}},
)
def my_payment_details() -> PaymentDetailsOut:
    me = web.partner()
    found = views.details_out(store.details_of(me.agent.agent_id))
    if found is None:
        raise web.NotFound(wording.NO_PAYMENT_DETAILS())
    return found


@router.put(
    "/api/payment-details",
    tags=["partner"],
    summary="Set how the calling partner is paid: PayPal or Wise email, or IBAN and BIC (the change is recorded)",
)
def put_payment_details(body: PaymentDetailsIn) -> PaymentDetailsOut:
    me = web.partner()
    return actions.save_details(me.program, me.agent.agent_id, body, by=me.principal.email or me.agent.agent_id)


@router.get("/api/admin/payouts", tags=ADMIN, summary="A program's payout runs, newest first")
def list_runs(program: ProgramId = None) -> RunList:
    web.admin()
    chosen = actions.program(program)
    return RunList(program_id=chosen.program_id, runs=[views.run_out(run) for run in store.runs_of(chosen.program_id)])


@router.post(
    "/api/admin/payouts",
    status_code=201,
    tags=ADMIN,
    summary="Start a payout run for a cut-off date: every partner whose payable balance reaches the minimum",
)
def start_run(body: RunStart) -> RunDetail:
    operator = web.admin()
    return actions.start_run(body.program_id, body.cutoff, by=operator.email)


@router.get("/api/admin/payouts/<payout_id>", tags=ADMIN, summary="A payout run with its lines (accounts masked)")
def get_run(payout_id: PayoutId, program: ProgramId = None) -> RunDetail:
    web.admin()
    return actions.run_detail(program, payout_id)


@router.post(
    "/api/admin/payouts/<payout_id>/paid",
    tags=ADMIN,
    summary="Mark the run paid, or one partner's line of it (body: agent_id and, if need be, currency)",
    responses=CONFLICT,
)
def mark_paid(payout_id: PayoutId, body: MarkPaid, program: ProgramId = None) -> RunDetail:
    operator = web.admin()
    return actions.mark_paid(program, payout_id, body, by=operator.email)


@router.post(
    "/api/admin/payouts/<payout_id>/cancel",
    tags=ADMIN,
    summary="Cancel the run's open lines: their conversions are payable again",
    responses=CONFLICT,
)
def cancel_run(payout_id: PayoutId, program: ProgramId = None) -> RunDetail:
    operator = web.admin()
    return actions.cancel(program, payout_id, by=operator.email)


def _csv(name: str, text: str) -> Response[str]:
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(200, "text/csv; charset=utf-8", text, headers=headers)


# POST: a download of whole accounts is recorded (a write), and a link cannot trigger it.
@router.post(
    "/api/admin/payouts/<payout_id>/paypal.csv",
    tags=ADMIN,
    summary="The run's PayPal Payouts file, one currency (whole accounts: the download is recorded)",
    responses={200: {"description": "The CSV file", "content": {"text/csv": {}}}, **CONFLICT},
)
def paypal_file(payout_id: PayoutId, program: ProgramId = None, currency: CurrencyQuery = None) -> Response[str]:
    operator = web.admin()
    return _csv(*actions.pay_file(program, payout_id, "paypal", currency, by=operator.email))


@router.post(
    "/api/admin/payouts/<payout_id>/wise.csv",
    tags=ADMIN,
    summary="The run's Wise batch file: Wise emails and bank transfers (whole accounts: the download is recorded)",
    responses={200: {"description": "The CSV file", "content": {"text/csv": {}}}, **CONFLICT},
)
def wise_file(payout_id: PayoutId, program: ProgramId = None) -> Response[str]:
    operator = web.admin()
    return _csv(*actions.pay_file(program, payout_id, "wise", None, by=operator.email))


@router.get("/api/admin/payout-terms", tags=ADMIN, summary="The program's payout terms: hold, minimum, merchant")
def get_terms(program: ProgramId = None) -> TermsOut:
    web.admin()
    return actions.terms(program)


@router.put("/api/admin/payout-terms", tags=ADMIN, summary="Change the program's payout terms (recorded)")
def put_terms(body: TermsIn, program: ProgramId = None) -> TermsOut:
    operator = web.admin()
    return actions.save_terms(program, body, by=operator.email)
