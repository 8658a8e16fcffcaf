"""A program with every kind of caller the portal meets, and clients that act as them."""

import gzip
import json
import re
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import cache
from types import SimpleNamespace
from unittest import mock

import boto3
import jwt
import pytest

from tests.conftest import MOTO_COGNITO_KEYS
from tests.helpers.programs import make_agent, make_link, make_program
from tests.helpers.web import WebClient

ADMIN = ("ops@example.com", "Operator-pass-1")


def _moto_private_key():
    document = gzip.decompress((MOTO_COGNITO_KEYS / "jwks-private.json.gz").read_bytes())
    return jwt.PyJWK.from_dict(json.loads(document)).key


_PRIVATE_KEY = _moto_private_key()


def id_token(*, email: str, groups: list[str], agent_id: str | None = None, sub: str | None = None) -> str:
    """An ID token exactly like the user pool's (moto signs with this key), without a Cognito round trip."""
    from waymark.web import auth

    now = int(time.time())
    claims = {
        "iss": auth.issuer(),
        "aud": auth.client_id(),
        "sub": sub or str(uuid.uuid4()),
        "token_use": "id",
        "iat": now,
        "exp": now + 3600,
        "email": email,
        "origin_jti": str(uuid.uuid4()),
        "cognito:groups": groups,
    }
    if agent_id:
        claims["custom:agent_id"] = agent_id
    return jwt.encode(claims, _PRIVATE_KEY, algorithm="RS256", headers={"kid": "dummy"})


def partner_token(agent) -> str:
    return id_token(email=agent.email, groups=["partners"], agent_id=agent.agent_id)


def admin_token() -> str:
    return id_token(email=ADMIN[0], groups=["admins"])


@pytest.fixture
def world(aws, runtime):
    """Program `demo` (the default) with partners A (affiliate), B (concierge), a pending and a suspended one."""
    return build_world(aws, runtime)


def build_world(stack, runtime) -> SimpleNamespace:
    program = make_program("demo", name="Demo Tours")
    a = make_agent(program, name="Alpha Blog", email="a@example.com", partner_type="affiliate")
    b = make_agent(program, name="Bravo Hotel", email="b@example.com", partner_type="concierge")
    pending = make_agent(program, name="Pending Partner", email="pending@example.com", status="pending")
    suspended = make_agent(program, name="Suspended Partner", email="suspended@example.com", status="suspended")
    a_link = make_link(a, program, destination="https://www.example.com/tours/a", name="A's tour")
    b_link = make_link(b, program, destination="https://www.example.com/tours/b", name="B's tour")
    return SimpleNamespace(
        stack=stack,
        runtime=runtime,
        program=program,
        a=a,
        b=b,
        pending=pending,
        suspended=suspended,
        a_link=a_link,
        b_link=b_link,
    )


def client(world, token: str | None = None, *, cookie: bool = True) -> WebClient:
    """A browser with the login's session cookie (cookie=True) or an API client with a Bearer token."""
    web_client = WebClient(world.stack, world.runtime)
    if token and cookie:
        web_client.cookies["wm_session"] = token
    elif token:
        web_client.bearer = token
    return web_client


@pytest.fixture
def as_a(world) -> WebClient:
    return client(world, partner_token(world.a))


@pytest.fixture
def as_b(world) -> WebClient:
    return client(world, partner_token(world.b))


@pytest.fixture
def as_admin(world) -> WebClient:
    return client(world, admin_token())


@pytest.fixture
def api_a(world) -> WebClient:
    return client(world, partner_token(world.a), cookie=False)


@pytest.fixture
def api_b(world) -> WebClient:
    return client(world, partner_token(world.b), cookie=False)


@pytest.fixture
def api_admin(world) -> WebClient:
    return client(world, admin_token(), cookie=False)


@cache
def aws_client(service: str):
    """A test's own boto3 client, made once (making one costs more than most requests)."""
    return boto3.client(service)


def _tables() -> list[str]:
    from waymark.models import Agent, Conversion, Link, Program

    return [model.Meta.table_name for model in (Agent, Link, Program, Conversion)]


def stored_state() -> dict[str, list[str]]:
    """Every partner, link, config item and conversion as stored (a test-only scan), to prove nothing changed."""
    dynamodb = aws_client("dynamodb")
    return {
        table: sorted(json.dumps(item, sort_keys=True) for item in dynamodb.scan(TableName=table)["Items"])
        for table in _tables()
    }


def restore_state(saved: dict[str, list[str]]) -> None:
    """Put the partner, link and config tables back as `saved` had them (cheaper than a new embedded AWS)."""
    from tests.conftest import reset_process_state

    dynamodb = aws_client("dynamodb")
    for table in _tables():
        keys = [k["AttributeName"] for k in dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]]
        for item in dynamodb.scan(TableName=table)["Items"]:
            dynamodb.delete_item(TableName=table, Key={k: item[k] for k in keys})
        for item in saved[table]:
            dynamodb.put_item(TableName=table, Item=json.loads(item))
    reset_process_state()


# ----------------------------------------------------------------------------- figures for the report pages

NOW = datetime(2026, 5, 25, 12, 0, tzinfo=UTC)  # "now" for report pages: May 2026 is this month
MONTH = "2026-05"


@contextmanager
def frozen_now(moment: datetime = NOW):
    """The pages' clock (waymark.core.times.utcnow) stopped at `moment`: "this month" and "the last 30 days" known."""
    with mock.patch("waymark.core.times.utcnow", return_value=moment):
        yield moment


def add_activity(world) -> SimpleNamespace:
    """Clicks and sales of A and B in May 2026 (and a sale nobody earned), counted by the real stream consumer."""
    from devstack.pumps import StreamPump
    from tests.helpers.reporting import T0, click, sale

    program, a, b = world.program.program_id, world.a.agent_id, world.b.agent_id
    click(program, a, world.a_link.code, sub1="spring", visitor="visitor-a1")
    click(program, a, world.a_link.code, at=T0 + timedelta(days=1), visitor="visitor-a2", source="newsletter")
    click(program, b, world.b_link.code, sub1="bravo-desk", visitor="visitor-b1")
    a_sale = sale(program, a, "o-a1", amount="200.00", commission="20.00", link_code=world.a_link.code, sub1="spring")
    b_sale = sale(
        program, b, "o-b1", amount="80.00", commission="8.00", channel="concierge", link_code=world.b_link.code
    )
    sale(
        program,
        None,
        "o-x1",
        amount="50.00",
        commission="0",
        channel="phone",
        status="rejected",
        reason="no_attribution",
    )
    StreamPump(world.stack, world.runtime).drain()
    world.a_sale, world.b_sale = a_sale.conversion_id, b_sale.conversion_id
    return world


def figure(body: str, name: str) -> str:
    """The text of one figure card (data-figure="name") on a page."""
    found = re.search(rf'data-figure="{name}">([^<]*)<', body)
    assert found, f"no figure {name}"
    return found.group(1)


@contextmanager
def world_with_figures():
    """A fresh embedded AWS holding the world and its figures, the pages' clock at NOW: for module-scoped
    fixtures that let many read-only cases share one world (building one costs about a second)."""
    from moto import mock_aws

    from devstack.provision import provision
    from tests.conftest import RUNTIME, STACK, reset_process_state

    with mock_aws():
        provision(STACK)
        RUNTIME.prepare()
        reset_process_state()
        world = add_activity(build_world(STACK, RUNTIME))
        with frozen_now():
            yield world


@pytest.fixture
def activity(world):
    """The world with figures, and the pages' clock at NOW."""
    with frozen_now():
        yield add_activity(world)
