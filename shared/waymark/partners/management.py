"""Partners (agents): creating them with their default link, listing them, and changing their status.

A partner's status lives on its Agent item and every portal request checks it there, so
approving or suspending a partner never touches Cognito (docs/architecture.md "Authorisation").
"""

from dataclasses import dataclass
from typing import Any

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from waymark import catalog, wording
from waymark.core import ids
from waymark.core.cache import TTLCache
from waymark.core.times import iso, utcnow
from waymark.models import Agent, CommissionRule, Program, connection
from waymark.partners.links import save_agent_with_default_link
from waymark.partners.vocabulary import PartnerStatus, PartnerType
from waymark.programs import changes

AGENT_CODE_LENGTH = 8
_CODE_ATTEMPTS = 5

# action -> (statuses it starts from, status it ends in). Only pending and declined partners were never active.
TRANSITIONS: dict[str, tuple[tuple[PartnerStatus, ...], PartnerStatus]] = {
    "approve": ((PartnerStatus.PENDING, PartnerStatus.DECLINED), PartnerStatus.ACTIVE),
    "decline": ((PartnerStatus.PENDING,), PartnerStatus.DECLINED),
    "suspend": ((PartnerStatus.PENDING, PartnerStatus.ACTIVE), PartnerStatus.SUSPENDED),
    "reactivate": ((PartnerStatus.SUSPENDED,), PartnerStatus.ACTIVE),
}
PAST_TENSE = {"approve": "approved", "decline": "declined", "suspend": "suspended", "reactivate": "reactivated"}
MAX_NOTE_LENGTH = 500
# What a partner may change about itself; operators may also change the rest.
PROFILE_FIELDS = ("name", "website")
OPERATOR_FIELDS = (*PROFILE_FIELDS, "partner_type", "attribution_window_days", "commission_rules")


class PartnerNotFound(LookupError):
    pass


class StatusConflict(ValueError):
    """The partner is not in a status the action starts from; the message is safe to show."""


class AgentCodeTaken(RuntimeError):
    """A chosen agent code already exists (50 bits of randomness: practically never)."""


def create_agent(
    program: Program,
    *,
    name: str,
    email: str,
    website: str | None = None,
    partner_type: str = PartnerType.AFFILIATE,
    status: PartnerStatus | None = None,
    agent_id: str | None = None,
    cognito_sub: str | None = None,
    terms_accepted_at: str | None = None,
    terms_url: str | None = None,
) -> Agent:
    """A new partner of `program`, pending unless the program approves automatically.

    With `agent_id` given (signup reserves the login first and names the agent in it) there
    is one attempt, and AgentCodeTaken if the code exists; otherwise a free code is found.
    """
    if partner_type not in PartnerType:
        raise ValueError(wording.ONE_OF(name="partner_type", choices=", ".join(PartnerType)))
    now = iso(utcnow())
    initial = status or (PartnerStatus.ACTIVE if program.auto_approve else PartnerStatus.PENDING)
    for _ in range(1 if agent_id else _CODE_ATTEMPTS):
        agent = Agent(
            agent_id or ids.new_code(AGENT_CODE_LENGTH),
            program_id=program.program_id,
            name=name,
            email=email.lower(),
            website=website,
            partner_type=partner_type,
            created_at=now,
            cognito_sub=cognito_sub,
            terms_accepted_at=terms_accepted_at,
            terms_url=terms_url,
        )
        agent.set_status(initial)
        try:
            save_agent_with_default_link(agent)
            return agent
        except TransactWriteError as error:
            if error.cause_response_code != "TransactionCanceledException":
                raise
    if agent_id:
        raise AgentCodeTaken(agent_id)
    raise RuntimeError("could not find a free partner code")


def get_partner(agent_id: str) -> Agent:
    """The partner as stored now (a strongly consistent read, for operators and before changes)."""
    try:
        return Agent.get(agent_id, consistent_read=True)
    except Agent.DoesNotExist as error:
        raise PartnerNotFound(agent_id) from error


