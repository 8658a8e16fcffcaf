"""The console's coupon codes page (/admin/coupons): the program's codes, a new code, pause, resume,
last day, remove. The same as JSON is waymark.portal.admin.coupon_api."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import ValidationError

from waymark import web
from waymark.models import Program
from waymark.portal import actions
from waymark.portal.admin import coupon_actions
from waymark.portal.admin.coupon_schemas import CouponCreate, CouponPatch
from waymark.portal.params import CouponCode, ProgramId

router = Router()

NOTICES = {
    "created": "The coupon code is given to the partner.",
    "saved": "Saved.",
    "removed": "The coupon code is removed.",
}
Done = Annotated[Literal[tuple(NOTICES)] | None, Query()]  # type: ignore[valid-type]
LABELS = {"code": "Code", "agent_id": "Partner code", "expires_on": "Last day", "note": "Note", "status": "Status"}


def _page(program: Program, *, status=200, values=None, errors=None, notice=None) -> Response[str]:
    return web.render(
        "admin/coupons.html",
        status,
        program=program,
        listed=coupon_actions.coupon_list(program),
        values=values or {},
        errors=errors or {},
        notice=NOTICES.get(notice or ""),
    )


def _errors(error: ValidationError) -> dict[str, str]:
    return {name: f"{LABELS.get(name, name)}: {message}" for name, message in web.field_errors(error).items()}


@router.get("/admin/coupons")
def coupons_page(program: ProgramId = None, done: Done = None) -> Response[str]:
    web.admin()
    return _page(actions.program(program), notice=done)


@router.post("/admin/coupons")
def create_coupon(program: ProgramId = None) -> Response[str]:
    web.admin()
    chosen = actions.program(program)
    form = web.form()
    values = {name: form.get(name, "").strip() for name in ("code", "agent_id", "expires_on", "note")}
    try:
        body = CouponCreate.model_validate({k: v for k, v in values.items() if v})
    except ValidationError as error:
        return _page(chosen, status=400, values=values, errors=_errors(error))
    try:
        coupon_actions.create(chosen, body)
    except (web.Conflict, web.BadRequest) as error:
        return _page(chosen, status=error.status, values=values, errors={"code": error.message})
    return web.redirect(f"/admin/coupons?program={chosen.program_id}&done=created")


@router.post("/admin/coupons/<code>")
def save_coupon(code: CouponCode, program: ProgramId = None) -> Response[str]:
    """One row's form: its status (pause, resume), last day (empty clears it) and note."""
    web.admin()
    chosen = actions.program(program)
    form = web.form()
    given = {
        "status": form.get("status", "").strip() or None,
        "expires_on": form.get("expires_on", "").strip() or None,
        "note": form.get("note", "").strip() or None,
    }
    try:
        body = CouponPatch.model_validate({k: v for k, v in given.items() if v is not None or k != "status"})
        coupon_actions.update(chosen, code, body.changes())
    except ValidationError as error:
        return _page(chosen, status=400, errors={f"{code}-{k}": v for k, v in _errors(error).items()})
    except web.BadRequest as error:
        return _page(chosen, status=400, errors={code: error.message})
    return web.redirect(f"/admin/coupons?program={chosen.program_id}&done=saved")


@router.post("/admin/coupons/<code>/remove")
def remove_coupon(code: CouponCode, program: ProgramId = None) -> Response[str]:
    web.admin()
    chosen = actions.program(program)
    coupon_actions.delete(chosen, code)
    return web.redirect(f"/admin/coupons?program={chosen.program_id}&done=removed")
