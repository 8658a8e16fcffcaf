"""JSON API for operators (paths under /api/admin): partners (with their month's figures), partners added or
deleted by hand, their status and links, personal data (partners' export and erasure, customers' erasure),
inside sales (the directory, and opening a concierge's order page for an order taken for it)."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from pydantic import BaseModel, ConfigDict, Field, field_validator

from waymark import catalog, web
from waymark.partners.management import MAX_NOTE_LENGTH, OPERATOR_FIELDS, TRANSITIONS
from waymark.partners.vocabulary import PartnerStatus
from waymark.portal import actions
from waymark.portal.admin import partner_actions
from waymark.portal.admin.partner_schemas import (
    CustomerErasure,
    ErasureQueued,
    PartnerCreate,
    PartnerExport,
    clean_note,
)
from waymark.portal.params import AgentId, Cursor, LinkCode, MonthQuery, NameContains, ProgramId
from waymark.portal.partner.views import directory, link_out, partner_out
from waymark.portal.reports import conversion_actions, figures
from waymark.portal.schemas import (
    CountersOut,
    Directory,
    LinkCreate,
    LinkList,
    LinkOut,
    LinkStatusChange,
    PartnerList,
    PartnerOut,
    PartnerUpdate,
)
from waymark.reporting import reads

router = Router()


class StatusAction(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal[tuple(TRANSITIONS)]  # type: ignore[valid-type]
    note: str | None = Field(default=None, max_length=MAX_NOTE_LENGTH, description="Why (e.g. a decline's reason)")

    @field_validator("note")
    @classmethod
    def _note(cls, value: str | None) -> str | None:
        return clean_note(value)


class InsideSalesVisitOut(BaseModel):
    click_id: str = Field(description="The operator's session: the merchant reports the order with it")
    url: str = Field(description="The program's order page with the click id: place the order there")


@router.get("/api/admin/partners", tags=["admin"], summary="A program's partners by status, oldest first")
def list_partners(
    program: ProgramId = None,
    status: Annotated[PartnerStatus | None, Query()] = None,
    cursor: Cursor = None,
    month: MonthQuery = None,
) -> PartnerList:
    web.admin()
    chosen = actions.program(program)
    found, next_cursor = actions.partners_page(chosen, status, cursor)
    month = figures.checked_month(month)
    totals = reads.partners_month(chosen.program_id, month, [agent.agent_id for agent in found])
    base = web.base_url()
    listed = [partner_out(agent, chosen, base) for agent in found]
    for row in listed:
        row.month_totals = CountersOut.of(totals[row.agent_id])
    return PartnerList(
        program_id=chosen.program_id,
        status=status,
        month=month,
        partners=listed,
        next_cursor=next_cursor,
    )


@router.post(
    "/api/admin/partners",
    status_code=201,
    tags=["admin"],
    summary="Add a partner by hand: active, with a portal login (invitation email) or without one",
    responses={409: {"description": "The email is already a partner of the program, or has a login"}},
)
def create_partner(body: PartnerCreate) -> PartnerOut:
    web.admin()
    agent = partner_actions.create(body)
    return partner_out(agent, catalog.program(agent.program_id), web.base_url())


@router.delete(
    "/api/admin/partners/<agent_id>",
    tags=["admin"],
    summary="Delete an applicant who was never active (its login too)",
    responses={
        204: {"description": "Deleted"},
        409: {"description": "The partner was active once, or has links, clicks or conversions"},
    },
)
def delete_partner(agent_id: AgentId) -> Response[None]:
    web.admin()
    partner_actions.delete(agent_id)
    return Response(status_code=204, body="")


@router.post(
    "/api/admin/partners/<agent_id>/export",
    tags=["admin"],
    summary="Export a partner's personal data (the export is recorded)",
)
def export_partner(agent_id: AgentId) -> PartnerExport:
    web.admin()
    return PartnerExport(**partner_actions.export(agent_id))


@router.post(
    "/api/admin/partners/<agent_id>/erase",
    tags=["admin"],
    summary="Erase a partner's personal data: pseudonymised, login deleted, conversions kept for the books",
    responses={409: {"description": "Already erased"}},
)
def erase_partner(agent_id: AgentId) -> PartnerOut:
    web.admin()
    agent = partner_actions.erase(agent_id)
    return partner_out(agent, catalog.program(agent.program_id), web.base_url())


@router.post(
    "/api/admin/customers/erase",
    status_code=202,
    tags=["admin"],
    summary="Erase a customer by email: remarketing data and conversions' customer fields (the suppression stays)",
)
def erase_customer(body: CustomerErasure, program: ProgramId = None) -> ErasureQueued:
    web.admin()
    partner_actions.erase_customer(body.email, program)
    return ErasureQueued(status="queued")


@router.get("/api/admin/partners/<agent_id>", tags=["admin"], summary="One partner")
def get_partner(agent_id: AgentId) -> PartnerOut:
    web.admin()
    agent = actions.partner(agent_id)
    return partner_out(agent, catalog.program(agent.program_id), web.base_url())


@router.patch("/api/admin/partners/<agent_id>", tags=["admin"], summary="Edit a partner and its commission rules")
def patch_partner(agent_id: AgentId, body: PartnerUpdate) -> PartnerOut:
    web.admin()
    agent = actions.update_partner(agent_id, body.changes(), allowed=OPERATOR_FIELDS)
    return partner_out(agent, catalog.program(agent.program_id), web.base_url())


@router.post(
    "/api/admin/partners/<agent_id>/status",
    tags=["admin"],
    summary="Approve, decline, suspend or reactivate a partner (recorded)",
)
def change_status(agent_id: AgentId, body: StatusAction) -> PartnerOut:
    web.admin()
    agent = partner_actions.change_status(agent_id, body.action, body.note)
    return partner_out(agent, catalog.program(agent.program_id), web.base_url())


@router.get("/api/admin/partners/<agent_id>/links", tags=["admin"], summary="A partner's links, newest first")
def partner_links(agent_id: AgentId, cursor: Cursor = None) -> LinkList:
    web.admin()
    agent = actions.partner(agent_id)
    program = actions.program(agent.program_id)
    found, next_cursor = actions.links_page(agent.agent_id, cursor)
    base = web.base_url()
    return LinkList(links=[link_out(link, program, base) for link in found], next_cursor=next_cursor)


@router.post(
    "/api/admin/partners/<agent_id>/links",
    status_code=201,
    tags=["admin"],
    summary="Create a link on a partner's behalf",
)
def create_partner_link(agent_id: AgentId, body: LinkCreate) -> LinkOut:
    web.admin()
    agent = actions.partner(agent_id)
    program = actions.program(agent.program_id)
    return link_out(actions.create_link(agent, program, body), program, web.base_url())


@router.patch("/api/admin/links/<code>", tags=["admin"], summary="Pause or resume any link")
def patch_link(code: LinkCode, body: LinkStatusChange) -> LinkOut:
    web.admin()
    link = actions.set_link_status(code, body.status, owner=None)
    return link_out(link, actions.program(link.program_id), web.base_url())


@router.get(
    "/api/admin/inside-sales",
    tags=["admin"],
    summary="Inside-sales directory: every active concierge's sales link, searchable by name",
)
def inside_sales(program: ProgramId = None, q: NameContains = None) -> Directory:
    web.admin()
    chosen = actions.program(program)
    entries = directory(actions.concierges(chosen, q), chosen, web.base_url())
    return Directory(program_id=chosen.program_id, query=q, concierges=entries)


@router.post(
    "/api/admin/inside-sales/<agent_id>/visits",
    status_code=201,
    tags=["admin"],
    summary="Open a concierge's order page for an order taken for it: its sale, not its traffic",
)
def inside_sales_visit(agent_id: AgentId) -> InsideSalesVisitOut:
    operator = web.admin()
    visit = conversion_actions.inside_sales_visit(agent_id, by=operator.email)
    return InsideSalesVisitOut(click_id=visit.click_id, url=visit.url)
