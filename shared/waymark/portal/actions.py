"""What pages and the JSON API both do, with domain errors turned into HTTP ones.

Routers stay thin: parse, call one of these, shape. A page catches web.BadRequest to show
the form again with the message; the API lets it become a JSON 400.
"""

import os

from waymark import catalog, web, wording
from waymark.click.destinations import UnsafeDestination
from waymark.models import Agent, Link, Program
from waymark.partners import links, management
from waymark.partners.vocabulary import PartnerStatus
from waymark.portal.schemas import LinkCreate

PAGE_SIZE = 50


def default_program_id() -> str:
    """The program signup and the admin console use when the request names none (DEFAULT_PROGRAM)."""
    return os.environ.get("DEFAULT_PROGRAM", "")


def program(program_id: str | None) -> Program:
    wanted = program_id or default_program_id()
    found = catalog.program(wanted) if wanted and len(wanted) <= 64 else None
    if found is None:
        raise web.NotFound(wording.NO_SUCH_PROGRAM(program_id=wanted) if wanted else wording.NO_PROGRAM_CHOSEN())
    return found


def create_link(agent: Agent, program: Program, body: LinkCreate) -> Link:
    try:
        return links.create_link(
            agent, program, destination=body.destination, name=body.name, sub_defaults=body.sub_defaults
        )
    except (UnsafeDestination, links.LinkRejected) as error:
        raise web.BadRequest(str(error)) from error


def set_link_status(code: str, status: str, *, owner: str | None) -> Link:
    try:
        return links.set_link_status(code, status, owner=owner)
    except links.LinkNotFound as error:
        raise web.NotFound(wording.NO_SUCH_LINK()) from error
    except links.LinkRejected as error:
        raise web.BadRequest(str(error)) from error


def link(code: str, *, owner: str | None) -> Link:
    try:
        return links.owned_link(code, owner)
    except links.LinkNotFound as error:
        raise web.NotFound(wording.NO_SUCH_LINK()) from error


def links_page(agent_id: str, cursor: str | None) -> tuple[list[Link], str | None]:
    scope = f"links:{agent_id}"
    page = links.links_of(agent_id, after=web.decode_cursor(cursor, scope), limit=PAGE_SIZE)
    return page.links, web.encode_cursor(page.last_key, scope)


def partner(agent_id: str) -> Agent:
    try:
        return management.get_partner(agent_id)
    except management.PartnerNotFound as error:
        raise web.NotFound(wording.NO_SUCH_PARTNER()) from error


def update_partner(agent_id: str, changes: dict, *, allowed: tuple[str, ...]) -> Agent:
    try:
        return management.update_partner(agent_id, changes, allowed=allowed)
    except management.PartnerNotFound as error:
        raise web.NotFound(wording.NO_SUCH_PARTNER()) from error


def set_email_choices(agent: Agent, program: Program, *, lang: str | None, turned_off: set[str]) -> Agent:
    from waymark.partners import email_settings

    try:
        email_settings.set_choices(agent.agent_id, program, lang=lang, turned_off=turned_off)
    except email_settings.ChoicesRejected as error:
        raise web.BadRequest(str(error)) from error
    catalog.forget_agent(agent.agent_id)
    return management.get_partner(agent.agent_id)


def partners_page(program: Program, status: str | None, cursor: str | None) -> tuple[list[Agent], str | None]:
    if status is not None and status not in PartnerStatus:
        raise web.BadRequest(wording.ONE_OF(name="status", choices=", ".join(PartnerStatus)))
    scope = f"partners:{program.program_id}:{status or ''}"
    page = management.partners_of(
        program.program_id, status=status, after=web.decode_cursor(cursor, scope), limit=PAGE_SIZE
    )
    return page.partners, web.encode_cursor(page.last_key, scope)


def concierges(program: Program, query: str | None) -> list[Agent]:
    found = management.active_concierges(program.program_id)
    return management.search_by_name(found, query) if query else list(found)
