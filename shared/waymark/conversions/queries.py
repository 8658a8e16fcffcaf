"""Conversions for the portal and the admin screens: a partner's month, a program's month. No scans.

Both are Queries on a ConversionsTable index (agent-index, program-index) with the month as
a `begins_with` on created_at; program filters (status, channel, partner) are filter
expressions on that one month. Pages are continued with an opaque cursor that is only
accepted for the same partner or program it came from.
"""

import base64
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from waymark.conversions.vocabulary import ConversionStatus
from waymark.core import times
from waymark.models import Conversion

MAX_PAGE = 100


class BadQuery(ValueError):
    pass


@dataclass(frozen=True)
class Page:
    conversions: list[Conversion]
    cursor: str | None  # pass back for the next page; None: this was the last page


def conversions_of_agent(agent_id: str, month: str, *, limit: int = 50, cursor: str | None = None) -> Page:
    """A partner's conversions created in `month` ("YYYY-MM", UTC), newest first."""
    return _month(Conversion.by_agent, "agent_id", agent_id, month, None, limit, cursor)


def conversions_of_program(
    program_id: str,
    month: str,
    *,
    status: str | None = None,
    channel: str | None = None,
    agent_id: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Page:
    """A program's conversions created in `month`, newest first, optionally of one status, channel or partner."""
    condition = None
    for attribute, value in (
        (Conversion.status, status),
        (Conversion.channel, channel),
        (Conversion.agent_id, agent_id),
    ):
        if value is not None:
            condition = attribute == value if condition is None else condition & (attribute == value)
    return _month(Conversion.by_program, "program_id", program_id, month, condition, limit, cursor)


def commission_totals(agent_id: str, month: str) -> dict[str, dict[str, Decimal]]:
    """A partner's commission in `month` by status ("pending", "approved") and currency."""
    totals: dict[str, dict[str, Decimal]] = {
        ConversionStatus.PENDING: defaultdict(Decimal),
        ConversionStatus.APPROVED: defaultdict(Decimal),
    }
    for conversion in _all_of_agent(agent_id, month):
        if conversion.status in totals:
            totals[conversion.status][conversion.currency] += conversion.commission
    return {status: dict(by_currency) for status, by_currency in totals.items()}


def _all_of_agent(agent_id: str, month: str) -> Iterator[Conversion]:
    cursor = None
    while True:
        page = conversions_of_agent(agent_id, month, limit=MAX_PAGE, cursor=cursor)
        yield from page.conversions
        if page.cursor is None:
            return
        cursor = page.cursor


def _month(index, owner_name: str, owner: str, month: str, condition, limit: int, cursor: str | None) -> Page:
    """One page of an index's conversions of `owner` created in `month`, newest first."""
    if not times.MONTH.fullmatch(month or ""):
        raise BadQuery("month reads YYYY-MM")
    if not 1 <= limit <= MAX_PAGE:
        raise BadQuery(f"limit is between 1 and {MAX_PAGE}")
    results = index.query(
        owner,
        Conversion.created_at.startswith(month),
        filter_condition=condition,
        scan_index_forward=False,
        limit=limit,
        page_size=limit,
        last_evaluated_key=_decode(cursor, owner_name, owner),
    )
    conversions = list(results)
    key = results.last_evaluated_key
    return Page(conversions, _encode(key) if key else None)


def _encode(key: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str | None, owner_name: str, owner: str) -> dict | None:
    if not cursor:
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(key, dict) or key.get(owner_name) != {"S": owner}:
            raise ValueError
    except ValueError:
        raise BadQuery("the cursor is not valid here") from None
    return key
