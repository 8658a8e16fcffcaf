"""JSON API for partners' figures: dashboard, link statistics, monthly reports, conversions, exports.

Only ever the calling partner's own figures: every read is keyed by the caller's agent id, links
are checked for ownership first, and page cursors are signed for the caller's month.
"""

from typing import Annotated

from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from waymark import web
from waymark.portal import actions
from waymark.portal.params import Cursor, LinkCode, MonthPath
from waymark.portal.reports import figures
from waymark.portal.reports.schemas import (
    ConversionOut,
    ConversionPageOut,
    DashboardOut,
    ExportOut,
    LinkStatsOut,
    PartnerExportIn,
    PartnerReportOut,
    SubIdPageOut,
)
from waymark.portal.reports.views import dashboard_out, days_out, partner_report_out, sub_ids_out
from waymark.portal.schemas import CountersOut

router = Router()


@router.get("/api/dashboard", tags=["reports"], summary="This month, the last 12 months and the last 30 days")
def dashboard() -> DashboardOut:
    me = web.partner()
    found = figures.dashboard(me.program.program_id, me.agent.agent_id, me.agent.created_at)
    return dashboard_out(me.program, me.agent.agent_id, found)


@router.get("/api/links/<code>/stats", tags=["reports"], summary="One of the caller's links: totals and daily figures")
def link_stats(
    code: LinkCode, days: Annotated[int, Query(ge=1, le=400, description="Days up to today (UTC)")] = 30
) -> LinkStatsOut:
    me = web.partner()
    link = actions.link(code, owner=me.agent.agent_id)
    found = figures.link_figures(me.agent.agent_id, link.code, days)
    return LinkStatsOut(code=link.code, name=link.name, totals=CountersOut.of(found.totals), days=days_out(found.days))


@router.get("/api/reports/<month>", tags=["reports"], summary="The caller's monthly commission report")
def month_report(month: MonthPath) -> PartnerReportOut:
    me = web.partner()
    found = figures.partner_report(me.program.program_id, me.agent.agent_id, figures.checked_month(month))
    return partner_report_out(me.program, found)


@router.get("/api/reports/<month>/sub-ids", tags=["reports"], summary="The caller's month by sub-ID, page by page")
def month_sub_ids(month: MonthPath, cursor: Cursor = None) -> SubIdPageOut:
    me = web.partner()
    page = figures.sub_id_page(me.agent.agent_id, figures.checked_month(month), cursor)
    return SubIdPageOut(month=month, sub_ids=sub_ids_out(page.rows), next_cursor=page.next_cursor)


@router.get("/api/reports/<month>/conversions", tags=["reports"], summary="The caller's conversions of a month")
def month_conversions(month: MonthPath, cursor: Cursor = None) -> ConversionPageOut:
    me = web.partner()
    page = figures.partner_conversions(me.agent.agent_id, figures.checked_month(month), cursor)
    return ConversionPageOut(
        month=month, conversions=[ConversionOut.of(c) for c in page.conversions], next_cursor=page.next_cursor
    )


@router.post(
    "/api/exports",
    status_code=201,
    tags=["reports"],
    summary="Export the caller's monthly statement as CSV; answers an expiring download link",
)
def create_export(body: PartnerExportIn) -> ExportOut:
    me = web.partner()
    found = figures.export(
        figures.partner_requester(me),
        program_id=body.program or me.program.program_id,
        month=body.month,
        agent_id=body.agent_id or me.agent.agent_id,
        expires_in=body.expires_in,
    )
    return ExportOut(**found.as_dict())
