"""JSON API for setting Waymark up (paths under /api/admin): programs, advertisers and their credentials,
operators, and the change record.

Credentials appear only in the answers that make them (creating an advertiser, rotating); lists and
reads never carry a secret.
"""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from waymark import web
from waymark.conversions import advertisers
from waymark.portal import actions
from waymark.portal.admin import setup_actions
from waymark.portal.admin.setup_schemas import (
    AdvertiserCreate,
    AdvertiserCredentials,
    AdvertiserList,
    AdvertiserOut,
    AdvertiserUpdate,
    ChangeList,
    OperatorInvite,
    OperatorList,
    OperatorOut,
    ProgramCreate,
    ProgramList,
    ProgramOut,
    ProgramPatch,
    Rotation,
)
from waymark.portal.params import AdvertiserId, Cursor, OperatorUsername, ProgramId, ProgramPath
from waymark.programs import operators, settings

router = Router()

TAGS = ["admin: set-up"]
SHOWN_ONCE = "The token and HMAC secret are in this answer only: Waymark keeps no copy of the token"


@router.get("/api/admin/programs", tags=TAGS, summary="Every program")
def list_programs() -> ProgramList:
    web.admin()
    return ProgramList(programs=[setup_actions.program_out(program) for program in settings.list_programs()])


@router.post("/api/admin/programs", status_code=201, tags=TAGS, summary="Create a program (409 if the id is taken)")
def create_program(body: ProgramCreate) -> ProgramOut:
    web.admin()
    return setup_actions.program_out(setup_actions.create_program(body))


@router.get("/api/admin/programs/<program_id>", tags=TAGS, summary="One program's settings and commission rules")
def get_program(program_id: ProgramPath) -> ProgramOut:
    web.admin()
    return setup_actions.program_out(setup_actions.stored_program(program_id))


@router.patch(
    "/api/admin/programs/<program_id>",
    tags=TAGS,
    summary="Change a program's settings or commission rules (422 naming each field the result breaks)",
)
def patch_program(program_id: ProgramPath, body: ProgramPatch) -> ProgramOut:
    web.admin()
    return setup_actions.program_out(setup_actions.update_program(program_id, body))


@router.get("/api/admin/advertisers", tags=TAGS, summary="A program's advertisers (never their secrets)")
def list_advertisers(program: ProgramId = None) -> AdvertiserList:
    web.admin()
    chosen = setup_actions.fresh_program(program)
    found = advertisers.advertisers_of(chosen.program_id)
    return AdvertiserList(
        program_id=chosen.program_id, advertisers=[setup_actions.advertiser_out(item, chosen) for item in found]
    )


@router.post("/api/admin/advertisers", status_code=201, tags=TAGS, summary=f"Create an advertiser. {SHOWN_ONCE}")
def create_advertiser(body: AdvertiserCreate) -> AdvertiserCredentials:
    web.admin()
    return setup_actions.credentials_out(*setup_actions.create_advertiser(body))


@router.get("/api/admin/advertisers/<advertiser_id>", tags=TAGS, summary="One advertiser (never its secrets)")
def get_advertiser(advertiser_id: AdvertiserId) -> AdvertiserOut:
    web.admin()
    return setup_actions.advertiser_out(setup_actions.advertiser(advertiser_id))


@router.patch(
    "/api/admin/advertisers/<advertiser_id>",
    tags=TAGS,
    summary="Rename, set the IP allow-list, disable or re-enable an advertiser",
)
def patch_advertiser(advertiser_id: AdvertiserId, body: AdvertiserUpdate) -> AdvertiserOut:
    web.admin()
    return setup_actions.advertiser_out(setup_actions.update_advertiser(advertiser_id, body.changes()))


@router.post(
    "/api/admin/advertisers/<advertiser_id>/rotate",
    tags=TAGS,
    summary=f"New credentials; the old ones work grace_hours more. {SHOWN_ONCE}",
)
def rotate(advertiser_id: AdvertiserId, body: Rotation) -> AdvertiserCredentials:
    web.admin()
    return setup_actions.credentials_out(*setup_actions.rotate(advertiser_id, body.grace_hours))


@router.get("/api/admin/operators", tags=TAGS, summary="The console's operators (Cognito group admins)")
def list_operators() -> OperatorList:
    web.admin()
    return OperatorList(operators=[setup_actions.operator_out(login) for login in operators.operators()])


@router.post(
    "/api/admin/operators",
    status_code=201,
    tags=TAGS,
    summary="Invite an operator: Cognito emails a temporary password (409 if the address has a login)",
)
def invite_operator(body: OperatorInvite, program: ProgramId = None) -> OperatorOut:
    web.admin()
    return setup_actions.operator_out(setup_actions.invite_operator(body.email, actions.program(program).program_id))


@router.delete(
    "/api/admin/operators/<username>",
    tags=TAGS,
    summary="Remove an operator's login (409 for the last one)",
    responses={204: {"description": "Removed"}},
)
def remove_operator(username: OperatorUsername, program: ProgramId = None) -> Response[None]:
    web.admin()
    setup_actions.remove_operator(username, actions.program(program).program_id)
    return Response(status_code=204, body="")


@router.post(
    "/api/admin/operators/<username>/authenticator/reset",
    tags=TAGS,
    summary="Reset another operator's authenticator app (lost device): its next login sets up a new one",
)
def reset_authenticator(username: OperatorUsername, program: ProgramId = None) -> OperatorOut:
    web.admin()
    return setup_actions.operator_out(setup_actions.reset_authenticator(username, actions.program(program).program_id))


@router.get("/api/admin/changes", tags=TAGS, summary="A program's change record, newest first")
def list_changes(program: ProgramId = None, cursor: Cursor = None) -> ChangeList:
    web.admin()
    chosen = actions.program(program)
    found, next_cursor = setup_actions.changes_page(chosen, cursor)
    return ChangeList(
        program_id=chosen.program_id,
        changes=[setup_actions.change_out(entry) for entry in found],
        next_cursor=next_cursor,
    )
