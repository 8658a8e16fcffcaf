"""The partner portal's report pages: the monthly commission report and the CSV statement.

The CSV is written to the exports bucket by waymark.reporting.exports.request_export and the answer is a
page with its expiring download link, not a redirect: the pages' CSP (`form-action 'self'`)
stops a browser from following a form's redirect to another origin (the bucket), and the
page says how long the link works.
"""

from typing import Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from waymark import web, wording
from waymark.core import times
from waymark.models import Agent, Program
from waymark.portal.params import Cursor, MonthPath, PickedMonth
from waymark.portal.reports import figures
from waymark.reporting import exports, reads

router = Router()

PICKER_MONTHS = 24


def render(template: str, status: int = 200, /, **context: Any) -> Response[str]:
    """web.render with what the report macros use: exact money, month names."""
    return web.render(template, status, money=reads.money, month_label=figures.month_label, **context)


def picked_month(month: str | None) -> str:
    """The month picker's choice (a form field, so surrounding spaces are forgiven); None is this month."""
    return figures.checked_month(month.strip() if month and month.strip() else None)


@router.get("/portal/reports")
def reports_home(month: PickedMonth = None) -> Response[str]:
    web.partner()
    return web.redirect(f"/portal/reports/{picked_month(month)}")


@router.get("/portal/reports/<month>")
def month_report(month: MonthPath, sub_cursor: Cursor = None, cursor: Cursor = None) -> Response[str]:
    me = web.partner()
    month = figures.checked_month(month)
    return render(
        "portal/report.html",
        **report_context(me.agent, me.program, month, sub_cursor, cursor, base=f"/portal/reports/{month}"),
        heading=f"Commission report: {figures.month_label(month)}",
        picker_action="/portal/reports",
        export_action="/portal/exports",
        export_fields={},
        conversion_href=None,
        back_url=None,
    )


def report_context(
    agent: Agent, program: Program, month: str, sub_cursor: str | None, cursor: str | None, *, base: str
) -> dict[str, Any]:
    """What portal/report.html shows of a partner's month (for the partner, or an operator at `base`)."""
    found = figures.partner_report(program.program_id, agent.agent_id, month, sub_cursor)
    conversions = figures.partner_conversions(agent.agent_id, month, cursor)
    return {
        "partner_name": agent.name,
        "report": found,
        "currency": program.currency,
        "months": figures.recent_months(count=PICKER_MONTHS),
        "picker_extra": {},
        "conversions": conversions,
        "sub_ids_next": page_url(base, "sub_cursor", found.sub_ids.next_cursor, "sub-ids"),
        "conversions_next": page_url(base, "cursor", conversions.next_cursor, "conversions"),
    }


def page_url(base: str, name: str, cursor: str | None, anchor: str, **query: str | None) -> str | None:
    """The next page's address (None when there is none), other parameters kept."""
    if not cursor:
        return None
    kept = {k: v for k, v in query.items() if v}
    return f"{base}?{urlencode({**kept, name: cursor})}#{anchor}"


@router.post("/portal/exports")
def export_statement() -> Response[str]:
    me = web.partner()
    month = figures.checked_month(required_month(web.form()))
    found = figures.export(
        figures.partner_requester(me), program_id=me.program.program_id, month=month, agent_id=me.agent.agent_id
    )
    return export_page(found, f"Your statement for {figures.month_label(month)}", f"/portal/reports/{month}")


def required_month(form: dict[str, str]) -> str:
    month = form.get("month", "").strip()
    if not month:
        raise web.BadRequest(wording.CHOOSE_MONTH())
    return month


def export_page(found: exports.Export, what: str, back_url: str) -> Response[str]:
    return render(
        "reports/export.html",
        what=what,
        export=found,
        filename=found.key.replace("/", "-"),
        expires=times.iso(found.expires_at),
        back_url=back_url,
    )
