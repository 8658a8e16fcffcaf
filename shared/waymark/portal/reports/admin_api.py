"""JSON API for operators' figures (paths under /api/admin): conversions and their review, the
all-partners monthly report, any partner's monthly report, and exports."""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from waymark import web
from waymark.conversions.vocabulary import Channel, ConversionStatus
from waymark.portal import actions
from waymark.portal.params import (
    AgentId,
    ConversionId,
    Cursor,
    MonthPath,
    MonthQuery,
    NameContains,
    PartnerFilter,
    ProgramId,
)
from waymark.portal.reports import conversion_actions, figures
from waymark.portal.reports.schemas import (
    AdminConversionOut,
    AdminConversionPageOut,
    AdminExportIn,
    ConversionStatusIn,
    ExportOut,
    OfflineSaleIn,
    PageDecisionIn,
    PageDecisionOut,
    PartnerReportOut,
    ProgramReportOut,
    ReassignIn,
    RecordedSaleOut,
    SkippedOut,
)
from waymark.portal.reports.views import admin_conversion_out, partner_report_out, program_report_out

router = Router()


@router.get("/api/admin/conversions", tags=["admin"], summary="A program's conversions of a month, newest first")
def list_conversions(
    program: ProgramId = None,
    month: MonthQuery = None,
    status: Annotated[ConversionStatus | None, Query()] = None,
    channel: Annotated[Channel | None, Query()] = None,
    partner: PartnerFilter = None,
    partner_name: NameContains = None,
    cursor: Cursor = None,
) -> AdminConversionPageOut:
    web.admin()
    chosen = actions.program(program)
    filters = figures.ConversionFilters(
        chosen.program_id, figures.checked_month(month), status, channel, partner, partner_name or None
    )
    page = figures.program_conversions(filters, cursor)
    return AdminConversionPageOut(
        program_id=chosen.program_id,
        month=filters.month,
        status=status,
        channel=channel,
        partner=partner,
        partner_name=filters.partner_name,
        conversions=[admin_conversion_out(c, page.names) for c in page.conversions],
        next_cursor=page.next_cursor,
        truncated=page.truncated,
    )


@router.post(
    "/api/admin/conversions",
    tags=["admin"],
    summary="Record an offline sale (phone, chat, concierge, inside sales) by reference code or partner code",
)
def record_offline_sale(body: OfflineSaleIn) -> RecordedSaleOut:
    operator = web.admin()
    recorded = conversion_actions.record_offline_sale(body, by=operator.email)
    return RecordedSaleOut(repeat=recorded.repeat, conversion=_conversion_out(recorded.conversion))


@router.post(
    "/api/admin/conversions/decisions",
    tags=["admin"],
    summary="Approve or reject a page of conversions at once; each changes only if it still has from_status",
)
def decide_page(body: PageDecisionIn, program: ProgramId = None) -> PageDecisionOut:
    operator = web.admin()
    chosen = actions.program(program)
    done = conversion_actions.decide_page(body, program_id=chosen.program_id, by=operator.email)
    return PageDecisionOut(
        changed=len(done.changed),
        changed_ids=[c.conversion_id for c in done.changed],
        skipped=[SkippedOut(conversion_id=s.conversion_id, why=s.why) for s in done.skipped],
    )


def _conversion_out(conversion) -> AdminConversionOut:
    return admin_conversion_out(conversion, figures.partner_names([conversion.agent_id]))


@router.get("/api/admin/conversions/<conversion_id>", tags=["admin"], summary="One conversion with its history")
def get_conversion(conversion_id: ConversionId) -> AdminConversionOut:
    web.admin()
    return _conversion_out(figures.conversion(figures.conversion_id_from_path(conversion_id)))


@router.post(
    "/api/admin/conversions/<conversion_id>/status",
    tags=["admin"],
    summary="Approve, reject or reverse a conversion (reject and reverse need a reason)",
)
def change_conversion_status(conversion_id: ConversionId, body: ConversionStatusIn) -> AdminConversionOut:
    operator = web.admin()
    changed = figures.change_conversion_status(
        figures.conversion_id_from_path(conversion_id),
        body.status,
        by=operator.email,
        reason=body.reason,
        note=figures.clean_note(body.note),
    )
    return _conversion_out(changed)


@router.post(
    "/api/admin/conversions/<conversion_id>/reassign",
    tags=["admin"],
    summary="Credit a conversion to another partner; its commission is priced with that partner's rules",
)
def reassign_conversion(conversion_id: ConversionId, body: ReassignIn) -> AdminConversionOut:
    operator = web.admin()
    changed = conversion_actions.reassign(figures.conversion_id_from_path(conversion_id), body, by=operator.email)
    return _conversion_out(changed)


@router.get("/api/admin/reports/<month>", tags=["admin"], summary="The all-partners monthly report of a program")
def program_report(month: MonthPath, program: ProgramId = None) -> ProgramReportOut:
    web.admin()
    chosen = actions.program(program)
    found = figures.program_report(chosen.program_id, figures.checked_month(month))
    return program_report_out(chosen, found)


@router.get("/api/admin/partners/<agent_id>/reports/<month>", tags=["admin"], summary="A partner's monthly report")
def partner_report(agent_id: AgentId, month: MonthPath) -> PartnerReportOut:
    web.admin()
    agent = actions.partner(agent_id)
    program = actions.program(agent.program_id)
    found = figures.partner_report(program.program_id, agent.agent_id, figures.checked_month(month))
    return partner_report_out(program, found)


@router.post(
    "/api/admin/exports",
    status_code=201,
    tags=["admin"],
    summary="Export the all-partners report or a partner's statement as CSV; answers an expiring download link",
)
def create_export(body: AdminExportIn) -> ExportOut:
    web.admin()
    found = figures.export(
        figures.ADMIN_REQUESTER,
        program_id=body.program or actions.default_program_id(),
        month=body.month,
        agent_id=body.agent_id,
        expires_in=body.expires_in,
    )
    return ExportOut(**found.as_dict())
