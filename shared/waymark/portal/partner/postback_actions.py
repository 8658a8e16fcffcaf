"""The partner postback actions the page and the JSON API share, with domain refusals as 400s."""

from waymark import web, wording
from waymark.models import Agent
from waymark.partner_postbacks import log, settings
from waymark.portal.partner.postback_schemas import PartnerPostbackIn, PartnerPostbackOut


def current(agent: Agent, secret: str | None = None) -> PartnerPostbackOut:
    found = settings.get(agent.agent_id)
    return PartnerPostbackOut.of(found, log.newest(agent.agent_id) if found else [], secret)


def save(agent: Agent, body: PartnerPostbackIn) -> PartnerPostbackOut:
    try:
        _, secret = settings.save(agent, body.url_template, list(body.events))
    except settings.InvalidSettings as error:
        raise web.BadRequest(wording.URL_TEMPLATE_PROBLEM(error=error.args[0] if error.args else "")) from error
    return current(agent, secret)


def rotate(agent: Agent) -> PartnerPostbackOut:
    try:
        _, secret = settings.rotate_secret(agent)
    except settings.InvalidSettings as error:
        raise web.BadRequest(str(error)) from error
    return current(agent, secret)


def send_test(agent: Agent) -> None:
    try:
        settings.queue_test(agent)
    except settings.InvalidSettings as error:
        raise web.BadRequest(str(error)) from error
