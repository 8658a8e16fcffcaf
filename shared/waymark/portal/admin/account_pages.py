"""The operator's own account page (/admin/account): its login and the time zone its pages show times in."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import ValidationError

from waymark import web
from waymark.core import times
from waymark.portal import actions
from waymark.portal.params import ProgramId
from waymark.portal.schemas import TimeZoneChoice
from waymark.programs import time_zones

router = Router()


def _account_page(*, saved: bool = False, error: str | None = None, status: int = 200) -> Response[str]:
    me = web.admin()
    chosen = time_zones.of_operator(me.principal.sub)
    return web.render("admin/account.html", status, saved=saved, chosen=chosen, zones=times.zone_choices(), error=error)


@router.get("/admin/account")
def account(done: Annotated[Literal["time-zone"] | None, Query()] = None) -> Response[str]:
    return _account_page(saved=done == "time-zone")


@router.post("/admin/account/time-zone")
def save_time_zone(program: ProgramId = None) -> Response[str]:
    """The operator's zone (empty: its browser's), recorded in the change record of the console's program."""
    me = web.admin()
    try:
        choice = TimeZoneChoice(time_zone=web.form().get("time_zone") or None)
    except ValidationError as error:
        return _account_page(error=web.field_errors(error)["time_zone"], status=400)
    program_id = actions.program(program).program_id
    time_zones.set_for_operator(me.principal.sub, me.email, choice.time_zone, program_id=program_id)
    return web.redirect("/admin/account?done=time-zone")
