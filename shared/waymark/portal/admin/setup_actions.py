"""The set-up domain functions as the console's pages and JSON API call them: validation against the
stored program, domain refusals turned into HTTP ones, and the answer models (never a secret in a list)."""

from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from waymark import web, wording
from waymark.conversions import advertisers
from waymark.models import Advertiser, ChangeRecord, Program
from waymark.partners import accounts
from waymark.portal import actions
from waymark.portal.admin.setup_schemas import (
    AdvertiserCreate,
    AdvertiserCredentials,
    AdvertiserOut,
    ChangeOut,
    OperatorOut,
    ProgramCreate,
    ProgramOut,
    ProgramPatch,
)
from waymark.portal.schemas import CommissionRuleOut
from waymark.programs import changes, operators, settings

_SLUG_LENGTH = 32


class Unprocessable(web.HttpError):
    """Well-formed input the program cannot take; `errors` lists each problem by field."""

    status = 422
    title = "Please check the input"


def by() -> str:
    return web.admin().email


def refused(error: ValidationError) -> Unprocessable:
    problems = [
        {"field": field, "message": message} for field, message in web.field_errors(error, separator=".").items()
    ]
    return Unprocessable("; ".join(f"{p['field']}: {p['message']}" for p in problems), errors=problems)


# ----------------------------------------------------------------------------- programs


def program_out(program: Program) -> ProgramOut:
    values = settings.fields_of(program)
    return ProgramOut(
        program_id=program.program_id,
        **{k: v for k, v in values.items() if k != "commission_rules"},
        commission_rules=[CommissionRuleOut(**rule) for rule in values["commission_rules"]],
        token_exposed_by=sorted(program.token_exposed_by or ()),
    )


def stored_program(program_id: str) -> Program:
    try:
        return settings.get_program(program_id)
    except settings.ProgramNotFound as error:
        raise web.NotFound(wording.NO_SUCH_PROGRAM(program_id=program_id)) from error


def fresh_program(program_id: str | None) -> Program:
    """The console's program (?program=, else DEFAULT_PROGRAM) read now, not from the lookup cache:
    the set-up pages show what was just changed, such as a leaked token's warning."""
    wanted = program_id or actions.default_program_id()
    if not wanted:
        raise web.NotFound(wording.NO_PROGRAM_CHOSEN())
    return stored_program(wanted)


def create_program(body: ProgramCreate) -> Program:
    try:
        return settings.create_program(body.program_id, body.stored(), by=by())
    except settings.ProgramExists as error:
        raise web.Conflict(wording.PROGRAM_EXISTS(program_id=body.program_id)) from error


def update_program(program_id: str, body: ProgramPatch) -> Program:
    program = stored_program(program_id)
    try:
        merged = body.merged(settings.fields_of(program), allow_http=bool(program.allow_http))
    except ValidationError as error:
        raise refused(error) from error
    stored = merged.stored()
    return settings.update_program(program_id, {name: stored[name] for name in body.model_fields_set}, by=by())


# ----------------------------------------------------------------------------- advertisers


def _iso(epoch: float | None) -> str | None:
    return datetime.fromtimestamp(float(epoch), UTC).isoformat(timespec="seconds") if epoch is not None else None


def advertiser_out(advertiser: Advertiser, program: Program | None = None) -> AdvertiserOut:
    program = program or _program_if_any(advertiser.program_id)
    now = datetime.now(UTC).timestamp()
    return AdvertiserOut(
        advertiser_id=advertiser.advertiser_id,
        program_id=advertiser.program_id,
        name=advertiser.name,
        status=advertiser.status,
        allowed_cidrs=list(advertiser.allowed_cidrs or []),
        created_at=advertiser.created_at,
        updated_at=advertiser.updated_at,
        previous_valid_until=_iso(advertiser.previous_valid_until) if advertisers.in_grace(advertiser, now) else None,
        token_exposed=bool(program and advertiser.advertiser_id in (program.token_exposed_by or ())),
    )


