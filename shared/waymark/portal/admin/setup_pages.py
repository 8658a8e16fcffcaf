"""The console's set-up pages (/admin/...): programs and their commission rules, advertisers and their
credentials, operators, and the change record.

Credentials are shown on the page that answers the form making them (never in a URL, never again).
"""

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import ValidationError

from waymark import web
from waymark.conversions import advertisers
from waymark.conversions.advertisers import MAX_GRACE_HOURS
from waymark.conversions.vocabulary import Channel, CouponPrecedence
from waymark.models import Program
from waymark.portal import actions
from waymark.portal.admin import setup_actions
from waymark.portal.admin.pages import posted_rules
from waymark.portal.admin.setup_schemas import (
    MAX_BANNERS,
    AdvertiserCreate,
    AdvertiserUpdate,
    OperatorInvite,
    ProgramCreate,
    ProgramSettings,
    Rotation,
)
from waymark.portal.params import AdvertiserId, Cursor, OperatorUsername, ProgramId, ProgramPath
from waymark.portal.schemas import MAX_COMMISSION_RULES
from waymark.programs import operators, settings

router = Router()

NOTICES = {
    "created": "The program is created.",
    "saved": "Saved.",
    "invited": "The invitation is sent: Cognito emailed a temporary password, to be changed at the first login.",
    "removed": "The operator's login is removed.",
    "reset": "The operator's authenticator app is reset: its next login sets up a new one.",
}
Done = Annotated[Literal[tuple(NOTICES)] | None, Query()]  # type: ignore[valid-type]
TEXT_FIELDS = (
    "name",
    "currency",
    "default_landing_url",
    "order_page_url",
    "click_param",
    "attribution_window_days",
    "default_language",
    "terms_url",
)
BANNER_FIELDS = ("image_url", "width", "height", "alt")
# The fraud rules' form fields ("fraud-<rule>"); empty turns a rule off (waymark.conversions.fraud).
FRAUD_FIELDS = ("min_seconds", "day_count", "day_amount", "month_count", "month_amount", "burst_count", "burst_minutes")
FRAUD_LABELS = {
    "self_referral": "Self-referral",
    "min_seconds": "Minimum time from click to sale",
    "day_count": "Daily cap (conversions)",
    "day_amount": "Daily cap (sales amount)",
    "month_count": "Monthly cap (conversions)",
    "month_amount": "Monthly cap (sales amount)",
    "burst_count": "Most sales from one IP hash",
    "burst_minutes": "Burst window (minutes)",
}
COUPON_PRECEDENCES = (
    (CouponPrecedence.CLICK_WINS, "The click wins: the coupon credits its partner only when no live click does"),
    (CouponPrecedence.COUPON_WINS, "The coupon wins: an active code credits its partner over any click"),
    (CouponPrecedence.COUPON_IF_NO_CLICK, "The coupon only when the sale names no click at all (an expired one too)"),
)
LABELS = {
    "program_id": "Program id",
    "coupon_precedence": "Coupon codes",
    "name": "Name",
    "currency": "Currency",
    "allowed_domains": "Allowed domains",
    "default_landing_url": "Default landing page",
    "order_page_url": "Concierges' order page",
    "click_param": "Click parameter",
    "attribution_window_days": "Attribution window",
    "languages": "Languages",
    "default_language": "Default language",
    "terms_url": "Terms page",
    "form": "Settings",
}


# ----------------------------------------------------------------------------- programs


def _program_values(program: Program) -> dict[str, Any]:
    stored = settings.fields_of(program)
    values = {name: stored[name] for name in TEXT_FIELDS}
    values["allowed_domains"] = "\n".join(stored["allowed_domains"])
    values["languages"] = ", ".join(stored["languages"])
    values["passthrough"], values["auto_approve"] = stored["passthrough"], stored["auto_approve"]
    rules = stored["fraud_rules"]
    values |= {f"fraud-{name}": rules.get(name) for name in FRAUD_FIELDS}
    values["fraud-self_referral"] = bool(rules.get("self_referral", True))
    values["coupon_precedence"] = stored["coupon_precedence"]
    return values


def _rows(rows: list[dict], maximum: int) -> list[dict]:
    return [*rows, {}] if len(rows) < maximum else rows