def change_status(agent_id: str, action: str, *, by: str | None = None, note: str | None = None) -> Agent:
    """approve, decline, suspend or reactivate; conditional on the status the change was decided from.

    With `by` (an operator) the change and its record are written in one transaction.
    """
    if action not in TRANSITIONS:
        raise ValueError(wording.UNKNOWN_ACTION(action=repr(action), choices=", ".join(TRANSITIONS)))
    starts_from, target = TRANSITIONS[action]
    agent = get_partner(agent_id)
    if agent.status not in starts_from:
        raise StatusConflict(wording.STATUS_FORBIDS(status=agent.status, action=PAST_TENSE[action]))
    if agent.erased_at and target == PartnerStatus.ACTIVE:
        # Nobody is left to pay or to tell: an erased partner never earns again.
        raise StatusConflict(wording.ERASED_STAYS_INACTIVE())
    now = utcnow()
    actions = [
        Agent.status.set(target),
        Agent.status_created.set(f"{target}#{agent.created_at}"),
        Agent.updated_at.set(iso(now)),
    ]
    try:
        if by is None:
            agent.update(actions=actions, condition=Agent.status == agent.status)
        else:
            after = {"status": target, **({"note": note} if note else {})}
            entry = changes.record(
                agent.program_id,
                by=by,
                subject=f"partner:{agent_id}",
                action=action,
                before={"status": agent.status},
                after=after,
                now=now,
            )
            with TransactWrite(connection=connection()) as transaction:
                transaction.update(agent, actions=actions, condition=Agent.status == agent.status)
                transaction.save(entry)
            agent.set_status(target)
            agent.updated_at = iso(now)
    except (UpdateError, TransactWriteError) as error:
        if error.cause_response_code in ("ConditionalCheckFailedException", "TransactionCanceledException"):
            raise StatusConflict(wording.CHANGED_MEANWHILE()) from error
        raise
    catalog.forget_agent(agent_id)
    _directories.forget(agent.program_id)
    return agent


def update_partner(agent_id: str, changes: dict[str, Any], *, allowed: tuple[str, ...] = PROFILE_FIELDS) -> Agent:
    """Set the given fields (None removes an optional one). `changes` must already be validated."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(wording.FIELDS_NOT_CHANGEABLE(fields=", ".join(sorted(unknown)), allowed=", ".join(allowed)))
    if "partner_type" in changes and changes["partner_type"] not in PartnerType:
        raise ValueError(wording.ONE_OF(name="partner_type", choices=", ".join(PartnerType)))
    actions: list[Action] = [Agent.updated_at.set(iso(utcnow()))]
    for name, value in changes.items():
        attribute = getattr(Agent, name)
        if name == "commission_rules":
            actions.append(attribute.set([CommissionRule(**rule) for rule in value]))
        elif value is None:
            actions.append(attribute.remove())
        else:
            actions.append(attribute.set(value))
    agent = Agent(agent_id)
    try:
        agent.update(actions=actions, condition=Agent.agent_id.exists())
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise PartnerNotFound(agent_id) from error
        raise
    catalog.forget_agent(agent_id)
    _directories.forget(agent.program_id)
    return agent


@dataclass(frozen=True)
class PartnerPage:
    partners: list[Agent]
    last_key: dict | None  # DynamoDB's LastEvaluatedKey: more follow when set


def partners_of(
    program_id: str, *, status: str | None = None, after: dict | None = None, limit: int = 50
) -> PartnerPage:
    """One page of a program's partners, by status then age (oldest first): a Query on program-status-index."""
    if status is not None and status not in PartnerStatus:
        raise ValueError(wording.ONE_OF(name="status", choices=", ".join(PartnerStatus)))
    condition = Agent.status_created.startswith(f"{status}#") if status else None
    results = Agent.by_program_status.query(
        program_id, condition, limit=limit, page_size=limit, last_evaluated_key=after
    )
    partners = list(results)
    return PartnerPage(partners, results.last_evaluated_key if len(partners) == limit else None)


DIRECTORY_TTL_SECONDS = 60.0
_directories: TTLCache[tuple[Agent, ...]] = TTLCache(DIRECTORY_TTL_SECONDS, max_entries=100)


def forget_cached(agent: Agent) -> None:
    """This container's cached copies of the partner: its lookup and its program's concierge directory."""
    catalog.forget_agent(agent.agent_id)
    _directories.forget(agent.program_id)


def active_concierges(program_id: str) -> tuple[Agent, ...]:
    """Every active concierge of a program, by name; cached briefly (the directory changes rarely).

    A Query over the active partners with a filter on the type: it reads every active
    partner of the program once a minute at most, never the whole table.
    """

    def load() -> tuple[Agent, ...]:
        found = Agent.by_program_status.query(
            program_id,
            Agent.status_created.startswith(f"{PartnerStatus.ACTIVE}#"),
            filter_condition=Agent.partner_type == PartnerType.CONCIERGE,
        )
        return tuple(sorted(found, key=lambda agent: agent.name.casefold()))

    return _directories.get_or_load(program_id, load)


def search_by_name(agents: tuple[Agent, ...] | list[Agent], query: str) -> list[Agent]:
    """Partners whose name contains every word of `query`, ignoring case."""
    words = query.casefold().split()
    return [agent for agent in agents if all(word in agent.name.casefold() for word in words)]
