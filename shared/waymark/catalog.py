"""Link, partner, program, advertiser and coupon code lookups for the request paths, cached in the warm container.

A warm click reads nothing; a miss costs one GetItem per kind. Items are read with the
shared botocore client and decoded by the PynamoDB models, so there is one schema and one
client. Changes reach warm containers within the TTL (docs/operators.md "Limits").
"""

from pynamodb.models import Model

from waymark.core import aws
from waymark.core.cache import TTLCache
from waymark.models import Advertiser, Agent, Coupon, Link, Program

LOOKUP_TTL_SECONDS = 60.0

_links: TTLCache[Link | None] = TTLCache(LOOKUP_TTL_SECONDS)
_agents: TTLCache[Agent | None] = TTLCache(LOOKUP_TTL_SECONDS)
_programs: TTLCache[Program | None] = TTLCache(LOOKUP_TTL_SECONDS)
_advertisers: TTLCache[Advertiser | None] = TTLCache(LOOKUP_TTL_SECONDS)
_coupons: TTLCache[Coupon | None] = TTLCache(LOOKUP_TTL_SECONDS)


def _get[M: Model](model: type[M], key: dict) -> M | None:
    item = aws.client("dynamodb").get_item(TableName=model.Meta.table_name, Key=key).get("Item")
    return model.from_raw_data(item) if item else None


def _config_key(key: tuple[str, str]) -> dict:
    return {"pk": {"S": key[0]}, "sk": {"S": key[1]}}


def link(code: str) -> Link | None:
    return _links.get_or_load(code, lambda: _get(Link, {"code": {"S": code}}))


def agent(agent_id: str) -> Agent | None:
    return _agents.get_or_load(agent_id, lambda: _get(Agent, {"agent_id": {"S": agent_id}}))


def program(program_id: str) -> Program | None:
    return _programs.get_or_load(program_id, lambda: _get(Program, _config_key(Program.key(program_id))))


def advertiser(advertiser_id: str) -> Advertiser | None:
    return _advertisers.get_or_load(advertiser_id, lambda: _get(Advertiser, _config_key(Advertiser.key(advertiser_id))))


def coupon(program_id: str, code: str) -> Coupon | None:
    """A program's coupon code (normalized): a paused one stops crediting within the TTL."""
    return _coupons.get_or_load((program_id, code), lambda: _get(Coupon, _config_key(Coupon.key(program_id, code))))


def forget_link(code: str) -> None:
    """After this container changed a link: its next lookup reads the table again."""
    _links.forget(code)


def forget_agent(agent_id: str) -> None:
    _agents.forget(agent_id)


def forget_program(program_id: str) -> None:
    _programs.forget(program_id)


def forget_advertiser(advertiser_id: str) -> None:
    _advertisers.forget(advertiser_id)


def forget_coupon(program_id: str, code: str) -> None:
    _coupons.forget((program_id, code))