def _program_page(
    program: Program | None,
    *,
    status: int = 200,
    values: dict | None = None,
    errors: dict | None = None,
    rule_rows: list[dict] | None = None,
    rule_errors: dict | None = None,
    banner_rows: list[dict] | None = None,
    banner_errors: dict | None = None,
    notice: str | None = None,
) -> Response[str]:
    stored = settings.fields_of(program) if program else {"commission_rules": [], "banners": []}
    return web.render(
        "admin/program.html",
        status,
        program=program,
        values=values
        if values is not None
        else (_program_values(program) if program else {"passthrough": True, "fraud-self_referral": True}),
        errors=errors or {},
        channels=list(Channel),
        coupon_precedences=COUPON_PRECEDENCES,
        rule_rows=rule_rows if rule_rows is not None else _rows(stored["commission_rules"], MAX_COMMISSION_RULES),
        rule_errors=rule_errors or {},
        banner_rows=banner_rows if banner_rows is not None else _rows(stored["banners"], MAX_BANNERS),
        banner_errors=banner_errors or {},
        notice=NOTICES.get(notice or ""),
    )


def _posted_program(form: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any], list, list, list, list]:
    """(the body to validate, the values to show again, rule rows, rule positions, banner rows, banner positions)."""
    values: dict[str, Any] = {name: form.get(name, "").strip() for name in (*TEXT_FIELDS, "program_id")}
    values["allowed_domains"] = form.get("allowed_domains", "")
    values["languages"] = form.get("languages", "")
    values["passthrough"], values["auto_approve"] = "passthrough" in form, "auto_approve" in form
    values |= {f"fraud-{name}": form.get(f"fraud-{name}", "").strip() for name in FRAUD_FIELDS}
    values["fraud-self_referral"] = "fraud-self_referral" in form
    values["coupon_precedence"] = form.get("coupon_precedence", CouponPrecedence.CLICK_WINS)
    rule_rows, rules, rule_positions = posted_rules(form)
    banner_rows, banners, banner_positions = [], [], []
    for i in range(MAX_BANNERS + 1):
        row = {name: form.get(f"banner-{i}-{name}", "").strip() for name in BANNER_FIELDS}
        if any(row.values()):
            banner_rows.append(row)
            banners.append({k: v for k, v in row.items() if v})
            banner_positions.append(len(banner_rows) - 1)
    # Empty optional fields are left out (cleared); empty required ones go in, so their own message names them.
    body = {k: v for k, v in values.items() if k in TEXT_FIELDS and (v or k not in ("order_page_url", "terms_url"))}
    body |= {"passthrough": values["passthrough"], "auto_approve": values["auto_approve"]}
    body["allowed_domains"] = [d.strip() for d in values["allowed_domains"].split() if d.strip()]
    body["languages"] = [code.strip() for code in values["languages"].replace(",", " ").split() if code.strip()]
    body["commission_rules"], body["banners"] = rules, banners
    body["fraud_rules"] = {name: values[f"fraud-{name}"] for name in FRAUD_FIELDS if values[f"fraud-{name}"]}
    body["fraud_rules"]["self_referral"] = values["fraud-self_referral"]
    body["coupon_precedence"] = values["coupon_precedence"]
    if values["program_id"]:
        body["program_id"] = values["program_id"]
    return body, values, rule_rows, rule_positions, banner_rows, banner_positions


def _refused_program(program: Program | None, error: ValidationError, posted: tuple) -> Response[str]:
    _, values, rule_rows, rule_positions, banner_rows, banner_positions = posted
    errors, rule_errors, banner_errors = {}, {}, {}
    for name, message in web.field_errors(error).items():
        head, _, rest = name.partition("-")
        index = rest.split("-")[0]
        if head == "commission_rules" and index.isdigit():
            rule_errors.setdefault(rule_positions[int(index)], message)
        elif head == "banners" and index.isdigit():
            banner_errors.setdefault(banner_positions[int(index)], message)
        elif head == "fraud_rules" and index in FRAUD_LABELS:
            errors[f"fraud-{index}"] = f"{FRAUD_LABELS[index]}: {message}"
            errors.setdefault("fraud_rules", "Please check the fraud rules.")
        else:
            errors[head] = f"{LABELS.get(head, head)}: {message}"
    if rule_errors:
        errors.setdefault("commission_rules", "Please check the commission rules.")
    if banner_errors:
        errors.setdefault("banners", "Please check the banners.")
    return _program_page(
        program,
        status=400,
        values=values,
        errors=errors,
        rule_rows=[*rule_rows, {}],
        rule_errors=rule_errors,
        banner_rows=[*banner_rows, {}],
        banner_errors=banner_errors,
    )


