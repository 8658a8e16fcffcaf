"""The admin console's figures (/admin): conversions to review and correct (decisions, a page decided at
once, offline sales, reassignment), the all-partners monthly report, any partner's monthly report, and CSV
exports."""

import json
from enum import StrEnum
from typing import Annotated, Literal
from urllib.parse import quote, urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import ValidationError

from waymark import web, wording
from waymark.conversions import advertisers
from waymark.conversions.attribution import TRANSITIONS, UNDONE, Reason
from waymark.conversions.offline_sales import OFFLINE_CHANNELS
from waymark.conversions.vocabulary import Channel, ConversionStatus
from waymark.models import Conversion
from waymark.portal import actions
from waymark.portal.account.pages import safe_next
from waymark.portal.params import (
    AgentId,
    ChannelField,
    ConversionId,
    Cursor,
    MonthPath,
    NameContains,
    PartnerField,
    PickedMonth,
    ProgramId,
    StatusField,
)
from waymark.portal.reports import conversion_actions, figures
from waymark.portal.reports.pages import (
    PICKER_MONTHS,
    export_page,
    page_url,
    picked_month,
    render,
    report_context,
    required_month,
)
from waymark.portal.reports.schemas import ConversionStatusIn, OfflineSaleIn, PageDecisionIn, ReassignIn

router = Router()

ACTION_LABELS = {"approved": "Approve", "rejected": "Reject", "reversed": "Reverse", "pending": "Back to pending"}
NOTICES = {
    "approved": "The conversion is approved: its commission counts as approved.",
    "rejected": "The conversion is rejected: it earns nothing.",
    "reversed": "The conversion is reversed: its commission no longer counts.",
    "pending": "The conversion is pending again: it waits for a decision.",
    "recorded": "The sale is recorded.",
    "repeat": "This order was recorded before: nothing changed, here it is.",
    "reassigned": "The conversion is credited to the new partner, with that partner's commission.",
}
SALE_FIELDS = ("advertiser_id", "order_id", "amount", "currency", "channel", "ref", "agent", "status")


def action_label(from_status: str, to_status: str) -> str:
    label = ACTION_LABELS[to_status]
    return f"{label} (undo the {from_status} decision)" if from_status in UNDONE else label


def _choice(value: str | None, allowed: type[StrEnum], name: str) -> str | None:
    """A filter's value: empty is "any", anything else must be one of `allowed` (400 otherwise)."""
    if not value:
        return None
    if value not in allowed:
        raise web.BadRequest(wording.ONE_OF(name=name, choices=", ".join(allowed)))
    return value


def conversion_url(conversion: Conversion) -> str:
    return f"/admin/conversions/{quote(conversion.conversion_id, safe='')}"


# ------------------------------------------------------------------------------------------ conversions


@router.get("/admin/conversions")
def conversions(
    program: ProgramId = None,
    month: PickedMonth = None,
    status: StatusField = None,
    channel: ChannelField = None,
    partner: PartnerField = None,
    partner_name: NameContains = None,
    cursor: Cursor = None,
) -> Response[str]:
    web.admin()
    chosen = actions.program(program)
    filters = figures.ConversionFilters(
        chosen.program_id,
        picked_month(month),
        _choice(status, ConversionStatus, "status"),
        _choice(channel, Channel, "channel"),
        partner or None,
        (partner_name or "").strip() or None,
    )
    page = figures.program_conversions(filters, cursor)
    page_actions = [(to, ACTION_LABELS[to]) for to in TRANSITIONS.get(filters.status or "", ())]
    return render(
        "admin/conversions.html",
        program=chosen,
        program_param=program,
        filters=filters,
        page=page,
        statuses=list(ConversionStatus),
        channels=list(Channel),
        months=figures.recent_months(count=PICKER_MONTHS),
        conversion_url=conversion_url,
        next_url=page_url("/admin/conversions", "cursor", page.next_cursor, "list", program=program, **filters.query()),
        page_actions=page_actions if page.conversions else [],
        page_ids=json.dumps([c.conversion_id for c in page.conversions]),
        reasons=[reason.value for reason in Reason],
        back_url="/admin/conversions?" + urlencode({"program": program or chosen.program_id, **filters.query(cursor)}),
    )


