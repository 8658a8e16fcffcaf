"""JSON API for the operator's own account (/api/admin/account): the time zone its pages show times in."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from waymark import web
from waymark.portal import actions
from waymark.portal.params import ProgramId
from waymark.portal.schemas import TimeZoneChoice, TimeZoneOut
from waymark.programs import time_zones

router = Router()


@router.get("/api/admin/account/time-zone", tags=["admin"], summary="The zone your console pages show times in")
def get_time_zone() -> TimeZoneOut:
    return TimeZoneOut(time_zone=time_zones.of_operator(web.admin().principal.sub))


@router.put(
    "/api/admin/account/time-zone",
    tags=["admin"],
    summary="Choose the zone your console pages show times in (null: your browser's); change-recorded",
)
def put_time_zone(body: TimeZoneChoice, program: ProgramId = None) -> TimeZoneOut:
    me = web.admin()
    program_id = actions.program(program).program_id
    zone = time_zones.set_for_operator(me.principal.sub, me.email, body.time_zone, program_id=program_id)
    return TimeZoneOut(time_zone=zone)
