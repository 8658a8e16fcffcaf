"""Partners (agents): creating them with their default link, and changing their status."""

from pynamodb.exceptions import TransactWriteError

from waymark import ids
from waymark.links import save_agent_with_default_link
from waymark.models import Agent, Program
from waymark.times import iso, utcnow

PARTNER_TYPES = ("affiliate", "marketplace_partner", "concierge")
STATUSES = ("pending", "active", "suspended")
AGENT_CODE_LENGTH = 8
_CODE_ATTEMPTS = 5


def create_agent(
    program: Program,
    *,
    name: str,
    email: str,
    website: str | None = None,
    partner_type: str = "affiliate",
    status: str | None = None,
) -> Agent:
    """A new partner of `program`, pending unless the program approves automatically."""
    if partner_type not in PARTNER_TYPES:
        raise ValueError(f"partner type must be one of {', '.join(PARTNER_TYPES)}")
    now = iso(utcnow())
    initial = status or ("active" if program.auto_approve else "pending")
    for _ in range(_CODE_ATTEMPTS):
        agent = Agent(
            ids.new_code(AGENT_CODE_LENGTH),
            program_id=program.program_id,
            name=name,
            email=email.lower(),
            website=website,
            partner_type=partner_type,
            created_at=now,
        )
        agent.set_status(initial)
        try:
            save_agent_with_default_link(agent)
            return agent
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise
    raise RuntimeError("could not find a free partner code")