@router.get("/admin/programs")
def programs_list() -> Response[str]:
    web.admin()
    return web.render("admin/programs.html", programs=settings.list_programs())


@router.get("/admin/programs/new")
def new_program() -> Response[str]:
    web.admin()
    return _program_page(None)


@router.post("/admin/programs")
def create_program() -> Response[str]:
    web.admin()
    posted = _posted_program(web.form())
    try:
        body = ProgramCreate.model_validate(posted[0])
    except ValidationError as error:
        return _refused_program(None, error, posted)
    program = setup_actions.create_program(body)
    return web.redirect(f"/admin/programs/{program.program_id}?done=created")


@router.get("/admin/programs/<program_id>")
def program_detail(program_id: ProgramPath, done: Done = None) -> Response[str]:
    web.admin()
    return _program_page(setup_actions.stored_program(program_id), notice=done)


@router.post("/admin/programs/<program_id>")
def save_program(program_id: ProgramPath) -> Response[str]:
    web.admin()
    program = setup_actions.stored_program(program_id)
    posted = _posted_program(web.form())
    posted[0].pop("program_id", None)
    try:
        body = ProgramSettings.model_validate(posted[0], context={"allow_http": bool(program.allow_http)})
    except ValidationError as error:
        return _refused_program(program, error, posted)
    stored = body.stored()
    # A field left empty in the form clears it only where clearing is allowed.
    settings.update_program(program_id, stored, by=setup_actions.by())
    return web.redirect(f"/admin/programs/{program_id}?done=saved")


# ----------------------------------------------------------------------------- advertisers


def _advertisers_page(
    program: Program, *, status: int = 200, values: dict | None = None, errors: dict | None = None
) -> Response[str]:
    found = advertisers.advertisers_of(program.program_id)
    return web.render(
        "admin/advertisers.html",
        status,
        program=program,
        advertisers=[setup_actions.advertiser_out(item, program) for item in found],
        values=values or {},
        errors=errors or {},
    )


def _cidrs_of(text: str) -> list[str]:
    return [entry for entry in text.replace(",", " ").split() if entry]


@router.get("/admin/advertisers")
def advertisers_list(program: ProgramId = None) -> Response[str]:
    web.admin()
    return _advertisers_page(setup_actions.fresh_program(program))


@router.post("/admin/advertisers")
def create_advertiser() -> Response[str]:
    web.admin()
    form = web.form()
    values = {name: form.get(name, "").strip() for name in ("program_id", "name", "advertiser_id", "allowed_cidrs")}
    program = setup_actions.fresh_program(values["program_id"] or None)
    try:
        body = AdvertiserCreate(
            program_id=program.program_id,
            name=values["name"],
            advertiser_id=values["advertiser_id"] or None,
            allowed_cidrs=_cidrs_of(values["allowed_cidrs"]),
        )
    except ValidationError as error:
        return _advertisers_page(program, status=400, values=values, errors=web.field_errors(error))
    try:
        advertiser, token, hmac_secret = setup_actions.create_advertiser(body)
    except web.Conflict as error:
        return _advertisers_page(program, status=409, values=values, errors={"advertiser_id": error.message})
    return _credentials_page(advertiser, token, hmac_secret, created=True)


def _credentials_page(advertiser, token: str, hmac_secret: str, *, created: bool) -> Response[str]:
    return web.render(
        "admin/credentials.html",
        201 if created else 200,
        program=setup_actions.stored_program(advertiser.program_id),
        advertiser=setup_actions.credentials_out(advertiser, token, hmac_secret),
        created=created,
        base_url=web.base_url(),
    )


def _advertiser_page(
    advertiser_id: str, *, status: int = 200, values: dict | None = None, errors: dict | None = None, notice=None
) -> Response[str]:
    found = setup_actions.advertiser(advertiser_id)
    program = setup_actions.stored_program(found.program_id)
    shown = setup_actions.advertiser_out(found, program)
    return web.render(
        "admin/advertiser.html",
        status,
        program=program,
        advertiser=shown,
        values=values or {"name": shown.name, "allowed_cidrs": "\n".join(shown.allowed_cidrs)},
        errors=errors or {},
        max_grace=MAX_GRACE_HOURS,
        notice=NOTICES.get(notice or ""),
    )


