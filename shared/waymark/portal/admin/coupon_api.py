"""JSON API for coupon codes (paths under /api/admin/coupons): list, assign, pause, resume, expire, remove."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from waymark import web
from waymark.portal import actions
from waymark.portal.admin import coupon_actions
from waymark.portal.admin.coupon_schemas import CouponCreate, CouponList, CouponOut, CouponPatch
from waymark.portal.params import CouponCode, ProgramId

router = Router()

TAGS = ["admin: coupons"]


@router.get("/api/admin/coupons", tags=TAGS, summary="A program's coupon codes and its click-or-coupon precedence")
def list_coupons(program: ProgramId = None) -> CouponList:
    web.admin()
    return coupon_actions.coupon_list(actions.program(program))


@router.post(
    "/api/admin/coupons",
    status_code=201,
    tags=TAGS,
    summary="Give a partner a coupon code (409 if the program has the code, in any case)",
)
def create_coupon(body: CouponCreate, program: ProgramId = None) -> CouponOut:
    web.admin()
    return coupon_actions.coupon_out(coupon_actions.create(actions.program(program), body))


@router.patch(
    "/api/admin/coupons/<code>",
    tags=TAGS,
    summary="Pause or resume a code, set or clear its last day, give it to another partner, or change its note",
)
def patch_coupon(code: CouponCode, body: CouponPatch, program: ProgramId = None) -> CouponOut:
    web.admin()
    try:
        changes = body.changes()
    except ValueError as error:
        raise web.BadRequest(str(error)) from error
    return coupon_actions.coupon_out(coupon_actions.update(actions.program(program), code, changes))


@router.delete(
    "/api/admin/coupons/<code>",
    tags=TAGS,
    summary="Remove a code (its recorded sales keep it); the code may then be given again",
    responses={204: {"description": "Removed"}},
)
def delete_coupon(code: CouponCode, program: ProgramId = None) -> Response[None]:
    web.admin()
    coupon_actions.delete(actions.program(program), code)
    return Response(status_code=204, body="")
