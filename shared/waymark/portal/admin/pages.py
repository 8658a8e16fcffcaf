"""The admin console's pages (/admin): partners by status, partners added by hand, approval, declining and
deleting applicants, edits, commission overrides, links on a partner's behalf, personal data (a partner's
export and erasure, a customer's erasure) and the inside-sales directory (opening a concierge's order page)."""

import json
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import ValidationError

from waymark import catalog, web, wording
from waymark.conversions.vocabulary import Channel
from waymark.models import Agent, Program, as_dict
from waymark.partners.applicants import DELETABLE
from waymark.partners.management import OPERATOR_FIELDS, PAST_TENSE, TRANSITIONS
from waymark.partners.vocabulary import PartnerStatus, PartnerType
from waymark.portal import actions
from waymark.portal.account.pages import safe_next
from waymark.portal.admin import partner_actions
from waymark.portal.admin.partner_schemas import CustomerErasure, PartnerCreate, clean_note
from waymark.portal.params import AgentId, Cursor, LinkCode, NameContains, PickedMonth, ProgramId
from waymark.portal.partner.pages import link_from_form, status_change
from waymark.portal.partner.views import directory, link_out, partner_out
from waymark.portal.reports import conversion_actions, figures
from waymark.portal.reports.pages import PICKER_MONTHS, picked_month, render
from waymark.portal.schemas import MAX_COMMISSION_RULES, PartnerUpdate
from waymark.reporting import reads

router = Router()

Status = Annotated[PartnerStatus | None, Query()]
ACTION_LABELS = {"approve": "Approve", "decline": "Decline", "reactivate": "Reactivate", "suspend": "Suspend"}
NOTICES = {
    "saved": "Saved.",
    "created": "The partner is added and active. With a login, Cognito has emailed the invitation.",
    "approved": "The partner is approved and can log in to the portal now.",
    "declined": "The application is declined: the partner cannot use the portal and earns nothing.",
    "erased": "The partner's personal data is erased and its login deleted.",
    "suspended": "The partner is suspended: its links still redirect but earn nothing.",
    "reactivated": "The partner is active again.",
    "link": "The link is created.",
    "link-status": "The link's status is changed.",
}
RULE_FIELDS = ("kind", "value", "channel", "valid_from", "valid_until", "note")


LIST_NOTICES = {"deleted": "The applicant is deleted, with its login."}
Listed = Annotated[Literal[tuple(LIST_NOTICES)] | None, Query()]  # type: ignore[valid-type]


def _partners_page(
    heading: str,
    program_id: str | None,
    status: str | None,
    cursor: str | None,
    month: str | None = None,
    notice: str | None = None,
) -> Response[str]:
    """A page of partners; with `month`, each partner's figures of that month (one BatchGetItem)."""
    web.admin()
    program = actions.program(program_id)
    found, next_cursor = actions.partners_page(program, status, cursor)
    program_query = f"{urlencode({'program': program_id})}&" if program_id else ""
    next_query = urlencode({k: v for k, v in (("status", status), ("month", month), ("cursor", next_cursor)) if v})
    totals = reads.partners_month(program.program_id, month, [a.agent_id for a in found]) if month else None
    return render(
        "admin/partners.html",
        heading=heading,
        program=program,
        program_query=program_query,
        status_filter=status,
        partners=found,
        next_url=f"/admin/partners?{program_query}{next_query}" if next_cursor else None,
        month=month,
        totals=totals,
        months=figures.recent_months(count=PICKER_MONTHS),
        notice=LIST_NOTICES.get(notice or ""),
    )


@router.get("/admin")
def pending(program: ProgramId = None, cursor: Cursor = None) -> Response[str]:
    return _partners_page("Partners awaiting approval", program, PartnerStatus.PENDING, cursor)


@router.get("/admin/partners")
def partners(
    program: ProgramId = None,
    status: Status = None,
    cursor: Cursor = None,
    month: PickedMonth = None,
    done: Listed = None,
) -> Response[str]:
    return _partners_page("Partners", program, status, cursor, picked_month(month), done)


PARTNER_FORM_FIELDS = ("name", "partner_type", "email", "website", "login")


def _new_partner_page(
    program_id: str | None, values: dict | None = None, errors: dict | None = None, status: int = 200
) -> Response[str]:
    web.admin()
    return render(
        "admin/partner_new.html",
        status,
        program=actions.program(program_id),
        program_query=f"{urlencode({'program': program_id})}&" if program_id else "",
        partner_types=list(PartnerType),
        values=values or {},
        errors=errors or {},
    )


@router.get("/admin/partners/new")
def new_partner(program: ProgramId = None) -> Response[str]:
    return _new_partner_page(program)


