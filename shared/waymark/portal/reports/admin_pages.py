"""The admin console's figures (/admin): conversions to review, the all-partners monthly report,
any partner's monthly report, and CSV exports."""

from enum import StrEnum
from typing import Annotated, Literal
from urllib.parse import quote, urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import ValidationError

from waymark import web
from waymark.conversions.attribution import TRANSITIONS, Reason
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
    PartnerField,
    PickedMonth,
    ProgramId,
    StatusField,
)
from waymark.portal.reports import figures
from waymark.portal.reports.pages import (
    PICKER_MONTHS,
    export_page,
    page_url,
    picked_month,
    render,
    report_context,
    required_month,
)
from waymark.portal.reports.schemas import ConversionStatusIn

router = Router()

ACTION_LABELS = {"approved": "Approve", "rejected": "Reject", "reversed": "Reverse"}
NOTICES = {
    "approved": "The conversion is approved: its commission counts as approved.",
    "rejected": "The conversion is rejected: it earns nothing.",
    "reversed": "The conversion is reversed: its commission no longer counts.",
}


def _choice(value: str | None, allowed: type[StrEnum], name: str) -> str | None:
    """A filter's value: empty is "any", anything else must be one of `allowed` (400 otherwise)."""
    if not value:
        return None
    if value not in allowed:
        raise web.BadRequest(f"{name} must be one of {', '.join(allowed)}")
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
    )
    page = figures.program_conversions(filters, cursor)
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
    )


def _conversion_page(
    found: Conversion, *, status: int = 200, notice: str | None = None, error: str | None = None, values=None
) -> Response[str]:
    names = figures.partner_names([found.agent_id])
    return render(
        "admin/conversion.html",
        status,
        conversion=found,
        partner_name=names.get(found.agent_id or ""),
        actions=[(to, ACTION_LABELS[to]) for to in TRANSITIONS.get(found.status, ())],
        reasons=[reason.value for reason in Reason],
        action_url=conversion_url(found) + "/status",
        notice=NOTICES.get(notice or ""),
        error=error,
        values=values or {},
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
    except web.Conflict as error:
        return _conversion_page(figures.conversion(wanted), status=409, error=error.message, values=values)
    back = safe_next(form.get("back"))
    return web.redirect(back or f"{conversion_url(changed)}?done={changed.status}")


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