@router.get("/admin/advertisers/<advertiser_id>")
def advertiser_detail(advertiser_id: AdvertiserId, done: Done = None) -> Response[str]:
    web.admin()
    return _advertiser_page(advertiser_id, notice=done)


@router.post("/admin/advertisers/<advertiser_id>")
def save_advertiser(advertiser_id: AdvertiserId) -> Response[str]:
    web.admin()
    form = web.form()
    values = {"name": form.get("name", "").strip(), "allowed_cidrs": form.get("allowed_cidrs", "")}
    fields: dict[str, Any] = {"name": values["name"], "allowed_cidrs": _cidrs_of(values["allowed_cidrs"])}
    if form.get("status"):
        fields["status"] = form["status"]
    try:
        body = AdvertiserUpdate.model_validate(fields)
    except ValidationError as error:
        return _advertiser_page(advertiser_id, status=400, values=values, errors=web.field_errors(error))
    setup_actions.update_advertiser(advertiser_id, body.changes())
    return web.redirect(f"/admin/advertisers/{advertiser_id}?done=saved")


@router.post("/admin/advertisers/<advertiser_id>/rotate")
def rotate(advertiser_id: AdvertiserId) -> Response[str]:
    web.admin()
    try:
        body = Rotation.model_validate({"grace_hours": web.form().get("grace_hours", "").strip()})
    except ValidationError:
        message = f"The grace period is a whole number of hours from 0 to {MAX_GRACE_HOURS}."
        return _advertiser_page(advertiser_id, status=400, errors={"grace_hours": message})
    advertiser, token, hmac_secret = setup_actions.rotate(advertiser_id, body.grace_hours)
    return _credentials_page(advertiser, token, hmac_secret, created=False)


# ----------------------------------------------------------------------------- operators and changes


def _operators_page(program: Program, *, status=200, values=None, errors=None, notice=None) -> Response[str]:
    return web.render(
        "admin/operators.html",
        status,
        program=program,
        operators=[setup_actions.operator_out(login) for login in operators.operators()],
        me=web.admin().email,
        my_username=web.admin().principal.username,
        values=values or {},
        errors=errors or {},
        notice=NOTICES.get(notice or ""),
    )


@router.get("/admin/operators")
def operators_page(program: ProgramId = None, done: Done = None) -> Response[str]:
    web.admin()
    return _operators_page(actions.program(program), notice=done)


@router.post("/admin/operators")
def invite_operator(program: ProgramId = None) -> Response[str]:
    web.admin()
    chosen = actions.program(program)
    email = web.form().get("email", "").strip()
    try:
        body = OperatorInvite(email=email)
    except ValidationError as error:
        return _operators_page(chosen, status=400, values={"email": email}, errors=web.field_errors(error))
    try:
        setup_actions.invite_operator(body.email, chosen.program_id)
    except web.Conflict as error:
        return _operators_page(chosen, status=409, values={"email": email}, errors={"email": error.message})
    return web.redirect("/admin/operators?done=invited")


@router.post("/admin/operators/<username>/remove")
def remove_operator(username: OperatorUsername, program: ProgramId = None) -> Response[str]:
    web.admin()
    chosen = actions.program(program)
    try:
        setup_actions.remove_operator(username, chosen.program_id)
    except web.Conflict as error:
        return _operators_page(chosen, status=409, errors={"operator": error.message})
    return web.redirect("/admin/operators?done=removed")


@router.post("/admin/operators/<username>/authenticator/reset")
def reset_authenticator(username: OperatorUsername, program: ProgramId = None) -> Response[str]:
    web.admin()
    chosen = actions.program(program)
    try:
        setup_actions.reset_authenticator(username, chosen.program_id)
    except web.Conflict as error:
        return _operators_page(chosen, status=409, errors={"operator": error.message})
    return web.redirect("/admin/operators?done=reset")


@router.get("/admin/changes")
def changes_list(program: ProgramId = None, cursor: Cursor = None) -> Response[str]:
    web.admin()
    chosen = actions.program(program)
    found, next_cursor = setup_actions.changes_page(chosen, cursor)
    query = f"program={chosen.program_id}&cursor={next_cursor}" if next_cursor else None
    return web.render(
        "admin/changes.html",
        program=chosen,
        changes=[setup_actions.change_out(entry) for entry in found],
        next_url=f"/admin/changes?{query}" if query else None,
    )
