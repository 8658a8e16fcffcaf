"""The click path's I/O around rules.decide: cached lookups, then one conditional PutItem."""

import os
from datetime import datetime

from waymark.click import lookups, rules
from waymark.click.rules import ClickOutcome, ClickRequest
from waymark.core import durable, ids, times


def track_click(request: ClickRequest, now: datetime | None = None) -> ClickOutcome:
    """Decide where the visitor goes and store the session. Raises only when lookups fail with nothing cached."""
    link = lookups.link(request.code) if ids.is_code(request.code) else None
    agent = lookups.agent(link.agent_id) if link else None
    program = lookups.program(link.program_id) if link else None
    outcome = rules.decide(request, link, agent, program, now or times.utcnow())
    if outcome.session is not None:
        stored = durable.put_new(os.environ["SESSIONS_TABLE"], outcome.session.to_item())
        outcome.kept_for_replay = not stored
    return outcome
