"""The console's conversion corrections for pages and the JSON API alike, with domain refusals as
HTTP errors: record an offline sale, reassign a sale to another partner, decide a page at once,
and open a concierge's order page from the inside-sales directory."""

from waymark import catalog, web, wording
from waymark.conversions import advertisers, offline_sales, reassignment, status_changes
from waymark.conversions.offline_sales import OfflineSale
from waymark.conversions.recording import Recorded
from waymark.models import Conversion
from waymark.partners import inside_sales
from waymark.portal.reports.schemas import OfflineSaleIn, PageDecisionIn, ReassignIn


def record_offline_sale(body: OfflineSaleIn, *, by: str) -> Recorded:
    try:
        advertiser = advertisers.get_advertiser(body.advertiser_id)
    except advertisers.AdvertiserNotFound:
        raise web.BadRequest(wording.CHOOSE_ADVERTISER()) from None
    sale = OfflineSale(
        order_id=body.order_id,
        amount=body.amount,
        currency=body.currency,
        channel=body.channel,
        ref_code=body.ref_code,
        agent=body.agent,
        status=body.status,
    )
    try:
        recorded = offline_sales.record_offline(sale, advertiser, by=by)
    except offline_sales.SaleRefused as error:
        raise web.BadRequest(str(error)) from error
    if recorded.repeat and not recorded.same_sale:
        raise web.Conflict(wording.OFFLINE_ORDER_RECORDED(order_id=body.order_id))
    return recorded


def reassign(conversion_id: str, body: ReassignIn, *, by: str) -> Conversion:
    try:
        return reassignment.reassign(conversion_id, body.agent_id, by=by, note=body.note)
    except reassignment.ConversionNotFound:
        raise web.NotFound(wording.NO_SUCH_CONVERSION()) from None
    except reassignment.DecisionIncomplete as error:
        raise web.BadRequest(str(error)) from error
    except reassignment.TransitionRefused as error:
        raise web.Conflict(str(error)) from error


def decide_page(body: PageDecisionIn, *, program_id: str, by: str) -> status_changes.Decided:
    try:
        return status_changes.decide_many(
            body.conversion_ids,
            body.status,
            expected=body.from_status,
            program_id=program_id,
            by=by,
            reason=body.reason,
            note=(body.note or "").strip() or None,
        )
    except status_changes.DecisionIncomplete as error:
        raise web.BadRequest(str(error)) from error


def inside_sales_visit(agent_id: str, *, by: str) -> inside_sales.Visit:
    agent = catalog.agent(agent_id)
    program = catalog.program(agent.program_id) if agent else None
    if agent is None or program is None:
        raise web.NotFound(wording.NO_SUCH_PARTNER())
    try:
        return inside_sales.open_order_page(agent, program, by=by)
    except inside_sales.NoOrderPage as error:
        raise web.Conflict(str(error)) from error
