"""JSON API for the exchange rate table (/api/admin/rates): sales in another currency convert with it."""

from datetime import date

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from waymark import web, wording
from waymark.portal import actions
from waymark.portal.admin import rate_actions
from waymark.portal.admin.rate_schemas import RatesIn, RatesOut, RateTable
from waymark.portal.params import ProgramId, RateDay

router = Router()

TAGS = ["admin: exchange rates"]


@router.get("/api/admin/rates", tags=TAGS, summary="The last days' exchange rates, the operator's and the ECB's")
def get_rates() -> RateTable:
    web.admin()
    return rate_actions.table()


@router.put(
    "/api/admin/rates",
    tags=TAGS,
    summary="Set the operator's rates of a day (they replace its earlier ones); in the program's change record",
)
def put_rates(body: RatesIn, program: ProgramId = None) -> RatesOut:
    web.admin()
    return rate_actions.put(actions.program(program), body)


@router.delete(
    "/api/admin/rates/<day>",
    tags=TAGS,
    summary="Remove the operator's rates of a day (the ECB's stay); in the program's change record",
    responses={204: {"description": "Removed (or there were none)"}},
)
def delete_rates(day: RateDay, program: ProgramId = None) -> Response[None]:
    web.admin()
    try:
        chosen = date.fromisoformat(day)
    except ValueError:
        raise web.BadRequest(wording.NO_DATE(day=day)) from None
    rate_actions.remove(actions.program(program), chosen)
    return Response(status_code=204, body="")
