"""The click path's I/O around clicks.decide: cached lookups, then one conditional PutItem."""

import dataclasses
from datetime import UTC, datetime

from waymark import catalog, clicks, durable, ids
from waymark.clicks import ClickOutcome, ClickRequest
from waymark.models import Session


def track_click(request: ClickRequest, now: datetime | None = None) -> ClickOutcome:
    """Decide where the visitor goes and store the session. Raises only when lookups fail with nothing cached."""
    link = catalog.link(request.code) if ids.is_code(request.code) else None
    agent = catalog.agent(link.agent_id) if link else None
    program = catalog.program(link.program_id) if link else None
    outcome = clicks.decide(request, link, agent, program, now or datetime.now(UTC))
    if outcome.session is not None:
        stored = durable.put_new(Session.Meta.table_name, outcome.session.serialize(), "click_id")
        if not stored:
            outcome = dataclasses.replace(outcome, kept_for_replay=True)
    return outcome
