"""Creating tracking links: checked destinations, short unguessable codes, never reused."""

from dataclasses import dataclass

from pynamodb.exceptions import PutError, UpdateError
from pynamodb.transactions import TransactWrite

from waymark import catalog, wording
from waymark.click.destinations import HostNotAllowed, allowed_domains, check_destination
from waymark.click.rules import MAX_SUB_ID_LENGTH
from waymark.click.sessions import SUB_ID_FIELDS
from waymark.core import ids
from waymark.core.times import iso, utcnow
from waymark.models import Agent, Link, Program, connection
from waymark.partners.vocabulary import LinkStatus, PartnerStatus

MAX_NAME_LENGTH = 200
_CODE_ATTEMPTS = 5


class LinkRejected(ValueError):
    """The link cannot be created or changed; the message says why and is safe to show the partner."""


class LinkNotFound(LookupError):
    """No such link, or not the caller's: the two are never told apart."""


def check_link_destination(program: Program, destination: str) -> str:
    """The destination as stored, or UnsafeDestination saying why (and which domains are allowed).

    A bare address ("www.example.com/tours") gets https:// in front, as signup does for a website."""
    rules = allowed_domains(tuple(program.allowed_domains))
    given = destination.strip()
    if given and "://" not in given and not given.startswith("/"):
        given = "https://" + given
    try:
        return check_destination(given, rules, allow_http=program.allow_http)
    except HostNotAllowed as error:
        raise HostNotAllowed(wording.DESTINATION_DOMAINS(domains=rules.described())) from error


def create_link(
    agent: Agent,
    program: Program,
    *,
    destination: str | None,
    name: str | None = None,
    sub_defaults: dict[str, str] | None = None,
) -> Link:
    """Store a new link for `agent`. Raises LinkRejected or UnsafeDestination."""
    if agent.status != PartnerStatus.ACTIVE:
        raise LinkRejected(wording.LINKS_ONLY_ACTIVE())
    if name is not None and len(name) > MAX_NAME_LENGTH:
        raise LinkRejected(wording.LINK_NAME_TOO_LONG(maximum=MAX_NAME_LENGTH))
    defaults = {k: v for k, v in (sub_defaults or {}).items() if v}
    unknown = set(defaults) - set(SUB_ID_FIELDS)
    if unknown:
        raise LinkRejected(wording.UNKNOWN_SUB_IDS(fields=", ".join(sorted(unknown))))
    if any(len(v) > MAX_SUB_ID_LENGTH for v in defaults.values()):
        raise LinkRejected(wording.SUB_ID_TOO_LONG(maximum=MAX_SUB_ID_LENGTH))
    checked = check_link_destination(program, destination) if destination else None
    for _ in range(_CODE_ATTEMPTS):
        link = Link(
            ids.new_code(),
            agent_id=agent.agent_id,
            program_id=program.program_id,
            created_at=iso(utcnow()),
            name=name or None,
            destination=checked,
            sub_defaults=defaults,
        )
        try:
            link.save(condition=Link.code.does_not_exist())
            return link
        except PutError as error:
            if not _is_condition_failure(error):
                raise
    raise RuntimeError("could not find a free link code")  # 50-bit codes: practically unreachable


def default_link(agent: Agent) -> Link:
    """The link every partner has: its agent id as the code, to the program's landing page."""
    return Link(
        agent.agent_id,
        agent_id=agent.agent_id,
        program_id=agent.program_id,
        created_at=agent.created_at,
        name="Default link",
        is_default=True,
    )


def _is_condition_failure(error: Exception) -> bool:
    cause = getattr(error, "cause_response_code", None)
    return cause == "ConditionalCheckFailedException"


def save_agent_with_default_link(agent: Agent) -> None:
    """Agent and its default link in one transaction, both conditional on their codes being new."""
    with TransactWrite(connection=connection()) as transaction:
        transaction.save(agent, condition=Agent.agent_id.does_not_exist())
        transaction.save(default_link(agent), condition=Link.code.does_not_exist())


@dataclass(frozen=True)
class LinkPage:
    links: list[Link]
    last_key: dict | None  # DynamoDB's LastEvaluatedKey: more follow when set


def links_of(agent_id: str, *, after: dict | None = None, limit: int = 50) -> LinkPage:
    """One page of a partner's links, newest first: a Query on the links' agent-index."""
    results = Link.by_agent.query(
        agent_id, scan_index_forward=False, limit=limit, page_size=limit, last_evaluated_key=after
    )
    links = list(results)
    return LinkPage(links, results.last_evaluated_key if len(links) == limit else None)


def owned_link(code: str, owner: str | None) -> Link:
    """The link `code` as stored now, if `owner` has it (None: an operator, who may see any link)."""
    try:
        link = Link.get(code, consistent_read=True)
    except Link.DoesNotExist as error:
        raise LinkNotFound(code) from error
    if owner is not None and link.agent_id != owner:
        raise LinkNotFound(code)
    return link


def set_link_status(code: str, status: str, *, owner: str | None) -> Link:
    """Pause or resume a link; conditional on `owner` having it, so a partner can only touch its own."""
    if status not in LinkStatus:
        raise LinkRejected(wording.ONE_OF(name="status", choices=", ".join(LinkStatus)))
    link = owned_link(code, owner)
    if link.is_default and status != LinkStatus.ACTIVE:
        raise LinkRejected(wording.DEFAULT_LINK_STAYS())
    condition = Link.agent_id == link.agent_id
    try:
        link.update(actions=[Link.status.set(status)], condition=condition)
    except UpdateError as error:
        if _is_condition_failure(error):
            raise LinkNotFound(code) from error
        raise
    catalog.forget_link(code)
    return link