def _program_if_any(program_id: str) -> Program | None:
    try:
        return settings.get_program(program_id)
    except settings.ProgramNotFound:
        return None


def credentials_out(advertiser: Advertiser, token: str, hmac_secret: str) -> AdvertiserCredentials:
    shown = advertiser_out(advertiser).model_dump()
    return AdvertiserCredentials(**shown, token=token, hmac_secret=hmac_secret)


def _slug(name: str) -> str:
    slug = "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in name.lower())
    slug = "-".join(part for part in slug.split("-") if part)[:_SLUG_LENGTH].strip("-")
    return slug if len(slug) >= 2 else "advertiser"


def create_advertiser(body: AdvertiserCreate) -> tuple[Advertiser, str, str]:
    program = stored_program(body.program_id)
    wanted = body.advertiser_id
    candidates = [wanted] if wanted else [_slug(body.name)] + [f"{_slug(body.name)}-{n}" for n in range(2, 10)]
    for advertiser_id in candidates:
        try:
            return advertisers.create_advertiser(
                program, advertiser_id, body.name, allowed_cidrs=body.allowed_cidrs, by=by()
            )
        except advertisers.AdvertiserExists:
            continue
    raise web.Conflict(wording.ADVERTISER_EXISTS(advertiser_id=wanted) if wanted else wording.ADVERTISER_IDS_TAKEN())


def advertiser(advertiser_id: str) -> Advertiser:
    try:
        return advertisers.get_advertiser(advertiser_id)
    except advertisers.AdvertiserNotFound as error:
        raise web.NotFound(wording.NO_SUCH_ADVERTISER()) from error


def update_advertiser(advertiser_id: str, values: dict[str, Any]) -> Advertiser:
    advertiser(advertiser_id)
    return advertisers.update_advertiser(advertiser_id, values, by=by())


def rotate(advertiser_id: str, grace_hours: int) -> tuple[Advertiser, str, str]:
    advertiser(advertiser_id)
    try:
        return advertisers.rotate_credentials(advertiser_id, grace_hours=grace_hours, by=by())
    except advertisers.RotationConflict as error:
        raise web.Conflict(wording.ROTATED_MEANWHILE()) from error


# ----------------------------------------------------------------------------- operators and changes


def operator_out(login: accounts.Login) -> OperatorOut:
    return OperatorOut(**vars(login))


def invite_operator(email: str, program_id: str) -> accounts.Login:
    try:
        return operators.invite_operator(email, by=by(), program_id=program_id)
    except accounts.LoginExists as error:
        raise web.Conflict(wording.LOGIN_EXISTS(email=email)) from error


def remove_operator(username: str, program_id: str) -> accounts.Login:
    try:
        return operators.remove_operator(username, by=by(), program_id=program_id)
    except operators.OperatorNotFound as error:
        raise web.NotFound(wording.NO_SUCH_OPERATOR()) from error
    except operators.LastOperator as error:
        raise web.Conflict(str(error)) from error


def reset_authenticator(username: str, program_id: str) -> accounts.Login:
    viewer = web.admin()
    try:
        return operators.reset_authenticator(
            username, by=by(), by_username=viewer.principal.username, program_id=program_id
        )
    except operators.OperatorNotFound as error:
        raise web.NotFound(wording.NO_SUCH_OPERATOR()) from error
    except operators.OwnAuthenticator as error:
        raise web.Conflict(str(error)) from error


def change_out(entry: ChangeRecord) -> ChangeOut:
    return ChangeOut(
        at=entry.at,
        by=entry.by,
        subject=entry.subject,
        action=entry.action,
        before=changes.decoded(entry.before),
        after=changes.decoded(entry.after),
    )


def changes_page(program: Program, cursor: str | None) -> tuple[list[ChangeRecord], str | None]:
    scope = f"changes:{program.program_id}"
    page = changes.changes_of(program.program_id, after=web.decode_cursor(cursor, scope))
    return page.changes, web.encode_cursor(page.last_key, scope)
