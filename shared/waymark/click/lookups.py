"""The click path's cached lookups: one GetItem per kind on a miss, nothing on a hit.

Like waymark.catalog, but returning the light views of waymark.click.projections, so the click function
never imports PynamoDB. Changes reach warm containers within the TTL (docs/operators.md "Limits").
"""

import os

from waymark.click.projections import AgentView, LinkView, ProgramView
from waymark.core import aws
from waymark.core.cache import TTLCache
from waymark.core.table_keys import program_key

LOOKUP_TTL_SECONDS = 60.0

_links: TTLCache[LinkView | None] = TTLCache(LOOKUP_TTL_SECONDS)
_agents: TTLCache[AgentView | None] = TTLCache(LOOKUP_TTL_SECONDS)
_programs: TTLCache[ProgramView | None] = TTLCache(LOOKUP_TTL_SECONDS)


def _get(table_env: str, key: dict) -> dict | None:
    return aws.client("dynamodb").get_item(TableName=os.environ[table_env], Key=key).get("Item")


def link(code: str) -> LinkView | None:
    def load() -> LinkView | None:
        item = _get("LINKS_TABLE", {"code": {"S": code}})
        return LinkView.from_item(item) if item else None

    return _links.get_or_load(code, load)


def agent(agent_id: str) -> AgentView | None:
    def load() -> AgentView | None:
        item = _get("AGENTS_TABLE", {"agent_id": {"S": agent_id}})
        return AgentView.from_item(item) if item else None

    return _agents.get_or_load(agent_id, load)


def program(program_id: str) -> ProgramView | None:
    def load() -> ProgramView | None:
        pk, sk = program_key(program_id)
        item = _get("CONFIG_TABLE", {"pk": {"S": pk}, "sk": {"S": sk}})
        return ProgramView.from_item(item) if item else None

    return _programs.get_or_load(program_id, load)
