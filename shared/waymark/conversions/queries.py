"""Conversions for the portal and the admin screens: a partner's month, a program's month. No scans.

Both are Queries on a ConversionsTable index (agent-index, program-index) with the month as
a `begins_with` on created_at; program filters (status, channel, partner) are filter
expressions on that one month. Pages are continued with an opaque cursor that is only
accepted for the same partner or program it came from.

By partner name: one Query of the program's partners (program-status-index, names only) picks
those whose name matches, then one agent-index Query per partner (at most MAX_NAMED_PARTNERS):
a single bounded page, newest first, that says when it left something out.
"""

import base64
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from waymark import wording
from waymark.conversions.vocabulary import ConversionStatus
from waymark.core import times
from waymark.models import Agent, Conversion

MAX_PAGE = 100
MAX_NAMED_PARTNERS = 10  # partners whose conversions a name filter reads; a longer list asks for a closer name
MAX_PARTNERS_READ = 5000  # names read to match (a program's partners, names only)


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


@dataclass(frozen=True)
class NamedPage:
    conversions: list[Conversion]
    partners: list[str]  # the matching partners' ids read (at most MAX_NAMED_PARTNERS)
    truncated: bool  # more partners matched, or they have more conversions than the page shows


def partners_named(program_id: str, name: str) -> tuple[list[str], bool]:
    """Ids of the program's partners whose name contains every word of `name` (ignoring case), and
    whether more than MAX_NAMED_PARTNERS matched. One Query reading names only."""
    words = name.casefold().split()
    if not words:
        raise BadQuery(wording.QUERY_NAME_PART())
    matches: list[str] = []
    found = Agent.by_program_status.query(
        program_id, attributes_to_get=["agent_id", "name"], limit=MAX_PARTNERS_READ, page_size=500
    )
    for agent in found:
        if all(word in (agent.name or "").casefold() for word in words):
            matches.append(agent.agent_id)
            if len(matches) > MAX_NAMED_PARTNERS:
                return matches[:MAX_NAMED_PARTNERS], True
    return matches, False


def conversions_of_partners_named(
    program_id: str,
    month: str,
    name: str,
    *,
    status: str | None = None,
    channel: str | None = None,
    limit: int = 50,
) -> NamedPage:
    """The newest `limit` conversions in `month` of the program's partners named like `name`."""
    if not 1 <= limit <= MAX_PAGE:
        raise BadQuery(wording.QUERY_LIMIT(maximum=MAX_PAGE))
    agent_ids, truncated = partners_named(program_id, name)
    condition = Conversion.program_id == program_id
    for attribute, value in ((Conversion.status, status), (Conversion.channel, channel)):
        if value is not None:
            condition = condition & (attribute == value)
    found: list[Conversion] = []
    for agent_id in agent_ids:
        page = _month(Conversion.by_agent, "agent_id", agent_id, month, condition, limit, None)
        found += page.conversions
        truncated = truncated or page.cursor is not None
    found.sort(key=lambda conversion: conversion.created_at, reverse=True)
    return NamedPage(found[:limit], agent_ids, truncated or len(found) > limit)


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
        raise BadQuery(wording.QUERY_MONTH())
    if not 1 <= limit <= MAX_PAGE:
        raise BadQuery(wording.QUERY_LIMIT(maximum=MAX_PAGE))
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
        raise BadQuery(wording.QUERY_CURSOR()) from None
    return key
