"""The coupon code domain calls as the console's pages and JSON API make them, with refusals as HTTP errors."""

from datetime import date

from waymark import web, wording
from waymark.conversions import coupons
from waymark.conversions.attribution import CouponState
from waymark.core.times import utcnow
from waymark.models import Coupon, Program
from waymark.portal.admin.coupon_schemas import CouponCreate, CouponList, CouponOut


def by() -> str:
    return web.admin().email


def coupon_out(coupon: Coupon, today: date | None = None) -> CouponOut:
    credit = coupons.credit_of(coupon.program_id, coupon.code, today or utcnow().date())
    return CouponOut(
        code=coupon.code,
        program_id=coupon.program_id,
        agent_id=coupon.agent_id,
        status=coupon.status,
        expires_on=date.fromisoformat(coupon.expires_on) if coupon.expires_on else None,
        note=coupon.note,
        credits_today=credit.state == CouponState.ACTIVE,
        created_at=coupon.created_at,
        updated_at=coupon.updated_at,
    )


def coupon_list(program: Program) -> CouponList:
    return CouponList(
        program_id=program.program_id,
        coupon_precedence=coupons.precedence_of(program),
        coupons=[coupon_out(found) for found in coupons.coupons_of(program.program_id)],
    )


def create(program: Program, body: CouponCreate) -> Coupon:
    try:
        return coupons.create_coupon(
            program.program_id, body.code, agent_id=body.agent_id, expires_on=body.expires_on, note=body.note, by=by()
        )
    except coupons.CouponTaken as error:
        raise web.Conflict(str(error)) from error
    except coupons.CouponRefused as error:
        raise web.BadRequest(str(error)) from error


def update(program: Program, code: str, changes: dict) -> Coupon:
    try:
        return coupons.update_coupon(program.program_id, code, changes, by=by())
    except coupons.CouponNotFound as error:
        raise web.NotFound(wording.NO_SUCH_COUPON(code=code)) from error
    except coupons.CouponRefused as error:
        raise web.BadRequest(str(error)) from error


def delete(program: Program, code: str) -> None:
    try:
        coupons.delete_coupon(program.program_id, code, by=by())
    except coupons.CouponNotFound as error:
        raise web.NotFound(wording.NO_SUCH_COUPON(code=code)) from error