@router.post("/admin/partners")
def create_partner(program: ProgramId = None) -> Response[str]:
    web.admin()
    form = web.form()
    values = {name: form.get(name, "").strip() for name in PARTNER_FORM_FIELDS}
    try:
        body = PartnerCreate(
            program_id=program,
            name=values["name"],
            partner_type=values["partner_type"] or PartnerType.AFFILIATE,  # type: ignore[arg-type]
            email=values["email"] or None,
            website=values["website"] or None,
            login=values["login"] != "no",
        )
    except ValidationError as error:
        errors = web.field_errors(error)
        if "" in errors or "__root__" in errors:
            errors["login"] = errors.pop("", None) or errors.pop("__root__")
        return _new_partner_page(program, values, errors, 400)
    try:
        agent = partner_actions.create(body)
    except web.Conflict as error:
        return _new_partner_page(program, values, {"email": str(error)}, 409)
    return web.redirect(f"/admin/partners/{agent.agent_id}?done=created")


def _rule_rows(agent: Agent) -> list[dict[str, Any]]:
    rows = [as_dict(rule) for rule in agent.commission_rules or []]
    return [*rows, {}] if len(rows) < MAX_COMMISSION_RULES else rows


def _partner_page(
    agent: Agent,
    *,
    status: int = 200,
    cursor: str | None = None,
    values: dict | None = None,
    errors: dict | None = None,
    rule_rows: list[dict] | None = None,
    rule_errors: dict[int, str] | None = None,
    link_values: dict | None = None,
    link_errors: dict | None = None,
    notice: str | None = None,
) -> Response[str]:
    program: Program | None = catalog.program(agent.program_id)
    base = web.base_url()
    found, next_cursor = actions.links_page(agent.agent_id, cursor)
    window = agent.attribution_window_days
    month = figures.current_month()
    return render(
        "admin/partner.html",
        status,
        months=figures.since_joining(
            reads.partner_months(agent.program_id, agent.agent_id, month, figures.MONTHS_SHOWN), agent.created_at
        ),
        currency=program.currency if program else "",
        partner=partner_out(agent, program, base),
        actions=[(action, ACTION_LABELS[action], starts) for action, (starts, _) in TRANSITIONS.items()],
        values=values
        or {
            "name": agent.name,
            "website": agent.website,
            "partner_type": agent.partner_type,
            "attribution_window_days": int(window) if window else None,
        },
        errors=errors or {},
        partner_types=list(PartnerType),
        program_window=int(program.attribution_window_days) if program else 365,
        channels=list(Channel),
        rule_rows=rule_rows if rule_rows is not None else _rule_rows(agent),
        rule_errors=rule_errors or {},
        links=[link_out(link, program, base) for link in found] if program else [],
        next_url=f"/admin/partners/{agent.agent_id}?cursor={next_cursor}" if next_cursor else None,
        link_values=link_values or {},
        link_errors=link_errors or {},
        notice=NOTICES.get(notice or ""),
        deletable=DELETABLE,
        erased=agent.erased_at,
    )


@router.get("/admin/partners/<agent_id>")
def partner(
    agent_id: AgentId,
    cursor: Cursor = None,
    done: Annotated[Literal[tuple(NOTICES)] | None, Query()] = None,  # type: ignore[valid-type]
) -> Response[str]:
    web.admin()
    return _partner_page(actions.partner(agent_id), cursor=cursor, notice=done)


def posted_rules(form: dict[str, str]) -> tuple[list[dict[str, str]], list[dict[str, str]], list[int]]:
    """(every row as posted, the rows with a value, each kept row's form row) from rule-<i>-<field> fields."""
    rows, kept, positions = [], [], []
    for i in range(MAX_COMMISSION_RULES + 1):
        row = {name: form.get(f"rule-{i}-{name}", "").strip() for name in RULE_FIELDS}
        if not any(row.values()):
            continue
        rows.append(row)
        if row["value"]:
            kept.append({k: v for k, v in row.items() if v})
            positions.append(len(rows) - 1)
    return rows, kept, positions


@router.post("/admin/partners/<agent_id>")
def save_partner(agent_id: AgentId) -> Response[str]:
    web.admin()
    agent = actions.partner(agent_id)
    form = web.form()
    values = {
        name: form.get(name, "").strip() for name in ("name", "website", "partner_type", "attribution_window_days")
    }
    rows, kept, positions = posted_rules(form)
    try:
        update = PartnerUpdate(
            name=values["name"],
            website=values["website"] or None,
            partner_type=values["partner_type"] or None,  # type: ignore[arg-type]
            attribution_window_days=values["attribution_window_days"] or None,  # type: ignore[arg-type]
            commission_rules=kept,  # type: ignore[arg-type]
        )
    except ValidationError as error:
        errors, rule_errors = {}, {}
        for name, message in web.field_errors(error).items():
            head, _, rest = name.partition("-")
            if head == "commission_rules" and rest.split("-")[0].isdigit():
                rule_errors.setdefault(positions[int(rest.split("-")[0])], message)
            else:
                errors[head] = message
        if rule_errors and not errors:
            errors["commission_rules"] = "Please check the commission rules."
        return _partner_page(
            agent, status=400, values=values, errors=errors, rule_rows=[*rows, {}], rule_errors=rule_errors
        )
    actions.update_partner(agent_id, update.changes(), allowed=OPERATOR_FIELDS)
    return web.redirect(f"/admin/partners/{agent_id}?done=saved")


