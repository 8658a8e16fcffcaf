"""Paying partners' pages: the partner's payouts (balance, history, payment details) and printable
statement (/portal/payouts...), and the console's runs, a run, its pay files and the terms (/admin/payouts...)."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from pydantic import ValidationError

from waymark import web
from waymark.payouts import store
from waymark.payouts.terms import terms_of
from waymark.portal.params import PayoutId, ProgramId
from waymark.portal.payouts import actions, views
from waymark.portal.payouts.schemas import MarkPaid, PaymentDetailsIn, RunStart, TermsIn

router = Router()
MERCHANT_FIELDS = ("name", "address", "vat_id", "email")


# ------------------------------------------------------------------------------------------- partners


def _partner_page(*, values: dict, errors: dict, saved: bool = False, status: int = 200) -> Response[str]:
    me = web.partner()
    return web.render(
        "portal/payouts.html",
        status,
        page=actions.partner_payouts(me.program, me.agent.agent_id),
        values=values,
        errors=errors,
        saved=saved,
    )


@router.get("/portal/payouts")
def partner_payouts(saved: str | None = None) -> Response[str]:
    return _partner_page(values={}, errors={}, saved=saved == "1")


@router.post("/portal/payouts/details")
def partner_details() -> Response[str]:
    me = web.partner()
    form = web.form()
    values = {name: form.get(name, "").strip() for name in ("method", "account", "bic", "account_holder")}
    try:
        body = PaymentDetailsIn(**{k: v or None for k, v in values.items()})
        actions.save_details(me.program, me.agent.agent_id, body, by=me.principal.email or me.agent.agent_id)
    except ValidationError as error:
        return _partner_page(values=values, errors=web.field_errors(error), status=400)
    except web.BadRequest as error:
        return _partner_page(values=values, errors={"account": error.message}, status=400)
    return web.redirect("/portal/payouts?saved=1")


@router.get("/portal/payouts/<payout_id>")
def partner_statement(payout_id: PayoutId) -> Response[str]:
    me = web.partner()
    return web.render(
        "portal/statement.html", statement=actions.statement(me.program, me.agent.agent_id, me.agent.name, payout_id)
    )


# ------------------------------------------------------------------------------------------- operators


def _runs_page(program_id: str | None, *, errors: dict, values: dict, status: int = 200) -> Response[str]:
    web.admin()
    program = actions.program(program_id)
    return web.render(
        "admin/payouts.html",
        status,
        program=program,
        runs=[views.run_out(run) for run in store.runs_of(program.program_id)],
        terms=views.terms_out(program, terms_of(program)),
        errors=errors,
        values=values,
        today=actions.today(),
    )


@router.get("/admin/payouts")
def runs(program: ProgramId = None) -> Response[str]:
    return _runs_page(program, errors={}, values={})


@router.post("/admin/payouts")
def start_run(program: ProgramId = None) -> Response[str]:
    operator = web.admin()
    chosen = actions.program(program)
    values = {"cutoff": web.form().get("cutoff", "").strip()}
    try:
        body = RunStart(cutoff=values["cutoff"])
        run = actions.start_run(chosen.program_id, body.cutoff, by=operator.email)
    except ValidationError as error:
        return _runs_page(chosen.program_id, errors=web.field_errors(error), values=values, status=400)
    except web.BadRequest as error:
        return _runs_page(chosen.program_id, errors={"cutoff": error.message}, values=values, status=400)
    return web.redirect(f"/admin/payouts/{run.payout_id}?program={chosen.program_id}")


@router.post("/admin/payouts/terms")
def save_terms(program: ProgramId = None) -> Response[str]:
    operator = web.admin()
    chosen = actions.program(program)
    form = web.form()
    values = {name: form.get(name, "").strip() for name in ("hold_days", "minimum", "details_change_days")}
    merchant = {
        name: form.get(f"merchant_{name}", "").strip() or None for name in ("name", "address", "vat_id", "email")
    }
    try:
        body = TermsIn(**values, merchant=merchant)
    except ValidationError as error:
        return _runs_page(chosen.program_id, errors=web.field_errors(error), values=values, status=400)
    actions.save_terms(chosen.program_id, body, by=operator.email)
    return web.redirect(f"/admin/payouts?program={chosen.program_id}")


def _run_page(program_id: str | None, payout_id: str, *, refused: str | None = None, status: int = 200):
    web.admin()
    program = actions.program(program_id)
    return web.render(
        "admin/payout.html",
        status,
        program=program,
        run=actions.run_detail(program.program_id, payout_id),
        refused=refused,
    )


@router.get("/admin/payouts/<payout_id>")
def run(payout_id: PayoutId, program: ProgramId = None) -> Response[str]:
    return _run_page(program, payout_id)


@router.post("/admin/payouts/<payout_id>/paid")
def mark_paid(payout_id: PayoutId, program: ProgramId = None) -> Response[str]:
    operator = web.admin()
    chosen = actions.program(program)
    form = web.form()
    try:
        body = MarkPaid(agent_id=form.get("agent_id") or None, currency=form.get("currency") or None)
        actions.mark_paid(chosen.program_id, payout_id, body, by=operator.email)
    except ValidationError:
        return _run_page(chosen.program_id, payout_id, refused="That line is not one of this run.", status=400)
    except web.Conflict as error:
        return _run_page(chosen.program_id, payout_id, refused=error.message, status=409)
    return web.redirect(f"/admin/payouts/{payout_id}?program={chosen.program_id}")


@router.post("/admin/payouts/<payout_id>/cancel")
def cancel(payout_id: PayoutId, program: ProgramId = None) -> Response[str]:
    operator = web.admin()
    chosen = actions.program(program)
    web.form()  # its CSRF token is checked
    try:
        actions.cancel(chosen.program_id, payout_id, by=operator.email)
    except web.Conflict as error:
        return _run_page(chosen.program_id, payout_id, refused=error.message, status=409)
    return web.redirect(f"/admin/payouts/{payout_id}?program={chosen.program_id}")


@router.post("/admin/payouts/<payout_id>/file")
def pay_file(payout_id: PayoutId, program: ProgramId = None) -> Response[str]:
    operator = web.admin()
    chosen = actions.program(program)
    form = web.form()
    kind = "wise" if form.get("kind") == "wise" else "paypal"
    currency = form.get("currency") or None
    if currency is not None and not (len(currency) == 3 and currency.isascii() and currency.isupper()):
        return _run_page(chosen.program_id, payout_id, refused="A currency is 3 capital letters, e.g. EUR.", status=400)
    try:
        name, text = actions.pay_file(chosen.program_id, payout_id, kind, currency, by=operator.email)
    except web.Conflict as error:
        return _run_page(chosen.program_id, payout_id, refused=error.message, status=409)
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(200, "text/csv; charset=utf-8", text, headers=headers)
