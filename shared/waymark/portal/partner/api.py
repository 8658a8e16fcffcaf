"""JSON API for partners: their profile and their links. Only ever the calling partner's own data."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from waymark import web
from waymark.partners.management import PROFILE_FIELDS
from waymark.portal import actions
from waymark.portal.params import Cursor, LinkCode, SubId
from waymark.portal.partner import qr
from waymark.portal.partner.views import email_choices_out, link_out, partner_out
from waymark.portal.reports import figures
from waymark.portal.schemas import (
    CountersOut,
    EmailChoices,
    EmailChoicesOut,
    LinkCreate,
    LinkList,
    LinkOut,
    LinkStatusChange,
    PartnerOut,
    ProfileUpdate,
    TimeZoneChoice,
    TimeZoneOut,
)
from waymark.programs import time_zones
from waymark.reporting.reads import ZERO

router = Router()


@router.get("/api/profile", tags=["partner"], summary="The calling partner's profile and links to share")
def get_profile() -> PartnerOut:
    me = web.partner()
    return partner_out(me.agent, me.program, web.base_url())


@router.patch("/api/profile", tags=["partner"], summary="Change the calling partner's name or website")
def patch_profile(body: ProfileUpdate) -> PartnerOut:
    me = web.partner()
    agent = actions.update_partner(me.agent.agent_id, body.changes(), allowed=PROFILE_FIELDS)
    return partner_out(agent, me.program, web.base_url())


@router.get(
    "/api/profile/emails", tags=["partner"], summary="The language of the calling partner's emails, and which it gets"
)
def get_email_choices() -> EmailChoicesOut:
    me = web.partner()
    return email_choices_out(me.agent, me.program)


@router.put(
    "/api/profile/emails", tags=["partner"], summary="Choose the language of your emails and the optional ones you get"
)
def put_email_choices(body: EmailChoices) -> EmailChoicesOut:
    me = web.partner()
    agent = actions.set_email_choices(me.agent, me.program, lang=body.lang, turned_off=set(body.turned_off))
    return email_choices_out(agent, me.program)


@router.get("/api/profile/time-zone", tags=["partner"], summary="The zone your pages show times in")
def get_time_zone() -> TimeZoneOut:
    return TimeZoneOut(time_zone=web.partner().agent.time_zone)


@router.put(
    "/api/profile/time-zone", tags=["partner"], summary="Choose the zone your pages show times in (null: the browser's)"
)
def put_time_zone(body: TimeZoneChoice) -> TimeZoneOut:
    me = web.partner()
    return TimeZoneOut(time_zone=time_zones.set_for_partner(me.agent, body.time_zone, by=me.principal.email))


@router.get("/api/links", tags=["partner"], summary="The calling partner's links, newest first, with their figures")
def list_links(cursor: Cursor = None) -> LinkList:
    me = web.partner()
    found, next_cursor = actions.links_page(me.agent.agent_id, cursor)
    listed = [link_out(link, me.program, web.base_url()) for link in found]
    stats = figures.link_totals(me.agent.agent_id)
    for row in listed:
        row.stats = CountersOut.of(stats.get(row.code, ZERO))
    return LinkList(links=listed, next_cursor=next_cursor)


@router.post("/api/links", status_code=201, tags=["partner"], summary="Create a tracking link to a merchant page")
def create_link(body: LinkCreate) -> LinkOut:
    me = web.partner()
    link = actions.create_link(me.agent, me.program, body)
    return link_out(link, me.program, web.base_url())


@router.get("/api/links/<code>", tags=["partner"], summary="One of the calling partner's links, with snippets")
def get_link(code: LinkCode) -> LinkOut:
    me = web.partner()
    return link_out(actions.link(code, owner=me.agent.agent_id), me.program, web.base_url())


@router.patch("/api/links/<code>", tags=["partner"], summary="Pause or resume one of the calling partner's links")
def patch_link(code: LinkCode, body: LinkStatusChange) -> LinkOut:
    me = web.partner()
    link = actions.set_link_status(code, body.status, owner=me.agent.agent_id)
    return link_out(link, me.program, web.base_url())


@router.get("/api/links/<code>/qr.svg", tags=["partner"], summary="QR code (SVG) of one of the partner's links")
def link_qr_svg(
    code: LinkCode,
    sub1: SubId = None,
    sub2: SubId = None,
    sub3: SubId = None,
    sub4: SubId = None,
    sub5: SubId = None,
    source: SubId = None,
) -> Response[str]:
    subs = {"sub1": sub1, "sub2": sub2, "sub3": sub3, "sub4": sub4, "sub5": sub5, "source": source}
    return qr.answer(code, subs, "svg")


@router.get("/api/links/<code>/qr.png", tags=["partner"], summary="QR code (PNG) of one of the partner's links")
def link_qr_png(
    code: LinkCode,
    sub1: SubId = None,
    sub2: SubId = None,
    sub3: SubId = None,
    sub4: SubId = None,
    sub5: SubId = None,
    source: SubId = None,
) -> Response[str]:
    subs = {"sub1": sub1, "sub2": sub2, "sub3": sub3, "sub4": sub4, "sub5": sub5, "source": source}
    return qr.answer(code, subs, "png")
