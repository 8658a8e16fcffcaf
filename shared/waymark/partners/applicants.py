"""Partners an operator adds or removes by hand: created active (with or without a portal login), and
applicants deleted again while they never earned anything.

Change records name the partner by its code and never hold its name or email, so erasing a
partner's personal data later leaves nothing of it in the record (docs/security.md "Personal data").
"""

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from waymark import wording
from waymark.core import ids
from waymark.core.times import iso, utcnow
from waymark.models import Agent, Conversion, Link, Program, connection
from waymark.partners import accounts
from waymark.partners.links import default_link
from waymark.partners.management import AGENT_CODE_LENGTH, forget_cached, get_partner
from waymark.partners.vocabulary import PartnerStatus, PartnerType
from waymark.programs import changes
from waymark.reporting import reads

# Only these were never active (TRANSITIONS: suspended may follow active, so it never qualifies).
DELETABLE = (PartnerStatus.PENDING, PartnerStatus.DECLINED)


class EmailTaken(ValueError):
    """The address already belongs to a partner of the program, or to a login; the message is safe to show."""


class NotDeletable(ValueError):
    """The partner was active once or has activity the books keep; the message is safe to show."""


def email_in_program(program_id: str, email: str) -> bool:
    found = Agent.by_program_email.query(program_id, Agent.email == email.lower(), limit=1)
    return next(iter(found), None) is not None


def create_by_hand(
    program: Program,
    *,
    name: str,
    partner_type: str,
    email: str | None,
    website: str | None,
    login: bool,
    by: str,
) -> Agent:
    """An active partner with its default link; with `login`, Cognito emails it a temporary password.

    The email check reads an index (eventually consistent), so two operators adding one address at
    the same moment could both succeed; a login is unique in Cognito itself.
    """
    if partner_type not in PartnerType:
        raise ValueError(wording.ONE_OF(name="partner_type", choices=", ".join(PartnerType)))
    if login and not email:
        raise ValueError(wording.LOGIN_NEEDS_EMAIL())
    email = email.lower() if email else None
    if email and email_in_program(program.program_id, email):
        raise EmailTaken(wording.ALREADY_PARTNER(email=email))
    agent_id = ids.new_code(AGENT_CODE_LENGTH)
    sub = None
    if login:
        try:
            invited = accounts.invite_login(email, group=accounts.PARTNERS_GROUP, agent_id=agent_id)
        except accounts.LoginExists as error:
            raise EmailTaken(wording.ALREADY_LOGIN(email=email)) from error
        sub = invited.username
    now = utcnow()
    agent = Agent(
        agent_id,
        program_id=program.program_id,
        name=name,
        email=email,
        website=website,
        partner_type=partner_type,
        created_at=iso(now),
        cognito_sub=sub,
    )
    agent.set_status(PartnerStatus.ACTIVE)
    entry = changes.record(
        program.program_id,
        by=by,
        subject=f"partner:{agent_id}",
        action="create",
        before=None,
        after={"status": PartnerStatus.ACTIVE, "partner_type": partner_type, "login": login},
        now=now,
    )
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.save(agent, condition=Agent.agent_id.does_not_exist())
            transaction.save(default_link(agent), condition=Link.code.does_not_exist())
            transaction.save(entry)
    except Exception:
        if login:  # one login and one partner, or neither
            accounts.forget_partner_login(email, agent_id)
        raise
    forget_cached(agent)
    return agent


def activity(agent: Agent) -> list[str]:
    """What the books keep of a partner: links besides its default one, clicks, conversions (a few reads)."""
    found = []
    if any(not link.is_default for link in Link.by_agent.query(agent.agent_id, limit=5)):
        found.append("links")
    if reads.partner_links(agent.agent_id):
        found.append("clicks")
    if next(iter(Conversion.by_agent.query(agent.agent_id, limit=1)), None) is not None:
        found.append("conversions")
    return found


def delete_applicant(agent_id: str, *, by: str) -> Agent:
    """Remove an applicant who was never active: its agent item, default link and login."""
    agent = get_partner(agent_id)
    if agent.status not in DELETABLE:
        raise NotDeletable(wording.ONLY_APPLICANTS_DELETED(status=agent.status))
    kept = activity(agent)
    if kept:
        raise NotDeletable(wording.BOOKS_KEEP(kept=" and ".join(kept)))
    entry = changes.record(
        agent.program_id,
        by=by,
        subject=f"partner:{agent_id}",
        action="delete",
        before={"status": agent.status, "partner_type": agent.partner_type},
        after=None,
    )
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.delete(agent, condition=Agent.status == agent.status)
            transaction.delete(Link(agent_id), condition=Link.agent_id == agent_id)
            transaction.save(entry)
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":
            raise NotDeletable(wording.PARTNER_CHANGED()) from error
        raise
    if agent.email:
        accounts.forget_partner_login(agent.email, agent.agent_id)
    forget_cached(agent)
    return agent