@router.post("/admin/conversions/decisions")
def decide_page(program: ProgramId = None) -> Response[str]:
    operator = web.admin()
    chosen = actions.program(program)
    form = web.form()
    try:
        ids = json.loads(form.get("conversion_ids") or "[]")
    except ValueError:
        raise web.BadRequest(wording.CONVERSIONS_MISSING()) from None
    back = safe_next(form.get("back")) or "/admin/conversions"
    try:
        decision = PageDecisionIn(
            status=form.get("status", "").strip(),  # type: ignore[arg-type]
            from_status=form.get("from_status", "").strip(),  # type: ignore[arg-type]
            reason=form.get("reason", "").strip() or None,  # type: ignore[arg-type]
            note=form.get("note", "").strip() or None,
            conversion_ids=ids,
        )
    except ValidationError as error:
        problems = "; ".join(web.field_errors(error).values())
        return render("admin/decisions.html", 400, error=problems, done=None, back_url=back)
    done = conversion_actions.decide_page(decision, program_id=chosen.program_id, by=operator.email)
    return render("admin/decisions.html", done=done, error=None, to_status=decision.status, back_url=back)


def _sale_page(program, *, status: int = 200, values: dict | None = None, errors: dict | None = None):
    return render(
        "admin/offline_sale.html",
        status,
        program=program,
        advertisers=advertisers.advertisers_of(program.program_id),
        channels=list(OFFLINE_CHANNELS),
        values=values or {"currency": program.currency, "status": "pending"},
        errors=errors or {},
    )


@router.get("/admin/conversions/new")
def new_sale(program: ProgramId = None) -> Response[str]:
    web.admin()
    return _sale_page(actions.program(program))


@router.post("/admin/conversions/new")
def record_sale(program: ProgramId = None) -> Response[str]:
    operator = web.admin()
    chosen = actions.program(program)
    form = web.form()
    values = {name: form.get(name, "").strip() for name in SALE_FIELDS}
    try:
        body = OfflineSaleIn(**{k: v for k, v in values.items() if v})  # type: ignore[arg-type]
        if body.advertiser_id not in {a.advertiser_id for a in advertisers.advertisers_of(chosen.program_id)}:
            raise web.BadRequest(wording.CHOOSE_PROGRAMS_ADVERTISER())
        recorded = conversion_actions.record_offline_sale(body, by=operator.email)
    except ValidationError as error:
        return _sale_page(chosen, status=400, values=values, errors=web.field_errors(error))
    except web.HttpError as error:
        if error.status >= 500:
            raise
        return _sale_page(chosen, status=error.status, values=values, errors={"form": error.message})
    done = "repeat" if recorded.repeat else "recorded"
    return web.redirect(f"{conversion_url(recorded.conversion)}?done={done}")


def _conversion_page(
    found: Conversion,
    *,
    status: int = 200,
    notice: str | None = None,
    error: str | None = None,
    values=None,
    reassign_error: str | None = None,
) -> Response[str]:
    names = figures.partner_names([found.agent_id])
    return render(
        "admin/conversion.html",
        status,
        conversion=found,
        partner_name=names.get(found.agent_id or ""),
        actions=[(to, action_label(found.status, to)) for to in TRANSITIONS.get(found.status, ())],
        undo=found.status in UNDONE,
        reassign_url=conversion_url(found) + "/reassign",
        reasons=[reason.value for reason in Reason],
        action_url=conversion_url(found) + "/status",
        notice=NOTICES.get(notice or ""),
        error=error,
        values=values or {},
        reassign_error=reassign_error,
        list_url=f"/admin/conversions?{urlencode({'month': found.created_at[:7], 'program': found.program_id})}",
    )


@router.get("/admin/conversions/<conversion_id>")
def conversion(
    conversion_id: ConversionId,
    done: Annotated[Literal[tuple(NOTICES)] | None, Query()] = None,  # type: ignore[valid-type]
) -> Response[str]:
    web.admin()
    return _conversion_page(figures.conversion(figures.conversion_id_from_path(conversion_id)), notice=done)


