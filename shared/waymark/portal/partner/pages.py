"""The partner portal's pages (/portal): dashboard, links with snippets and QR codes, profile and email choices."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import ValidationError

from waymark import web, wording
from waymark.core import times
from waymark.models import Agent, Link, Program, as_dict
from waymark.partners import snippets
from waymark.partners.emails import TOPIC_LABELS
from waymark.partners.management import PROFILE_FIELDS
from waymark.partners.vocabulary import LinkStatus
from waymark.portal import actions
from waymark.portal.account.pages import safe_next
from waymark.portal.params import Cursor, LinkCode, SubId
from waymark.portal.partner import qr
from waymark.portal.partner.views import email_choices_out, link_out, partner_out
from waymark.portal.reports import figures
from waymark.portal.reports.pages import render
from waymark.portal.schemas import CommissionRuleOut, LinkCreate, LinkStatusChange, ProfileUpdate, TimeZoneChoice
from waymark.programs import time_zones
from waymark.web.app import policy_with_images

router = Router()


@router.get("/portal")
def dashboard() -> Response[str]:
    me = web.partner()
    return render(
        "portal/dashboard.html",
        figures=figures.dashboard(me.program.program_id, me.agent.agent_id, me.agent.created_at),
        partner=partner_out(me.agent, me.program, web.base_url()),
        program=me.program,
        program_rules=[CommissionRuleOut(**as_dict(rule)) for rule in me.program.commission_rules or []],
    )


def _links_page(cursor: str | None, *, values: dict, errors: dict, status: int = 200) -> Response[str]:
    me = web.partner()
    found, next_cursor = actions.links_page(me.agent.agent_id, cursor)
    base = web.base_url()
    return render(
        "portal/links.html",
        status,
        links=[link_out(link, me.program, base) for link in found],
        stats=figures.link_totals(me.agent.agent_id),
        currency=me.program.currency,
        next_url=f"/portal/links?cursor={next_cursor}" if next_cursor else None,
        values=values,
        errors=errors,
    )


@router.get("/portal/links")
def links(cursor: Cursor = None) -> Response[str]:
    return _links_page(cursor, values={}, errors={})


def link_from_form(agent: Agent, program: Program) -> tuple[Link | None, dict[str, str], dict[str, str]]:
    """Create a link from the posted link form: (the link or None, the values sent, errors by field)."""
    form = web.form()
    values = {"destination": form.get("destination", ""), "name": form.get("name", "")}
    try:
        link = actions.create_link(agent, program, LinkCreate(**{k: v or None for k, v in values.items()}))
    except ValidationError as error:
        return None, values, web.field_errors(error)
    except web.BadRequest as error:
        return None, values, {"destination": error.message}
    return link, values, {}


@router.post("/portal/links")
def create_link() -> Response[str]:
    me = web.partner()
    link, values, errors = link_from_form(me.agent, me.program)
    if link is None:
        return _links_page(None, values=values, errors=errors, status=400)
    return web.redirect(f"/portal/links/{link.code}")


@router.get("/portal/links/<code>")
def link(code: LinkCode) -> Response[str]:
    me = web.partner()
    found = actions.link(code, owner=me.agent.agent_id)
    images = snippets.banners(me.program)
    page = render(
        "portal/link.html",
        link=link_out(found, me.program, web.base_url()),
        banner_images=images,
        program_name=me.program.name,
        figures=figures.link_figures(me.agent.agent_id, found.code),
        currency=me.program.currency,
        status_action=f"/portal/links/{found.code}/status",
        back_url="/portal/links",
    )
    # The banners' previews load from the merchant's image hosts, and from no other.
    page.headers["Content-Security-Policy"] = policy_with_images(snippets.image_origins(images))
    return page


@router.get("/portal/links/<code>/qr.svg")
def link_qr_svg(code: LinkCode, sub1: SubId = None, source: SubId = None) -> Response[str]:
    return qr.answer(code, {"sub1": sub1, "source": source}, "svg")


@router.get("/portal/links/<code>/qr.png")
def link_qr_png(code: LinkCode, sub1: SubId = None, source: SubId = None) -> Response[str]:
    return qr.answer(code, {"sub1": sub1, "source": source}, "png")


def status_change() -> LinkStatusChange:
    """The pause/resume form's wanted status (shared by partner and admin pages)."""
    try:
        return LinkStatusChange(status=web.form().get("status", ""))  # type: ignore[arg-type]
    except ValidationError as error:
        raise web.BadRequest(wording.LINK_STATUS(choices=" or ".join(LinkStatus))) from error


@router.post("/portal/links/<code>/status")
def link_status(code: LinkCode) -> Response[str]:
    me = web.partner()
    actions.set_link_status(code, status_change().status, owner=me.agent.agent_id)
    return web.redirect(safe_next(web.form().get("back")) or f"/portal/links/{code}")


def _profile_page(
    *,
    values: dict,
    errors: dict,
    saved: str | None = None,
    status: int = 200,
    email_error: str | None = None,
    zone_error: str | None = None,
) -> Response[str]:
    me = web.partner()
    return web.render(
        "portal/profile.html",
        status,
        partner=partner_out(me.agent, me.program, web.base_url()),
        program=me.program,
        values=values,
        errors=errors,
        saved=saved,
        emails=email_choices_out(me.agent, me.program),
        email_error=email_error,
        partner_zone=me.agent.time_zone,
        zones=times.zone_choices(),
        zone_error=zone_error,
    )


@router.get("/portal/profile")
def profile(done: Annotated[Literal["saved", "emails", "time-zone"] | None, Query()] = None) -> Response[str]:
    me = web.partner()
    return _profile_page(values={"name": me.agent.name, "website": me.agent.website}, errors={}, saved=done)


@router.post("/portal/profile/emails")
def save_email_choices() -> Response[str]:
    """The language of the partner's emails and the optional ones it gets (a box ticked: it gets them)."""
    me = web.partner()
    form = web.form()
    turned_off = {topic for topic in TOPIC_LABELS if form.get(f"receive-{topic}") != "yes"}
    try:
        actions.set_email_choices(me.agent, me.program, lang=form.get("lang") or None, turned_off=turned_off)
    except web.BadRequest as error:
        values = {"name": me.agent.name, "website": me.agent.website}
        return _profile_page(values=values, errors={}, status=400, email_error=error.message)
    return web.redirect("/portal/profile?done=emails")


@router.post("/portal/profile/time-zone")
def save_time_zone() -> Response[str]:
    """The zone the partner's pages show times in (empty: its browser's)."""
    me = web.partner()
    try:
        choice = TimeZoneChoice(time_zone=web.form().get("time_zone") or None)
    except ValidationError as error:
        values = {"name": me.agent.name, "website": me.agent.website}
        return _profile_page(values=values, errors={}, status=400, zone_error=web.field_errors(error)["time_zone"])
    time_zones.set_for_partner(me.agent, choice.time_zone, by=me.principal.email)
    return web.redirect("/portal/profile?done=time-zone")


@router.post("/portal/profile")
def save_profile() -> Response[str]:
    me = web.partner()
    form = web.form()
    values = {name: form.get(name, "") for name in PROFILE_FIELDS}
    try:
        changes = ProfileUpdate(name=values["name"], website=values["website"] or None).changes()
    except ValidationError as error:
        return _profile_page(values=values, errors=web.field_errors(error), status=400)
    actions.update_partner(me.agent.agent_id, changes, allowed=PROFILE_FIELDS)
    return web.redirect("/portal/profile?done=saved")
