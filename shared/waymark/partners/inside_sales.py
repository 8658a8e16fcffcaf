"""Inside sales (IMS scenario B): an operator taking an order for a concierge opens the program's order
page from the inside-sales directory, and the sale is the concierge's, as an inside sale.

Opening the page writes a session like a click on the concierge's sales link would, marked with the
operator (`inside_sales_by`), and answers the order page's address with its click id. The mark keeps
the visit out of the concierge's traffic (the stats consumer counts no click for it) and makes the
sale that the merchant reports with that click id an `inside_sales` sale (waymark.conversions.recording).
Only operators can write such a session, so no visitor can move a partner's sale to another channel.
"""

from dataclasses import dataclass
from datetime import timedelta

from waymark import wording
from waymark.click.destinations import UnsafeDestination, add_tracking, allowed_domains, check_destination
from waymark.click.sessions import TTL_GRACE, SessionRecord, window_days
from waymark.core import aws, ids
from waymark.core.times import iso, utcnow
from waymark.models import Agent, Program, Session
from waymark.partners.vocabulary import PartnerStatus, PartnerType

SOURCE = "inside-sales"  # the session's `source`, beside a concierge's own sales link's `sales-link`
# No visitor's address belongs to the operator's visit, and unique-click counting never sees it.
NO_VISITOR = "inside-sales"


class NoOrderPage(ValueError):
    """The concierge cannot be booked for: not an active concierge, or the program has no order page."""


@dataclass(frozen=True)
class Visit:
    click_id: str
    url: str  # the order page with the click id: open it and place the order there


def open_order_page(agent: Agent, program: Program, *, by: str) -> Visit:
    """Write the operator's session for `agent` and answer where to place the order."""
    if agent.partner_type != PartnerType.CONCIERGE or agent.status != PartnerStatus.ACTIVE:
        raise NoOrderPage(wording.ORDER_ONLY_CONCIERGE())
    if not program.order_page_url:
        raise NoOrderPage(wording.ORDER_PAGE_MISSING())
    try:
        page = check_destination(
            program.order_page_url, allowed_domains(tuple(program.allowed_domains or ())), allow_http=program.allow_http
        )
    except UnsafeDestination as error:
        raise NoOrderPage(wording.ORDER_PAGE_UNOPENABLE(error=error.args[0] if error.args else str(error))) from None
    now = utcnow()
    click_id = ids.new_click_id(int(now.timestamp() * 1000))
    expires = now + timedelta(days=window_days(program.attribution_window_days, agent.attribution_window_days))
    session = SessionRecord(
        click_id=click_id,
        ref_code=ids.ref_code(click_id),
        agent_id=agent.agent_id,
        link_code=agent.agent_id,  # the concierge's default link, as its sales link would be
        program_id=program.program_id,
        destination=add_tracking(page, macros={"click_id": click_id}, click_param=program.click_param, passthrough={}),
        ip_hash=NO_VISITOR,
        source=SOURCE,
        created_at=iso(now),
        expires_at=int(expires.timestamp()),
        ttl=int((expires + TTL_GRACE).timestamp()),
    )
    item = session.to_item() | {"inside_sales_by": {"S": by}}
    aws.client("dynamodb").put_item(
        TableName=Session.Meta.table_name,
        Item=item,
        ConditionExpression="attribute_not_exists(click_id)",  # click ids are unique: never overwrite a visit
    )
    return Visit(session.click_id, session.destination)
