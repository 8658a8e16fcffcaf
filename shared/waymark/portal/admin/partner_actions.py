"""The console's partner domain calls (by hand, decline, delete, personal data) with their refusals as HTTP errors."""

from typing import Any

from waymark import web, wording
from waymark.models import Agent
from waymark.partners import applicants, mailer, management, personal_data
from waymark.portal import actions
from waymark.portal.admin.partner_schemas import PartnerCreate
from waymark.remarketing import erasure


def by() -> str:
    return web.admin().email


def create(body: PartnerCreate) -> Agent:
    program = actions.program(body.program_id)
    try:
        return applicants.create_by_hand(
            program,
            name=body.name,
            partner_type=body.partner_type,
            email=body.email,
            website=body.website,
            login=body.login,
            by=by(),
        )
    except applicants.EmailTaken as error:
        raise web.Conflict(str(error)) from error


def change_status(agent_id: str, action: str, note: str | None = None) -> Agent:
    try:
        agent = management.change_status(agent_id, action, by=by(), note=note)
    except management.PartnerNotFound as error:
        raise web.NotFound(wording.NO_SUCH_PARTNER()) from error
    except management.StatusConflict as error:
        raise web.Conflict(str(error)) from error
    if action == "decline":
        # Approvals reach partners as partner.approved events; a decline is no bus event, so its email is queued here.
        mailer.queue_declined(agent)
    return agent


def delete(agent_id: str) -> Agent:
    try:
        return applicants.delete_applicant(agent_id, by=by())
    except management.PartnerNotFound as error:
        raise web.NotFound(wording.NO_SUCH_PARTNER()) from error
    except applicants.NotDeletable as error:
        raise web.Conflict(str(error)) from error


def export(agent_id: str) -> dict[str, Any]:
    try:
        return personal_data.export(agent_id, by=by())
    except management.PartnerNotFound as error:
        raise web.NotFound(wording.NO_SUCH_PARTNER()) from error


def erase(agent_id: str) -> Agent:
    try:
        return personal_data.erase(agent_id, by=by())
    except management.PartnerNotFound as error:
        raise web.NotFound(wording.NO_SUCH_PARTNER()) from error
    except personal_data.AlreadyErased as error:
        raise web.Conflict(str(error)) from error


def erase_customer(email: str, program_id: str | None) -> None:
    erasure.request_erasure(email, program_id=actions.program(program_id).program_id, by=by())
