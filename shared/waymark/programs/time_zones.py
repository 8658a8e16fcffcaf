"""Each person's own time zone, the one its pages show times in: a partner's on its Agent item, an
operator's on its OperatorProfile item (the Config table's OPERATOR#<sub> partition).

Only the IANA database's names are stored (waymark.core.times.zone_named). None means "not
chosen": pages then use the browser's zone (docs/partners.md "Times"). Every choice is written in
the same transaction as its change record, in the program's record: a partner's in its own
program, an operator's in the program the console is showing.
"""

from pynamodb.exceptions import DoesNotExist
from pynamodb.transactions import TransactWrite

from waymark import catalog, wording
from waymark.core import times
from waymark.core.times import iso, utcnow
from waymark.models import Agent, OperatorProfile, connection
from waymark.programs import changes


class ZoneRefused(ValueError):
    """Not a time zone name; nothing was stored."""


def checked(name: str | None) -> str | None:
    """The zone chosen (None: the browser's), or ZoneRefused."""
    if not name:
        return None
    zone = times.zone_named(name)
    if zone is None:
        raise ZoneRefused(wording.TIME_ZONE_UNKNOWN())
    return zone


def of_operator(sub: str) -> str | None:
    """The zone an operator chose, or None."""
    try:
        profile = OperatorProfile.get(*OperatorProfile.key(sub))
    except DoesNotExist:
        return None
    return times.zone_named(profile.time_zone)


def set_for_partner(agent: Agent, name: str | None, *, by: str) -> str | None:
    """A partner's own choice (None: its browser's), recorded in its program's change record."""
    zone = checked(name)
    if zone == agent.time_zone:
        return zone
    now = utcnow()
    record = changes.record(
        agent.program_id,
        by=by,
        subject=f"partner:{agent.agent_id}",
        action="update",
        before={"time_zone": agent.time_zone},
        after={"time_zone": zone},
        now=now,
    )
    actions = [Agent.time_zone.set(zone) if zone else Agent.time_zone.remove(), Agent.updated_at.set(iso(now))]
    with TransactWrite(connection=connection()) as transaction:
        transaction.update(Agent(agent.agent_id), actions=actions, condition=Agent.agent_id.exists())
        transaction.save(record)
    catalog.forget_agent(agent.agent_id)  # this container's next page reads the new zone
    return zone


def set_for_operator(sub: str, email: str, name: str | None, *, program_id: str) -> str | None:
    """An operator's own choice (None: its browser's), recorded in the change record of `program_id`."""
    zone = checked(name)
    before = of_operator(sub)
    if zone == before:
        return zone
    now = utcnow()
    record = changes.record(
        program_id,
        by=email,
        subject=f"operator:{email}",
        action="update",
        before={"time_zone": before},
        after={"time_zone": zone},
        now=now,
    )
    profile = OperatorProfile(*OperatorProfile.key(sub), email=email, time_zone=zone, updated_at=iso(now))
    with TransactWrite(connection=connection()) as transaction:
        transaction.save(profile)
        transaction.save(record)
    return zone