@router.post("/admin/partners/<agent_id>/status")
def change_status(agent_id: AgentId) -> Response[str]:
    web.admin()
    form = web.form()
    action = form.get("action", "")
    if action not in TRANSITIONS:
        raise web.BadRequest(wording.ONE_OF(name="the action", choices=", ".join(TRANSITIONS)))
    try:
        note = clean_note(form.get("note"))
    except ValueError as error:
        raise web.BadRequest(str(error)) from error
    agent = partner_actions.change_status(agent_id, action, note)
    return web.redirect(f"/admin/partners/{agent.agent_id}?done={PAST_TENSE[action]}")


@router.post("/admin/partners/<agent_id>/delete")
def delete_partner(agent_id: AgentId) -> Response[str]:
    web.admin()
    agent = partner_actions.delete(agent_id)
    return web.redirect(f"/admin/partners?{urlencode({'program': agent.program_id, 'done': 'deleted'})}")


@router.post("/admin/partners/<agent_id>/export")
def export_partner(agent_id: AgentId) -> Response[str]:
    web.admin()
    document = partner_actions.export(agent_id)
    return Response(
        status_code=200,
        content_type="application/json",
        body=json.dumps(document, default=str, indent=2, ensure_ascii=False),
        headers={"Content-Disposition": f'attachment; filename="partner-{agent_id}.json"', "Cache-Control": "no-store"},
    )


@router.post("/admin/partners/<agent_id>/erase")
def erase_partner(agent_id: AgentId) -> Response[str]:
    web.admin()
    partner_actions.erase(agent_id)
    return web.redirect(f"/admin/partners/{agent_id}?done=erased")


PERSONAL_NOTICES = {"queued": "The erasure is under way; the change record shows it once it is done (within a minute)."}


def _personal_data_page(
    program_id: str | None,
    *,
    notice: str | None = None,
    values: dict | None = None,
    errors: dict | None = None,
    status: int = 200,
) -> Response[str]:
    web.admin()
    return render(
        "admin/personal_data.html",
        status,
        program=actions.program(program_id),
        notice=PERSONAL_NOTICES.get(notice or ""),
        values=values or {},
        errors=errors or {},
    )


@router.get("/admin/personal-data")
def personal_data(
    program: ProgramId = None,
    done: Annotated[Literal[tuple(PERSONAL_NOTICES)] | None, Query()] = None,  # type: ignore[valid-type]
) -> Response[str]:
    return _personal_data_page(program, notice=done)


@router.post("/admin/personal-data/customers")
def erase_customer(program: ProgramId = None) -> Response[str]:
    web.admin()
    values = {"email": web.form().get("email", "").strip()}
    try:
        body = CustomerErasure(email=values["email"])
    except ValidationError as error:
        return _personal_data_page(program, values=values, errors=web.field_errors(error), status=400)
    partner_actions.erase_customer(body.email, program)
    chosen = actions.program(program).program_id
    return web.redirect(f"/admin/personal-data?{urlencode({'program': chosen, 'done': 'queued'})}")


@router.post("/admin/partners/<agent_id>/links")
def create_link(agent_id: AgentId) -> Response[str]:
    web.admin()
    agent = actions.partner(agent_id)
    link, values, errors = link_from_form(agent, actions.program(agent.program_id))
    if link is None:
        return _partner_page(agent, status=400, link_values=values, link_errors=errors)
    return web.redirect(f"/admin/partners/{agent_id}?done=link")


@router.post("/admin/links/<code>/status")
def link_status(code: LinkCode) -> Response[str]:
    web.admin()
    link = actions.set_link_status(code, status_change().status, owner=None)
    return web.redirect(safe_next(web.form().get("back")) or f"/admin/partners/{link.agent_id}?done=link-status")


@router.get("/admin/inside-sales")
def inside_sales(program: ProgramId = None, q: NameContains = None) -> Response[str]:
    web.admin()
    chosen = actions.program(program)
    return web.render(
        "admin/inside_sales.html",
        program=chosen,
        program_id_param=program,
        query=q,
        entries=directory(actions.concierges(chosen, q), chosen, web.base_url()),
    )


@router.post("/admin/inside-sales/<agent_id>/visit")
def inside_sales_visit(agent_id: AgentId) -> Response[str]:
    operator = web.admin()
    visit = conversion_actions.inside_sales_visit(agent_id, by=operator.email)
    # The order page is the program's own, checked against its allowed domains.
    return web.redirect(visit.url)
