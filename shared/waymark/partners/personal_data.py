"""A partner's personal data: exported as JSON on request, or erased (pseudonymised) for good.

Erasing keeps the agent item, its code and its conversions, because the books need who earned
what; it replaces the name, removes email, website and any payout details, suspends the partner
(nobody is left to pay) and deletes its login. The change record says that an erasure happened
and holds none of the erased values (docs/security.md "Personal data").
"""

from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from waymark import wording
from waymark.core.times import iso, utcnow
from waymark.models import Agent, Link, PaymentDetails, connection, plain
from waymark.partners import accounts
from waymark.partners.management import forget_cached, get_partner
from waymark.partners.vocabulary import PartnerStatus
from waymark.payouts import store as payouts
from waymark.programs import changes

# Agent fields that describe the person or business behind a partner. Its payment details are an
# item of their own (waymark.payouts), exported masked and deleted with these.
PERSONAL_FIELDS = ("name", "email", "website", "cognito_sub")
ERASED_NAME = "Erased partner"


class AlreadyErased(ValueError):
    pass


def export(agent_id: str, *, by: str) -> dict[str, Any]:
    """Everything Waymark keeps about the partner as a person: its record, login, links (and the export is recorded)."""
    agent = get_partner(agent_id)
    login = accounts.find_login(agent.email) if agent.email else None
    if login is not None and login.agent_id != agent_id:
        login = None  # the address's login is someone else's (an agent without a login shares it)
    links = [plain(link) for link in Link.by_agent.query(agent_id)]
    document = {
        "partner": plain(agent),
        "login": None
        if login is None
        else {
            "email": login.email,
            "status": login.status,
            "enabled": login.enabled,
            "created_at": login.created_at,
            "groups": sorted(login.groups),
        },
        "links": links,
        # Masked, as every answer but the pay file shows them; the partner sees its own in the portal.
        "payout_details": _payment_details(agent_id),
    }
    entry = changes.record(
        agent.program_id, by=by, subject=f"partner:{agent_id}", action="export", before=None, after={"exported": True}
    )
    entry.save()
    return document


def _payment_details(agent_id: str) -> dict[str, Any] | None:
    details = payouts.details_of(agent_id)
    return None if details is None else {**payouts.shown(details), "updated_at": details.updated_at}


def erase(agent_id: str, *, by: str) -> Agent:
    """Pseudonymise the partner and delete its login; conversions keep its code for the books."""
    agent = get_partner(agent_id)
    if agent.erased_at:
        raise AlreadyErased(wording.ALREADY_ERASED())
    now = utcnow()
    status = PartnerStatus.SUSPENDED if agent.status == PartnerStatus.ACTIVE else agent.status
    actions = [
        Agent.name.set(ERASED_NAME),
        Agent.email.remove(),
        Agent.website.remove(),
        Agent.cognito_sub.remove(),
        Agent.status.set(status),
        Agent.status_created.set(f"{status}#{agent.created_at}"),
        Agent.erased_at.set(iso(now)),
        Agent.updated_at.set(iso(now)),
    ]
    entry = changes.record(
        agent.program_id,
        by=by,
        subject=f"partner:{agent_id}",
        action="erase",
        before={"status": agent.status},
        after={"status": status, "personal_data": "erased"},
        now=now,
    )
    # The login goes first, while the address that names it is still stored: a failure here leaves
    # the partner as it was, to be erased again.
    if agent.email:
        accounts.forget_partner_login(agent.email, agent.agent_id)
    try:
        with TransactWrite(connection=connection()) as transaction:
            transaction.update(agent, actions=actions, condition=Agent.erased_at.does_not_exist())
            transaction.save(entry)
            # Payout lines already paid keep the account they paid to: the books need it, as conversions
            # keep the partner's code (docs/security.md "Personal data").
            transaction.delete(PaymentDetails(*PaymentDetails.key(agent_id)))
    except TransactWriteError as error:
        if error.cause_response_code == "TransactionCanceledException":
            raise AlreadyErased(wording.ALREADY_ERASED()) from error
        raise
    forget_cached(agent)
    return get_partner(agent_id)