@router.post("/admin/conversions/<conversion_id>/status")
def change_status(conversion_id: ConversionId) -> Response[str]:
    operator = web.admin()
    wanted = figures.conversion_id_from_path(conversion_id)
    form = web.form()
    values = {name: form.get(name, "").strip() for name in ("status", "reason", "note")}
    try:
        decision = ConversionStatusIn(
            status=values["status"],  # type: ignore[arg-type]
            reason=values["reason"] or None,  # type: ignore[arg-type]
            note=values["note"] or None,
        )
        changed = figures.change_conversion_status(
            wanted, decision.status, by=operator.email, reason=decision.reason, note=decision.note
        )
    except ValidationError as error:
        problems = "; ".join(web.field_errors(error).values())
        return _conversion_page(figures.conversion(wanted), status=400, error=problems, values=values)
    except (web.Conflict, web.BadRequest) as error:
        return _conversion_page(figures.conversion(wanted), status=error.status, error=error.message, values=values)
    back = safe_next(form.get("back"))
    return web.redirect(back or f"{conversion_url(changed)}?done={changed.status}")


@router.post("/admin/conversions/<conversion_id>/reassign")
def reassign(conversion_id: ConversionId) -> Response[str]:
    operator = web.admin()
    wanted = figures.conversion_id_from_path(conversion_id)
    form = web.form()
    values = {name: form.get(name, "").strip() for name in ("agent_id", "note")}
    try:
        body = ReassignIn(**values)
        changed = conversion_actions.reassign(wanted, body, by=operator.email)
    except ValidationError as error:
        problems = "; ".join(web.field_errors(error).values())
        return _conversion_page(figures.conversion(wanted), status=400, reassign_error=problems, values=values)
    except (web.Conflict, web.BadRequest) as error:
        found = figures.conversion(wanted)
        return _conversion_page(found, status=error.status, reassign_error=error.message, values=values)
    return web.redirect(f"{conversion_url(changed)}?done=reassigned")


# ------------------------------------------------------------------------------------------ reports


@router.get("/admin/reports")
def reports_home(program: ProgramId = None, month: PickedMonth = None) -> Response[str]:
    web.admin()
    query = f"?{urlencode({'program': program})}" if program else ""
    return web.redirect(f"/admin/reports/{picked_month(month)}{query}")


@router.get("/admin/reports/<month>")
def program_report(month: MonthPath, program: ProgramId = None) -> Response[str]:
    web.admin()
    chosen = actions.program(program)
    month = figures.checked_month(month)
    return render(
        "admin/report.html",
        program=chosen,
        program_param=program,
        found=figures.program_report(chosen.program_id, month),
        month=month,
        months=figures.recent_months(count=PICKER_MONTHS),
        conversions_url="/admin/conversions?"
        + urlencode({"month": month, **({"program": program} if program else {})}),
    )


@router.get("/admin/partners/<agent_id>/reports/<month>")
def partner_report(
    agent_id: AgentId, month: MonthPath, sub_cursor: Cursor = None, cursor: Cursor = None
) -> Response[str]:
    web.admin()
    agent = actions.partner(agent_id)
    program = actions.program(agent.program_id)
    month = figures.checked_month(month)
    return render(
        "portal/report.html",
        **report_context(agent, program, month, sub_cursor, cursor, base=f"/admin/partners/{agent_id}/reports/{month}"),
        heading=f"{agent.name}: {figures.month_label(month)}",
        picker_action=f"/admin/partners/{agent.agent_id}/reports",
        export_action="/admin/exports",
        export_fields={"program": program.program_id, "agent_id": agent.agent_id},
        conversion_href=conversion_url,
        back_url=f"/admin/partners/{agent.agent_id}",
    )


@router.get("/admin/partners/<agent_id>/reports")
def partner_reports_home(agent_id: AgentId, month: PickedMonth = None) -> Response[str]:
    web.admin()
    return web.redirect(f"/admin/partners/{actions.partner(agent_id).agent_id}/reports/{picked_month(month)}")


@router.post("/admin/exports")
def export() -> Response[str]:
    web.admin()
    form = web.form()
    month = figures.checked_month(required_month(form))
    program_id = form.get("program", "").strip() or actions.default_program_id()
    agent_id = form.get("agent_id", "").strip() or None
    found = figures.export(figures.ADMIN_REQUESTER, program_id=program_id, month=month, agent_id=agent_id)
    if agent_id:
        name = actions.partner(agent_id).name
        return export_page(
            found,
            f"{name}'s statement for {figures.month_label(month)}",
            f"/admin/partners/{agent_id}/reports/{month}",
        )
    back = f"/admin/reports/{month}?{urlencode({'program': program_id})}"
    return export_page(found, f"The all-partners report for {figures.month_label(month)}", back)
