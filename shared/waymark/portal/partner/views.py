"""Agents and links shaped for pages and the JSON API (one shape for both)."""

from waymark.models import Agent, Link, Program, as_dict
from waymark.partners import snippets
from waymark.partners.emails import TOPIC_LABELS
from waymark.portal.schemas import (
    CommissionRuleOut,
    DirectoryEntry,
    EmailChoicesOut,
    LinkOut,
    PartnerOut,
    SnippetsOut,
)


def email_choices_out(agent: Agent, program: Program) -> EmailChoicesOut:
    return EmailChoicesOut(
        lang=agent.lang,
        languages=list(program.languages),
        turned_off=sorted(agent.email_opt_outs or ()),
        optional=dict(TOPIC_LABELS),
    )


def partner_out(agent: Agent, program: Program | None, base_url: str) -> PartnerOut:
    return PartnerOut(
        agent_id=agent.agent_id,
        program_id=agent.program_id,
        name=agent.name,
        email=agent.email,
        website=agent.website,
        partner_type=agent.partner_type,
        status=agent.status,
        created_at=agent.created_at,
        updated_at=agent.updated_at,
        attribution_window_days=int(agent.attribution_window_days) if agent.attribution_window_days else None,
        commission_rules=[CommissionRuleOut(**as_dict(rule)) for rule in agent.commission_rules or []],
        program_commission_rules=[
            CommissionRuleOut(**as_dict(rule)) for rule in (program.commission_rules if program else None) or []
        ],
        partner_link=snippets.tracking_url(base_url, agent.agent_id),
        sales_link=snippets.sales_link(base_url, agent, program) if program else None,
    )


def link_out(link: Link, program: Program, base_url: str) -> LinkOut:
    found = snippets.for_link(base_url, link, program)
    return LinkOut(
        code=link.code,
        agent_id=link.agent_id,
        name=link.name,
        destination=link.destination,
        status=link.status,
        is_default=bool(link.is_default),
        created_at=link.created_at,
        tracking_url=found.url,
        snippets=SnippetsOut(text=found.text, banners=found.banners, banner_is_placeholder=found.banner_is_placeholder),
    )


def directory(agents: list[Agent], program: Program, base_url: str) -> list[DirectoryEntry]:
    """The inside-sales directory: each concierge with its sales link (one without a sales link is left out)."""
    entries = []
    for agent in agents:
        link = snippets.sales_link(base_url, agent, program)
        if link is not None:
            entries.append(
                DirectoryEntry(
                    agent_id=agent.agent_id, name=agent.name, email=agent.email, website=agent.website, sales_link=link
                )
            )
    return entries
